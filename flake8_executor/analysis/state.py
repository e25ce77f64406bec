"""What the rules share for one file: the settings, the resolver, the catalog lookup, the call graph."""

from __future__ import annotations

import ast

from flake8_executor import catalog
from flake8_executor.analysis.callgraph import CallGraph, HelperReach
from flake8_executor.analysis.lookup import CatalogLookup
from flake8_executor.analysis.project import FileContext
from flake8_executor.analysis.resolve import Resolver, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.config.settings import Settings


class FileState:
    """One file's analysis, built after its walk; every rule reads it and none writes it."""

    __slots__ = (
        "_call_graph",
        "_call_names",
        "call_sites",
        "context",
        "import_roots",
        "lookup",
        "plans_fixes",
        "resolver",
        "settings",
    )

    def __init__(
        self,
        settings: Settings,
        call_sites: list[CallSite],
        import_roots: frozenset[str] | set[str] = frozenset(),
        context: FileContext | None = None,
        plans_fixes: bool = True,
    ) -> None:
        self.settings = settings
        # False for flake8, which shows no fix: the rules skip planning one (an import index of
        # the whole project, the callers of a coroutine...).
        self.plans_fixes = plans_fixes
        # The top-level packages the module imports anywhere: its framework (``fix_plan``).
        self.import_roots = import_roots
        # Following imports: relative imports read from the file's package, and what another
        # module of the project defines (an object, a class's instance) is asked of the project.
        self.context = context
        if context is not None:
            project = context.project
            self.resolver = Resolver(
                context.module.package,
                True,
                project.object_type,
                project.returned_type,
                project.application_state,
            )
        else:
            self.resolver = Resolver()
        self.lookup = CatalogLookup(self.resolver, settings.extra_calls, import_roots)
        self.lookup.returns_body = self._returns_body
        self.call_sites = call_sites
        self._call_graph: CallGraph | None = None
        self._call_names: dict[int, str | None] = {}

    def release(self) -> None:
        """Break the state <-> call graph references (see ``Walk.release``)."""
        self._call_graph = None
        self._call_names.clear()
        self.lookup.returns_body = None

    def call_name(self, call: CallSite) -> str | None:
        """The qualified name of what ``call`` calls (``asyncio.to_thread``), resolved once per call.

        Several rules ask it of the same call (the engine, to pick the rules named for it; the rule,
        to compare): the resolution runs once.
        """
        key = id(call.node)
        names = self._call_names
        if key in names:
            return names[key]
        name = names[key] = self.resolver.qualified_name(call.node.func, call.scope)
        return name

    def blocking_entry(self, func: ast.expr, scope: Scope) -> tuple[str, catalog.Entry] | None:
        """The catalog entry ``func`` refers to (``CatalogLookup.blocking_entry``)."""
        return self.lookup.blocking_entry(func, scope)

    def property_reach(self, node: ast.Attribute, scope: Scope) -> HelperReach | None:
        """What reading a property runs, when its getter reaches a blocking call."""
        graph = self._graph()
        return graph.property_reach(node, scope) if graph is not None else None

    def iteration_reach(self, func: ast.expr, scope: Scope) -> HelperReach | None:
        """What iterating a call's result reaches, when ``func`` is a generator function whose
        body blocks (in this module or, following imports, another of the project)."""
        graph = self._graph()
        return graph.iteration_reach_of(func, scope) if graph is not None else None

    def _graph(self) -> CallGraph | None:
        if not self.settings.follow_calls:
            return None
        if self._call_graph is None:
            context = self.context
            self._call_graph = CallGraph(
                self.call_sites,
                self.lookup,
                context.project if context is not None else None,
                self.resolver.project_name,
            )
        return self._call_graph

    def helper_reach(
        self,
        func: ast.expr,
        scope: Scope,
        call: ast.Call | None = None,
        offloaded: bool = False,
    ) -> HelperReach | None:
        """What a call of a sync helper reaches (``--executor-follow-calls``), in this module or,
        following imports, in another of the project or an installed package (a class called: its
        constructor). With the ``call``, a step under a condition on a parameter counts only where
        its argument can take that branch; ``offloaded``: the helper is handed to an executor, so
        its size-dependent CPU work counts whatever its input."""
        graph = self._graph()
        return graph.reach_of(func, scope, call, offloaded) if graph is not None else None

    def awaited_reach(
        self, func: ast.expr, scope: Scope, call: ast.Call | None = None
    ) -> HelperReach | None:
        """What awaiting an installed package's coroutine runs on the loop (``await lib.call()``);
        with the ``call``, a step under a condition on a parameter counts only where its
        argument can take that branch."""
        if self.context is None:
            return None
        graph = self._graph()
        return graph.awaited_reach_of(func, scope, call) if graph is not None else None

    def sized_helper_reach(self, call: CallSite) -> HelperReach | None:
        """A helper's size-dependent CPU work on what this call passes evidently large."""
        graph = self._graph()
        return graph.sized_reach_of(call) if graph is not None else None

    def _returns_body(self, func: ast.expr, scope: Scope) -> bool:
        graph = self._graph()
        return graph is not None and graph.returns_body_of(func, scope)
