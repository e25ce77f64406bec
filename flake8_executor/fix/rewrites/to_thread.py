"""AEX100-AEX106 and helpers: ``f(a, k=v)`` -> ``await asyncio.to_thread(f, a, k=v)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import call_with_callable_first
from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.TO_THREAD, order=70, needs_coroutine=True)
def to_thread(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``f(a, k=v)`` -> ``asyncio.to_thread(f, a, k=v)``; before 3.9 what ``to_thread`` does.

    That is ``run_in_executor(None, functools.partial(contextvars.copy_context().run, f, a,
    k=v))``: the call runs in the default thread pool, in a copy of the caller's context, so
    that it sees the context variables the coroutine set, as it did on the loop.
    """
    if ctx.settings.has_to_thread:
        return Rewritten(
            call_with_callable_first(ctx.asyncio_attr("to_thread"), call.func, call), True
        )
    partial = call_with_callable_first(ctx.partial(), call.func, call)
    work = call_with_callable_first(ctx.partial(), ctx.copied_context_run(), partial)
    run = cst.Call(
        func=ctx.running_loop_method("run_in_executor"),
        args=[
            cst.Arg(cst.Name("None"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(work),
        ],
    )
    return Rewritten(run, True)
