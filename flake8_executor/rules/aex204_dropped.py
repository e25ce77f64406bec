"""AEX204: executor work whose result is dropped (a lost future, a coroutine that never runs)."""

from __future__ import annotations

from collections.abc import Iterator

from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed, Unsafe
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, last_parts, shown_call
from flake8_executor.rules.executor_calls import RUN_IN_EXECUTOR, TO_THREAD, run_in_executor_call
from flake8_executor.rules.fix_plan import await_blocked

AEX204 = Code(
    "AEX204",
    "executor work whose result is dropped",
    {
        "future": "the future of {call} is dropped, so its exceptions are lost; await it or keep a"
        " reference to it",
        "coroutine": "{call} returns a coroutine that is dropped, so the work never runs; await it"
        " or wrap it in asyncio.create_task()",
    },
    Docs(
        what="Finds a bare statement `loop.run_in_executor(...)` and a bare statement "
        "`asyncio.to_thread(...)`.",
        why="A dropped future's exception is never seen (at best a log line when it is "
        "collected). `asyncio.to_thread(...)` returns a coroutine: dropped, it never runs at all, "
        "and the work silently does not happen.",
        example="import asyncio\n\n\ndef work():\n    pass\n\n\nasync def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.run_in_executor(None, work)  # error: AEX204\n"
        "    asyncio.to_thread(work)  # error: AEX204\n",
        use_instead="import asyncio\n\n\ndef work():\n    pass\n\n\nasync def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    future = loop.run_in_executor(None, work)  # kept, and awaited below\n"
        "    await asyncio.to_thread(work)\n"
        "    await future\n",
        fix="A dropped `asyncio.to_thread(...)` becomes `await asyncio.to_thread(...)`. Unsafe: "
        "the work, which never ran, now runs, and the coroutine waits for it. A dropped "
        "`run_in_executor` future is not fixed: whether to wait there or keep it is the author's "
        "choice.",
        fixed="import asyncio\n\n\ndef work():\n    pass\n\n\nasync def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.run_in_executor(None, work)\n"
        "    await asyncio.to_thread(work)\n",
        fix_args=("--unsafe-fixes",),
    ),
    fix="`to_thread`: `await` it (unsafe)",
)


def dropped_work(call: CallSite, state: FileState) -> Iterator[Finding]:
    if not call.is_statement:
        return
    if run_in_executor_call(call, state) is not None:
        yield finding_at(call.node, AEX204.message("future", call=shown_call(call.node.func)))
    elif state.call_name(call) == TO_THREAD:
        blocked = await_blocked(call, state)
        if not call.on_loop:
            blocked = NotFixed.NO_AWAIT_HERE.format(where=NotFixed.OUTSIDE_COROUTINE)
        yield finding_at(
            call.node,
            AEX204.message("coroutine", call=shown_call(call.node.func)),
            fix=Fix.AWAIT_DROPPED,
            unfixable=blocked,
            unsafe=Unsafe.NOW_RUNS,
        )


RULE = Rule(
    codes=(AEX204,),
    triggers=frozenset({RUN_IN_EXECUTOR, *last_parts([TO_THREAD])}),
    on_call=dropped_work,
    call_names=frozenset({RUN_IN_EXECUTOR, *last_parts([TO_THREAD])}),
)
