"""How a call hands work to an executor: which pool, and which callable, for the AEX2xx rules.

The pool a call targets is known from the engine's object tracking (``ProcessPoolExecutor()`` bound
to a name, ``self.pool`` set in ``__init__``, ``with ... as ex``) or from ``None`` (the loop's default
thread pool) and ``asyncio.to_thread``. What the work does is the catalog's kind of the callable
passed, looked up by the same ``FileState.blocking_entry`` the AEX1xx rules use. Nothing here reports
anything: the rules of each code ask these questions and decide.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from flake8_executor import catalog
from flake8_executor.analysis.resolve import ClassInstance, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.rules.base import last_parts

THREADS = "threads"
PROCESSES = "processes"

PARTIAL = "functools.partial"
TO_THREAD = "asyncio.to_thread"
RUN_IN_EXECUTOR = "run_in_executor"
POOL_METHODS = frozenset({"submit", "map"})
# The constructors and annotations that give an executor: a file without any has no pool to judge.
POOL_WORDS = last_parts(catalog.names_giving(catalog.EXECUTOR_TYPES))

# run_in_executor(executor, func, *args): these two may be passed by keyword; nothing else may.
_OWN_PARAMETERS = frozenset({"executor", "func"})


@dataclass(frozen=True)
class RunInExecutor:
    """The arguments of ``<receiver>.run_in_executor(...)`` as written."""

    executor: ast.expr | None  # None when missing or starred
    function: ast.expr | None
    extra: list[ast.keyword]  # keywords run_in_executor does not take
    named: dict[str | None, ast.expr]  # executor= and func=, when passed by keyword
    positional: bool  # executor and function both positional, nothing named


def run_in_executor_call(call: CallSite, state: FileState) -> RunInExecutor | None:
    """``run_in_executor``'s arguments, when ``call`` is an event loop's method of that name.

    A class of the module that defines its own ``run_in_executor`` (a helper taking ``func,
    *args, **kwargs``, or a loop implementing it) is not asyncio's: its calls are not judged.
    """
    func = call.node.func
    if not (isinstance(func, ast.Attribute) and func.attr == RUN_IN_EXECUTOR):
        return None
    if _own_run_in_executor(func.value, call.scope, state):
        return None
    args = call.node.args
    keywords = call.node.keywords
    named = {kw.arg: kw.value for kw in keywords if kw.arg in _OWN_PARAMETERS}
    extra = [kw for kw in keywords if kw.arg not in _OWN_PARAMETERS]
    executor = args[0] if args else named.get("executor")
    function = args[1] if len(args) > 1 else named.get("func")
    if isinstance(executor, ast.Starred):
        executor = None
    if isinstance(function, ast.Starred):
        function = None
    return RunInExecutor(executor, function, extra, named, len(args) >= 2 and not named)


def _own_run_in_executor(receiver: ast.expr, scope: Scope, state: FileState) -> bool:
    """``self`` or an instance (``jobs = Jobs()``) of a class of the module that defines it or
    inherits it from a base class of the project (this module's, or another's)."""
    owner = state.resolver.type_of(receiver, scope)
    return isinstance(owner, ClassInstance) and _defines_run_in_executor(owner.scope, state, 0)


def _defines_run_in_executor(owner: Scope, state: FileState, depth: int) -> bool:
    if RUN_IN_EXECUTOR in owner.bindings:
        return True
    node = owner.node
    if not isinstance(node, ast.ClassDef) or owner.parent is None or depth > _MAX_BASES:
        return False
    for base in node.bases:
        bindings = owner.parent.lookup(base.id) if isinstance(base, ast.Name) else None
        if bindings and len(bindings) == 1 and bindings[0].opens is not None:
            if _defines_run_in_executor(bindings[0].opens, state, depth + 1):
                return True
            continue
        if _project_base_defines(base, owner.parent, state):
            return True
    return False


def _project_base_defines(base: ast.expr, scope: Scope, state: FileState) -> bool:
    """A base class imported from another module of the project whose summary has a
    ``run_in_executor`` method (a sync one: the summary keeps the sync functions)."""
    context = state.context
    name = state.resolver.project_name(base, scope)
    if context is None or name is None:
        return False
    split = context.project.tree.split(name)
    if split is None:
        return False
    module, rest = split
    summary = context.project.summary(module)
    return summary is not None and ".".join([*rest, RUN_IN_EXECUTOR]) in summary.functions


# Base classes followed up from a class before giving up (a cycle, a deep hierarchy).
_MAX_BASES = 8


@dataclass(frozen=True)
class Handoff:
    """Work sent to a pool: ``pool`` is THREADS or PROCESSES, ``function`` the callable sent."""

    pool: str
    function: ast.expr
    run_in_executor: RunInExecutor | None  # the call's arguments, for run_in_executor


def handoff(call: CallSite, state: FileState) -> Handoff | None:
    """The pool and the callable of ``run_in_executor``, ``pool.submit``/``map``, ``to_thread``."""
    node = call.node
    func = node.func
    arguments = run_in_executor_call(call, state)
    if arguments is not None:
        if arguments.executor is None or arguments.function is None:
            return None
        pool = executor_pool(arguments.executor, call.scope, state)
        return Handoff(pool, arguments.function, arguments) if pool is not None else None
    if isinstance(func, ast.Attribute) and func.attr in POOL_METHODS:
        owner = state.resolver.type_of(func.value, call.scope)
        if owner in catalog.EXECUTOR_TYPES and node.args:
            pool = PROCESSES if owner == catalog.PROCESS_POOL else THREADS
            return Handoff(pool, node.args[0], None)
        return None
    if node.args and state.call_name(call) == TO_THREAD:
        return Handoff(THREADS, node.args[0], None)
    return None


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


def unwrap_partial(node: ast.expr, scope: Scope, state: FileState) -> tuple[ast.expr, bool]:
    """``functools.partial(f, x)`` -> ``(f, True)``, through nested partials."""
    wrapped = False
    while (
        isinstance(node, ast.Call)
        and node.args
        and not isinstance(node.args[0], ast.Starred)
        and state.resolver.qualified_name(node.func, scope) == PARTIAL
    ):
        node = node.args[0]
        wrapped = True
    return node, wrapped


def is_self(node: ast.expr, scope: Scope) -> bool:
    """``self`` of the enclosing method (the receiver is an event loop implementing itself)."""
    function = scope
    while function.opened_by == Scope.COMPREHENSION and function.parent is not None:
        function = function.parent
    return isinstance(node, ast.Name) and node.id == function.self_name
