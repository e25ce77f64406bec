"""The fixer's parts on their own: rewrites at hand-built findings, selection, config, workers.

The rewrite tests build their ``Finding`` values here (positions taken from ``ast``), so they pin the
transformer's behaviour, including its own safety checks, independently of what the engine reports.
"""

from __future__ import annotations

import ast
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from flake8_executor.command import workers
from flake8_executor.command.discovery import Finder, discover, is_excluded
from flake8_executor.command.job import unified_diff
from flake8_executor.command.workers import run_all
from flake8_executor.config.pyproject import infer_target_version
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.findings import Finding, ImportOrigin
from flake8_executor.fix import imports, pipeline
from flake8_executor.fix.pipeline import apply_findings, fix_source
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.selection import Noqa, Selection


def at(source: str, call: str, fix: Fix, code: str = "AEX100", **fields: object) -> Finding:
    """A finding on the call whose source text is ``call`` (the first one)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.get_source_segment(source, node) == call:
            assert node.end_lineno is not None and node.end_col_offset is not None
            return Finding(
                code,
                node.lineno,
                node.col_offset,
                node.end_lineno,
                node.end_col_offset,
                message="",
                fix=fix,
                **fields,  # type: ignore[arg-type]
            )
    raise AssertionError(f"no call {call!r}")


def fixed(source: str, *findings: Finding, settings: Settings | None = None) -> str:
    return apply_findings(source, list(findings), settings or Settings()).text


def reasons(source: str, *findings: Finding, settings: Settings | None = None) -> list[str | None]:
    result = apply_findings(source, list(findings), settings or Settings())
    return [outcome.reason for outcome in result.outcomes]


ASYNC = "import asyncio\n\n\nasync def f(u, loop, fut, pool):\n    {}\n"


def in_coroutine(body: str) -> str:
    return ASYNC.format(body)


# -- await: added once, parenthesised where needed, only where valid ------------------------------


def test_existing_await_is_not_doubled() -> None:
    source = in_coroutine("await time.sleep(1)\n    await (time.sleep(2))")
    result = fixed(
        source,
        at(source, "time.sleep(1)", Fix.ASYNC_SLEEP),
        at(source, "time.sleep(2)", Fix.ASYNC_SLEEP),
    )
    assert "    await asyncio.sleep(1)\n    await (asyncio.sleep(2))\n" in result


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x = get(u).json()", "x = (await asyncio.to_thread(get, u)).json()"),
        ("x = get(u)[0]", "x = (await asyncio.to_thread(get, u))[0]"),
        ("x = get(u)()", "x = (await asyncio.to_thread(get, u))()"),
        ("x = (get(u)).json()", "x = (await asyncio.to_thread(get, u)).json()"),
        ("x = -get(u) ** 2", "x = -await asyncio.to_thread(get, u) ** 2"),
        ("x = [get(v) for v in u]", "x = [await asyncio.to_thread(get, v) for v in u]"),
    ],
)
def test_parentheses_where_precedence_needs_them(body: str, expected: str) -> None:
    source = in_coroutine(body)
    call = body.split("= ", 1)[1].lstrip("-([").split(")")[0] + ")"
    assert expected in fixed(source, at(source, call, Fix.TO_THREAD))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("async def f(u):\n    g = lambda: get(u)\n", "inside a lambda"),
        ("async def f(u):\n    g = (get(v) for v in u)\n", "inside a generator expression"),
        ("async def f(u):\n    def g():\n        get(u)\n", "inside a nested def"),
        ("async def f(u):\n    class K:\n        x = get(u)\n", "inside a class body"),
        ("def f(u):\n    get(u)\n", "inside a nested def"),
        ("x = get(1)\n", "outside a coroutine"),
        ("async def f(u, x=get(1)):\n    pass\n", "outside a coroutine"),
    ],
)
def test_await_is_never_put_where_it_is_invalid(source: str, reason: str) -> None:
    call = "get(1)" if "get(1)" in source else "get(u)" if "get(u)" in source else "get(v)"
    finding = at(source, call, Fix.TO_THREAD)
    [why] = reasons(source, finding)
    assert why is not None and reason in why
    assert fixed(source, finding) == source


def test_multi_line_call_gives_the_callable_its_own_line() -> None:
    source = in_coroutine("r = post(\n        u,\n        data=1,\n    )")
    assert fixed(
        source, at(source, "post(\n        u,\n        data=1,\n    )", Fix.TO_THREAD)
    ) == (
        in_coroutine(
            "r = await asyncio.to_thread(\n        post,\n        u,\n        data=1,\n    )"
        )
    )


# -- each action's own checks -----------------------------------------------------------------------


def test_to_thread_below_py39() -> None:
    source = in_coroutine("a = load()\n    b = get(u, k=1)")
    result = fixed(
        source,
        at(source, "load()", Fix.TO_THREAD),
        at(source, "get(u, k=1)", Fix.TO_THREAD),
        settings=Settings(target_version=(3, 8)),
    )
    # What asyncio.to_thread() does: the call in a copy of the caller's context.
    run = "functools.partial(contextvars.copy_context().run"
    assert f"a = await asyncio.get_running_loop().run_in_executor(None, {run}, load))\n" in result
    assert f"run_in_executor(None, {run}, get, u, k=1))\n" in result
    assert result.count("import functools\n") == result.count("import contextvars\n") == 1


def test_wrap_future_declines_arguments() -> None:
    source = in_coroutine("a = fut.result()\n    b = fut.result(5)")
    first, second = (
        at(source, "fut.result()", Fix.WRAP_FUTURE),
        at(source, "fut.result(5)", Fix.WRAP_FUTURE),
    )
    assert "a = await asyncio.wrap_future(fut)\n    b = fut.result(5)\n" in fixed(
        source, first, second
    )
    assert reasons(source, first, second) == [None, NotFixed.RESULT_TIMEOUT]


def test_process_pool_needs_a_configured_pool() -> None:
    source = in_coroutine("a = json.loads(u)\n    b = json.loads(u, strict=False)")
    findings = [
        at(source, "json.loads(u)", Fix.PROCESS_POOL, "AEX105"),
        at(source, "json.loads(u, strict=False)", Fix.PROCESS_POOL, "AEX105"),
    ]
    assert reasons(source, *findings) == [NotFixed.NO_PROCESS_POOL] * 2
    result = fixed(source, *findings, settings=Settings(process_pool="app.state.pool"))
    assert (
        "a = await asyncio.get_running_loop().run_in_executor(app.state.pool, json.loads, u)"
        in result
    )
    assert (
        "run_in_executor(app.state.pool, functools.partial(json.loads, u, strict=False))" in result
    )


def test_two_fixes_on_one_call_compose() -> None:
    call = "loop.run_in_executor(pool, get, u, timeout=3)"
    source = in_coroutine(f"await {call}")
    findings = [
        at(source, call, Fix.KEYWORDS_TO_PARTIAL, "AEX200"),
        at(source, call, Fix.EXECUTOR_TO_NONE, "AEX202"),
    ]
    assert "await loop.run_in_executor(None, functools.partial(get, u, timeout=3))\n" in fixed(
        source, *findings
    )
    assert reasons(source, *findings) == [None, None]


def test_to_thread_replacing_run_in_executor_takes_the_keywords_along() -> None:
    call = "loop.run_in_executor(None, get, u, timeout=3)"
    source = in_coroutine(f"await {call}")
    findings = [
        at(source, call, Fix.KEYWORDS_TO_PARTIAL, "AEX200"),
        at(source, call, Fix.RUN_IN_EXECUTOR_TO_THREAD, "AEX206"),
    ]
    assert "    await asyncio.to_thread(get, u, timeout=3)\n" in fixed(source, *findings)


def test_run_in_executor_to_thread_only_when_awaited_and_py39() -> None:
    source = in_coroutine("fut = loop.run_in_executor(None, get, u)")
    finding = at(source, "loop.run_in_executor(None, get, u)", Fix.RUN_IN_EXECUTOR_TO_THREAD)
    assert reasons(source, finding) == ["the future is not awaited where it is created"]
    awaited = in_coroutine("await loop.run_in_executor(None, get, u)")
    finding = at(awaited, "loop.run_in_executor(None, get, u)", Fix.RUN_IN_EXECUTOR_TO_THREAD)
    [why] = reasons(awaited, finding, settings=Settings(target_version=(3, 8)))
    assert why is not None and "3.9" in why


def test_module_aliases_are_used() -> None:
    source = (
        "import asyncio as aio\nimport functools as ft\n\n\nasync def f(loop, u):\n"
        "    time.sleep(1)\n    await loop.run_in_executor(None, get, u, k=1)\n"
    )
    result = fixed(
        source,
        at(source, "time.sleep(1)", Fix.ASYNC_SLEEP, "AEX101"),
        at(
            source,
            "loop.run_in_executor(None, get, u, k=1)",
            Fix.KEYWORDS_TO_PARTIAL,
            "AEX200",
        ),
    )
    assert (
        "    await aio.sleep(1)\n    await loop.run_in_executor(None, ft.partial(get, u, k=1))\n"
        in result
    )
    assert "import asyncio\n" not in result and "import functools\n" not in result


def test_imports_of_the_replaced_callable_go_only_when_unused() -> None:
    source = (
        "import time\nfrom time import sleep as nap\n\n\nasync def f():\n"
        "    nap(1)\n    time.sleep(1)\n    return time.monotonic()\n"
    )
    result = fixed(
        source,
        at(
            source,
            "nap(1)",
            Fix.ASYNC_SLEEP,
            "AEX101",
            import_origin=ImportOrigin("time", "sleep", "nap"),
        ),
        at(
            source,
            "time.sleep(1)",
            Fix.ASYNC_SLEEP,
            "AEX101",
            import_origin=ImportOrigin("time", None, None),
        ),
    )
    assert result.startswith("import asyncio\nimport time\n\n\nasync def f():\n")


def test_a_finding_without_a_call_at_its_position_is_reported() -> None:
    source = in_coroutine("x = 1")
    finding = Finding("AEX100", 5, 4, 5, 9, "", fix=Fix.TO_THREAD)
    assert reasons(source, finding) == ["no call found at this position"]


def test_findings_without_a_fix_keep_the_engine_reason() -> None:
    source = in_coroutine("x = 1")
    findings = [
        Finding("AEX203", 5, 4, 5, 9, "", fix=None),
        Finding("AEX103", 5, 4, 5, 9, "", fix=Fix.TO_THREAD, unfixable="a with item"),
    ]
    assert reasons(source, *findings) == ["no automatic fix", "a with item"]


# -- selection and noqa -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "wanted"),
    [
        (Selection(), {"AEX100", "AEX101", "AEX205"}),
        (Selection(select=("AEX1",)), {"AEX100", "AEX101"}),
        (Selection(ignore=("AEX10",)), {"AEX205"}),
        # Opt-in (flake8-bugbear's B9xx): a prefix does not turn AEX206 on, its full code does.
        (Selection(select=("AEX",)), {"AEX100", "AEX101", "AEX205"}),
        (Selection(select=("AEX2",)), {"AEX205"}),
        (Selection(select=("AEX206",)), {"AEX206"}),
        (Selection(extend_select=("AEX206",)), {"AEX100", "AEX101", "AEX205", "AEX206"}),
        (Selection(select=("AEX1",), extend_select=("AEX206",)), {"AEX100", "AEX101", "AEX206"}),
        (Selection(extend_ignore=("AEX101",)), {"AEX100", "AEX205"}),
        (Selection(ignore=("AEX2",), extend_ignore=("AEX101",)), {"AEX100"}),
        (Selection(select=("AEX101",), ignore=("AEX1",)), {"AEX101"}),
        (Selection(select=("AEX1",), ignore=("AEX101",)), {"AEX100"}),
    ],
)
def test_selection_follows_flake8(selection: Selection, wanted: set[str]) -> None:
    codes = {"AEX100", "AEX101", "AEX205", "AEX206"}
    assert {code for code in codes if selection.wants(code)} == wanted


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [
        ("# noqa", True),
        ("# NOQA:AEX101", True),
        ("# noqa: AEX1", True),
        ("# noqa: AEX100", False),
        ("# noqa: E501,AEX101", True),
        ("# no qa", False),
        # flake8 compares the codes as written: a lower-case code silences nothing there.
        ("# noqa: aex101", False),
    ],
)
def test_noqa(comment: str, silenced: bool) -> None:
    finding = Finding("AEX101", 1, 0, 1, 13, "")
    assert Noqa(f"time.sleep(1)  {comment}\n").silences(finding) is silenced


# -- configuration, files, diff, workers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("requires", "target"),
    [
        (">=3.9", "py39"),
        (">=3.8,<4", "py38"),
        ("~=3.11", "py311"),
        (">=3.6", "py38"),
        ("==3.12.*", "py312"),
        (">=3.99", "py314"),
        ("", None),
        ("<4", None),
    ],
)
def test_target_version_from_requires_python(requires: str, target: str | None) -> None:
    assert infer_target_version(requires) == target


def test_discover_walks_and_excludes(tmp_path: os.PathLike[str]) -> None:
    root = str(tmp_path)
    for relative in ("a.py", "b.txt", "sub/c.py", ".tox/d.py", "node_modules/e.py", "sub/gen_f.py"):
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").close()
    excludes = [".tox", "node_modules", "gen_*"]
    found = [
        os.path.relpath(path, root)
        for path in discover([root, os.path.join(root, "a.py")], Finder(excludes)).files
    ]
    assert found == ["a.py", os.path.join("sub", "c.py")]
    assert is_excluded(os.path.join(root, "x", "gen_y.py"), excludes)


def test_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("m.py", "x = 1", "x = 2")
    assert diff.endswith(
        "-x = 1\n\\ No newline at end of file\n+x = 2\n\\ No newline at end of file\n"
    )


def work_or_crash(job: str) -> str:
    """A worker for the crash test: dies on "crash", fails on "raise"."""
    if job == "crash":
        os._exit(3)
    if job == "raise":
        raise RuntimeError("boom")
    return job.upper()


def test_a_crashing_worker_loses_only_its_own_file() -> None:
    jobs = ["a", "crash", "b", "raise", "c"]
    results = run_all(jobs, work_or_crash, 2, lambda job, reason: f"{job}: {reason}")
    assert results[0::2] == ["A", "B", "C"]
    assert results[1] == "crash: internal error: the worker process crashed on this file"
    assert results[3] == "raise: internal error: RuntimeError('boom')"


class _BreaksWhileSending(ProcessPoolExecutor):
    """A pool whose worker dies while the chunks are still being sent: its second ``submit``
    raises as a broken pool does (a race in real runs; here on every run)."""

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(max_workers=max_workers)
        self.sent = 0

    def submit(self, *args: Any, **kwargs: Any) -> Future[Any]:
        self.sent += 1
        if self._max_workers > 1 and self.sent == 2:
            raise BrokenProcessPool("a child process terminated abruptly")
        return super().submit(*args, **kwargs)


def test_a_crash_before_every_chunk_is_sent_loses_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "ProcessPoolExecutor", _BreaksWhileSending)
    jobs = ["a", "b", "raise", "c", "d"]
    results = run_all(jobs, work_or_crash, 2, lambda job, reason: f"{job}: {reason}")
    assert results == ["A", "B", "raise: internal error: RuntimeError('boom')", "C", "D"]


def test_in_process_errors_are_contained() -> None:
    results = run_all(["a", "raise"], work_or_crash, 1, lambda job, reason: reason)
    assert results == ["A", "internal error: RuntimeError('boom')"]


def test_diff_lines_break_only_where_python_does() -> None:
    diff = unified_diff("m.py", "x = 1\n\x0cy = 2\n", "x = 3\n\x0cy = 2\n")
    assert diff.split("\n")[3:] == ["-x = 1", "+x = 3", " \x0cy = 2", ""]


def test_chunked_workers_keep_the_order_and_lose_only_the_crashed_file() -> None:
    jobs = ["a", "b", "crash", "c", "raise", "d", "e"]
    results = run_all(jobs, work_or_crash, 2, lambda job, reason: f"{job}: {reason}", chunk_size=3)
    assert [results[index] for index in (0, 1, 3, 5, 6)] == ["A", "B", "C", "D", "E"]
    assert results[2] == "crash: internal error: the worker process crashed on this file"
    assert results[4] == "raise: internal error: RuntimeError('boom')"


def test_small_workloads_stay_in_process(tmp_path: os.PathLike[str]) -> None:
    from flake8_executor.command.cli import IN_PROCESS_BYTES, worker_plan

    small = os.path.join(tmp_path, "small.py")
    with open(small, "w") as file:
        file.write("x = 1\n")
    big = os.path.join(tmp_path, "big.py")
    with open(big, "w") as file:
        file.write("x = 1\n" * (IN_PROCESS_BYTES // 6 + 1))
    assert worker_plan([small, small], 4) == (1, 1)
    assert worker_plan([big, small], 1) == (1, 1)
    processes, chunk_size = worker_plan([big, small, "missing.py"], 4)
    assert processes == 4 and chunk_size >= 1


# -- libcst on fragments gives the whole module's result -------------------------------------------

FRAGMENT_CASES = {
    "module level": "import asyncio\nloop = asyncio.get_event_loop()\n"
    "x = loop.run_in_executor(None, print, 1, end='')\n",
    "method, multi-line call": '"""Doc."""\nimport time\n\n\nclass Service:\n    """A service."""\n\n'
    "    async def run(self, url):\n        time.sleep(1)  # wait\n"
    "        return await self.loop.run_in_executor(\n            None,\n            print,\n"
    '            url,  # the url\n            end="",\n        )\n',
    "semicolons": "import time\n\n\nasync def f():\n    x = 1; time.sleep(1); y = 2\n"
    "    if x: time.sleep(2)\n",
    "decorated": "import time\n\n\ndef deco(f):\n    return f\n\n\nasync def outer():\n"
    "    @deco\n    async def inner():\n        time.sleep(1)\n\n    return inner\n",
    "crlf, aliases": "import asyncio as aio\r\nimport functools as ft\r\nimport time\r\n\r\n\r\n"
    "async def f(loop, u):\r\n    time.sleep(1)\r\n"
    "    await loop.run_in_executor(None, print, u, end='')\r\n    return time.monotonic()\r\n",
    "mixed newlines": "import time\n\r\n\r\nasync def f(loop, u):\r\n    time.sleep(1)\r\n"
    "    await loop.run_in_executor(\r\n        None,\r\n        print,\r\n        u,\r\n"
    "        end='',\r\n    )\r\n",
    "imports removed": "from time import sleep as nap\nfrom asyncio import get_event_loop\n\n\n"
    "async def main():\n    nap(2)\n    return get_event_loop()\n",
    "name rebound in a function": "import time\n\n\nasync def main():\n    time.sleep(1)\n\n\n"
    "def other():\n    time = 3\n    return time\n",
    "big first class": "import time\n\n\nclass First:\n"
    + "".join(f"    def m{index}(self):\n        return {index}\n" for index in range(50))
    + "\n\nasync def main():\n    time.sleep(1)\n",
    "no final newline": "import time\n\n\nasync def main():\n    time.sleep(1)",
    "tabs": "import time\n\n\nasync def main():\n\tif True:\n\t\ttime.sleep(1)\n",
    "non-ASCII line": "import time\n\n\nasync def main():\n    x = 'héllo'; time.sleep(1)\n",
    "import removed below a docstring": '"""Doc."""\nfrom __future__ import annotations\n\n'
    "import os\nimport time\n\n\nasync def main():\n    time.sleep(1)\n    return os.sep\n",
    "import named in a comment below": "import time\n\n\nasync def main():\n"
    "    time.sleep(1)  # not time.time()\n",
    "import named in __all__": "import time\n\n__all__ = ['time']\n\n\nasync def main():\n"
    "    time.sleep(1)\n",
    "import in a string annotation": "import time\n\n\nasync def main(t: 'time.struct_time'):\n"
    "    time.sleep(1)\n",
    "imported again below": "import time\n\n\nasync def main():\n    time.sleep(1)\n\n\n"
    "def later():\n    import time\n    return time.time()\n",
    "used as a NFKC-equal name": "import time\n\n\nasync def main():\n    time.sleep(1)\n\n\n"
    "def later():\n    return \uff54\uff49\uff4d\uff45.time()\n",
    "form feed (whole module)": "import time\n\x0c\n\nasync def main():\n    time.sleep(1)\n",
    "lone carriage returns (whole module)": "import time\r\r\rasync def main():\r    time.sleep(1)\r",
}


@pytest.mark.parametrize("text", FRAGMENT_CASES.values(), ids=FRAGMENT_CASES.keys())
def test_fragments_give_the_whole_modules_result(text: str, request: pytest.FixtureRequest) -> None:
    settings = Settings()
    tree = ast.parse(text)
    lines = re.split(r"\r\n|\r|\n", text)
    fixable = [finding for finding in analyze(tree, settings) if finding.fixable]
    assert fixable
    whole = pipeline._apply_to_module(text, tree, lines, fixable, settings)
    parts = pipeline._apply_in_fragments(text, tree, lines, fixable, settings)
    if "(whole module)" in request.node.callspec.id:  # libcst reads these its own way
        assert parts is None
        return
    assert parts is not None
    assert parts.text == whole.text != text
    assert [(outcome.finding, outcome.reason) for outcome in parts.outcomes] == [
        (outcome.finding, outcome.reason) for outcome in whole.outcomes
    ]


@pytest.mark.parametrize(
    ("tail", "mentioned"),
    [
        ("async def main():\n    await asyncio.sleep(1)\n", False),
        ("x = timeout\n", False),  # a longer word
        ("x = 1  # time\n", True),  # a comment is coarse but safe
        ("__all__ = ['nap']\n", True),
        ("x = \uff54\uff49\uff4d\uff45\n", True),  # fullwidth letters: CPython reads "time"
    ],
)
def test_unmentioned_after(tail: str, mentioned: bool) -> None:
    candidates = [("time", None, None), ("time", "sleep", "nap")]
    assert imports.unmentioned_after(tail, candidates) is not mentioned


@pytest.mark.parametrize(
    ("text", "candidate", "surely_kept"),
    [
        ("import time\ndef f():\n    return time.time()\n", ("time", None, None), True),
        ("import time\nx = time.time()\n", ("time", None, None), False),  # module level only
        ("import time\n", ("time", None, None), False),  # unused: the visitor removes it
        ("import os\n", ("time", None, None), True),  # nothing matches
        (
            "import time\ndef f():\n    return time.time()\ndef g(time):\n    return time\n",
            ("time", None, None),
            False,
        ),
        (
            "import time\ndef f():\n    import time\n    return time.time()\n",
            ("time", None, None),
            False,
        ),
        ("import os.path\ndef f():\n    return os.path\n", ("os.path", None, None), False),
        (
            "from time import sleep as nap\ndef f():\n    nap(1)\n",
            ("time", "sleep", "nap"),
            True,
        ),
        ("from time import sleep\ndef f():\n    nap(1)\n", ("time", "sleep", None), False),
        (
            "from time import sleep\ndef f():\n    global sleep\n    sleep(1)\n",
            ("time", "sleep", None),
            False,
        ),
        (
            "from time import sleep\nclass K:\n    sleep = 1\n    def f(self):\n        sleep(1)\n",
            ("time", "sleep", None),
            False,
        ),
    ],
)
def test_the_removal_check_is_sure_or_says_no(
    text: str, candidate: tuple[str, str | None, str | None], surely_kept: bool
) -> None:
    assert imports.removal_changes_nothing(ast.parse(text), [candidate]) is surely_kept


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_noqa_reads_lone_cr_and_crlf_lines_as_flake8_does(newline: str) -> None:
    """flake8 reads a file with universal newlines: a ``# noqa`` on one line covers that line only."""
    text = newline.join(["import time", "time.sleep(1)  # noqa", "time.sleep(2)", ""])
    noqa = Noqa(text)
    assert noqa.silences(Finding("AEX101", 2, 0, 2, 13, ""))
    assert not noqa.silences(Finding("AEX101", 3, 0, 3, 13, ""))


# -- framework awareness: the engine picks the module's idiom, the fixer writes it ----------------


def _fixes(source: str, settings: Settings | None = None) -> list[tuple[Fix | None, str | None]]:
    from flake8_executor.engine import analyze_source

    return [
        (finding.fix, finding.unfixable)
        for finding in analyze_source(source, settings or Settings())
        if finding.fix is not None
    ]


CALLS = "\n\nasync def main(u):\n    time.sleep(1)\n    requests.get(u)\n"


@pytest.mark.parametrize(
    ("imports_", "expected"),
    [
        ("import anyio\nimport trio", [Fix.ANYIO_SLEEP, Fix.ANYIO_TO_THREAD]),  # anyio serves both
        ("from anyio import run", [Fix.ANYIO_SLEEP, Fix.ANYIO_TO_THREAD]),
        ("import trio", ["trio", "trio"]),
        (
            "from starlette.concurrency import run_in_threadpool",
            ["Starlette", Fix.RUN_IN_THREADPOOL],
        ),
        ("import starlette", [Fix.ASYNC_SLEEP, Fix.TO_THREAD]),  # no run_in_threadpool: asyncio's
        ("", [Fix.ASYNC_SLEEP, Fix.TO_THREAD]),
    ],
)
def test_the_modules_framework_picks_the_fix(imports_: str, expected: list[object]) -> None:
    source = f"import time\nimport requests\n{imports_}\n{CALLS}"
    got = [
        fix if reason is None else reason.split(",")[0].split(" uses ")[1].split(" ")[0]
        for fix, reason in _fixes(source, Settings(target_version=(3, 8)))
    ]
    assert got == expected


def test_a_shadowed_framework_name_declines() -> None:
    source = "import anyio\nimport requests\n\n\nasync def main(u, anyio):\n    requests.get(u)\n"
    [(fix, reason)] = _fixes(source)
    assert fix is Fix.ANYIO_TO_THREAD
    assert reason == NotFixed.NAME_TAKEN.format(name="anyio", module="anyio")
    local = (
        "import requests\nfrom starlette.concurrency import run_in_threadpool\n\n\n"
        "async def main(u):\n    run_in_threadpool = print\n    requests.get(u)\n"
    )
    [(fix, reason)] = _fixes(local)
    assert fix is Fix.RUN_IN_THREADPOOL and reason is not None and "run_in_threadpool" in reason


def test_a_third_party_import_joins_the_section_that_imports_from_it() -> None:
    text = "import os\n\nimport requests\nfrom anyio import run\n\nx = 1\n"
    placed = imports.insert_imports(text, ast.parse(text), ["anyio"], "\n")
    assert placed == "import os\n\nimport anyio\nimport requests\nfrom anyio import run\n\nx = 1\n"
    # No section imports from it: the third-party section, else a new one after the standard
    # library's (the stdlib block is not its place); sections mixed in one block: libcst's place.
    third = "import os\n\nimport requests\n\nx = 1\n"
    placed = imports.insert_imports(third, ast.parse(third), ["anyio"], "\n")
    assert placed == "import os\n\nimport anyio\nimport requests\n\nx = 1\n"
    alone = "import os\n\nx = 1\n"
    placed = imports.insert_imports(alone, ast.parse(alone), ["anyio"], "\n")
    assert placed == "import os\n\nimport anyio\n\nx = 1\n"
    mixed = "import os\nimport requests\n\nx = 1\n"
    assert imports.insert_imports(mixed, ast.parse(mixed), ["anyio"], "\n") is None


# The blank lines a fix leaves: none at the top of a file, two before a top-level def, one between
# import sections (issue "executor-fix you can trust": keep what the user wrote).
_SLEEP = "async def main():\n    time.sleep(1)\n"
_FIXED_SLEEP = "async def main():\n    await asyncio.sleep(1)\n"
BLANK_LINES = {
    "docstring": ('"""Doc."""\n\nimport time\n\n\n' + _SLEEP, '"""Doc."""\n\nimport asyncio\n\n\n'),
    "asyncio then time": ("import asyncio\nimport time\n\n\n" + _SLEEP, "import asyncio\n\n\n"),
    "time then asyncio": ("import time\nimport asyncio\n\n\n" + _SLEEP, "import asyncio\n\n\n"),
    "from import first": (
        "from time import sleep\n\n\n" + _SLEEP.replace("time.", ""),
        "import asyncio\n\n\n",
    ),
    "from import in its own section": (
        "import asyncio\n\nfrom time import sleep\n\n\n" + _SLEEP.replace("time.", ""),
        "import asyncio\n\n\n",
    ),
    "header comment": ("# header\nimport time\n\n\n" + _SLEEP, "# header\nimport asyncio\n\n\n"),
    "future import": (
        "from __future__ import annotations\n\nimport time\n\n\n" + _SLEEP,
        "from __future__ import annotations\n\nimport asyncio\n\n\n",
    ),
    "third-party section stays": (
        "import asyncio\nimport time\n\nimport requests\n\n\n" + _SLEEP,
        "import asyncio\n\nimport requests\n\n\n",
    ),
}


@pytest.mark.parametrize("case", BLANK_LINES, ids=str)
def test_blank_lines_around_the_imports_a_fix_changes(case: str) -> None:
    before, head = BLANK_LINES[case]
    assert fix_source(before, Settings()).text == head + _FIXED_SLEEP
