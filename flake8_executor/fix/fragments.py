"""Where libcst has to look: the few statements around the findings, found with the ``ast``.

libcst costs about a millisecond per five lines to parse, resolve positions and transform: seconds
for a big module, a hundred times its ``ast.parse``. A fix only ever rewrites calls inside one
statement, and what the rewrite depends on outside that statement is little: the frame the statement
sits in (``await`` is valid only directly in a coroutine), the block's indentation, the module's
newline, and how the module imports ``asyncio`` and ``functools``. So each finding's smallest
enclosing statement that owns whole lines is cut out, put behind a *lead* that recreates exactly
those things (``import asyncio as aio``, then ``async def _():`` for a statement in a coroutine), and
parsed by libcst alone; the rewritten lines replace the original ones. The imports are then settled
on the module's leading import block only (``import_block_stop``), and the scope analysis that
removing an import needs runs only when the ``ast`` cannot prove every candidate still used
(``removal_changes_nothing``).

Everything here is ``ast`` and text; any case it is not sure of gets ``None`` or ``False``, and the
caller runs libcst on the whole module, as it always could.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from flake8_executor.findings import Finding
from flake8_executor.fix.locate import char_column
from flake8_executor.fix.outcome import ImportKey

# The first line break libcst sees decides the newline of every line it creates.
_NEWLINE = re.compile(r"\r\n?|\n")
# Texts libcst reads otherwise than CPython, where only the whole module reproduces what libcst does
# with it: a form feed in a line's indentation (CPython resets the column there, libcst's tokenizer
# does not, and nests the blocks differently), and a lone carriage return as line break (libcst
# drops it at the end of what it parses).
_OTHERWISE_READ = re.compile(r"(?:\A|[\r\n])[ \t]*\x0c|\r(?!\n)")
# What may follow the last statement on its line: a semicolon, a comment. Not a backslash.
_LINE_TAIL = re.compile(r"[ \t\f]*(?:;[ \t\f]*)?(?:#.*)?")
# The header that puts a statement in its frame; module-level statements at column 0 need none.
_FRAME_HEADERS = {"def": "def _():", "coroutine": "async def _():", "class": "class _:"}
_FRAMES = {ast.FunctionDef: "def", ast.AsyncFunctionDef: "coroutine", ast.ClassDef: "class"}
# The modules a rewrite refers to by the module's own alias (``aio.sleep`` after ``import asyncio
# as aio``); the lead imports them the same way.
ALIASED_MODULES = ("asyncio", "functools")


@dataclass
class Fragment:
    """Lines ``first`` to ``last`` (1-based, inclusive) and the findings to fix in them."""

    first: int
    last: int
    header: str  # the frame's header line, "" for a module-level statement at column 0
    findings: list[Finding] = field(default_factory=list)


def default_newline(text: str) -> str:
    """The newline libcst gives the lines it creates: the first one in the text, else ``\\n``."""
    match = _NEWLINE.search(text)
    return match.group(0) if match else "\n"


def read_otherwise_by_libcst(text: str) -> bool:
    """Whether libcst reads the text otherwise than CPython (see ``_OTHERWISE_READ``)."""
    return ("\x0c" in text or "\r" in text) and _OTHERWISE_READ.search(text) is not None


def line_starts(text: str) -> list[int]:
    """The offset where each line begins (line ``n`` at index ``n - 1``), breaking where ``ast`` does."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


def module_alias(tree: ast.Module, name: str) -> str | None:
    """``transform.module_alias`` read from the ``ast``: the name a top-level ``import`` binds."""
    aliases = [
        alias.asname or name
        for statement in tree.body
        if isinstance(statement, ast.Import)
        for alias in statement.names
        if alias.name == name
    ]
    if name in aliases:
        return name
    return aliases[0] if aliases else None


def lead_imports(tree: ast.Module) -> list[str]:
    """Import lines that make ``transform.module_alias`` answer in a fragment as in the module."""
    lines = []
    for name in ALIASED_MODULES:
        alias = module_alias(tree, name)
        if alias == name:
            lines.append(f"import {name}")
        elif alias is not None:
            lines.append(f"import {name} as {alias}")
    return lines


def _start(statement: ast.stmt) -> tuple[int, int]:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    if decorators:  # the statement begins at its first decorator's "@"
        return decorators[0].lineno, 0
    return statement.lineno, statement.col_offset


def _end(statement: ast.stmt) -> tuple[int, int]:
    assert statement.end_lineno is not None and statement.end_col_offset is not None
    return statement.end_lineno, statement.end_col_offset


def _bodies(statement: ast.stmt, frame: str) -> Iterator[tuple[list[ast.stmt], str]]:
    """The statement lists nested in ``statement`` and the frame each of them is in."""
    inner = _FRAMES.get(type(statement), frame)
    for _name, value in ast.iter_fields(statement):
        if not isinstance(value, list) or not value:
            continue
        if isinstance(value[0], ast.stmt):
            yield value, inner
        elif not isinstance(value[0], ast.expr):  # except handlers, match cases
            for item in value:
                body = getattr(item, "body", None)
                if isinstance(body, list):
                    yield body, inner


def _enclosing(tree: ast.Module, finding: Finding) -> list[tuple[ast.stmt, list[ast.stmt], str]]:
    """The statements around the finding, outermost first, each with its list and frame."""
    start, end = (finding.line, finding.col), (finding.end_line, finding.end_col)
    chain: list[tuple[ast.stmt, list[ast.stmt], str]] = []
    bodies: list[tuple[list[ast.stmt], str]] = [(tree.body, "module")]
    while bodies:
        found = next(
            (
                (statement, body, frame)
                for body, frame in bodies
                for statement in body
                if _start(statement) <= start and end <= _end(statement)
            ),
            None,
        )
        if found is None:
            break
        chain.append(found)
        bodies = list(_bodies(found[0], found[2]))
    return chain


def _own_lines(
    statement: ast.stmt, body: list[ast.stmt], frame: str, lines: Sequence[str]
) -> Fragment | None:
    """The statement with the statements sharing its lines, if together they own whole lines."""
    index = next(position for position, other in enumerate(body) if other is statement)
    low = high = index
    while low > 0 and _end(body[low - 1])[0] >= _start(body[low])[0]:
        low -= 1
    while high + 1 < len(body) and _start(body[high + 1])[0] <= _end(body[high])[0]:
        high += 1
    first, (last, last_col) = _start(body[low])[0], _end(body[high])
    text = lines[first - 1]
    code = text.lstrip(" \t")
    indent = text[: len(text) - len(code)]
    if getattr(body[low], "decorator_list", None):
        if not code.startswith("@"):
            return None
    elif body[low].col_offset != len(indent):  # something else before it on its line
        return None
    if first > 1 and lines[first - 2].endswith("\\"):  # a continuation line
        return None
    if not _LINE_TAIL.fullmatch(lines[last - 1][char_column(lines, last, last_col) :]):
        return None
    if frame == "module":
        header = "if True:" if indent else ""
    elif indent:
        header = _FRAME_HEADERS[frame]
    else:
        return None
    return Fragment(first, last, header)


def plan(
    tree: ast.Module, lines: Sequence[str], findings: Sequence[Finding]
) -> list[Fragment] | None:
    """Disjoint fragments holding every finding, in source order; None to take the whole module.

    ``lines`` are the source's lines without their line breaks.
    """
    fragments: list[Fragment] = []
    for finding in findings:
        fragment = next(
            (
                found
                for statement, body, frame in reversed(_enclosing(tree, finding))
                if (found := _own_lines(statement, body, frame, lines)) is not None
            ),
            None,
        )
        if fragment is None:
            return None
        fragment.findings.append(finding)
        fragments.append(fragment)
    fragments.sort(key=lambda fragment: (fragment.first, -fragment.last))
    merged: list[Fragment] = []
    for fragment in fragments:
        if merged and fragment.first <= merged[-1].last:
            if fragment.last > merged[-1].last:  # statements nest or are apart; never this
                return None
            merged[-1].findings.extend(fragment.findings)
        else:
            merged.append(fragment)
    return merged


def import_block_stop(tree: ast.Module, lines: Sequence[str]) -> int | None:
    """The line where ``AddImportsVisitor`` stops looking: that of the first non-import statement.

    It inserts after the leading block of imports (past a docstring) and puts a blank line before
    the statement that follows; what that statement is beyond "not an import" does not matter, so a
    ``pass`` on its line stands in for it (it is often a class of a thousand lines). Lines before
    it decide everything. None when there is no such statement, or its line is not its own.
    """
    body = tree.body
    index = next(
        (
            position
            for position in range(1, len(body))
            if not isinstance(body[position], (ast.Import, ast.ImportFrom))
        ),
        None,
    )
    if index is None:
        return None
    while index > 0 and _end(body[index - 1])[0] >= _start(body[index])[0]:
        index -= 1  # ``import a; x = 1``: the line is the statement
    first = _start(body[index])[0]
    if _start(body[index])[1] != 0 or (first > 1 and lines[first - 2].endswith("\\")):
        return None
    return first


# Nodes that open a scope of their own: a name bound inside is not the module's.
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_MATCH_NAMES = tuple(
    node_type
    for node_type in (getattr(ast, "MatchAs", None), getattr(ast, "MatchStar", None))
    if node_type is not None
)
_MATCH_MAPPING = getattr(ast, "MatchMapping", None)


def _matching_imports(tree: ast.Module, candidates: Sequence[ImportKey]) -> set[str] | None:
    """The names bound by the imports ``RemoveImportsVisitor`` would consider; None if dotted.

    It matches as that visitor does: ``import M [as A]`` by module and alias (one alias per module,
    the last candidate's), ``from M import O [as A]`` by absolute module, name and alias.
    """
    modules = {module: asname for module, name, asname in candidates if name is None}
    objects: dict[str, set[tuple[str, str | None]]] = {}
    for module, name, asname in candidates:
        if name is not None:
            objects.setdefault(module, set()).add((name, asname))
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules and alias.asname == modules[alias.name]:
                    bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in objects:
            for alias in node.names:
                if (alias.name, alias.asname) in objects[node.module]:
                    bound.add(alias.asname or alias.name)
    if any("." in name for name in bound):  # ``import a.b``: names and accesses are dotted
        return None
    return bound


def _bound_name(candidate: ImportKey) -> str:
    """The name an import binds; ``import a.b`` binds ``a`` (and is read as ``a.b``)."""
    module, name, asname = candidate
    return asname or name or module.partition(".")[0]


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def spelled_otherwise(text: str, candidates: Sequence[ImportKey]) -> list[ImportKey]:
    """The candidates whose name the text also writes in other letters that CPython reads as it.

    CPython reads identifiers NFKC-normalised (``\uff54\uff49\uff4d\uff45`` is ``time``); libcst
    does not, so its scope analysis misses such a use and ``RemoveImportsVisitor`` would remove an
    import still in use. Those candidates must not be offered to it.
    """
    if text.isascii():
        return []
    normalized = unicodedata.normalize("NFKC", text)
    found = []
    for candidate in candidates:
        word = _word(_bound_name(candidate))
        if len(word.findall(normalized)) > len(word.findall(text)):
            found.append(candidate)
    return found


def unmentioned_after(tail: str, candidates: Sequence[ImportKey]) -> bool:
    """True when no name a candidate import binds occurs in ``tail``, in code, string or comment.

    Then nothing in ``tail`` can read, bind, import, export (``__all__``) or annotate (a string
    annotation) the names those imports bind: libcst's scope analysis finds no access there. A text
    search is coarser than any analysis, and errs only towards "mentioned". Identifiers are read
    NFKC-normalised, as CPython reads them.
    """
    if not tail.isascii():
        tail += "\n" + unicodedata.normalize("NFKC", tail)
    return not any(_word(_bound_name(candidate)).search(tail) for candidate in candidates)


def removal_changes_nothing(tree: ast.Module, candidates: Sequence[ImportKey]) -> bool:
    """True when ``RemoveImportsVisitor`` would surely keep every candidate import.

    It keeps an import that libcst's scope analysis finds referenced. The proof here is the
    simplest one that holds for that analysis: every matching import binds its name at module
    level, nothing binds that name in any function, class, lambda or comprehension (so every use
    of it resolves to the module's bindings), and the name is read somewhere inside a function
    body (a use in a nested scope counts for every module-level binding, wherever it is). Anything
    else is False, and the caller runs the visitor.
    """
    names = _matching_imports(tree, candidates)
    if names is None:
        return False
    if not names:
        return True  # no import matches: the visitor has nothing to remove
    read: set[str] = set()
    # (node, inside a scope other than the module's, inside a function body)
    stack: list[tuple[ast.AST, bool, bool]] = [(tree, False, False)]
    while stack:
        node, nested, in_function = stack.pop()
        if isinstance(node, ast.Name):
            if node.id in names:
                if isinstance(node.ctx, ast.Load):
                    if in_function:
                        read.add(node.id)
                elif nested:
                    return False
            continue
        if _binds_in_scope(node, names, nested):
            return False
        if isinstance(node, _SCOPES):
            for name, value in ast.iter_fields(node):
                inside = in_function or (name == "body" and isinstance(node, _FUNCTIONS))
                children = value if isinstance(value, list) else [value]
                stack.extend(
                    (child, True, inside) for child in children if isinstance(child, ast.AST)
                )
            continue
        stack.extend((child, nested, in_function) for child in ast.iter_child_nodes(node))
    return read == names


def _binds_in_scope(node: ast.AST, names: set[str], nested: bool) -> bool:
    """Whether ``node`` binds one of ``names`` where libcst would not see the module's binding."""
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return any(name in names for name in node.names)
    if isinstance(node, ast.alias):
        if any(node.name.startswith(f"{name}.") for name in names):
            return True  # ``import name.sub`` makes ``name.sub.x`` resolve to another binding
        return nested and (node.asname or node.name.partition(".")[0]) in names
    if not nested:
        return False
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name in names
    if isinstance(node, ast.arg):
        return node.arg in names
    if isinstance(node, ast.ExceptHandler):
        return node.name in names
    if _MATCH_NAMES and isinstance(node, _MATCH_NAMES):
        return getattr(node, "name", None) in names
    if _MATCH_MAPPING is not None and isinstance(node, _MATCH_MAPPING):
        return getattr(node, "rest", None) in names
    return False
