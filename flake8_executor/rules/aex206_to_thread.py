"""AEX206 (off by default): ``await loop.run_in_executor(None, f, *args)`` where ``to_thread`` serves."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.rules.aex202_wrong_pool import wrong_pool
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, unparse
from flake8_executor.rules.executor_calls import (
    RUN_IN_EXECUTOR,
    THREADS,
    executor_pool,
    is_self,
    run_in_executor_call,
)
from flake8_executor.rules.fix_plan import names_blocked

AEX206 = Code(
    "AEX206",
    "run_in_executor(None, ...) where asyncio.to_thread() serves",
    {"": "{call} can be await asyncio.to_thread({args}), which also copies contextvars"},
    Docs(
        what="Finds `await loop.run_in_executor(None, f, *args)`: the default thread pool, a "
        "future awaited on the spot, on a target where `asyncio.to_thread` exists (py39+).",
        why="`asyncio.to_thread(f, *args)` does the same, reads better, takes keyword arguments, "
        "and copies the caller's `contextvars` into the thread, which `run_in_executor` does not. "
        "A matter of style: off by default.",
        example="import asyncio\n\n\ndef work(n):\n    return n\n\n\nasync def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, work, 1)  # error: AEX206\n",
        use_instead="import asyncio\n\n\ndef work(n):\n    return n\n\n\nasync def main():\n"
        "    return await asyncio.to_thread(work, 1)\n",
        fix="`await loop.run_in_executor(None, f, a)` becomes `await asyncio.to_thread(f, a)` "
        "(a `functools.partial(f, a, k=v)` is unwrapped into `f, a, k=v`), and a "
        "`loop = asyncio.get_running_loop()` it leaves unused is dropped. Declined for a "
        "future that is kept rather than awaited (a coroutine cannot stand in for it) and below "
        "py39. Not reported on an event loop's own `self.run_in_executor`, nor where AEX202 finds "
        "the work wrong for threads (a GIL-holding parse: a process pool is the advice).",
        fixed="import asyncio\n\n\ndef work(n):\n    return n\n\n\nasync def main():\n"
        "    return await asyncio.to_thread(work, 1)\n",
        flake8_args=("--extend-select=AEX206",),
        fix_args=("--select=AEX206",),
    ),
    fix="`asyncio.to_thread(f, ...)`",
    default_on=False,
)


def run_in_executor_to_thread(call: CallSite, state: FileState) -> Iterator[Finding]:
    arguments = run_in_executor_call(call, state)
    if arguments is None or arguments.executor is None or arguments.function is None:
        return
    node = call.node
    args = node.args
    if (
        len(args) >= 2
        and isinstance(args[0], ast.Constant)
        and not node.keywords
        and call.awaited
        and state.settings.has_to_thread
        and executor_pool(arguments.executor, call.scope, state) == THREADS
        # A loop's own self.run_in_executor: to_thread() would use the running loop instead.
        and not is_self(node.func.value, call.scope)  # type: ignore[attr-defined]
        # Where AEX202 says the work wants a process pool, to_thread() is the wrong advice.
        and next(wrong_pool(call, state), None) is None
    ):
        rest = ", ".join(unparse(arg) for arg in args[1:])
        receiver = node.func.value  # type: ignore[attr-defined]
        unfixable = names_blocked(call, ("asyncio",))
        if any(isinstance(part, ast.Call) for part in ast.walk(receiver)):
            unfixable = NotFixed.RECEIVER_EFFECTS.format(receiver=unparse(receiver))
        yield finding_at(
            node,
            AEX206.message(call=f"{unparse(node.func)}()", args=rest),
            fix=Fix.RUN_IN_EXECUTOR_TO_THREAD,
            unfixable=unfixable,
        )


RULE = Rule(
    codes=(AEX206,),
    triggers=frozenset({RUN_IN_EXECUTOR}),
    on_call=run_in_executor_to_thread,
    call_names=frozenset({RUN_IN_EXECUTOR}),
)
