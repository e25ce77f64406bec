"""AEX200: ``run_in_executor(ex, f, a, k=v)`` -> ``run_in_executor(ex, functools.partial(f, a, k=v))``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from flake8_executor.fix.rewrites.arguments import has_comment, has_keywords, is_plain_positional
from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


def _receiver_method(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


@rewrite(Fix.KEYWORDS_TO_PARTIAL, order=30, needs_coroutine=False)
def keywords_to_partial(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``run_in_executor(ex, f, a, k=v)`` -> ``run_in_executor(ex, functools.partial(f, a, k=v))``."""
    if _receiver_method(call) == "to_thread":
        # run-in-executor-to-thread already turned it into to_thread(), which takes keywords.
        return Rewritten(call, False)
    args = list(call.args)
    if len(args) < 2 or not all(is_plain_positional(arg) for arg in args[:2]):
        raise Declined(NotFixed.NOT_POSITIONAL)
    executor, func, rest = args[0], args[1], args[2:]
    if not has_keywords(rest):
        raise Declined(NotFixed.NO_KEYWORDS)
    inner = [func, *rest]
    partial = ctx.partial()
    if not any(has_comment(arg.comma) or has_comment(arg.whitespace_after_arg) for arg in inner):
        work = _partial_on_one_line(partial, inner)
    else:
        work = _partial_one_per_line(partial, executor, inner) or _partial_as_written(
            partial, inner
        )
    return Rewritten(call.with_changes(args=[executor, work]), False)


def _partial_on_one_line(partial: cst.Attribute, inner: Sequence[cst.Arg]) -> cst.Arg:
    """``partial(f, a, k=v)`` on one line; what followed the last argument stays outside it."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    no_space = cst.SimpleWhitespace("")
    args = [arg.with_changes(comma=comma, whitespace_after_arg=no_space) for arg in inner[:-1]]
    last = inner[-1]
    args.append(last.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=no_space))
    return cst.Arg(
        cst.Call(func=partial, args=args),
        comma=last.comma,
        whitespace_after_arg=last.whitespace_after_arg,
    )


def _partial_as_written(partial: cst.Attribute, inner: Sequence[cst.Arg]) -> cst.Arg:
    """The arguments moved into the partial untouched, comments and all."""
    last = inner[-1]
    args = [*inner[:-1], last.with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return cst.Arg(cst.Call(func=partial, args=args), comma=last.comma)


def _line_break(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))


def _partial_one_per_line(
    partial: cst.Attribute, executor: cst.Arg, inner: Sequence[cst.Arg]
) -> cst.Arg | None:
    """One argument per line, one level deeper than the call's, keeping end-of-line comments.

    Only for calls already laid out one argument per line; None otherwise.
    """
    head = executor.comma.whitespace_after if isinstance(executor.comma, cst.Comma) else None
    if not isinstance(head, cst.ParenthesizedWhitespace):
        return None
    base = head.last_line.value
    deeper = base + "    "
    args = []
    for arg in inner[:-1]:
        after = arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else None
        if not isinstance(after, cst.ParenthesizedWhitespace):
            return None
        comma = arg.comma.with_changes(
            whitespace_after=after.with_changes(last_line=cst.SimpleWhitespace(deeper))
        )
        args.append(arg.with_changes(comma=comma))
    last = inner[-1]
    if isinstance(last.comma, cst.Comma) and isinstance(
        last.comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        tail = last.comma.whitespace_after
        rest_of_call: dict[str, object] = {
            "comma": cst.Comma(whitespace_after=_line_break(tail.last_line.value))
        }
    elif isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace):
        tail = last.whitespace_after_arg
        rest_of_call = {"whitespace_after_arg": _line_break(tail.last_line.value)}
    else:
        return None
    closing = cst.Comma(whitespace_after=tail.with_changes(last_line=cst.SimpleWhitespace(base)))
    args.append(last.with_changes(comma=closing, whitespace_after_arg=cst.SimpleWhitespace("")))
    call = cst.Call(func=partial, args=args, whitespace_before_args=_line_break(deeper))
    return cst.Arg(call, **rest_of_call)  # type: ignore[arg-type]
