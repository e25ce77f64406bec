"""AEX107: ``fut.result(t)`` -> ``await asyncio.wait_for(asyncio.wrap_future(fut), t)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.WAIT_FOR, order=65, needs_coroutine=True)
def wait_for(node: cst.BaseExpression, ctx: RewriteContext) -> Rewritten:
    """The timeout, positional or ``timeout=``, becomes ``wait_for``'s second argument."""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "result"
        and len(node.args) == 1
        and node.args[0].star == ""
        and (node.args[0].keyword is None or node.args[0].keyword.value == "timeout")
    ):
        raise Declined(NotFixed.NOT_A_RESULT_CALL)
    timeout = node.args[0].value
    wrapped = cst.Call(func=ctx.asyncio_attr("wrap_future"), args=[cst.Arg(node.func.value)])
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    call = cst.Call(
        func=ctx.asyncio_attr("wait_for"), args=[cst.Arg(wrapped, comma=comma), cst.Arg(timeout)]
    )
    return Rewritten(call, True)
