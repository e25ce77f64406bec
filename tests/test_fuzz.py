"""Fuzzing: whatever Python it is given, the plugin never raises and ``executor-fix`` never corrupts.

Programs come from three sources, and go in as text and as bytes:

- ``hypothesmith.from_grammar()`` and ``hypothesmith.from_node()``: arbitrary valid Python, mostly
  without a finding; the engine and the fixer must take it without raising and leave it untouched.
  Wrapped in a coroutine next to blocking calls, the same code goes through the libcst rewrite too.
- ``catalog_modules()``: async code rich in catalog calls, built from ``flake8_executor.catalog`` (every
  qualified name, through every import style: plain, aliased, ``from`` import, none, late, local)
  and placed in the spots where ``await``, parentheses and imports go wrong: every expression context,
  nested blocks, comprehensions, lambdas, defaults, decorators, ``match``, ``with``, f-strings, noqa
  comments, semicolons, backslash continuations, non-ASCII text, tabs, executor calls of every shape.
- The same programs as bytes: CRLF line endings, a BOM, a latin-1 coding cookie.

The properties (``check_module``): the plugin and the engine return, with findings inside the file;
``fix_source`` returns (``BrokenFix`` is a failure), its output parses with ``ast`` and libcst, compiles
when the input compiles, and a second run changes nothing; a run that fixes nothing returns its input;
at the bytes level a file with no findings comes back as the same bytes, and fixing a CRLF, BOM or
latin-1 file gives the LF result converted the same way. Between two flake8 runs
(``check_after_fix``), a default ``executor-fix`` run leaves no finding it called fixed and adds none
(``tests/test_fix_safety.py`` checks the same over the fixtures).

Example counts are bounded for CI (``bounded``); the ``*_long`` versions run many more behind
``--run-slow`` (``long_run``). No example database: the suite leaves nothing behind in the work tree.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import hypothesmith
import libcst
import pytest
from flake8.main.cli import main as flake8_main
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from flake8_executor import catalog
from flake8_executor.command.cli import main as fixer_main
from flake8_executor.command.job import FileJob, Mode, fix_bytes
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.fix.pipeline import fix_source
from flake8_executor.plugin import ExecutorChecker
from flake8_executor.rules.registry import CODES, OFF_BY_DEFAULT
from flake8_executor.selection import Selection

# hypothesmith compiles what it generates: `1()` and the like warn, and say nothing about us.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

Test = TypeVar("Test", bound=Callable[..., Any])

_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


def bounded(examples: int) -> Callable[[Test], Test]:
    """Hypothesis settings for the default suite: a bounded number of examples.

    The counts keep the default suite within its 90 seconds on two cores, on every Python of the
    matrix; each property has a ``long_run`` twin with thousands of examples behind ``--run-slow``.
    """
    return settings(max_examples=examples, **_COMMON)


def long_run(examples: int) -> Callable[[Test], Test]:
    """Hypothesis settings for ``--run-slow``: many examples, marked slow."""

    def decorate(test: Test) -> Test:
        return pytest.mark.slow(settings(max_examples=examples, **_COMMON)(test))

    return decorate


# --- the properties ---------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _compiles(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for `1()` and the like
        try:
            compile(source, "<fuzz>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def run_plugin(tree: ast.Module, source: str, options: Settings) -> list[tuple[int, int, str]]:
    """The flake8 adapter as flake8 calls it, with these settings."""
    checker = ExecutorChecker(tree, source.splitlines(keepends=True))
    checker.settings = options  # what parse_options would have set from the command line
    checker.targets = None  # these settings as they are, with no per-file target version
    checker.opted_in = frozenset(OFF_BY_DEFAULT)  # as with --extend-select=AEX206
    return [(line, col, text) for line, col, text, _ in checker.run()]


def check_module(
    source: str, options: Settings | None = None, selection: Selection | None = None
) -> None:
    options = options or Settings()
    selection = selection or Selection()
    tree = ast.parse(source)
    line_count = len(_LINE_BREAK.split(source))

    for line, col, text in run_plugin(tree, source, options):
        assert 1 <= line <= line_count, (line, text)
        assert col >= 0, (col, text)
        assert text[:6] in CODES, text
    findings = analyze(tree, options, source)

    result = fix_source(source, options, selection)  # raises BrokenFix if a pass would not parse
    # --hypothesis-show-statistics shows how much of the generated code the fixer really rewrote.
    event("findings" if findings else "no finding")
    event("rewritten" if result.fixed else "not rewritten")
    for code in sorted({outcome.finding.code for outcome in result.fixed}):
        event(f"fixed {code}")
    ast.parse(result.text)
    libcst.parse_module(result.text)
    if _compiles(source):
        assert _compiles(result.text), result.text
    if not result.fixed:
        assert result.text == source
    if not findings:
        assert result.text == source and not result.unfixed

    again = fix_source(result.text, options, selection)
    assert again.text == result.text, "a second run changed the output"
    assert not again.fixed


# --- hypothesmith: arbitrary Python -------------------------------------------------------------

# ``from_grammar()`` has Lark build its LALR tables, about two seconds on each call: the tests share
# one strategy, built when a test first draws from it rather than when the module is collected.
PROGRAMS: st.SearchStrategy[str] = st.deferred(hypothesmith.from_grammar)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
        libcst.parse_module(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, libcst.ParserSyntaxError):
        return False
    return True


@bounded(30)
@given(source=PROGRAMS)
def test_grammar_programs(source: str) -> None:
    assume(_parses(source))
    check_module(source)


@long_run(5000)
@given(source=PROGRAMS)
def test_grammar_programs_long(source: str) -> None:
    assume(_parses(source))
    check_module(source)


# Three: drawing from ``from_node()`` costs hypothesis a quarter to three quarters of a second per
# example (mostly rejected draws), for programs of a few dozen characters; the long run draws 1000.
@bounded(3)
@given(source=hypothesmith.from_node())
def test_node_programs(source: str) -> None:
    assume(_parses(source))
    check_module(source)


@long_run(1000)
@given(source=hypothesmith.from_node())
def test_node_programs_long(source: str) -> None:
    assume(_parses(source))
    check_module(source)


WRAP_HEADER = (
    "import asyncio\nimport json\nimport subprocess\nimport time\n\nimport requests\n\n\n"
    "async def _fuzzed(url, body):\n"
)


def in_a_coroutine(program: str, position: int) -> str:
    """``program`` as the body of a coroutine, between blocking calls the fixer rewrites."""
    body = [f"    {line}" if line.strip() else line for line in program.splitlines()]
    position = min(position, len(body))
    calls = ["    time.sleep(1)", "    subprocess.run(['true'])", "    x = requests.get(url)"]
    body[position:position] = calls
    return (
        WRAP_HEADER
        + "\n".join(["    time.sleep(0.01)", *body, "    return requests.get(url)"])
        + "\n"
    )


@bounded(10)
@given(program=PROGRAMS, position=st.integers(0, 20))
def test_grammar_programs_in_a_coroutine(program: str, position: int) -> None:
    source = in_a_coroutine(program, position)
    assume(_parses(source))
    check_module(source, Settings(process_pool="POOL"))


@long_run(3000)
@given(program=PROGRAMS, position=st.integers(0, 20))
def test_grammar_programs_in_a_coroutine_long(program: str, position: int) -> None:
    source = in_a_coroutine(program, position)
    assume(_parses(source))
    check_module(source, Settings(process_pool="POOL"))


def around_expression(expression: str) -> str:
    """An arbitrary expression as the argument of blocking calls, in a coroutine."""
    return (
        WRAP_HEADER
        + f"    x = requests.get({expression})\n"
        + f"    time.sleep({expression})\n"
        + f"    y = json.loads({expression}, strict=False)\n"
        + f"    return subprocess.run({expression}).stdout\n"
    )


def expressions_of(program: str) -> list[str]:
    """The expressions of a hypothesmith program, as written (the grammar's ``eval_input`` start
    rarely yields a valid one, and a composite strategy around ``from_grammar()`` is very slow)."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    segments = {
        segment
        for node in ast.walk(tree)
        if isinstance(node, ast.expr)
        and (segment := ast.get_source_segment(program, node)) is not None
    }
    return sorted(segments)[:4]


def check_expressions(program: str) -> None:
    expressions = expressions_of(program)
    assume(expressions)
    for expression in expressions:
        source = around_expression(expression)
        if _parses(source):
            check_module(source, Settings(process_pool="POOL"))


@bounded(3)
@given(program=PROGRAMS)
def test_grammar_expressions_as_arguments(program: str) -> None:
    check_expressions(program)


@long_run(1000)
@given(program=PROGRAMS)
def test_grammar_expressions_as_arguments_long(program: str) -> None:
    check_expressions(program)


def test_generator_argument_is_parenthesized() -> None:
    source = (
        "import requests\n\n\nasync def main(items):\n    return requests.get(x for x in items)\n"
    )
    result = fix_source(source, Settings())
    assert "asyncio.to_thread(requests.get, (x for x in items))" in result.text
    ast.parse(result.text)
    assert fix_source(result.text, Settings()).text == result.text


# --- catalog-rich async code ----------------------------------------------------------------------


@dataclass
class Module:
    """What a generated module needs besides its coroutine: imports by placement."""

    indent: str
    spellings: dict[str, str] = field(default_factory=dict)  # qualified name -> as written
    module_styles: dict[str, str] = field(default_factory=dict)
    imports: dict[str, list[str]] = field(
        default_factory=lambda: {"top": [], "late": [], "local": []}
    )
    counter: int = 0


IMPORT_STYLES = ("plain", "alias", "from", "from-alias", "none")
PLACEMENTS = ("top", "top", "top", "late", "local")
BUILTINS = frozenset({"open", "input"})
CATALOG_NAMES = sorted(catalog.CALLS)
EXTRA_CALLS = "mylib.client.fetch=io,mylib.img.render=cpu-holds-gil,mylib.nap=sleep"
EXTRA_NAMES = ("mylib.client.fetch", "mylib.img.render", "mylib.nap")
# Drawn more often than the rest of the catalog: one per fix action, the common ones.
HEADLINERS = (
    "time.sleep",
    "requests.get",
    "subprocess.run",
    "open",
    "input",
    "json.loads",
    "hashlib.sha256",
    "urllib.request.urlopen",
)


def spell(draw: st.DrawFn, module: Module, qualified: str) -> str:
    """How the code names ``qualified``; the import style is drawn once per module (or name)."""
    if qualified in module.spellings:
        return module.spellings[qualified]
    if qualified in BUILTINS:
        module.spellings[qualified] = qualified
        return qualified
    owner, _, attribute = qualified.rpartition(".")
    style = module.module_styles.get(owner) or draw(st.sampled_from(IMPORT_STYLES))
    placement = draw(st.sampled_from(PLACEMENTS))
    module.counter += 1
    line = ""
    if style == "plain":
        line, spelled = f"import {owner}", qualified
    elif style.startswith("alias"):
        if style == "alias":  # the first name of this module: name the alias
            style = f"alias m{module.counter}"
            line = f"import {owner} as m{module.counter}"
        spelled = f"{style.split()[1]}.{attribute}"
    elif style == "from":
        line, spelled = f"from {owner} import {attribute}", attribute
    elif style == "from-alias":
        alias = f"f{module.counter}"
        line, spelled = f"from {owner} import {attribute} as {alias}", alias
    else:
        spelled = qualified
    if not style.startswith("from"):
        module.module_styles[owner] = style
    if line and line not in module.imports[placement]:
        module.imports[placement].append(line)
    module.spellings[qualified] = spelled
    return spelled


ARGUMENTS = (
    "",
    "url",
    "url, timeout=3",
    "*args",
    "**kw",
    "url, *args, flag=flag, **kw",
    "body",
    "path",
    "'caf\u00e9 \u4e2d \U0001f600'",
    "b'bytes'",
    "data, 9",
    "(x for x in items)",
    "x for x in items",
    "[x for x in items]",
    "lambda: url",
    "url if flag else body",
    "(yield)",
    "(seen := url)",
    "await other()",
    "f'{url!r:>{width}}'",
    "\n        url,  # the url\n        data=body,\n    ",
    "url, \\\n        timeout=3",
    "url,",
)


@st.composite
def blocking_call(draw: st.DrawFn, module: Module, depth: int = 0) -> str:
    """A call that blocks (or a reference passed to an executor), spelled as the module imports it."""
    choice = draw(st.integers(0, 9))
    if choice <= 4:
        names = HEADLINERS if choice <= 1 else CATALOG_NAMES + list(EXTRA_NAMES)
        callee = spell(draw, module, draw(st.sampled_from(names)))
    elif choice == 5:
        callee = draw(
            st.sampled_from(
                [
                    "session.get",
                    "SESSION.post",
                    "client.get",
                    "client.stream",
                    "pool_manager.request",
                    "p.read_text",
                    "(p / 'x').write_bytes",
                    "p.parent.open",
                    "proc.wait",
                    "proc.communicate",
                    "fut.result",
                    "fut.exception",
                    "self.session.get",
                    "self.pool.submit",
                    "result.get",
                    "send_mail.delay",
                    "send_mail.apply_async",
                ]
            )
        )
    else:
        return draw(executor_call(module, depth))
    if draw(st.integers(0, 9)) == 0:
        callee = f"({callee})"
    if depth < 2 and draw(st.integers(0, 5)) == 0:
        arguments = draw(blocking_call(module, depth + 1))
    else:
        arguments = draw(st.sampled_from(ARGUMENTS))
    return f"{callee}({arguments})"


EXECUTORS = (
    "None",
    "POOL",
    "THREADS",
    "self.pool",
    "ProcessPoolExecutor()",
    "pool_arg",
    "loop_pool",
)


@st.composite
def executor_call(draw: st.DrawFn, module: Module, depth: int = 0) -> str:
    reference = spell(draw, module, draw(st.sampled_from(CATALOG_NAMES + list(EXTRA_NAMES))))
    function = draw(
        st.sampled_from(
            [
                reference,
                f"lambda: {reference}(url)",
                f"functools.partial({reference}, url, timeout=3)",
                "inner_helper",
                "print",
                "module_helper",
                f"functools.partial(lambda: {reference}(url))",
            ]
        )
    )
    executor = draw(st.sampled_from(EXECUTORS))
    arguments = draw(st.sampled_from(["", ", url", ", url, timeout=3", ", *args", ", **kw"]))
    shapes = [
        f"loop.run_in_executor({executor}, {function}{arguments})",
        f"asyncio.get_running_loop().run_in_executor({executor}, {function}{arguments})",
        f"asyncio.to_thread({function}{arguments})",
        # awaited at once, on the default pool: what AEX206 rewrites (when selected)
        f"(await loop.run_in_executor(None, {function}{arguments}))",
        f"(await asyncio.get_running_loop().run_in_executor(None, {function}{arguments}))",
        f"POOL.submit({function}{arguments})",
        f"POOL.map({function}, items)",
        f"THREADS.submit({function}{arguments}).result()",
        "asyncio.get_event_loop()",
        "get_event_loop().run_in_executor(None, print)",
        "THREADS.shutdown()",
        "POOL.shutdown(wait=False)",
        "ProcessPoolExecutor(max_workers=2)",
        "concurrent.futures.wait([fut])",
        "concurrent.futures.as_completed([fut])",
        f"asyncio.wrap_future(POOL.submit({function}))",
    ]
    return draw(st.sampled_from(shapes))


# A statement template: ``{0}``.. are calls, ``{body}`` a nested block (indented by the generator).
EXPRESSION_STATEMENTS = (
    "x = {0}",
    "x = {0}.attribute",
    "x = {0}[0]",
    "x = {0}[1:2]",
    "x = {0}()",
    "x = ({0})",
    "x = -{0} ** 2",
    "x = not {0}",
    "x = {0} if flag else None",
    "x = None if flag else {0}",
    "x = {0} or {1}",
    "x = {0} < {1} < 3",
    "x = [{0} for _ in items if _]",
    "x = [_ for _ in {0}]",
    "x = [_ for _ in items if {0}]",
    "x = {{k: {0} for k in items}}",
    "x = {{{0}, {1}}}",
    "x = ({0} for _ in items)",
    "x = ({0},)",
    "x = [*{0}]",
    "x = {{**{0}}}",
    "x = lambda: {0}",
    "x = lambda y={0}: y",
    "x = f'{{{0}!r:>10}}'",
    "x = f'{{{0}}}' f'{{x}}'",
    "x: int = {0}",
    "x += {0}",
    "(y := {0})",
    "await {0}",
    "await asyncio.wait_for({0}, 1)",
    "x = await {0}",
    "print({0}, end='')",
    "print(sep={0})",
    "print(*{0}, **{1})",
    "{0}",
    "{0}  # noqa",
    "{0}  # noqa: AEX100",
    "{0}  # noqa: AEX101,AEX105",
    "{0}  # keep this comment",
    "{0}; x = 1",
    "x = 1; {0}",
    "x = \\\n{indent}{indent}{0}",
    "s = 'caf\u00e9 \u4e2d \U0001f600'; {0}",
    "caf\u00e9 = {0}",
    "return {0}",
    "yield {0}",
    "assert {0}, {1}",
    "raise {0}",
    "raise ValueError() from {0}",
    "del x[{0}]",
    "global g\n{indent}g = {0}",
    "x = [{0} async for _ in aiter()]",
    "x = [await asyncio.sleep(0) for _ in items if {0}]",
    "x = {0}.result()",
    "x = await asyncio.gather({0}, {1})",
    "x = {0}\n{indent}x = {1}",
)
COMPOUND_STATEMENTS = (
    "if {0}:\n{body}",
    "if flag:\n{body}elif {0}:\n{body}else:\n{body}",
    "for x in {0}:\n{body}",
    "for x in items:\n{body}else:\n{body}",
    "async for x in {0}:\n{body}",
    "while {0}:\n{body}",
    "with {0} as handle:\n{body}",
    "with {0}:\n{body}",
    "with ({0} as a, {1} as b):\n{body}",
    "async with {0} as handle:\n{body}",
    "try:\n{body}except {0}:\n{body}finally:\n{body}",
    "try:\n{body}except* ValueError:\n{body}",
    "match {0}:\n{indent}case [a, *rest] if {1}:\n{body2}{indent}case {{'k': v}}:\n{body2}"
    "{indent}case _:\n{body2}",
    "def inner(a={0}):\n{body}",
    "async def inner(a={0}):\n{body}",
    "@{0}\ndef decorated():\n{body}",
    "@functools.lru_cache\nasync def cached():\n{body}",
    "class Inner({0}):\n{indent}value = {1}\n{indent}def method(self):\n{body2}",
    "class Inner:\n{indent}async def method(self):\n{body2}",
    "lambda_holder = [lambda: {0} for _ in items]",
)
# Module-level names the generated code may use, so that tracking has something to track.
PRELUDE = """\
import asyncio
import concurrent.futures
import functools
from asyncio import get_event_loop
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Optional

import celery
import httpx
import requests
import urllib3

POOL = ProcessPoolExecutor()
THREADS = ThreadPoolExecutor()
SESSION = requests.Session()
app = celery.Celery()


@app.task
def send_mail(to):
    return to


def module_helper(x):
    import time

    time.sleep(x)
    return requests.get(x)
"""


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d|body2?|indent)\}")


@st.composite
def block(draw: st.DrawFn, module: Module, level: int, depth: int) -> str:
    """Statements indented ``level`` times; compound statements nest up to ``depth`` more."""
    indent = module.indent
    prefix = indent * level
    lines = []
    for _ in range(draw(st.integers(1, 3 if depth else 4))):
        compound = depth > 0 and draw(st.integers(0, 3)) == 0
        template = draw(st.sampled_from(COMPOUND_STATEMENTS if compound else EXPRESSION_STATEMENTS))
        calls = [draw(blocking_call(module)) for _ in range(3)]

        def fill(match: re.Match[str], calls: list[str] = calls) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            if token == "{indent}":
                return indent
            if token.startswith("{body"):
                extra = 2 if token == "{body2}" else 1
                nested = draw(block(module, level + extra, depth - 1)) if depth else ""
                nested = nested or f"{prefix}{indent * extra}pass\n"
                return "".join(
                    line.removeprefix(prefix) for line in nested.splitlines(keepends=True)
                )
            return calls[int(token[1:-1])]

        text = _PLACEHOLDER.sub(fill, template)
        lines.append(_indent_all(text, prefix))
    return "".join(lines)


def _indent_all(text: str, prefix: str) -> str:
    """``prefix`` before every line (inside brackets or after a backslash it does no harm)."""
    return "".join(f"{prefix}{line}\n" if line else "\n" for line in text.rstrip("\n").split("\n"))


CONTAINERS = (
    # (header, level of the body) - the coroutine and where it sits.
    (
        "async def handler(url, body, path, data, flag, items, args, kw, width, pool_arg: "
        "ProcessPoolExecutor, client: httpx.Client, session: Optional[requests.Session]):\n",
        1,
    ),
    (
        "class Service:\n{i}def __init__(self):\n{i}{i}self.session = requests.Session()\n"
        "{i}{i}self.pool = ProcessPoolExecutor()\n\n"
        "{i}async def handler(self, url, body, path, data, flag, items, args, kw, width, pool_arg, "
        "client: 'httpx.Client | None', session):\n",
        2,
    ),
    (
        "def outer(url, body, path, data, flag, items, args, kw, width, pool_arg, client, session):\n"
        "{i}async def handler():\n",
        2,
    ),
    (
        "async def handler(url, body, path, data, flag, items, args, kw, width, pool_arg, client, "
        "session):\n{i}async def nested():\n",
        2,
    ),
)
SETUP = (
    "loop = asyncio.get_running_loop()",
    "loop_pool = ProcessPoolExecutor()",
    "fut = THREADS.submit(print)",
    "p = Path(path)",
    "proc = subprocess.Popen(['true'])",
    "pool_manager = urllib3.PoolManager()",
    "result = celery.result.AsyncResult('id')",
    "def inner_helper():\n{i}return requests.get(url)",
    "async def other():\n{i}return 1",
    "async def aiter():\n{i}yield 1",
)


@st.composite
def catalog_modules(draw: st.DrawFn) -> str:
    """An async module rich in catalog calls, in any import style and any context."""
    module = Module(indent=draw(st.sampled_from(["    ", "    ", "\t", "  "])))
    indent = module.indent
    header, level = draw(st.sampled_from(CONTAINERS))
    header = header.replace("{i}", indent)
    setup_lines = draw(st.lists(st.sampled_from(SETUP), unique=True, max_size=len(SETUP)))
    body = draw(block(module, level, depth=2))
    prefix = indent * level
    setup = "".join(
        _indent_all(line.replace("{i}", indent), prefix)
        for line in ["import subprocess", *setup_lines]
    )
    local_imports = "".join(f"{prefix}{line}\n" for line in module.imports["local"])
    source = (
        "\n".join(module.imports["top"])
        + "\n"
        + PRELUDE.replace("    ", indent)
        + "\n\n"
        + header
        + local_imports
        + setup
        + body
        + ("\n\n" + "\n".join(module.imports["late"]) + "\n" if module.imports["late"] else "")
    )
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):  # a template that does not fit where it was drawn
        assume(False)
    return source


SETTINGS = st.builds(
    Settings,
    extra_calls=st.sampled_from([{}, catalog.parse_extra_calls(EXTRA_CALLS)]),
    process_pool=st.sampled_from([None, "POOL", "app.state.pool"]),
    target_version=st.sampled_from([(3, 8), (3, 9), (3, 12)]),
    follow_calls=st.booleans(),
)
SELECTIONS = st.sampled_from(
    [
        Selection(),
        Selection(select=("AEX",)),
        Selection(select=("AEX1",)),
        Selection(ignore=("AEX100", "AEX206")),
        Selection(select=("AEX2",)),
        Selection(select=("AEX1", "AEX206")),
    ]
)


@bounded(25)
@given(source=catalog_modules(), options=SETTINGS, selection=SELECTIONS)
def test_catalog_modules(source: str, options: Settings, selection: Selection) -> None:
    check_module(source, options, selection)


@long_run(5000)
@given(source=catalog_modules(), options=SETTINGS, selection=SELECTIONS)
def test_catalog_modules_long(source: str, options: Settings, selection: Selection) -> None:
    check_module(source, options, selection)


# --- after a default run: flake8 finds nothing that was fixed, and nothing new ------------------

# Lines a module may start with: the frameworks whose fixes take another form (or are declined).
FRAMEWORKS = (
    "",
    "",
    "import anyio\n",
    "import trio\n",
    "from starlette.concurrency import run_in_threadpool\n",
)
# The codes on by default: what a default executor-fix run fixes, and flake8 reports unselected.
DEFAULT_ON = ",".join(code for code, info in CODES.items() if info.default_on)
_REPORTED = re.compile(r"^.*?:(\d+):(\d+): (AEX\d{3}) (.*)$", re.MULTILINE)
_FIXED = re.compile(r"^.*?:(\d+):(\d+): (AEX\d{3}) fixed$", re.MULTILINE)


def _flake8_findings(path: Path, flags: list[str]) -> dict[tuple[int, int, str], str]:
    """What flake8 reports on ``path``, by (line, column from 1, code): the message.

    flake8's own ``main`` in this process (the plugin as flake8 loads it, minus an interpreter's
    start-up per run), output to a file; ``--isolated``: the flags are the whole configuration.
    """
    output = path.with_suffix(".flake8.txt")
    output.unlink(missing_ok=True)
    argv = ["--isolated", f"--select={DEFAULT_ON}", "-j", "1", f"--output-file={output}"]
    flake8_main([*argv, *flags, str(path)])
    found = {}
    for line, column, code, message in _REPORTED.findall(output.read_text(encoding="utf-8")):
        found[(int(line), int(column), code)] = message
    return found


def _fixer_flags(options: Settings) -> list[str]:
    flags = [f"--executor-target-version=py3{options.target_version[1]}"]
    if options.process_pool:
        flags.append(f"--executor-process-pool={options.process_pool}")
    if options.extra_calls:
        flags.append(f"--executor-extra-calls={EXTRA_CALLS}")
    flags.append(f"--executor-follow-calls={'yes' if options.follow_calls else 'no'}")
    return flags


def check_after_fix(source: str, options: Settings, directory: Path) -> None:
    """A default ``executor-fix`` run, between two flake8 runs with the same settings: each
    finding the summary calls fixed is one flake8 reported at that place, and per code, flake8
    finds after the run at most what it found before less what was fixed (fewer is allowed: a fix
    can make a finding unknowable, as a body that now comes from a thread; a finding left may be
    worded otherwise, as the partial that AEX200's fix made of its arguments)."""
    # A project file of its own: the fixer's search for one stops here, and finds no settings.
    (directory / "pyproject.toml").write_text('[project]\nname = "fuzzed"\n', encoding="utf-8")
    path = directory / "fuzzed.py"
    path.write_text(source, encoding="utf-8")
    flags = _fixer_flags(options)
    before = _flake8_findings(path, flags)
    output = io.StringIO()  # the report (stdout) and errors (stderr)
    with contextlib.redirect_stderr(output), contextlib.redirect_stdout(output):
        code = fixer_main(["-j", "1", *flags, str(path)])
    summary = output.getvalue()
    # 1 while a finding is left (as ruff check --fix), never 2: no file the fixer cannot handle.
    assert code == (1 if " not fixed: " in summary else 0), summary
    fixed: Counter[str] = Counter()
    for line, column, finding_code in _FIXED.findall(summary):
        assert (int(line), int(column), finding_code) in before, (line, column, summary, before)
        fixed[finding_code] += 1
    event("fixed" if fixed else "nothing fixed")
    after = Counter(code for _line, _column, code in _flake8_findings(path, flags))
    expected = Counter(code for _line, _column, code in before)
    expected.subtract(fixed)
    for finding_code, count in after.items():
        assert count <= expected[finding_code], (finding_code, summary, path.read_text("utf-8"))


@bounded(6)
@given(source=catalog_modules(), framework=st.sampled_from(FRAMEWORKS), options=SETTINGS)
def test_after_a_default_run_flake8_finds_nothing_fixed_and_nothing_new(
    source: str, framework: str, options: Settings, tmp_path: Path
) -> None:
    check_after_fix(framework + source, options, tmp_path)


@long_run(1000)
@given(source=catalog_modules(), framework=st.sampled_from(FRAMEWORKS), options=SETTINGS)
def test_after_a_default_run_flake8_finds_nothing_fixed_and_nothing_new_long(
    source: str, framework: str, options: Settings, tmp_path: Path
) -> None:
    check_after_fix(framework + source, options, tmp_path)


# --- bytes: line endings, BOM, coding cookie ------------------------------------------------------

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "lf": lambda text: text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda text: text.replace("\n", "\r").encode("utf-8"),  # libcst drops a final lone CR
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "bom-crlf": lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    "latin-1": lambda text: ("# -*- coding: latin-1 -*-\n" + text).encode("latin-1"),
}


def check_bytes(source: str, variant: str, options: Settings) -> None:
    """fix(convert(x)) == convert(fix(x)), and a file with no finding comes back as its bytes."""
    to_bytes = ENCODINGS[variant]
    if variant == "latin-1":
        assume(all(ord(char) < 256 for char in source))
    job = FileJob("fuzzed.py", options, Selection(), Mode.WRITE)
    data = to_bytes(source)
    report, new_data = fix_bytes("fuzzed.py", data, job)
    assert report.problem is None, report.error_line
    if variant == "latin-1":
        expected_text = fix_source("# -*- coding: latin-1 -*-\n" + source, options).text
        expected = expected_text.encode("latin-1")
    else:
        expected = to_bytes(fix_source(source, options).text)
    assert new_data == expected
    if not report.changed:
        assert new_data is data or new_data == data
    if not analyze(ast.parse(source), options, source):
        assert new_data == data


@bounded(10)
@given(source=catalog_modules(), variant=st.sampled_from(sorted(ENCODINGS)), options=SETTINGS)
def test_catalog_modules_as_bytes(source: str, variant: str, options: Settings) -> None:
    check_bytes(source, variant, options)


@long_run(2000)
@given(source=catalog_modules(), variant=st.sampled_from(sorted(ENCODINGS)), options=SETTINGS)
def test_catalog_modules_as_bytes_long(source: str, variant: str, options: Settings) -> None:
    check_bytes(source, variant, options)


@bounded(10)
@given(source=PROGRAMS, variant=st.sampled_from(sorted(ENCODINGS)))
def test_grammar_programs_as_bytes(source: str, variant: str) -> None:
    assume(_parses(source) and "\r" not in source and "\f" not in source)
    check_bytes(source, variant, Settings())
