"""AEX205: ``asyncio.get_event_loop()``, deprecated outside a running loop, wrong inside one."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, last_parts, shown_call, unparse
from flake8_executor.rules.fix_plan import freed_import, loop_not_asyncio, names_blocked

GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})

AEX205 = Code(
    "AEX205",
    "asyncio.get_event_loop()",
    {
        "coroutine": "{call} in a coroutine: use asyncio.get_running_loop()",
        "elsewhere": "{call} is deprecated and fails when no event loop is running on recent"
        " Pythons; use asyncio.run() or asyncio.new_event_loop(), and asyncio.get_running_loop()"
        " in coroutines",
    },
    Docs(
        what="Finds calls of `asyncio.get_event_loop()`, in coroutines and elsewhere.",
        why="In a coroutine the loop is running, and `asyncio.get_running_loop()` says so and "
        "cannot create a second loop by mistake. Elsewhere `get_event_loop()` is deprecated, "
        "and fails when no loop is running on recent Pythons: use `asyncio.run()` or "
        "`asyncio.new_event_loop()`.",
        example="import asyncio\n\n\nasync def main(callback):\n"
        "    loop = asyncio.get_event_loop()  # error: AEX205\n"
        "    loop.call_soon(callback)\n",
        use_instead="import asyncio\n\n\nasync def main(callback):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.call_soon(callback)\n",
        fix="In a coroutine, `asyncio.get_event_loop()` becomes `asyncio.get_running_loop()` (a "
        "`from asyncio import get_event_loop` is removed once unused). Safe: in a coroutine both "
        "return the running loop. Not fixed elsewhere, where the program's start-up has to change, "
        "nor in a module that uses trio, Twisted, gevent or curio (no asyncio loop runs there).",
        fixed="import asyncio\n\n\nasync def main(callback):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.call_soon(callback)\n",
        invalid=("import asyncio\n\nloop = asyncio.get_event_loop()  # error: AEX205\n",),
    ),
    fix="in a coroutine: `get_running_loop()`",
)


def get_event_loop(call: CallSite, state: FileState) -> Iterator[Finding]:
    name = state.call_name(call)
    if name not in GET_EVENT_LOOP:
        return
    node = call.node
    binding = state.resolver.import_binding(node.func, call.scope)
    origin = binding.origin if binding is not None else None
    shown = shown_call(node.func)
    if name != unparse(node.func):
        shown = f"{shown} ({name})"
    if call.on_loop and call.site.loop_reason is None:
        # asyncio.get_event_loop() keeps its receiver; a bare get_event_loop() needs asyncio.
        needs = () if isinstance(node.func, ast.Attribute) else ("asyncio",)
        unfixable = loop_not_asyncio(call, state) or names_blocked(call, needs)
        yield finding_at(
            node,
            AEX205.message("coroutine", call=shown),
            qualified=name,
            fix=Fix.GET_RUNNING_LOOP,
            unfixable=unfixable,
            import_origin=freed_import(origin, state) if unfixable is None else None,
        )
    else:
        yield finding_at(node, AEX205.message("elsewhere", call=shown), qualified=name)


RULE = Rule(
    codes=(AEX205,),
    triggers=last_parts(GET_EVENT_LOOP),
    on_call=get_event_loop,
    call_names=last_parts(GET_EVENT_LOOP),
)
