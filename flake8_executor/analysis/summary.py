"""What another module tells its importers: its functions' steps, its objects, its imports.

A module of the project that a file calls into is summarised once: the steps of each sync function
and method (``callgraph.function_steps``, the same as for the file's own helpers, with calls of its
own helpers written as absolute names), the type of each module-level object and instance attribute
the engine tracks (``http = requests.Session()``, ``self.db = sqlite3.connect(...)``), its classes,
and what its module-level imports bind (so that ``from app.services import charge`` finds a
re-export). A summary depends on the module's own text only: what the names it calls turn out to be
is decided when summaries are composed (``analysis/project.py``), so a cached summary is stale only
when its own file changes.
"""

from __future__ import annotations

import ast
from typing import Any

from flake8_executor.analysis.callgraph import (
    CALL,
    PROJECT,
    Step,
    calls_by_function,
    function_steps,
    helper_binding,
    is_transparent,
)
from flake8_executor.analysis.lookup import CatalogLookup
from flake8_executor.analysis.modules import absolute_import
from flake8_executor.analysis.resolve import (
    Binding,
    ClassInstance,
    ImportedInstance,
    ObjectType,
    Resolver,
    Scope,
)
from flake8_executor.analysis.walk import Walk
from flake8_executor.catalog import Kind
from flake8_executor.settings import Settings


class ModuleSummary:
    """One module's summary; ``to_json``/``from_json`` for the on-disk cache."""

    __slots__ = ("bases", "classes", "functions", "generators", "imports", "name", "objects")

    def __init__(
        self,
        name: str,
        functions: dict[str, list[Step]],
        objects: dict[str, ObjectType],
        classes: set[str],
        imports: dict[str, str],
        generators: dict[str, list[Step]] | None = None,
        bases: dict[str, list[str]] | None = None,
    ) -> None:
        self.name = name
        self.functions = functions  # qualified name in the module (``Repo.load``) -> steps
        # A generator function -> the steps of its body, which run as its result is iterated.
        self.generators = generators or {}
        # A module-level class -> the absolute names of its bases, as written (a framework's base
        # class, ``tornado.web.RequestHandler``, may be reached through the project's own).
        self.bases = bases or {}
        self.objects = objects  # ``http``, ``Repo.session`` -> a catalog type or an instance
        self.classes = classes
        self.imports = imports  # a module-level name -> the absolute name it imports

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "functions": _steps_json(self.functions),
            "generators": _steps_json(self.generators),
            "objects": {
                name: ["instance", value.name]
                if isinstance(value, ImportedInstance)
                else ["type", value]
                for name, value in self.objects.items()
                if isinstance(value, (str, ImportedInstance))
            },
            "classes": sorted(self.classes),
            "bases": self.bases,
            "imports": self.imports,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModuleSummary:
        functions = _steps_from_json(data["functions"])
        generators = _steps_from_json(data["generators"])
        objects: dict[str, ObjectType] = {
            name: ImportedInstance(value) if how == "instance" else value
            for name, (how, value) in data["objects"].items()
        }
        return cls(
            data["name"],
            functions,
            objects,
            set(data["classes"]),
            dict(data["imports"]),
            generators,
            {name: list(bases) for name, bases in data["bases"].items()},
        )


def _steps_json(functions: dict[str, list[Step]]) -> dict[str, list[list[Any]]]:
    return {
        name: [
            [tag, value[0].value, value[1]] if tag == CALL else [tag, value] for tag, value in steps
        ]
        for name, steps in functions.items()
    }


def _steps_from_json(data: dict[str, list[list[Any]]]) -> dict[str, list[Step]]:
    return {
        name: [
            (CALL, (Kind(step[1]), step[2])) if step[0] == CALL else (step[0], step[1])
            for step in steps
        ]
        for name, steps in data.items()
    }


def qualified_in_module(name: str, scope: Scope) -> str:
    """``Repo.load`` for a method, ``outer.<locals>.inner`` for a nested function."""
    parts = [name]
    while scope.parent is not None:
        node = scope.node
        if scope.opened_by == Scope.CLASS and isinstance(node, ast.ClassDef):
            parts.append(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts.append(f"{node.name}.<locals>")
        else:
            parts.append("<lambda>")
        scope = scope.parent
    parts.reverse()
    return ".".join(parts)


def summarize(
    tree: ast.Module, name: str, package: str | None, settings: Settings
) -> ModuleSummary:
    """The summary of module ``name`` (``package`` is what its relative imports start from)."""
    walk = Walk(tree, settings.target_version)
    walk.run()
    # No ``imported_type``: what other modules define is looked up when summaries are composed.
    resolver = Resolver(package, follow_imports=True)
    lookup = CatalogLookup(resolver, settings.extra_calls, walk.import_roots)
    by_function = calls_by_function(walk.calls)

    def local(func: ast.expr, scope: Scope) -> Step | None:
        binding = helper_binding(func, scope, resolver)
        if binding is None:
            return None
        assert isinstance(binding.node, ast.FunctionDef)
        return (PROJECT, f"{name}.{qualified_in_module(binding.node.name, binding.scope)}")

    functions: dict[str, list[Step]] = {}
    generators: dict[str, list[Step]] = {}
    objects: dict[str, ObjectType] = {}
    classes: set[str] = set()
    bases: dict[str, list[str]] = {}
    for scope in walk.scopes:
        node = scope.node
        if scope.opened_by == Scope.CLASS and isinstance(node, ast.ClassDef):
            owner = scope.parent
            if owner is not None and owner.opened_by == Scope.MODULE:
                classes.add(node.name)
                named = [_base_name(base, owner, resolver, name, package) for base in node.bases]
                if any(named):
                    bases[node.name] = [base for base in named if base]
                for attribute, bindings in scope.self_attributes.items():
                    found = _exported(resolver.bindings_type(bindings, None), name)
                    if found is not None:
                        objects[f"{node.name}.{attribute}"] = found
            continue
        if scope.opened_by != Scope.FUNCTION or scope.is_async or scope.parent is None:
            continue
        assert isinstance(node, ast.FunctionDef)
        outer = scope.parent
        if not is_transparent(node, lambda target, at=outer: resolver.qualified_name(target, at)):
            continue
        qualified = qualified_in_module(node.name, outer)
        calls = by_function.get(id(node), ())
        steps = function_steps(calls, lookup, local, resolver.project_name)
        if scope.is_generator:
            functions[qualified] = []  # calling a generator function runs none of its body
            generators[qualified] = steps  # iterating what it returns runs all of it
        else:
            functions[qualified] = steps
    imports: dict[str, str] = {}
    for bound, bindings in walk.module.bindings.items():
        if len(bindings) != 1:
            continue
        binding = bindings[0]
        if binding.how == Binding.IMPORT and binding.import_name:
            absolute = absolute_import(binding.import_name, package)
            if absolute is not None:
                imports[bound] = absolute
        elif binding.how == Binding.VALUE:
            found = _exported(resolver.bindings_type(bindings, bound), name)
            if found is not None:
                objects[bound] = found
    walk.release()
    return ModuleSummary(name, functions, objects, classes, imports, generators, bases)


def _base_name(
    base: ast.expr, scope: Scope, resolver: Resolver, module: str, package: str | None
) -> str | None:
    """A base class's absolute name: an import's (``tornado.web.RequestHandler``) or, for a class
    of this module, ``module.Name``."""
    if isinstance(base, ast.Name):
        bindings = scope.lookup(base.id)
        if bindings and len(bindings) == 1 and bindings[0].how == Binding.CLASS:
            return f"{module}.{base.id}"
    name = resolver.qualified_name(base, scope)
    if name is not None and name.startswith("."):
        name = absolute_import(name, package)
    return name


def _exported(found: ObjectType | None, module: str) -> ObjectType | None:
    """A type as importers see it: an instance of a class of this module becomes an
    ``ImportedInstance`` by the class's absolute name."""
    if isinstance(found, ClassInstance):
        node = found.scope.node
        owner = found.scope.parent
        if isinstance(node, ast.ClassDef) and owner is not None and owner.opened_by == Scope.MODULE:
            return ImportedInstance(f"{module}.{node.name}")
        return None
    return found
