"""AEX205 in a coroutine: ``asyncio.get_event_loop()`` -> ``asyncio.get_running_loop()``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.GET_RUNNING_LOOP, order=40, needs_coroutine=True, drops_callable=True)
def get_running_loop(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``asyncio.get_event_loop()`` -> ``asyncio.get_running_loop()``, the module as spelled."""
    if call.args:
        raise Declined(NotFixed.GET_EVENT_LOOP_ARGUMENTS)
    if isinstance(call.func, cst.Attribute):
        return Rewritten(
            call.with_changes(func=call.func.with_changes(attr=cst.Name("get_running_loop"))), False
        )
    if isinstance(call.func, cst.Name):
        # ``from asyncio import get_event_loop [as name]``: dropped below unless still used.
        name = call.func.value
        ctx.maybe_unused.add(
            ("asyncio", "get_event_loop", None if name == "get_event_loop" else name)
        )
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("get_running_loop")), False)
