"""What another module tells its importers: its functions' steps, its objects, its imports.

A module of the project that a file calls into is summarised once: the steps of each sync function
and method (``callgraph.function_steps``, the same as for the file's own helpers, with calls of its
own helpers written as absolute names), the type of each module-level object and instance attribute
the engine tracks (``http = requests.Session()``, ``self.db = sqlite3.connect(...)``), its classes,
and what its module-level imports bind (so that ``from app.services import charge`` finds a
re-export). An installed package's module also has its coroutines' steps (``async def``: what
runs on the loop in them, and the coroutines they await, with the arguments passed) and their
signatures: a step under a test of a parameter is guarded as in any function
(``analysis/conditions.py``). A summary depends on the module's own
text only: what the names it calls turn out to be
is decided when summaries are composed (``analysis/project.py``), so a cached summary is stale only
when its own file changes.
"""

from __future__ import annotations

import ast
from sys import intern
from typing import Any

from flake8_executor.analysis.callgraph import (
    CALL,
    PROJECT,
    SIZED,
    Callee,
    Step,
    callee_of,
    calls_by_function,
    coroutine_steps,
    function_steps,
    is_abstract,
    is_property,
    is_transparent,
    overrides,
    signature_of_def,
)
from flake8_executor.analysis.conditions import Signature
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
from flake8_executor.config.settings import Settings


class ModuleSummary:
    """One module's summary; ``to_json``/``from_json`` for the on-disk cache."""

    __slots__ = (
        "app_state",
        "bases",
        "classes",
        "coroutines",
        "functions",
        "generators",
        "imports",
        "name",
        "objects",
        "properties",
        "returns",
        "signatures",
    )

    def __init__(
        self,
        name: str,
        functions: dict[str, list[Step]],
        objects: dict[str, ObjectType],
        classes: dict[str, tuple[list[str | None], str | None]],
        imports: dict[str, str],
        coroutines: dict[str, list[Step]] | None = None,
        signatures: dict[str, Signature] | None = None,
        returns: dict[str, ObjectType] | None = None,
        properties: set[str] | None = None,
        generators: dict[str, list[Step]] | None = None,
        bases: dict[str, list[str]] | None = None,
        app_state: dict[str, ObjectType | None] | None = None,
    ) -> None:
        self.name = name
        self.functions = functions  # qualified name in the module (``Repo.load``) -> steps
        # The same for ``async def``s, summarised for installed packages only (awaited there).
        self.coroutines = coroutines or {}
        # A generator function -> the steps of its body, which run as its result is iterated.
        self.generators = generators or {}
        # A module-level class -> the absolute names of its bases, as written (a framework's base
        # class, ``tornado.web.RequestHandler``, may be reached through the project's own).
        self.bases = bases or {}
        self.objects = objects  # ``http``, ``Repo.session`` -> a catalog type or an instance
        # A module-level class -> its bases' absolute names (None: not known) and the hook its
        # generated ``__init__`` calls (``__post_init__``), if it has one.
        self.classes = classes
        self.imports = imports  # a module-level name -> the absolute name it imports
        self.signatures = signatures or {}  # a function -> its parameters, for its guards
        # A function -> the type it returns (``-> Path``, a class method returning ``cls(...)``).
        self.returns = returns or {}
        self.properties = properties or set()  # the functions that are property getters
        # What the module assigns to an application's ``state.<name>`` (any application: its
        # own, an imported one, ``request.app``), for the project-wide index of
        # ``Project.application_state``; None: assigned something of no known type.
        self.app_state = app_state or {}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "functions": _steps_json(self.functions),
            "coroutines": _steps_json(self.coroutines),
            "signatures": self.signatures,
            "objects": _types_json(self.objects),
            "returns": _types_json(self.returns),
            "properties": sorted(self.properties),
            "classes": {name: list(value) for name, value in self.classes.items()},
            "generators": _steps_json(self.generators),
            "bases": self.bases,
            "imports": self.imports,
            "app_state": {
                attribute: _type_json(value) if value is not None else None
                for attribute, value in self.app_state.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModuleSummary:
        # Every string is interned: JSON gives each module its own copy of the names summaries
        # share (``homeassistant.core.HomeAssistant``, ``self``, the step tags), which a parse
        # does not (the compiler interns identifiers). On Home Assistant's 2,000 summaries a warm
        # run held 17 MiB where a cold one holds 13; interned, 12.
        functions = _steps_from_json(data["functions"])
        coroutines = _steps_from_json(data.get("coroutines", {}))
        objects = _types_from_json(data["objects"])
        classes = {
            intern(name): ([_interned(base) for base in bases], _interned(post_init))
            for name, (bases, post_init) in data["classes"].items()
        }
        signatures = {intern(name): _interned(value) for name, value in data["signatures"].items()}
        return cls(
            intern(data["name"]),
            functions,
            objects,
            classes,
            {intern(name): intern(value) for name, value in data["imports"].items()},
            coroutines=coroutines,
            signatures=signatures,
            returns=_types_from_json(data["returns"]),
            properties={intern(name) for name in data["properties"]},
            generators=_steps_from_json(data["generators"]),
            bases={
                intern(name): [intern(base) for base in bases]
                for name, bases in data["bases"].items()
            },
            app_state={
                intern(attribute): _type_from_json(value) if value is not None else None
                for attribute, value in data["app_state"].items()
            },
        )


def _steps_json(functions: dict[str, list[Step]]) -> dict[str, list[list[Any]]]:
    return {name: [_step_json(step) for step in steps] for name, steps in functions.items()}


def _steps_from_json(data: dict[str, Any]) -> dict[str, list[Step]]:
    return {intern(name): [_step_from_json(step) for step in steps] for name, steps in data.items()}


def _types_json(types: dict[str, ObjectType]) -> dict[str, list[str]]:
    return {
        name: _type_json(value)
        for name, value in types.items()
        if isinstance(value, (str, ImportedInstance))
    }


def _type_json(value: ObjectType) -> list[str]:
    return ["instance", value.name] if isinstance(value, ImportedInstance) else ["type", value]


def _types_from_json(data: dict[str, list[str]]) -> dict[str, ObjectType]:
    return {intern(name): _type_from_json(value) for name, value in data.items()}


def _type_from_json(value: list[str]) -> ObjectType:
    how, name = value
    return ImportedInstance(intern(name)) if how == "instance" else intern(name)


def _step_json(step: Step) -> list[Any]:
    tag, value = step[0], step[1]
    if tag == CALL:
        return [tag, value[0].value, value[1], step[3] if len(step) > 3 else ()]
    if tag == SIZED:
        return [tag, value[0].value, *value[1:]]
    if len(step) == 2:  # LOOP, BODY
        return [tag, value]
    return [tag, value, step[2], step[3]]


def _step_from_json(data: list[Any]) -> Step:
    tag = intern(data[0])
    if tag == CALL:
        return (CALL, (Kind(data[1]), intern(data[2])), None, _interned(data[3]))
    if tag == SIZED:
        return (SIZED, (Kind(data[1]), *data[2:]))
    value = intern(data[1]) if isinstance(data[1], str) else data[1]
    if len(data) == 2:  # LOOP, BODY, AWAIT
        return (tag, value)
    return (tag, value, _interned(data[2]), _interned(data[3]))


def _interned(value: Any) -> Any:
    """JSON's lists back into the tuples guards and arguments are made of (``as_tuples``), each
    string interned."""
    if isinstance(value, list):
        return tuple(_interned(item) for item in value)
    return intern(value) if isinstance(value, str) else value


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
    tree: ast.Module,
    name: str,
    package: str | None,
    settings: Settings,
    coroutines: bool = False,
) -> ModuleSummary:
    """The summary of module ``name`` (``package`` is what its relative imports start from);
    with ``coroutines`` (an installed package), its ``async def``s' steps too."""
    walk = Walk(tree, settings.target_version)
    walk.run()
    # No ``imported_type``: what other modules define is looked up when summaries are composed.
    resolver = Resolver(package, follow_imports=True)
    lookup = CatalogLookup(resolver, settings.extra_calls, walk.import_roots)
    by_function = calls_by_function(walk.calls)
    by_coroutine = calls_by_function(walk.calls, coroutines=True) if coroutines else {}

    def local(func: ast.expr, scope: Scope, call: ast.Call) -> Callee | None:
        found = callee_of(func, scope, resolver, call.args[0] if call.args else None)
        if found is None:
            return None
        target, skip = found
        if isinstance(target, str):
            return (PROJECT, target, skip)
        assert isinstance(target.node, ast.FunctionDef)
        return (PROJECT, f"{name}.{qualified_in_module(target.node.name, target.scope)}", skip)

    def awaited(func: ast.expr, scope: Scope) -> str | None:
        binding = resolver.function_def(func, scope) or resolver.method_def(func, scope)
        if binding is not None and isinstance(binding.node, ast.AsyncFunctionDef):
            return f"{name}.{qualified_in_module(binding.node.name, binding.scope)}"
        return resolver.project_name(func, scope)

    functions: dict[str, list[Step]] = {}
    async_functions: dict[str, list[Step]] = {}
    signatures: dict[str, Signature] = {}
    objects: dict[str, ObjectType] = {}
    classes: dict[str, tuple[list[str | None], str | None]] = {}
    returns: dict[str, ObjectType] = {}
    properties: set[str] = set()
    generators: dict[str, list[Step]] = {}
    bases: dict[str, list[str]] = {}
    for scope in walk.scopes:
        node = scope.node
        if scope.opened_by == Scope.CLASS and isinstance(node, ast.ClassDef):
            owner = scope.parent
            if owner is not None and owner.opened_by == Scope.MODULE:
                class_bases = [
                    _exported_class(base, name) if isinstance(base, Scope) else base
                    for base in resolver.bases(scope)
                ]
                classes[node.name] = (class_bases, resolver.post_init(scope))
                for attribute, declared in scope.bindings.items():
                    if len(declared) == 1 and declared[0].annotation is not None:
                        found = _exported(resolver.attribute_type(scope, attribute), name)
                        if found is not None:
                            objects[f"{node.name}.{attribute}"] = found
                named = [_base_name(base, owner, resolver, name, package) for base in node.bases]
                if any(named):
                    bases[node.name] = [base for base in named if base]
                for attribute, bindings in scope.self_attributes.items():
                    found = _exported(resolver.bindings_type(bindings, None), name)
                    if found is not None:
                        objects[f"{node.name}.{attribute}"] = found
            continue
        if scope.opened_by != Scope.FUNCTION or scope.parent is None:
            continue
        if scope.is_async:
            if coroutines and isinstance(node, ast.AsyncFunctionDef) and not scope.is_generator:
                outer = scope.parent
                if is_transparent(
                    node, lambda target, at=outer: resolver.qualified_name(target, at)
                ):
                    qualified = qualified_in_module(node.name, outer)
                    signatures[qualified] = signature_of_def(node, outer, resolver)
                    async_functions[qualified] = coroutine_steps(
                        by_coroutine.get(id(node), ()),
                        lookup,
                        local,
                        resolver.project_name,
                        awaited,
                    )
            continue
        assert isinstance(node, ast.FunctionDef)
        outer = scope.parent
        qualified = qualified_in_module(node.name, outer)
        if is_property(node, lambda target, at=outer: resolver.qualified_name(target, at)):
            properties.add(qualified)  # its ``@x.setter`` is not transparent: never summarised
        elif is_abstract(node, lambda target, at=outer: resolver.qualified_name(target, at)):
            # Its body is a placeholder: a call runs one of the module's overrides.
            binding = _def_binding(outer, node)
            signatures[qualified] = signature_of_def(node, outer, resolver)
            functions[qualified] = [
                (
                    PROJECT,
                    f"{name}.{qualified_in_module(override.node.name, override.scope)}",
                    None,
                    (),
                )
                for override in (overrides(binding, resolver) if binding else ())
                if isinstance(override.node, ast.FunctionDef)
            ]
            continue
        elif not is_transparent(node, lambda target, at=outer: resolver.qualified_name(target, at)):
            continue
        signatures[qualified] = signature_of_def(node, outer, resolver)
        binding = _def_binding(outer, node)
        returned = _exported(resolver.returned_type(binding), name) if binding else None
        if returned is not None:
            returns[qualified] = returned
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
    app_state = _application_state(walk.module, resolver, name, objects)
    walk.release()
    return ModuleSummary(
        name,
        functions,
        objects,
        classes,
        imports,
        coroutines=async_functions,
        signatures=signatures,
        returns=returns,
        properties=properties,
        generators=generators,
        bases=bases,
        app_state=app_state,
    )


def _application_state(
    module: Scope, resolver: Resolver, name: str, objects: dict[str, ObjectType]
) -> dict[str, ObjectType | None]:
    """``app.state.engine`` for each module-level application ``app`` and each name the module
    assigns on an application's state: so that ``from main import app`` and
    ``app.state.engine.connect()`` in another module find the engine. Returns what the module
    assigns on any application's state, name by name (None: of no known type)."""
    if not module.app_state:
        return {}
    applications = [
        bound
        for bound, bindings in module.bindings.items()
        if bindings[0].how != Binding.IMPORT
        and resolver.is_application(ast.Name(id=bound, ctx=ast.Load()), module)
    ]
    assigned: dict[str, ObjectType | None] = {}
    for attribute, owners in module.app_state.items():
        if not any(resolver.is_application(owner, binding.scope) for owner, binding in owners):
            continue  # ``request.state.x``: per request, not the application's
        found = _exported(resolver.state_assigned(module, attribute), name)
        assigned[attribute] = found
        if found is not None:
            for bound in applications:
                objects[f"{bound}.state.{attribute}"] = found
    return assigned


def _def_binding(outer: Scope, node: ast.FunctionDef) -> Binding | None:
    for binding in outer.bindings.get(node.name, ()):
        if binding.node is node:
            return binding
    return None


def _exported_class(scope: Scope, module: str) -> str | None:
    """A class of this module as other modules name it (a module-level class only)."""
    node = scope.node
    owner = scope.parent
    if isinstance(node, ast.ClassDef) and owner is not None and owner.opened_by == Scope.MODULE:
        return f"{module}.{node.name}"
    return None


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
