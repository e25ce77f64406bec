"""AEX100-AEX106 in an anyio module: ``f(a)`` -> ``await anyio.to_thread.run_sync(f, a)``.

``asyncio.to_thread`` fails when the module's code runs under trio, one of anyio's back ends;
anyio's own thread works under both. ``run_sync`` passes positional arguments only (its keywords
are its own: ``abandon_on_cancel``, ``limiter``), so keywords go in a ``functools.partial``.
"""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import call_with_callable_first, has_keywords
from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.ANYIO_TO_THREAD, order=70, needs_coroutine=True)
def anyio_to_thread(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``f(a)`` -> ``anyio.to_thread.run_sync(f, a)``; ``f(a, k=v)`` -> ``...(partial(f, a, k=v))``."""
    run_sync = ctx.anyio_attr("to_thread", "run_sync")
    if has_keywords(call.args):
        work = call_with_callable_first(ctx.partial(), call.func, call)
        return Rewritten(cst.Call(func=run_sync, args=[cst.Arg(work)]), True)
    return Rewritten(call_with_callable_first(run_sync, call.func, call), True)
