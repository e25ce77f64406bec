"""Argument layout shared by the rewrites: keep the user's arguments, comments and line breaks."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

_EMPTY = cst.Module(body=[])


def has_comment(node: cst.CSTNode | cst.MaybeSentinel) -> bool:
    """For whitespace-only nodes (commas, the space around them): is there a comment in it?"""
    return isinstance(node, cst.CSTNode) and "#" in _EMPTY.code_for_node(node)


def first_arg_comma(call: cst.Call) -> cst.Comma:
    """The comma after a callable put in front of ``call``'s arguments, laid out like them.

    When the arguments start on their own line, the callable gets a line of its own too.
    """
    before = call.whitespace_before_args
    if isinstance(before, cst.ParenthesizedWhitespace):
        return cst.Comma(
            whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(),
                indent=before.indent,
                last_line=before.last_line,
            )
        )
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def call_with_callable_first(
    func: cst.BaseExpression, callable_: cst.BaseExpression, call: cst.Call
) -> cst.Call:
    """``func(callable_, <call's arguments as written>)``."""
    if not call.args:
        return cst.Call(func=func, args=[only_argument(callable_, call)])
    first = cst.Arg(callable_, comma=first_arg_comma(call))
    return cst.Call(
        func=func,
        args=[first, *map(own_parentheses, call.args)],
        whitespace_before_args=call.whitespace_before_args,
    )


def only_argument(value: cst.BaseExpression, call: cst.Call) -> cst.Arg:
    """``value`` as the one argument of a call that replaces ``call()``, which had none.

    What was written between the empty parentheses (a comment, a line break: ``input(  # why``)
    follows it, so that nothing the user wrote is lost.
    """
    return cst.Arg(value, whitespace_after_arg=call.whitespace_before_args)


def own_parentheses(arg: cst.Arg) -> cst.Arg:
    """A bare generator may only be a sole argument: once it has company it needs parentheses."""
    value = arg.value
    if isinstance(value, (cst.GeneratorExp, cst.Tuple)) and not value.lpar:
        return arg.with_changes(
            value=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        )
    return arg


def is_plain_positional(arg: cst.Arg) -> bool:
    return arg.keyword is None and arg.star == ""


def has_keywords(args: Sequence[cst.Arg]) -> bool:
    return any(arg.keyword is not None or arg.star == "**" for arg in args)
