"""AEX100-AEX106 in a module that imports Starlette's ``run_in_threadpool``:
``f(a, k=v)`` -> ``await run_in_threadpool(f, a, k=v)``.

The module's own idiom: Starlette runs on anyio, so its code may run under trio, where
``asyncio.to_thread`` fails. ``run_in_threadpool`` takes keywords itself (it makes the partial).
"""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import call_with_callable_first
from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.RUN_IN_THREADPOOL, order=70, needs_coroutine=True)
def run_in_threadpool(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``f(a, k=v)`` -> ``run_in_threadpool(f, a, k=v)``, by the name the module imported."""
    return Rewritten(call_with_callable_first(cst.Name(ctx.threadpool_name), call.func, call), True)
