"""One rewrite per ``FixAction``: a libcst call in, its replacement out (or a reason to decline).

The engine decided *what* to do; these functions only build nodes. They keep the user's own
expressions (the callable, the arguments with their comments) and build only the new parts.
Whether the result needs an ``await`` and parentheses, and which imports it needs, is left to the
transformer (``transform.py``), which knows the surroundings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from flake8_executor.findings import FixAction
from flake8_executor.settings import Settings

_EMPTY = cst.Module(body=[])


class Declined(Exception):
    """A fix that cannot be applied safely here; the message says why, for the summary."""


@dataclass
class RewriteContext:
    """What a rewrite may consult, and what it asks of the transformer."""

    settings: Settings
    asyncio_name: str = "asyncio"  # how this module refers to asyncio ("aio" after import as)
    functools_name: str = "functools"
    needed_imports: set[str] = field(default_factory=set)
    # Imports a rewrite may have left unused, as (module, name, asname); removed only if unused.
    maybe_unused: set[tuple[str, str | None, str | None]] = field(default_factory=set)

    def asyncio_attr(self, attr: str) -> cst.Attribute:
        if self.asyncio_name == "asyncio":
            self.needed_imports.add("asyncio")
        return cst.Attribute(value=cst.Name(self.asyncio_name), attr=cst.Name(attr))

    def partial(self) -> cst.Attribute:
        if self.functools_name == "functools":
            self.needed_imports.add("functools")
        return cst.Attribute(value=cst.Name(self.functools_name), attr=cst.Name("partial"))

    def running_loop_method(self, method: str) -> cst.Attribute:
        """``asyncio.get_running_loop().<method>``."""
        return cst.Attribute(
            value=cst.Call(func=self.asyncio_attr("get_running_loop")), attr=cst.Name(method)
        )


@dataclass(frozen=True)
class Rewritten:
    node: cst.BaseExpression
    awaited: bool  # the transformer must put ``await`` before it (unless one is already there)


Rewrite = Callable[[cst.Call, RewriteContext], Rewritten]


def _has_comment(node: cst.CSTNode | cst.MaybeSentinel) -> bool:
    """For whitespace-only nodes (commas, the space around them): is there a comment in it?"""
    return isinstance(node, cst.CSTNode) and "#" in _EMPTY.code_for_node(node)


def _first_arg_comma(call: cst.Call) -> cst.Comma:
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


def _call_with_callable_first(
    func: cst.BaseExpression, callable_: cst.BaseExpression, call: cst.Call
) -> cst.Call:
    """``func(callable_, <call's arguments as written>)``."""
    if not call.args:
        return cst.Call(func=func, args=[cst.Arg(callable_)])
    first = cst.Arg(callable_, comma=_first_arg_comma(call))
    return cst.Call(
        func=func,
        args=[first, *map(_own_parentheses, call.args)],
        whitespace_before_args=call.whitespace_before_args,
    )


def _own_parentheses(arg: cst.Arg) -> cst.Arg:
    """A bare generator may only be a sole argument: once it has company it needs parentheses."""
    value = arg.value
    if isinstance(value, (cst.GeneratorExp, cst.Tuple)) and not value.lpar:
        return arg.with_changes(
            value=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        )
    return arg


def _is_plain_positional(arg: cst.Arg) -> bool:
    return arg.keyword is None and arg.star == ""


def _has_keywords(args: Sequence[cst.Arg]) -> bool:
    return any(arg.keyword is not None or arg.star == "**" for arg in args)


def to_thread(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``f(a, k=v)`` -> ``asyncio.to_thread(f, a, k=v)``; before 3.9 the default thread pool."""
    if ctx.settings.has_to_thread:
        return Rewritten(
            _call_with_callable_first(ctx.asyncio_attr("to_thread"), call.func, call), True
        )
    work: cst.BaseExpression = call.func
    if call.args:
        work = _call_with_callable_first(ctx.partial(), call.func, call)
    run = cst.Call(
        func=ctx.running_loop_method("run_in_executor"),
        args=[
            cst.Arg(cst.Name("None"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(work),
        ],
    )
    return Rewritten(run, True)


def async_sleep(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``time.sleep(x)`` / ``sleep(x)`` -> ``asyncio.sleep(x)``, arguments as written."""
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("sleep")), True)


def wrap_future(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``fut.result()`` -> ``asyncio.wrap_future(fut)``."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "result":
        raise Declined("not a .result() call")
    if call.args:
        # A timeout would need asyncio.wait_for(); leave that choice to the author.
        raise Declined(".result() is given arguments (a timeout)")
    return Rewritten(
        cst.Call(func=ctx.asyncio_attr("wrap_future"), args=[cst.Arg(call.func.value)]), True
    )


def process_pool(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``json.loads(b)`` -> ``asyncio.get_running_loop().run_in_executor(<pool>, json.loads, b)``."""
    if ctx.settings.process_pool is None:
        raise Declined("no --process-pool (process-pool) configured")
    pool = cst.parse_expression(ctx.settings.process_pool)
    run_in_executor = ctx.running_loop_method("run_in_executor")
    pool_arg = _own_parentheses(
        cst.Arg(pool, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    )
    if _has_keywords(call.args):
        work = _call_with_callable_first(ctx.partial(), call.func, call)
        return Rewritten(cst.Call(func=run_in_executor, args=[pool_arg, cst.Arg(work)]), True)
    rest = _call_with_callable_first(run_in_executor, call.func, call)
    return Rewritten(rest.with_changes(args=[pool_arg, *rest.args]), True)


def _receiver_method(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


def keywords_to_partial(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``run_in_executor(ex, f, a, k=v)`` -> ``run_in_executor(ex, functools.partial(f, a, k=v))``."""
    if _receiver_method(call) == "to_thread":
        # run-in-executor-to-thread already turned it into to_thread(), which takes keywords.
        return Rewritten(call, False)
    args = list(call.args)
    if len(args) < 2 or not all(_is_plain_positional(arg) for arg in args[:2]):
        raise Declined("the executor and the callable are not plain positional arguments")
    executor, func, rest = args[0], args[1], args[2:]
    if not _has_keywords(rest):
        raise Declined("no keyword arguments to move")
    inner = [func, *rest]
    partial = ctx.partial()
    if not any(_has_comment(arg.comma) or _has_comment(arg.whitespace_after_arg) for arg in inner):
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


def executor_to_none(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``run_in_executor(process_pool, io_call, ...)`` -> ``run_in_executor(None, io_call, ...)``."""
    if not call.args or not _is_plain_positional(call.args[0]):
        raise Declined("the executor is not a plain positional argument")
    first = call.args[0].with_changes(value=cst.Name("None"))
    return Rewritten(call.with_changes(args=[first, *call.args[1:]]), False)


def get_running_loop(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``asyncio.get_event_loop()`` -> ``asyncio.get_running_loop()``, the module as spelled."""
    if call.args:
        raise Declined("get_event_loop() is given arguments")
    if isinstance(call.func, cst.Attribute):
        return Rewritten(
            call.with_changes(func=call.func.with_changes(attr=cst.Name("get_running_loop"))), False
        )
    if isinstance(call.func, cst.Name):
        # ``from asyncio import get_event_loop [as name]``: dropped below unless still used.
        name = call.func.value
        ctx.maybe_unused.add(
            ("asyncio", "get_event_loop", None if name == "get_event_loop" else name)
        )
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("get_running_loop")), False)


def run_in_executor_to_thread(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``loop.run_in_executor(None, f, a)`` -> ``asyncio.to_thread(f, a)`` (the ``await`` stays)."""
    if not ctx.settings.has_to_thread:
        raise Declined("asyncio.to_thread() needs Python 3.9 (the target is older)")
    args = list(call.args)
    if len(args) < 2 or not all(_is_plain_positional(arg) for arg in args[:2]):
        raise Declined("the executor and the callable are not plain positional arguments")
    if not (isinstance(args[0].value, cst.Name) and args[0].value.value == "None"):
        raise Declined("the executor is not None")
    work = _unwrapped_partial(args[1:], ctx) or args[1:]
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("to_thread"), args=work), False)


def _unwrapped_partial(args: Sequence[cst.Arg], ctx: RewriteContext) -> list[cst.Arg] | None:
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
        and _is_plain_positional(partial_call.args[0])
        and not partial_call.lpar
    ):
        return None
    inner = list(partial_call.args)
    alias = None if ctx.functools_name == "functools" else ctx.functools_name
    ctx.maybe_unused.add(("functools", None, alias))
    if isinstance(args[0].comma, cst.Comma):  # the trailing comma of a call laid out on lines
        inner[-1] = inner[-1].with_changes(
            comma=args[0].comma, whitespace_after_arg=args[0].whitespace_after_arg
        )
    return inner


# The order in which rewrites of one call apply when several findings share it: argument edits first,
# then the rewrites that replace the call (after which nothing else applies to it).
REWRITES: dict[FixAction, Rewrite] = {
    FixAction.EXECUTOR_TO_NONE: executor_to_none,
    FixAction.RUN_IN_EXECUTOR_TO_THREAD: run_in_executor_to_thread,
    FixAction.KEYWORDS_TO_PARTIAL: keywords_to_partial,
    FixAction.GET_RUNNING_LOOP: get_running_loop,
    FixAction.ASYNC_SLEEP: async_sleep,
    FixAction.WRAP_FUTURE: wrap_future,
    FixAction.TO_THREAD: to_thread,
    FixAction.PROCESS_POOL: process_pool,
}
ORDER = {action: index for index, action in enumerate(REWRITES)}

# Rewrites that add ``await`` or ask for the running loop: only valid directly in a coroutine.
NEEDS_COROUTINE = frozenset(REWRITES) - {FixAction.KEYWORDS_TO_PARTIAL, FixAction.EXECUTOR_TO_NONE}

# Rewrites that replace the callable itself, so its import may now be unused (``time`` after
# ``time.sleep``); the others keep the callable as written.
DROPS_CALLABLE = frozenset({FixAction.ASYNC_SLEEP, FixAction.GET_RUNNING_LOOP})
