"""AEX201: ``lambda: f(a, k=v)`` sent to a process pool -> ``functools.partial(f, a, k=v)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.LAMBDA_TO_PARTIAL, order=90, needs_coroutine=False)
def lambda_to_partial(node: cst.BaseExpression, ctx: RewriteContext) -> Rewritten:
    """A lambda of no parameters whose body is one call: the call's function and arguments, kept
    as written (comments too), become a partial, which pickles where the lambda cannot."""
    if not isinstance(node, cst.Lambda) or not isinstance(node.body, cst.Call):
        raise Declined(NotFixed.LAMBDA_NOT_ONE_CALL)
    body = node.body
    args = [*body.args]
    if args:
        last = args[-1]
        args[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    first = cst.Arg(
        body.func.with_changes(lpar=[], rpar=[]) if body.lpar else body.func,
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        if args
        else cst.MaybeSentinel.DEFAULT,
    )
    return Rewritten(cst.Call(func=ctx.partial(), args=[first, *args]), False)
