"""See through helpers: which catalog kinds each sync function of the module reaches.

Real code calls ``self._load(url)`` or ``fetch(url)``, a sync helper that calls ``requests.get``. The
summary of a helper is the kinds it reaches, directly or through other functions and ``self.method``
calls of the same module, with the first chain that shows each (``fetch -> requests.get``). It is
built from the call sites the engine's walk already recorded, grouped by the function they run in,
and only when a rule asks about a helper: a file without coroutines or executors never pays for it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from flake8_executor.analysis.lookup import CatalogLookup
from flake8_executor.analysis.resolve import Binding, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.catalog import LOOP_CALLS, SEVERITY, Kind

# A chain longer than this is not followed: real helpers are shallow, pathological files are not.
MAX_DEPTH = 40

Reach = dict[Kind, tuple[str, ...]]  # kind -> the first chain of names that reaches it


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


class CallGraph:
    """Summaries of the sync functions of one module, computed on demand and memoised."""

    def __init__(self, calls: Iterable[CallSite], lookup: CatalogLookup) -> None:
        self._lookup = lookup
        self._by_function: dict[int, list[CallSite]] = {}
        for call in calls:
            function = call.site.function
            if (
                function is not None
                and function.opened_by == Scope.FUNCTION
                and not function.is_async
            ):
                self._by_function.setdefault(id(function.node), []).append(call)
        self._memo: dict[int, Reach] = {}
        self._active: set[int] = set()

    def helper_of(self, func: ast.expr, scope: Scope) -> Binding | None:
        """The sync ``def`` a called expression names (``fetch``, ``self._load``), if any."""
        resolver = self._lookup.resolver
        binding = resolver.function_def(func, scope) or resolver.method_def(func, scope)
        if binding is None or not isinstance(binding.node, ast.FunctionDef):
            return None
        return binding

    def reach_of(self, func: ast.expr, scope: Scope) -> HelperReach | None:
        """The summary of the helper that ``func`` names, when it reaches a blocking call."""
        binding = self.helper_of(func, scope)
        if binding is None:
            return None
        reach, _complete = self._reach(binding, 0)
        return HelperReach(reach, self._loop_call(binding, set())) if reach else None

    def _loop_call(self, binding: Binding, seen: set[int]) -> str | None:
        """The first call of ``catalog.LOOP_CALLS`` the helper makes, directly or through helpers."""
        key = id(binding.node)
        if key in seen:
            return None
        seen.add(key)
        function_scope = self._scope_of(key)
        if function_scope is not None and function_scope.is_generator:
            return None
        resolver = self._lookup.resolver
        for call in self._by_function.get(key, ()):
            name = resolver.qualified_name(call.node.func, call.scope)
            if name in LOOP_CALLS:
                return name
            callee = self.helper_of(call.node.func, call.scope)
            if callee is not None:
                found = self._loop_call(callee, seen)
                if found is not None:
                    return found
        return None

    def _reach(self, binding: Binding, depth: int) -> tuple[Reach, bool]:
        """The helper's reach, and whether it is complete (no cycle member was still open)."""
        node = binding.node
        assert isinstance(node, ast.FunctionDef)
        key = id(node)
        if key in self._memo:
            return self._memo[key], True
        if key in self._active or depth > MAX_DEPTH:
            return {}, False
        function_scope = self._scope_of(key)
        if function_scope is not None and function_scope.is_generator:
            self._memo[key] = {}  # calling a generator function runs none of its body
            return {}, True
        self._active.add(key)
        name = _display_name(binding)
        reach: Reach = {}
        complete = True
        lookup = self._lookup
        for call in self._by_function.get(key, ()):
            found = lookup.blocking_entry(call.node.func, call.scope)
            if found is not None:
                qualified, entry = found
                if entry.needs_args and not (call.node.args or call.node.keywords):
                    continue
                reach.setdefault(entry.kind, (name, qualified))
                continue
            callee = self.helper_of(call.node.func, call.scope)
            if callee is None:
                continue
            callee_reach, callee_complete = self._reach(callee, depth + 1)
            complete = complete and callee_complete
            for kind, chain in callee_reach.items():
                reach.setdefault(kind, (name, *chain))
        self._active.discard(key)
        if complete:
            self._memo[key] = reach
        return reach, complete

    def _scope_of(self, key: int) -> Scope | None:
        calls = self._by_function.get(key)
        return calls[0].site.function if calls else None


def _display_name(binding: Binding) -> str:
    """``fetch`` for a function, ``Client._load`` for a method."""
    node = binding.node
    assert isinstance(node, ast.FunctionDef)
    owner = binding.scope
    if owner.opened_by == Scope.CLASS and isinstance(owner.node, ast.ClassDef):
        return f"{owner.node.name}.{node.name}"
    return node.name
