"""AEX107: ``fut.result()`` -> ``await asyncio.wrap_future(fut)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import only_argument
from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.WRAP_FUTURE, order=60, needs_coroutine=True)
def wrap_future(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``fut.result()`` -> ``asyncio.wrap_future(fut)``."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "result":
        raise Declined(NotFixed.NOT_A_RESULT_CALL)
    if call.args:
        # A timeout would need asyncio.wait_for(); leave that choice to the author.
        raise Declined(NotFixed.RESULT_TIMEOUT)
    future = only_argument(call.func.value, call)
    return Rewritten(cst.Call(func=ctx.asyncio_attr("wrap_future"), args=[future]), True)
