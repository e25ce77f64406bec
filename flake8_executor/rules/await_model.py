"""What an inserted ``await`` changes, and where that changes what the program does.

Moving a call behind ``await asyncio.to_thread(...)`` (or ``await asyncio.sleep(...)``, ``await
asyncio.wrap_future(...)``) changes three things at once:

1. the coroutine **suspends** there: other tasks run in between (a value read before and written
   after, a two-step protocol on a shared object, a shared argument the thread reads meanwhile);
2. it becomes a **cancellation point**: a timeout or a cancel can interrupt the await, and the
   thread keeps running the call (a timeout around it, a retry loop, a handler that catches the
   cancel, a ``finally:``);
3. the call runs in **another thread**: thread-bound state (``threading.local()``, a
   ``scoped_session``, the Django ORM's connection), signals and the running loop differ, and a
   sync lock held across the await blocks the one thread that could release it.

The rewrite is safe only where none of the three can change the outcome. ``fix_plan.await_changes``
asks this module, with the call's place from the walk and the coroutine's own tree; the answers are
reasons from ``fixes.NotFixed`` (always wrong: declined) or ``fixes.Unsafe`` (usually right).
Callers, and ``@asynccontextmanager`` functions used around the call, are looked for in the file
and, through the project graph (``analysis/importers.py``, ``SourceTree``), in the project's
other modules, read as written there.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from stat import S_ISREG

from flake8_executor.analysis.importers import importers_of, imports_name
from flake8_executor.analysis.resolve import Binding, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.fixes import Fix, NotFixed, Unsafe
from flake8_executor.rules.base import unparse

# The rewrites that put an ``await`` where there was none, and those that also move the call to
# another thread (or process).
AWAITING = frozenset(
    {
        Fix.TO_THREAD,
        Fix.ASYNC_SLEEP,
        Fix.WRAP_FUTURE,
        Fix.WAIT_FOR,
        Fix.PROCESS_POOL,
        Fix.ANYIO_TO_THREAD,
        Fix.ANYIO_SLEEP,
        Fix.RUN_IN_THREADPOOL,
    }
)
ELSEWHERE = frozenset({Fix.TO_THREAD, Fix.ANYIO_TO_THREAD, Fix.RUN_IN_THREADPOOL, Fix.PROCESS_POOL})

# Sync context managers that are cancel scopes, not locks: an await inside them is what they are
# for, and their deadline can now interrupt it.
CANCEL_SCOPES = frozenset(
    {
        "anyio.fail_after",
        "anyio.move_on_after",
        "anyio.CancelScope",
        "trio.fail_after",
        "trio.fail_at",
        "trio.move_on_after",
        "trio.move_on_at",
        "trio.CancelScope",
    }
)
# ``async with`` managers that cancel their body after a deadline.
ASYNC_TIMEOUTS = frozenset(
    {
        "asyncio.timeout",
        "asyncio.timeout_at",
        "asyncio.timeouts.timeout",
        "asyncio.timeouts.timeout_at",
        "async_timeout.timeout",
        "async_timeout.timeout_at",
    }
)
WAIT_FOR = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})
# Handlers that catch a cancel: ``except:`` is None in ``Site.handlers``.
CANCEL_CATCHERS = frozenset(
    {
        "BaseException",
        "builtins.BaseException",
        "asyncio.CancelledError",
        "asyncio.exceptions.CancelledError",
        "trio.Cancelled",
        "anyio.get_cancelled_exc_class",
    }
)
STOP_ITERATION = frozenset({"StopIteration", "builtins.StopIteration"})
ASYNC_CONTEXT_MANAGERS = frozenset({"contextlib.asynccontextmanager"})
SIGNAL_DEADLINES = frozenset({"signal.signal", "signal.alarm", "signal.setitimer"})
SCOPED_SESSIONS = frozenset(
    {"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"}
)
THREAD_LOCALS = frozenset({"threading.local", "_threading_local.local"})
# What a callback run in the worker thread cannot do there: it has no running loop.
LOOP_CALLS = frozenset(
    {"get_running_loop", "get_event_loop", "create_task", "ensure_future", "call_soon"}
)
_MUTABLE_CONSTRUCTORS = frozenset({"list", "dict", "set", "bytearray", "collections.deque"})
_MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

Step = tuple[ast.AST, str, int]  # an ancestor, the field the path goes down, the index in it


def path_to(root: ast.AST, target: ast.AST) -> list[Step]:
    """The ancestors of ``target`` below ``root`` (outermost first), within ``root``'s own frame."""
    stack: list[tuple[ast.AST, list[Step]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        for field, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                step = [*path, (node, field, index)]
                if child is target:
                    return step
                if not isinstance(child, _NESTED):
                    stack.append((child, step))
    return []


class Place:
    """A call inside its coroutine: the ancestors the walk does not keep, found once."""

    def __init__(self, call: CallSite, state: FileState) -> None:
        self.call = call
        self.state = state
        function = call.site.function
        self.function = function
        self.path = path_to(function.node, call.node) if function is not None else []

    def name(self, node: ast.expr, scope: Scope | None = None) -> str | None:
        return self.state.resolver.qualified_name(node, scope or self.call.scope)

    def call_name(self, node: ast.expr) -> str | None:
        return self.name(node.func) if isinstance(node, ast.Call) else None

    def held(self) -> ast.expr | None:
        """The sync context manager held across the await: a ``with`` whose body holds the call,
        or an earlier item of the ``with`` whose item holds it (``with LOCK, cm(f()):``). Cancel
        scopes (``anyio.fail_after``) hold nothing."""
        for node, field, index in self.path:
            if not isinstance(node, ast.With):
                continue
            items = node.items if field == "body" else node.items[:index]
            for item in items:
                if self.call_name(item.context_expr) not in CANCEL_SCOPES:
                    return item.context_expr
        return None

    def timeouts(self) -> Iterator[ast.expr]:
        """The cancel scopes and ``async with`` timeouts whose body holds the call."""
        for node, field, _index in self.path:
            if isinstance(node, (ast.With, ast.AsyncWith)) and field == "body":
                for item in node.items:
                    name = self.call_name(item.context_expr)
                    if name in CANCEL_SCOPES or name in ASYNC_TIMEOUTS:
                        yield item.context_expr

    def async_managers(self) -> Iterator[ast.Call]:
        for node, field, _index in self.path:
            if isinstance(node, ast.AsyncWith) and field == "body":
                for item in node.items:
                    if isinstance(item.context_expr, ast.Call):
                        yield item.context_expr

    def in_finally(self) -> bool:
        return any(isinstance(node, _TRY) and field == "finalbody" for node, field, _ in self.path)

    def retry_loop(self) -> bool:
        """A ``for``/``while`` around a ``try`` around the call whose handler goes on looping: with
        a timeout around the call, the next attempt starts while the thread still runs the last."""
        in_loop = False
        for node, field, _index in self.path:
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and field == "body":
                in_loop = True
            elif (
                in_loop
                and isinstance(node, _TRY)
                and field == "body"
                and any(_goes_on(handler) for handler in node.handlers)
            ):
                return True
        return False


_TRY = tuple(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))


def _goes_on(handler: ast.ExceptHandler) -> bool:
    """The handler ends without leaving the loop: the next iteration tries again."""
    last = handler.body[-1] if handler.body else None
    return not isinstance(last, (ast.Raise, ast.Return, ast.Break))


# -- 1. suspension and locks: declined --------------------------------------------------------


def lock_held(place: Place) -> str | None:
    """Why a sync lock would be held across the await, or None."""
    held = place.held()
    if held is not None:
        return NotFixed.HELD_ACROSS_AWAIT.format(manager=unparse(held))
    function = place.function
    if function is None:
        return None
    acquired = _acquired_around(function.node, place.call.node)
    if acquired is not None:
        return NotFixed.LOCK_ACQUIRED.format(lock=acquired)
    for manager in place.async_managers():
        held_there = _held_at_yield(manager, place)
        if held_there is not None:
            return NotFixed.CONTEXT_HOLDS.format(manager=unparse(manager.func), held=held_there)
    for caller, held in _callers_holding(place):
        return NotFixed.CALLER_HOLDS.format(caller=caller, manager=held)
    return None


def _acquired_around(function: ast.AST, target: ast.AST) -> str | None:
    """``X.acquire()`` (not awaited) before ``target`` and ``X.release()`` after it, in one frame."""
    line = getattr(target, "lineno", 0)
    acquired: dict[str, int] = {}
    released: dict[str, int] = {}
    awaited = set()
    for node in _own_nodes(function):
        if isinstance(node, ast.Await):
            awaited.add(id(node.value))
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        if attr in {"acquire", "release"}:
            receiver = unparse(node.func.value)
            if attr == "acquire" and id(node) not in awaited and node.lineno < line:
                acquired.setdefault(receiver, node.lineno)
            elif attr == "release" and node.lineno > line:
                released[receiver] = node.lineno
    for receiver in acquired:
        if receiver in released:
            return receiver
    return None


def _own_nodes(root: ast.AST) -> Iterator[ast.AST]:
    """Every node in ``root``'s own frame (not in nested defs, lambdas or classes), parents first."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _NESTED):
                stack.append(child)


def _held_at_yield(manager: ast.Call, place: Place) -> str | None:
    """For ``async with cm():`` with ``cm`` the project's ``@asynccontextmanager`` (this module's,
    or one imported from another module of the project): the sync manager (or acquired lock) its
    ``yield`` stands in, which the ``async with`` body then runs under."""
    binding = place.state.resolver.function_def(manager.func, place.call.scope)
    node = binding.node if binding is not None else None
    if isinstance(node, ast.AsyncFunctionDef):
        module_scope = place.call.scope.module
        if not any(
            place.name(_decorator(decorator), module_scope) in ASYNC_CONTEXT_MANAGERS
            for decorator in node.decorator_list
        ):
            return None
        return _yield_held(node)
    return _imported_held_at_yield(manager, place)


def _imported_held_at_yield(manager: ast.Call, place: Place) -> str | None:
    """``_held_at_yield`` for a manager imported from another module of the project (not an
    installed package): its ``async def`` found in that module's tree, read as written there
    (``@asynccontextmanager`` or ``@contextlib.asynccontextmanager``), as ``_project_callers``
    reads the callers."""
    state = place.state
    context = state.context
    name = state.resolver.project_name(manager.func, place.call.scope)
    if context is None or name is None:
        return None
    split = context.project.tree.split(name)
    if split is None:
        return None
    module, path = split
    if module.installed or len(path) != 1:
        return None
    tree = _parsed(module.path)
    if tree is None:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.AsyncFunctionDef)
            and node.name == path[0]
            and any(
                _last(_decorator(decorator)) == "asynccontextmanager"
                for decorator in node.decorator_list
            )
        ):
            held = _yield_held(node)
            return f"{held} (in {module.name})" if held is not None else None
    return None


def _yield_held(node: ast.AsyncFunctionDef) -> str | None:
    """The sync manager (or acquired lock) around the generator's ``yield``, or None."""
    for inner in _own_nodes(node):
        if not isinstance(inner, ast.Yield):
            continue
        for step, field, index in path_to(node, inner):
            if isinstance(step, ast.With):
                items = step.items if field == "body" else step.items[:index]
                if items:
                    return unparse(items[0].context_expr)
        acquired = _acquired_around(node, inner)
        if acquired is not None:
            return f"{acquired}.acquire()"
    return None


def _decorator(node: ast.expr) -> ast.expr:
    return node.func if isinstance(node, ast.Call) else node


def _callers(place: Place) -> Iterator[CallSite]:
    """The calls in this file of the coroutine that holds the call (by name or ``self.name``)."""
    function = place.function
    if function is None or not isinstance(function.node, ast.AsyncFunctionDef):
        return
    resolver = place.state.resolver
    target = function.node
    name = target.name
    for other in place.state.call_sites:
        func = other.node.func
        if not (
            (isinstance(func, ast.Name) and func.id == name)
            or (isinstance(func, ast.Attribute) and func.attr == name)
        ):
            continue
        binding = resolver.function_def(func, other.scope) or resolver.method_def(func, other.scope)
        if binding is not None and binding.node is target:
            yield other


def _callers_holding(place: Place) -> Iterator[tuple[str, str]]:
    for caller in _callers(place):
        if not caller.awaited or caller.site.function is None:
            continue
        held = Place(caller, place.state).held()
        if held is not None:
            yield _function_name(caller), unparse(held)
    for caller, how, manager in _project_callers(place):
        if how == "held":
            yield caller, manager


def _project_callers(place: Place) -> Iterator[tuple[str, str, str]]:
    """Callers of this module-level coroutine in other modules of the project that import it:
    (``module.caller``, ``held`` or ``timeout``, the manager or timeout). Names there are read
    as written (``with LOCK:``, ``asyncio.wait_for(...)``), without that module's resolver."""
    function = place.function
    state = place.state
    if (
        function is None
        or state.context is None
        or not isinstance(function.node, ast.AsyncFunctionDef)
        or function.parent is None
        or function.parent.opened_by != Scope.MODULE
    ):
        return
    name = function.node.name
    this = state.context.module.name
    for importer in importers_of(state.context):
        if not imports_name(importer, this, name):
            continue
        tree = _parsed(importer.path)
        if tree is None:
            continue
        for caller in ast.walk(tree):
            if isinstance(caller, ast.AsyncFunctionDef):
                for found in _calls_in(caller, name):
                    yield (f"{importer.name}.{caller.name}", *found)


def _calls_in(caller: ast.AsyncFunctionDef, name: str) -> Iterator[tuple[str, str]]:
    for node in _own_nodes(caller):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != name:
            continue
        path = path_to(caller, node)
        parent = path[-1][0] if path else None
        if isinstance(parent, ast.Call) and _last(parent.func) in {"wait_for"}:
            yield "timeout", f"{unparse(parent.func)}()"
        if not isinstance(parent, ast.Await):
            continue
        for step, field, index in path:
            if isinstance(step, ast.With):
                items = step.items if field == "body" else step.items[:index]
                for item in items:
                    if _last(_decorator(item.context_expr)) not in _CANCEL_SCOPE_NAMES:
                        yield "held", unparse(item.context_expr)
            if isinstance(step, (ast.With, ast.AsyncWith)) and field == "body":
                for item in step.items:
                    if _last(_decorator(item.context_expr)) in _TIMEOUT_NAMES:
                        yield "timeout", unparse(item.context_expr)


def _last(node: ast.expr) -> str:
    return unparse(node).rpartition(".")[2]


_CANCEL_SCOPE_NAMES = frozenset(name.rpartition(".")[2] for name in CANCEL_SCOPES)
_TIMEOUT_NAMES = frozenset(name.rpartition(".")[2] for name in ASYNC_TIMEOUTS | CANCEL_SCOPES) - {
    "CancelScope"
}
_PARSED: dict[str, tuple[tuple[int, int], ast.Module | None]] = {}


def _parsed(path: str) -> ast.Module | None:
    """Another module's tree, parsed again only when its size or modification time changed."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    signature = (stat.st_size, stat.st_mtime_ns)
    known = _PARSED.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    try:
        with open(path, "rb") as file:
            tree: ast.Module | None = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError, RecursionError):
        tree = None
    _PARSED[path] = (signature, tree)
    return tree


def _function_name(call: CallSite) -> str:
    function = call.site.function
    node = function.node if function is not None else None
    return getattr(node, "name", "<module>")


# -- 2. cancellation: unsafe ------------------------------------------------------------------


def cancellation(place: Place) -> str | None:
    """Why a timeout or a cancel at the new await changes the outcome, or None."""
    for manager in place.timeouts():
        if place.retry_loop():
            return Unsafe.RETRY.format(manager=unparse(manager))
        return Unsafe.TIMEOUT.format(manager=unparse(manager))
    for caller, how in _callers_timing_out(place):
        return Unsafe.CALLER_TIMEOUT.format(caller=caller, how=how)
    caught = _cancel_caught(place)
    if caught is not None:
        return Unsafe.CATCHES_CANCEL.format(what=caught)
    if place.in_finally():
        return Unsafe.IN_FINALLY
    return None


def _callers_timing_out(place: Place) -> Iterator[tuple[str, str]]:
    state = place.state
    callers = {id(caller.node): caller for caller in _callers(place)}
    for other in state.call_sites:
        args = other.node.args
        if args and id(args[0]) in callers and state.call_name(other) in WAIT_FOR:
            yield _function_name(other), f"{unparse(other.node.func)}()"
    for caller in callers.values():
        if caller.awaited and caller.site.function is not None:
            for manager in Place(caller, state).timeouts():
                yield _function_name(caller), unparse(manager)
    for caller, how, manager in _project_callers(place):
        if how == "timeout":
            yield caller, manager


def _cancel_caught(place: Place) -> str | None:
    for handler in place.call.site.handlers:
        if handler is None:
            return "everything (except:)"
        for caught in handler.elts if isinstance(handler, ast.Tuple) else [handler]:
            if place.name(caught) in CANCEL_CATCHERS:
                return unparse(caught)
    return None


# -- 3. interleavings: unsafe -----------------------------------------------------------------


def interleaving(place: Place, fix: Fix) -> str | None:
    """Why another task running at the new await changes the outcome, or None."""
    read_write = _read_then_written(place)
    if read_write is not None:
        return Unsafe.READ_MODIFY_WRITE.format(target=read_write)
    protocol = _shared_protocol(place)
    if protocol is not None:
        return Unsafe.SHARED_PROTOCOL.format(
            receiver=protocol[0], first=protocol[1], second=protocol[2]
        )
    if fix in ELSEWHERE and fix is not Fix.PROCESS_POOL:
        shared = _shared_argument(place)
        if shared is not None:
            return Unsafe.SHARED_ARGUMENT.format(name=shared[0], where=shared[1])
    return None


def _read_then_written(place: Place) -> str | None:
    """``X.total += f()``, ``d[k] = d.get(k, 0) + f()``: a target other tasks can see, read before
    the call and written after it."""
    call = place.call
    for node, field, _index in place.path:
        if isinstance(node, ast.AugAssign) and field == "value":
            if _visible(node.target, call):
                return unparse(node.target)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and field == "value":
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not _visible(target, call):
                    continue
                read = unparse(target.value) if isinstance(target, ast.Subscript) else None
                wanted = {unparse(target), read} - {None}
                for inner in ast.walk(node.value):
                    if isinstance(inner, (ast.Name, ast.Attribute, ast.Subscript)) and (
                        unparse(inner) in wanted and _before(inner, call.node)
                    ):
                        return unparse(target)
    return None


def _before(node: ast.AST, call: ast.AST) -> bool:
    return (node.lineno, node.col_offset) < (call.lineno, call.col_offset)  # type: ignore[attr-defined]


def _visible(target: ast.expr, call: CallSite) -> bool:
    """A target another task can read: an attribute, an item, or a global or nonlocal name."""
    if isinstance(target, (ast.Attribute, ast.Subscript)):
        return True
    if isinstance(target, ast.Name):
        bindings = call.scope.lookup(target.id) or []
        return any(binding.scope is not call.scope for binding in bindings)
    return False


def _shared_protocol(place: Place) -> tuple[str, str, str] | None:
    """Two method calls on one shared object (a module-level value, ``self.x``) in the coroutine,
    one of them this call: between them another task may use the object."""
    func = place.call.node.func
    function = place.function
    if not isinstance(func, ast.Attribute) or function is None:
        return None
    receiver = func.value
    where = _shared(receiver, place.call)
    if where is None:
        return None
    text = unparse(receiver)
    calls = [
        node
        for node in _own_nodes(function.node)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and unparse(node.func.value) == text
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    if len(calls) < 2:
        return None
    first, second = calls[0], calls[1]
    return text, first.func.attr, second.func.attr  # type: ignore[attr-defined]


def _shared(node: ast.expr, call: CallSite) -> str | None:
    """Where an expression's object lives when other tasks can reach it: ``module level`` for a
    module-level value (not an import, a def or a class), ``an attribute of self``."""
    if isinstance(node, ast.Name):
        bindings = call.scope.lookup(node.id) or []
        if bindings and all(
            binding.how == Binding.VALUE and binding.scope.opened_by == Scope.MODULE
            for binding in bindings
        ):
            if all(_immutable(binding.value) for binding in bindings):
                return None
            return "a module-level value"
        return None
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and call.scope.self_name is not None
        and node.value.id == call.scope.self_name
    ):
        return "an attribute of self"
    return None


def _immutable(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Tuple):
        return all(_immutable(element) for element in value.elts)
    return isinstance(value, ast.JoinedStr)


def _shared_argument(place: Place) -> tuple[str, str] | None:
    """An argument another task can change while the thread reads it: a mutable module-level value,
    an attribute of ``self``, or a local list/dict/set/bytearray the coroutine uses after the call."""
    call = place.call
    node = call.node
    for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
        if isinstance(value, ast.Starred):
            value = value.value
        where = _shared(value, call)
        if where is not None and _mutable_value(value, call):
            return unparse(value), where
        if (
            isinstance(value, ast.Name)
            and _local_mutable(value, call)
            and _used_after(value.id, place)
        ):
            return value.id, "a mutable local used after the call"
    return None


def _mutable_value(node: ast.expr, call: CallSite) -> bool:
    """A module-level name bound to a display or constructor of a mutable container; any
    attribute of ``self`` (its type is not known)."""
    if not isinstance(node, ast.Name):
        return True
    return all(
        _mutable_display(binding.value, call) for binding in call.scope.lookup(node.id) or []
    )


def _mutable_display(value: ast.expr | None, call: CallSite) -> bool:
    if isinstance(value, _MUTABLE_DISPLAYS):
        return True
    if isinstance(value, ast.Call):
        module_scope = call.scope.module
        return (
            isinstance(value.func, (ast.Name, ast.Attribute))
            and unparse(value.func) in _MUTABLE_CONSTRUCTORS
            and (not isinstance(value.func, ast.Name) or module_scope.lookup(value.func.id) is None)
        )
    return False


def _local_mutable(node: ast.Name, call: CallSite) -> bool:
    bindings = call.scope.bindings.get(node.id) or []
    return bool(bindings) and all(
        binding.how == Binding.VALUE and _mutable_display(binding.value, call)
        for binding in bindings
    )


def _used_after(name: str, place: Place) -> bool:
    function = place.function
    call = place.call.node
    if function is None:
        return False
    end = (call.end_lineno or call.lineno, call.end_col_offset or 0)
    return any(
        isinstance(node, ast.Name) and node.id == name and (node.lineno, node.col_offset) > end
        for node in _own_nodes(function.node)
    )


# -- 4. another thread: declined, or unsafe ---------------------------------------------------


def thread_affinity(place: Place, fix: Fix, helpers: list[ast.AST]) -> str | None:
    """Why the call cannot run in another thread than the loop's, or None (declined). ``helpers``:
    the module's functions the call runs as a whole (a helper and the helpers it calls)."""
    if _catches(place, STOP_ITERATION):
        return NotFixed.STOP_ITERATION
    deadline = _signal_deadline(place)
    if deadline is not None:
        return NotFixed.SIGNAL_DEADLINE.format(name=deadline)
    if fix not in ELSEWHERE:
        return None
    call = place.call
    module_scope = call.scope.module
    # The receiver's root runs in the thread; the arguments are evaluated on the loop, but a
    # helper's body all runs in the thread. A thread-local object is the worker's own only where
    # the thread reads its attributes: in a helper, or in a method called on it (``LOCAL.fetch``
    # binds ``self``, whose attributes the method reads there); ``LOCAL.session.get`` reads
    # ``LOCAL.session`` on the loop, when the call is written, and hands the thread that object.
    func = call.node.func
    roots = [
        (root, call.scope, isinstance(func, ast.Attribute) and func.value is root)
        for root in _receiver_roots(call.node)
    ]
    for helper in helpers:
        roots.extend(
            (node, module_scope, True) for node in _own_nodes(helper) if isinstance(node, ast.Name)
        )
    for name, scope, read_there in roots:
        bound = _bound_call(name, scope)
        if bound is None:
            continue
        made_by = place.name(bound.func, module_scope)
        if made_by in SCOPED_SESSIONS:
            return NotFixed.SCOPED_SESSION.format(name=name.id)
        if read_there and made_by in THREAD_LOCALS:
            return NotFixed.THREAD_LOCAL.format(name=name.id)
        local_class = _thread_local_class(bound.func, module_scope, place.state)
        if read_there and local_class is not None:
            return NotFixed.THREAD_LOCAL_CLASS.format(name=name.id, cls=local_class)
        if made_by == "sqlite3.connect" and helpers:
            return NotFixed.HELPER_SQLITE.format(name=name.id)
    for helper in helpers:
        for node in _own_nodes(helper):
            if (
                isinstance(node, ast.Call)
                and place.name(node.func, module_scope) == "signal.signal"
            ):
                return NotFixed.HELPER_SIGNAL
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and ("django" in place.state.import_roots)
            ):
                return NotFixed.DJANGO_ORM.format(what=unparse(node))
    callback = _loop_callback(place)
    if callback is not None:
        return NotFixed.LOOP_CALLBACK.format(name=callback[0], call=callback[1])
    return None


def _thread_local_class(func: ast.expr, scope: Scope, state: FileState) -> str | None:
    """The name of the module's class ``func`` makes when it derives from ``threading.local``
    (directly or through the module's own classes): each thread gets its own instance."""
    resolver = state.resolver
    start = resolver.class_of(func, scope)
    stack = [start] if start is not None else []
    seen: set[int] = set()
    while stack:
        class_scope = stack.pop()
        if id(class_scope) in seen:
            continue
        seen.add(id(class_scope))
        node, outer = class_scope.node, class_scope.parent
        if not isinstance(node, ast.ClassDef) or outer is None:
            continue
        for base in node.bases:
            if resolver.qualified_name(base, outer) in THREAD_LOCALS:
                return unparse(func)
            local = resolver.class_of(base, outer)
            if local is not None:
                stack.append(local)
    return None


def context_variable(place: Place, helpers: list[ast.AST]) -> str | None:
    """A helper that sets a ``ContextVar``: the thread runs in a copy of the context (unsafe)."""
    module_scope = place.call.scope.module
    for helper in helpers:
        for node in _own_nodes(helper):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "set"
                and isinstance(node.func.value, ast.Name)
            ):
                continue
            bound = _bound_call(node.func.value, module_scope)
            if (
                bound is not None
                and place.name(bound.func, module_scope) == "contextvars.ContextVar"
            ):
                return Unsafe.CONTEXT_VARIABLE.format(name=node.func.value.id)
    return None


def helper_nodes(helper: ast.AST | None, state: FileState, module_scope: Scope) -> list[ast.AST]:
    """The helper's ``def`` and those of this module's functions it calls, transitively."""
    found: list[ast.AST] = []
    stack = [helper] if helper is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        for inner in _own_nodes(node):
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                binding = state.resolver.function_def(inner.func, module_scope)
                if binding is not None and binding.node is not None:
                    stack.append(binding.node)
    return found


def _receiver_roots(node: ast.Call) -> Iterator[ast.Name]:
    func = node.func
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
        func = func.func if isinstance(func, ast.Call) else func.value
    if isinstance(func, ast.Name) and func is not node.func:
        yield func


def _catches(place: Place, names: frozenset[str]) -> bool:
    for handler in place.call.site.handlers:
        if handler is None:
            continue
        for caught in handler.elts if isinstance(handler, ast.Tuple) else [handler]:
            if place.name(caught) in names:
                return True
    return False


def _signal_deadline(place: Place) -> str | None:
    """``signal.alarm()``, ``signal.setitimer()`` or ``signal.signal()`` before the call in the
    coroutine: a deadline that interrupts the main thread."""
    function = place.function
    if function is None:
        return None
    line = place.call.node.lineno
    found = [
        (node.lineno, name)
        for node in _own_nodes(function.node)
        if isinstance(node, ast.Call)
        and node.lineno < line
        and (name := place.name(node.func)) in SIGNAL_DEADLINES
    ]
    return min(found)[1] if found else None


def _bound_call(name: ast.Name, scope: Scope) -> ast.Call | None:
    """The call a name is bound to, when every binding of it binds one call."""
    bindings = scope.lookup(name.id) or []
    values = [binding.value for binding in bindings if binding.how == Binding.VALUE]
    if not values or len(values) != len(bindings):
        return None
    first = values[0]
    return first if isinstance(first, ast.Call) else None


def _loop_callback(place: Place) -> tuple[str, str] | None:
    """A function of the module passed to the call (``hooks={"response": log}``) that uses the
    running loop, which the worker thread that calls it back does not have."""
    call = place.call
    resolver = place.state.resolver
    for keyword in call.node.keywords:
        for inner in ast.walk(keyword.value):
            if not isinstance(inner, ast.Name):
                continue
            binding = resolver.function_def(inner, call.scope)
            if binding is None or binding.node is None:
                continue
            for node in _own_nodes(binding.node):
                if isinstance(node, ast.Call):
                    func = node.func
                    attr = func.attr if isinstance(func, ast.Attribute) else None
                    name = func.id if isinstance(func, ast.Name) else attr
                    if name in LOOP_CALLS:
                        return inner.id, f"{unparse(func)}()"
    return None


def input_unsafe(fix: Fix, qualified: str | None) -> str | None:
    if qualified == "input" and fix in ELSEWHERE:
        return Unsafe.INPUT
    return None
