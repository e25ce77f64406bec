"""AEX105 with a configured pool: ``json.loads(b)`` -> ``await loop.run_in_executor(<pool>, ...)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import (
    call_with_callable_first,
    has_keywords,
    own_parentheses,
)
from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.PROCESS_POOL, order=80, needs_coroutine=True)
def process_pool(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``json.loads(b)`` -> ``asyncio.get_running_loop().run_in_executor(<pool>, json.loads, b)``."""
    if ctx.settings.process_pool is None:
        raise Declined(NotFixed.NO_PROCESS_POOL)
    pool = cst.parse_expression(ctx.settings.process_pool)
    run_in_executor = ctx.running_loop_method("run_in_executor")
    pool_arg = own_parentheses(
        cst.Arg(pool, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    )
    if has_keywords(call.args):
        work = call_with_callable_first(ctx.partial(), call.func, call)
        return Rewritten(cst.Call(func=run_in_executor, args=[pool_arg, cst.Arg(work)]), True)
    rest = call_with_callable_first(run_in_executor, call.func, call)
    return Rewritten(rest.with_changes(args=[pool_arg, *rest.args]), True)
