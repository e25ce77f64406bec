"""AEX200-AEX206: how work is handed to an executor, and whether it is the right executor.

The pool a call targets is known from the engine's object tracking (``ProcessPoolExecutor()`` bound
to a name, ``self.pool`` set in ``__init__``, ``with ... as ex``) or from ``None`` (the loop's default
thread pool) and ``asyncio.to_thread``. What the work does is the catalog's kind of the callable
passed, looked up by the same ``FileState.blocking_entry`` the AEX1xx rule uses.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor import catalog
from flake8_executor.catalog import Kind
from flake8_executor.codes import render
from flake8_executor.engine import CallSite, FileState, WithItemSite
from flake8_executor.findings import Finding, FixAction
from flake8_executor.resolve import Scope
from flake8_executor.rules._shared import finding_at, resolved_prefix, shown_call, source

THREADS = "threads"
PROCESSES = "processes"

_PARTIAL = "functools.partial"
_TO_THREAD = "asyncio.to_thread"
_GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})
_POOL_CONSTRUCTORS = frozenset(
    name for name, kind in catalog.CONSTRUCTORS.items() if kind in catalog.EXECUTOR_TYPES
)
# The last parts of the qualified names this rule resolves calls against.
_NAMED_CALLS = frozenset(
    name.rpartition(".")[2] for name in (_TO_THREAD, *_GET_EVENT_LOOP, *_POOL_CONSTRUCTORS)
)


def executor_call(call: CallSite, state: FileState) -> Iterator[Finding]:
    node = call.node
    func = node.func
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr == "run_in_executor":
            yield from _run_in_executor(call, state)
            return
        if attr in {"submit", "map", "shutdown"}:
            owner = state.resolver.type_of(func.value, call.scope)
            if owner in catalog.EXECUTOR_TYPES:
                if attr == "shutdown":
                    yield from _shutdown(call)
                elif node.args:
                    pool = PROCESSES if owner == catalog.PROCESS_POOL else THREADS
                    yield from _judge_work(call, state, pool, node.args[0], fix=None)
                return
        if attr not in _NAMED_CALLS:
            return  # a dotted name keeps its last part: no other method call can be one of ours
    name = state.resolver.qualified_name(func, call.scope)
    if name is None:
        return
    if name == _TO_THREAD:
        if call.is_statement:
            yield finding_at(node, "AEX204", render("AEX204-coroutine", call=shown_call(func)))
        if node.args:
            yield from _judge_work(call, state, THREADS, node.args[0], fix=None)
    elif name in _GET_EVENT_LOOP:
        yield from _get_event_loop(call, name, state)
    elif (
        call.on_loop
        and not call.is_with_item  # reported once, by the with rule
        and name in _POOL_CONSTRUCTORS
    ):
        yield finding_at(node, "AEX203", render("AEX203-new", call=shown_call(func)))


def executor_with_item(item: WithItemSite, state: FileState) -> Iterator[Finding]:
    """AEX203: ``with ProcessPoolExecutor() as ex:`` (or ``with self.pool:``) in a coroutine."""
    if state.resolver.type_of(item.node, item.site.scope) not in catalog.EXECUTOR_TYPES:
        return
    expr = item.node
    shown = f"{source(expr.func)}(...)" if isinstance(expr, ast.Call) else source(expr)
    yield finding_at(expr, "AEX203", render("AEX203-with", pool=shown))


# run_in_executor(executor, func, *args): these two may be passed by keyword; nothing else may.
_OWN_PARAMETERS = frozenset({"executor", "func"})


def _run_in_executor(call: CallSite, state: FileState) -> Iterator[Finding]:
    node = call.node
    shown = f"{source(node.func)}()"
    args = node.args
    named = {kw.arg: kw.value for kw in node.keywords if kw.arg in _OWN_PARAMETERS}
    extra = [kw for kw in node.keywords if kw.arg not in _OWN_PARAMETERS]
    executor = args[0] if args else named.get("executor")
    function = args[1] if len(args) > 1 else named.get("func")
    if isinstance(executor, ast.Starred):
        executor = None
    if isinstance(function, ast.Starred):
        function = None
    if call.is_statement:
        yield finding_at(node, "AEX204", render("AEX204-future", call=shown))
    if extra:
        yield _keywords(call, function, extra, positional=len(args) >= 2 and not named)
    if executor is None or function is None:
        return
    pool = executor_pool(executor, call.scope, state)
    if pool is not None:
        # The fixer swaps the first positional argument for None; keyword forms are left to the user.
        to_none = pool == PROCESSES and len(args) >= 2 and not named
        yield from _judge_work(
            call, state, pool, function, fix=FixAction.EXECUTOR_TO_NONE if to_none else None
        )
    if (
        pool == THREADS
        and len(args) >= 2
        and isinstance(args[0], ast.Constant)
        and not node.keywords
        and call.awaited
        and state.settings.has_to_thread
        # A loop's own self.run_in_executor: to_thread() would use the running loop instead.
        and not _is_self(node.func.value, call.scope)
    ):
        rest = ", ".join(source(arg) for arg in args[1:])
        yield finding_at(
            node,
            "AEX206",
            render("AEX206", call=shown, args=rest),
            fix=FixAction.RUN_IN_EXECUTOR_TO_THREAD,
        )


def _is_self(node: ast.expr, scope: Scope) -> bool:
    """``self`` of the enclosing method (the receiver is an event loop implementing itself)."""
    function = scope
    while function.kind == Scope.COMPREHENSION and function.parent is not None:
        function = function.parent
    return isinstance(node, ast.Name) and node.id == function.self_name


def _keywords(
    call: CallSite, function: ast.expr | None, extra: list[ast.keyword], positional: bool
) -> Finding:
    """AEX200, with the ``functools.partial`` form written out from the user's own arguments."""
    node = call.node
    keywords = ", ".join(f"{kw.arg}=" if kw.arg else f"**{source(kw.value)}" for kw in extra)
    rest = node.args[2:] if len(node.args) >= 2 else []
    parts = [source(function) if function is not None else "func"]
    parts += [source(arg) for arg in rest]
    parts += [f"{kw.arg}={source(kw.value)}" if kw.arg else f"**{source(kw.value)}" for kw in extra]
    executor = source(node.args[0]) if node.args else "executor"
    partial = f"{source(node.func)}({executor}, functools.partial({', '.join(parts)}))"
    unfixable = None if positional else "the executor or the function is passed by keyword"
    return finding_at(
        node,
        "AEX200",
        render("AEX200", call=f"{source(node.func)}()", keywords=keywords, partial=partial),
        fix=FixAction.KEYWORDS_TO_PARTIAL,
        unfixable=unfixable,
    )


def executor_pool(node: ast.expr, scope: Scope, state: FileState) -> str | None:
    """``THREADS`` for ``None`` and thread pools, ``PROCESSES`` for process pools, else unknown."""
    if isinstance(node, ast.Constant) and node.value is None:
        return THREADS
    owner = state.resolver.type_of(node, scope)
    if owner == catalog.THREAD_POOL:
        return THREADS
    if owner == catalog.PROCESS_POOL:
        return PROCESSES
    return None


def _judge_work(
    call: CallSite, state: FileState, pool: str, function: ast.expr, fix: FixAction | None
) -> Iterator[Finding]:
    """AEX201 (cannot be pickled) and AEX202 (wrong pool) for one callable sent to one pool."""
    scope = call.scope
    target, wrapped = _unwrap_partial(function, scope, state)
    if pool == PROCESSES:
        what = _unpicklable(target, scope, state)
        if what is not None:
            if wrapped:
                what = f"functools.partial of {what}"
            yield finding_at(function, "AEX201", render("AEX201", what=what))
    found = state.blocking_entry(target, scope)
    if found is not None:
        qualified, kind = found[0], found[1].kind
        resolved = resolved_prefix(target, qualified)
    else:
        reach = state.helper_reach(target, scope)
        if reach is None:
            return
        qualified, kind = reach.chain[0], reach.kind
        resolved = f"it calls {reach.target}(), "
    callee = source(target)
    if pool == PROCESSES and kind.wants_threads:
        threads = (
            "loop.run_in_executor(None, ...)"
            if fix is FixAction.EXECUTOR_TO_NONE
            else "asyncio.to_thread() or a ThreadPoolExecutor"
        )
        yield finding_at(
            call.node,
            "AEX202",
            render(
                "AEX202-threads",
                callee=callee,
                resolved=resolved,
                why=kind.why,
                threads=threads,
            ),
            qualified=qualified,
            kind=kind.value,
            fix=fix,
        )
    elif pool == THREADS and kind is Kind.CPU_HOLDS_GIL:
        yield finding_at(
            call.node,
            "AEX202",
            render("AEX202-process", callee=callee, resolved=resolved, why=kind.why),
            qualified=qualified,
            kind=kind.value,
        )


def _unwrap_partial(node: ast.expr, scope: Scope, state: FileState) -> tuple[ast.expr, bool]:
    """``functools.partial(f, x)`` -> ``(f, True)``, through nested partials."""
    wrapped = False
    while (
        isinstance(node, ast.Call)
        and node.args
        and not isinstance(node.args[0], ast.Starred)
        and state.resolver.qualified_name(node.func, scope) == _PARTIAL
    ):
        node = node.args[0]
        wrapped = True
    return node, wrapped


def _unpicklable(node: ast.expr, scope: Scope, state: FileState) -> str | None:
    """What makes this callable fail to pickle: a lambda or a function defined inside a function."""
    if isinstance(node, ast.Lambda):
        return "a lambda"
    if isinstance(node, ast.Name):
        bindings = scope.lookup(node.id)
        if bindings and all(isinstance(b.value, ast.Lambda) for b in bindings):
            return f"the lambda {node.id}"
    binding = state.resolver.function_def(node, scope)
    if binding is not None and binding.scope.kind in {Scope.FUNCTION, Scope.LAMBDA}:
        return f"the nested function {source(node)}()"
    return None


def _shutdown(call: CallSite) -> Iterator[Finding]:
    """AEX203: ``pool.shutdown()`` waits for the pool's work unless told ``wait=False``."""
    node = call.node
    if not call.on_loop:
        return
    wait = node.args[0] if node.args else None
    for keyword in node.keywords:
        if keyword.arg == "wait":
            wait = keyword.value
    # shutdown(wait=flag) with a flag we cannot read is given the benefit of the doubt.
    waits = wait is None or (isinstance(wait, ast.Constant) and bool(wait.value))
    if waits:
        receiver = source(node.func.value)  # type: ignore[attr-defined]
        yield finding_at(
            node,
            "AEX203",
            render("AEX203-shutdown", call=f"{receiver}.shutdown()", receiver=receiver),
        )


def _get_event_loop(call: CallSite, name: str, state: FileState) -> Iterator[Finding]:
    node = call.node
    binding = state.resolver.import_binding(node.func, call.scope)
    origin = binding.origin if binding is not None else None
    shown = shown_call(node.func)
    if name != source(node.func):
        shown = f"{shown} ({name})"
    if call.on_loop:
        yield finding_at(
            node,
            "AEX205",
            render("AEX205-coroutine", call=shown),
            qualified=name,
            fix=FixAction.GET_RUNNING_LOOP,
            import_origin=origin,
        )
    else:
        yield finding_at(node, "AEX205", render("AEX205-elsewhere", call=shown), qualified=name)
