"""AEX206: ``await loop.run_in_executor(None, f, a)`` -> ``await asyncio.to_thread(f, a)``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from flake8_executor.fix.rewrites.arguments import is_plain_positional
from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.RUN_IN_EXECUTOR_TO_THREAD, order=20, needs_coroutine=True)
def run_in_executor_to_thread(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``loop.run_in_executor(None, f, a)`` -> ``asyncio.to_thread(f, a)`` (the ``await`` stays)."""
    if not ctx.settings.has_to_thread:
        raise Declined(NotFixed.NO_TO_THREAD)
    args = list(call.args)
    if len(args) < 2 or not all(is_plain_positional(arg) for arg in args[:2]):
        raise Declined(NotFixed.NOT_POSITIONAL)
    if not (isinstance(args[0].value, cst.Name) and args[0].value.value == "None"):
        raise Declined(NotFixed.EXECUTOR_NOT_NONE)
    work = _unwrapped_partial(args[1:], ctx, args[0]) or args[1:]
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("to_thread"), args=work), False)


def _unwrapped_partial(
    args: Sequence[cst.Arg], ctx: RewriteContext, executor: cst.Arg
) -> list[cst.Arg] | None:
    """``functools.partial(f, a, k=v)`` alone -> the arguments ``f, a, k=v``, or None.

    ``asyncio.to_thread`` takes keywords itself, so the partial that ``run_in_executor`` needed
    (perhaps added by the keywords-to-partial fix just before) has no reason to stay.
    """
    if len(args) != 1 or not isinstance(args[0].value, cst.Call):
        return None
    partial_call = args[0].value
    func = partial_call.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == ctx.functools_name
        and func.attr.value == "partial"
        and partial_call.args
        and is_plain_positional(partial_call.args[0])
        and not partial_call.lpar
    ):
        return None
    inner = list(partial_call.args)
    alias = None if ctx.functools_name == "functools" else ctx.functools_name
    ctx.maybe_unused.add(("functools", None, alias))
    line_break = executor.comma.whitespace_after if isinstance(executor.comma, cst.Comma) else None
    if not isinstance(line_break, cst.ParenthesizedWhitespace):
        if isinstance(args[0].comma, cst.Comma):
            inner[-1] = inner[-1].with_changes(
                comma=args[0].comma, whitespace_after_arg=args[0].whitespace_after_arg
            )
        return inner
    # The call is laid out one argument per line: so are the partial's arguments now, at the
    # call's own indentation (black's layout for a magic trailing comma), comments kept.
    closing = args[0].comma.whitespace_after if isinstance(args[0].comma, cst.Comma) else None
    if not isinstance(closing, cst.ParenthesizedWhitespace):
        closing = args[0].whitespace_after_arg
    if not isinstance(closing, cst.ParenthesizedWhitespace):
        return None  # "None,\n    partial(...))": an odd layout, kept as it is
    laid_out = []
    for number, arg in enumerate(inner):
        last = number == len(inner) - 1
        after = arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else None
        if isinstance(after, cst.ParenthesizedWhitespace):  # keeps an end-of-line comment
            indent = closing.last_line if last else line_break.last_line
            comma = arg.comma.with_changes(whitespace_after=after.with_changes(last_line=indent))
        else:
            comma = cst.Comma(whitespace_after=closing if last else line_break)
        laid_out.append(
            arg.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
        )
    return laid_out
