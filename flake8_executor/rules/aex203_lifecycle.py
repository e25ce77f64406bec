"""AEX203: an executor created, entered as a context manager, or shut down inside a coroutine."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor import catalog
from flake8_executor.analysis.sites import CallSite, WithItemSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.rules.base import (
    ON_THE_LOOP,
    Code,
    Docs,
    Rule,
    finding_at,
    last_parts,
    shown_call,
    unparse,
)

POOL_CONSTRUCTORS = frozenset(
    name for name, kind in catalog.CONSTRUCTORS.items() if kind in catalog.EXECUTOR_TYPES
)

AEX203 = Code(
    "AEX203",
    "executor lifecycle inside a coroutine",
    {
        "with": "'with {pool}' in a coroutine: leaving it calls shutdown(wait=True), which blocks"
        " the event loop; create the pool once at start-up and shut it down at exit",
        "new": "{call} in a coroutine starts a new pool on every call; create the pool once at"
        " start-up and reuse it",
        "shutdown": "{call} in a coroutine waits for the pool's work on the event loop; use"
        " {receiver}.shutdown(wait=False) or await loop.run_in_executor(None, {receiver}.shutdown)",
    },
    Docs(
        what="Finds, in an `async def`: `with ThreadPoolExecutor()/ProcessPoolExecutor() as ex:` "
        "(or `with` a pool object), a pool constructed there, and `pool.shutdown()` without "
        "`wait=False`.",
        why="Leaving the `with` calls `shutdown(wait=True)`, which waits on the event loop for "
        "all the pool's work; `shutdown()` does the same. A pool made in a coroutine is a new "
        "pool, with new threads or processes, on every call.",
        example="from concurrent.futures import ProcessPoolExecutor\n\n\n"
        "async def handler(work):\n"
        "    with ProcessPoolExecutor() as ex:  # error: AEX203\n"
        "        return ex.submit(work)\n",
        use_instead="import asyncio\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "PROCESS_POOL = ProcessPoolExecutor()  # once, at start-up\n\n\n"
        "async def handler(work):\n    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(PROCESS_POOL, work)\n",
        fix="Not fixed: where the pool is created and shut down is a design choice. Create it "
        "once at start-up and shut it down at exit, or with `await loop.run_in_executor(None, "
        "pool.shutdown)`.",
        invalid=(
            "from concurrent.futures import ThreadPoolExecutor\n\n\nasync def handler():\n"
            "    pool = ThreadPoolExecutor()  # error: AEX203\n"
            "    pool.shutdown()  # error: AEX203\n",
        ),
        valid=(
            "from concurrent.futures import ThreadPoolExecutor\n\nPOOL = ThreadPoolExecutor()\n\n\n"
            "async def handler():\n    POOL.shutdown(wait=False)\n",
        ),
    ),
)


def pool_call(call: CallSite, state: FileState) -> Iterator[Finding]:
    """A pool made, or shut down, in a coroutine."""
    if not call.on_loop:
        return
    node = call.node
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "shutdown":
        if state.resolver.type_of(func.value, call.scope) in catalog.EXECUTOR_TYPES:
            yield from _shutdown(call)
        return
    # ``with ProcessPoolExecutor():`` is reported once, by the with-item check.
    if not call.is_with_item and state.call_name(call) in POOL_CONSTRUCTORS:
        yield finding_at(node, AEX203.message("new", call=shown_call(func)))


def pool_with_item(item: WithItemSite, state: FileState) -> Iterator[Finding]:
    """``with ProcessPoolExecutor() as ex:`` (or ``with self.pool:``) in a coroutine."""
    if state.resolver.type_of(item.node, item.site.scope) not in catalog.EXECUTOR_TYPES:
        return
    expr = item.node
    shown = f"{unparse(expr.func)}(...)" if isinstance(expr, ast.Call) else unparse(expr)
    yield finding_at(expr, AEX203.message("with", pool=shown))


def _shutdown(call: CallSite) -> Iterator[Finding]:
    """``pool.shutdown()`` waits for the pool's work unless told ``wait=False``."""
    node = call.node
    wait = node.args[0] if node.args else None
    for keyword in node.keywords:
        if keyword.arg == "wait":
            wait = keyword.value
    # shutdown(wait=flag) with a flag we cannot read is given the benefit of the doubt.
    waits = wait is None or (isinstance(wait, ast.Constant) and bool(wait.value))
    if waits:
        receiver = unparse(node.func.value)  # type: ignore[attr-defined]
        yield finding_at(
            node,
            AEX203.message("shutdown", call=f"{receiver}.shutdown()", receiver=receiver),
        )


RULE = Rule(
    codes=(AEX203,),
    triggers=ON_THE_LOOP,
    on_call=pool_call,
    call_names=frozenset({"shutdown", *last_parts(POOL_CONSTRUCTORS)}),
    on_with_item=pool_with_item,
)
