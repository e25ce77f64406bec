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
    """``f(a, k=v)`` -> ``run_in_threadpool(f, a, k=v)``, by the name the module imported; with a
    keyword named ``func`` (``run_in_threadpool``'s own parameter: "multiple values"), the call
    goes in a ``functools.partial``."""
    name = cst.Name(ctx.threadpool_name)
    if any(arg.keyword is not None and arg.keyword.value == "func" for arg in call.args):
        work = call_with_callable_first(ctx.partial(), call.func, call)
        return Rewritten(cst.Call(func=name, args=[cst.Arg(work)]), True)
    return Rewritten(call_with_callable_first(name, call.func, call), True)
