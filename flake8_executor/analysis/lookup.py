""" "Does this callable block, and how?": the one catalog lookup behind every rule that asks it.

The catalog in force is the built-in one plus ``--executor-extra-calls``. A callable is found by its
qualified name (``requests.get``, through any import alias) or, for a method of a tracked object, by
the object's type and the method's name (``requests.Session`` + ``get``).
"""

from __future__ import annotations

import ast

from flake8_executor import catalog
from flake8_executor.analysis.resolve import Resolver, Scope


class CatalogLookup:
    """The catalog in force for one file, looked up through that file's resolver."""

    __slots__ = ("attribute_names", "calls", "resolver")

    def __init__(self, resolver: Resolver, extra_calls: dict[str, catalog.Entry]) -> None:
        self.resolver = resolver
        self.calls = {**catalog.CALLS, **extra_calls} if extra_calls else catalog.CALLS
        self.attribute_names = (
            catalog.attribute_names(extra_calls) if extra_calls else catalog.ATTRIBUTE_NAMES
        )

    def blocking_entry(self, func: ast.expr, scope: Scope) -> tuple[str, catalog.Entry] | None:
        """The catalog entry a callable expression refers to, with its qualified name.

        ``func`` is what is called or passed (``requests.get``, ``session.get``, ``path.read_text``).
        """
        if isinstance(func, ast.Attribute) and func.attr not in self.attribute_names:
            return None  # no catalog name nor tracked method ends so: skip the resolution
        resolver = self.resolver
        name = resolver.qualified_name(func, scope)
        if name is not None:
            entry = self.calls.get(name)
            if entry is not None:
                return name, entry
        if isinstance(func, ast.Attribute):
            owner = resolver.type_of(func.value, scope)
            if isinstance(owner, str):
                entry = catalog.METHODS.get((owner, func.attr))
                if entry is not None:
                    return f"{owner}.{func.attr}", entry
        return None
