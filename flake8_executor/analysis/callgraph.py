"""See through helpers: which catalog kinds each sync function reaches, in this module and others.

Real code calls ``self._load(url)`` or ``billing.charge(order)``, a sync helper that calls
``requests.post`` itself or through more helpers, here or in another module of the project. A
function is reduced to its *steps*, the calls it makes in order that matter: a blocking catalog call,
a call that needs the running loop (``catalog.LOOP_CALLS``), a call of another helper of this module,
or a call of a name another project module defines. The summary of a helper is the kinds its steps
reach, with the first chain that shows each (``charge -> partner._post -> requests.post``). The steps
of this file's functions come from the call sites the engine's walk recorded, built only when a rule
asks about a helper: a file without coroutines or executors never pays for it. Other modules' steps
come from their summaries (``analysis/project.py``); both are composed by the one ``Composer``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flake8_executor.analysis.lookup import CatalogLookup
from flake8_executor.analysis.resolve import Binding, Resolver, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.catalog import LOOP_CALLS, SEVERITY, Kind

# A chain longer than this is not followed: real helpers are shallow, pathological files are not.
MAX_DEPTH = 40

Reach = dict[Kind, tuple[str, ...]]  # kind -> the first chain of names that reaches it

# A step of a function: ("call", Kind, "requests.get"), ("loop", "asyncio.get_running_loop"),
# ("local", <the Binding of a helper of this file>), ("project", "app.billing.charge"), or
# ("iterate", "app.files.entries"): the result of a project function is iterated there, which runs
# its body when it is a generator function.
CALL, LOOP, LOCAL, PROJECT, ITERATE = "call", "loop", "local", "project", "iterate"
Step = tuple[str, Any]

# Decorators that leave a function a plain sync function when called. Any other (asgiref's
# ``sync_to_async``, a framework's route or task decorator) may make the call do something else:
# such a function is not summarised as a helper.
TRANSPARENT_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "functools.lru_cache",
        "functools.cache",
        "typing.final",
        "typing_extensions.final",
        "typing.override",
        "typing_extensions.override",
        # Home Assistant's ``@callback`` only marks the function as safe to run on the loop.
        "homeassistant.core.callback",
    }
)


class HelperReach:
    """What calling one helper does: its most severe kind, the chain to it, the other kinds."""

    __slots__ = ("chain", "kind", "loop_call", "others")

    def __init__(self, reach: Reach, loop_call: str | None = None) -> None:
        kinds = sorted(reach, key=SEVERITY.index)
        self.kind = kinds[0]
        self.chain = reach[self.kind]
        self.others = tuple(kinds[1:])
        # A call that needs a running event loop in its thread (``asyncio.get_running_loop``),
        # made by the helper or a helper it calls: it cannot be moved to a thread.
        self.loop_call = loop_call

    @property
    def target(self) -> str:
        """The blocking callable at the end of the chain (``requests.get``)."""
        return self.chain[-1]


class Composer:
    """Composes functions' steps into what each reaches; subclasses say what a key's steps are.

    ``other`` composes the ``PROJECT`` steps (the project's graph, for this file's graph); a
    graph whose own keys are project names composes them itself.
    """

    def __init__(self, other: Composer | None = None) -> None:
        self._other = other
        self._memo: dict[Any, Reach] = {}
        self._active: set[Any] = set()

    def steps(self, key: Any) -> Sequence[Step] | None:
        """The steps of the function ``key`` names; ``None`` when it names no known function."""
        raise NotImplementedError

    def canonical(self, key: Any) -> Any:
        """The key under which a function is memoised (a re-exported name -> where it is defined)."""
        return key

    def display(self, key: Any) -> str:
        raise NotImplementedError

    def _composer_of(self, tag: str) -> Composer:
        return self._other if tag == PROJECT and self._other is not None else self

    def reach(self, key: Any, depth: int = 0) -> tuple[Reach, bool]:
        """The function's reach, and whether it is complete (no cycle member was still open)."""
        key = self.canonical(key)
        if key is None:
            return {}, True
        if key in self._memo:
            return self._memo[key], True
        if key in self._active or depth > MAX_DEPTH:
            return {}, False
        steps = self.steps(key)
        if not steps:
            if steps is not None:
                self._memo[key] = {}
            return {}, True
        self._active.add(key)
        name = self.display(key)
        reach: Reach = {}
        complete = True
        for tag, value in steps:
            if tag == CALL:
                kind, qualified = value
                reach.setdefault(kind, (name, qualified))
            elif tag == ITERATE:
                project = self._composer_of(PROJECT)
                callee_reach, callee_complete = project.reach((ITERATE, value), depth + 1)
                complete = complete and callee_complete
                for kind, chain in callee_reach.items():
                    reach.setdefault(kind, (name, *chain))
            elif tag != LOOP:
                callee_reach, callee_complete = self._composer_of(tag).reach(value, depth + 1)
                complete = complete and callee_complete
                for kind, chain in callee_reach.items():
                    reach.setdefault(kind, (name, *chain))
        self._active.discard(key)
        if complete:
            self._memo[key] = reach
        return reach, complete

    def loop_call(self, key: Any, seen: set[Any] | None = None) -> str | None:
        """The first call of ``catalog.LOOP_CALLS`` the function makes, directly or through helpers."""
        seen = set() if seen is None else seen
        key = self.canonical(key)
        if key is None or (self, key) in seen:
            return None
        seen.add((self, key))
        for tag, value in self.steps(key) or ():
            if tag == LOOP:
                return str(value)
            if tag in (LOCAL, PROJECT):
                found = self._composer_of(tag).loop_call(value, seen)
                if found is not None:
                    return found
        return None


def is_transparent(node: ast.FunctionDef, name_of: Callable[[ast.expr], str | None]) -> bool:
    """Calling the function runs its body: it has no decorator that may change what a call does."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if name_of(target) not in TRANSPARENT_DECORATORS:
            return False
    return True


def helper_binding(func: ast.expr, scope: Scope, resolver: Resolver) -> Binding | None:
    """The sync ``def`` of the file a called expression names (``fetch``, ``self._load``), when
    calling it runs its body."""
    binding = resolver.function_def(func, scope) or resolver.method_def(func, scope)
    if binding is None or not isinstance(binding.node, ast.FunctionDef):
        return None
    if not is_transparent(binding.node, lambda node: resolver.qualified_name(node, binding.scope)):
        return None
    return binding


def function_steps(
    calls: Iterable[CallSite],
    lookup: CatalogLookup,
    local: Callable[[ast.expr, Scope], Step | None],
    project: Callable[[ast.expr, Scope], str | None],
    iterate_local: Callable[[ast.expr, Scope], Step | None] | None = None,
) -> list[Step]:
    """The steps of one function, from the calls the walk recorded in it, in source order.

    A call whose result is iterated where it stands (``for x in entries():``) adds the step of
    iterating it: a generator function's body runs there, not where it is called.
    """
    steps: list[Step] = []
    resolver = lookup.resolver
    for call in calls:
        found = lookup.blocking_call(call)
        if found is not None:
            qualified, entry = found
            steps.append((CALL, (entry.kind, qualified)))
            continue
        func = call.node.func
        scope = call.scope
        if lookup.blocking_entry(func, scope) is not None:
            continue  # a catalog call that does not block as written
        name = resolver.qualified_name(func, scope)
        if name in LOOP_CALLS:
            steps.append((LOOP, name))
            continue
        if call.awaited:
            continue  # a sync function whose result is awaited returns an awaitable: not a helper
        step = local(func, scope)
        if step is not None:
            steps.append(step)
            if call.iterated:
                if step[0] == PROJECT:
                    steps.append((ITERATE, step[1]))
                elif iterate_local is not None:
                    iteration = iterate_local(func, scope)
                    if iteration is not None:
                        steps.append(iteration)
            continue
        other = project(func, scope)
        if other is not None:
            steps.append((PROJECT, other))
            if call.iterated:
                steps.append((ITERATE, other))
    return steps


def calls_by_function(calls: Iterable[CallSite]) -> dict[int, list[CallSite]]:
    """The call sites of each sync ``def`` (by ``id`` of its node), in the walk's order."""
    by_function: dict[int, list[CallSite]] = {}
    for call in calls:
        function = call.site.function
        if function is not None and function.opened_by == Scope.FUNCTION and not function.is_async:
            by_function.setdefault(id(function.node), []).append(call)
    return by_function


class CallGraph(Composer):
    """The helpers of one file, summarised on demand and memoised; other modules' through ``other``."""

    def __init__(
        self,
        calls: Iterable[CallSite],
        lookup: CatalogLookup,
        other: Composer | None = None,
        project_name: Callable[[ast.expr, Scope], str | None] | None = None,
    ) -> None:
        super().__init__(other)
        self._lookup = lookup
        self._by_function = calls_by_function(calls)
        self._steps: dict[int, list[Step]] = {}
        self._iteration_steps: dict[int, list[Step]] = {}
        self._project_name = project_name if other is not None else None

    def helper_of(self, func: ast.expr, scope: Scope) -> Binding | None:
        """The sync ``def`` of this file a called expression names (``fetch``, ``self._load``)."""
        return helper_binding(func, scope, self._lookup.resolver)

    def reach_of(self, func: ast.expr, scope: Scope) -> HelperReach | None:
        """The summary of the helper that ``func`` names, when it reaches a blocking call."""
        binding = self.helper_of(func, scope)
        composer: Composer = self
        key: Any = _Key(binding) if binding is not None else None
        if key is None:
            if self._other is None or self._project_name is None:
                return None
            composer, key = self._other, self._project_name(func, scope)
            if key is None:
                return None
        reach, _complete = composer.reach(key)
        return HelperReach(reach, composer.loop_call(key)) if reach else None

    def iteration_reach_of(self, func: ast.expr, scope: Scope) -> HelperReach | None:
        """What iterating the result of a call of ``func`` reaches, when ``func`` names a
        generator function (of this file, or following imports, of the project)."""
        iteration = self._iterate_local(func, scope)
        composer: Composer = self
        key: Any = iteration[1] if iteration is not None else None
        if key is None:
            if self.helper_of(func, scope) is not None:
                return None  # a helper of this file that is no generator function
            if self._other is None or self._project_name is None:
                return None
            name = self._project_name(func, scope)
            if name is None:
                return None
            composer, key = self._other, (ITERATE, name)
        reach, _complete = composer.reach(key)
        return HelperReach(reach) if reach else None

    def steps(self, key: Any) -> Sequence[Step] | None:
        node_id = id(key.binding.node)
        iterating = isinstance(key, _Iteration)
        memo = self._iteration_steps if iterating else self._steps
        found = memo.get(node_id)
        if found is None:
            calls = self._by_function.get(node_id, ())
            if self._is_generator(key.binding) and not iterating:
                found = []  # calling a generator function runs none of its body
            else:
                found = function_steps(
                    calls, self._lookup, self._local_step, self._project, self._iterate_local
                )
            memo[node_id] = found
        return found

    def _is_generator(self, binding: Binding) -> bool:
        calls = self._by_function.get(id(binding.node), ())
        function = calls[0].site.function if calls else None
        return function is not None and function.is_generator

    def _local_step(self, func: ast.expr, scope: Scope) -> Step | None:
        binding = self.helper_of(func, scope)
        return (LOCAL, _Key(binding)) if binding is not None else None

    def _iterate_local(self, func: ast.expr, scope: Scope) -> Step | None:
        binding = self.helper_of(func, scope)
        if binding is None or not self._is_generator(binding):
            return None
        return (LOCAL, _Iteration(binding))

    def _project(self, func: ast.expr, scope: Scope) -> str | None:
        return self._project_name(func, scope) if self._project_name is not None else None

    def display(self, key: Any) -> str:
        return display_name(key.binding)


class _Key:
    """A helper's binding as a memo key: equal by the ``def`` node it binds."""

    __slots__ = ("binding",)

    def __init__(self, binding: Binding) -> None:
        self.binding = binding

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Key)
            and not isinstance(other, _Iteration)
            and other.binding.node is self.binding.node
        )

    def __hash__(self) -> int:
        return id(self.binding.node)


class _Iteration(_Key):
    """Iterating what a generator function of this file returns: its body's steps."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Iteration) and other.binding.node is self.binding.node

    def __hash__(self) -> int:
        return ~id(self.binding.node)


def display_name(binding: Binding) -> str:
    """``fetch`` for a function, ``Client._load`` for a method."""
    node = binding.node
    assert isinstance(node, ast.FunctionDef)
    owner = binding.scope
    if owner.opened_by == Scope.CLASS and isinstance(owner.node, ast.ClassDef):
        return f"{owner.node.name}.{node.name}"
    return node.name
