"""Property: whatever mix of blocking calls and surroundings, the fixer's output parses, and fixing
the output again changes nothing.

Coroutines are built from statement templates (attribute use, subscripts, comprehensions, lambdas,
nested defs, f-strings, existing awaits, with items) filled with calls of every fix action, so the
engine and the fixer meet the places where ``await`` and parentheses go wrong.
"""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flake8_executor.config.settings import Settings
from flake8_executor.fix.pipeline import fix_source
from flake8_executor.selection import Selection

HEADER = """\
import asyncio
import json
import subprocess
import time
from asyncio import get_event_loop
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from time import sleep

import requests

POOL = ProcessPoolExecutor()
THREADS = ThreadPoolExecutor()


async def handler(url, body, path, flag):
    loop = asyncio.get_running_loop()
    fut = THREADS.submit(print)
"""

CALLS = [
    "time.sleep(1)",
    "sleep(2)",
    "requests.get(url)",
    "requests.post(\n        url,  # the url\n        data=body,\n    )",
    "json.loads(body)",
    "json.loads(body, strict=False)",
    "fut.result()",
    "loop.run_in_executor(None, requests.get, url, timeout=3)",
    "loop.run_in_executor(POOL, requests.get, url)",
    "loop.run_in_executor(None, print, url)",
    "asyncio.get_event_loop()",
    "get_event_loop()",
    "open(path)",
    "Path(path).read_text()",
    "subprocess.run(['ls'], check=True)",
    "input()",
]

STATEMENTS = [
    "x = {call}",
    "x = {call}.attribute",
    "x = {call}[0]",
    "x = ({call})",
    "x = -{call} ** 2",
    "x = {call} if flag else None",
    "x = [{call} for _ in range(3)]",
    "x = {{k: {call} for k in range(3)}}",
    "x = ({call} for _ in range(3))",
    "x = lambda: {call}",
    "x = f'{{{call}!r}}'",
    "await {call}",
    "print({call}, end='')",
    "def inner():\n        return {call}",
    "class Inner:\n        value = {call}",
    "with {call} as handle:\n        pass",
    "{call}  # noqa",
]


@st.composite
def modules(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=4))
    lines = [
        draw(st.sampled_from(STATEMENTS)).format(call=draw(st.sampled_from(CALLS)))
        for _ in range(count)
    ]
    source = HEADER + "".join(f"    {line}\n" for line in lines)
    try:
        ast.parse(source)
    except SyntaxError:  # a multi-line call inside a one-line f-string
        assume(False)
    return source


# No example database: the suite leaves nothing behind in the work tree.
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    source=modules(),
    target=st.sampled_from([(3, 8), (3, 12)]),
    process_pool=st.sampled_from([None, "app.state.pool"]),
    select=st.sampled_from([None, ("AEX",)]),
)
def test_output_parses_and_a_second_run_changes_nothing(
    source: str,
    target: tuple[int, int],
    process_pool: str | None,
    select: tuple[str, ...] | None,
) -> None:
    options = Settings(target_version=target, process_pool=process_pool)
    selection = Selection(select=select)
    first = fix_source(source, options, selection)  # raises BrokenFix if the output did not parse
    second = fix_source(first.text, options, selection)
    assert second.text == first.text
    assert not second.fixed
