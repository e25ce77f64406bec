"""The one name resolver: scopes, what binds each name, and what a name or expression refers to.

The walk records bindings as it meets them; nothing is resolved until the whole file has been walked,
so an import placed after the function that uses it still counts, and a name assigned anywhere in a
function is local to all of it, as Python has it. Resolution is order-insensitive and conservative: a
name is an import (or a tracked object) only when every binding of it in its scope agrees.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Callable, Union

from flake8_executor import catalog
from flake8_executor.analysis.modules import absolute_import
from flake8_executor.findings import ImportOrigin
from flake8_executor.stdlib_modules import STDLIB_MODULES


class ClassInstance:
    """The type of ``self`` inside a method: attributes resolve through the class's ``self.x = ...``."""

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClassInstance) and other.scope is self.scope

    def __hash__(self) -> int:
        return id(self.scope)


class ImportedInstance:
    """An instance of something another module of the project defines (``repo = Repo()`` after
    ``from app.repo import Repo``), by the absolute name of what was called. Whether that is a
    class, and what its methods do, is the project's to say (``analysis/project.py``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportedInstance) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


ObjectType = Union[str, ClassInstance, ImportedInstance]


class Binding:
    """One place that binds a name. ``value`` is the expression bound, when there is one."""

    __slots__ = (
        "annotation",
        "how",
        "import_name",
        "node",
        "opens",
        "origin",
        "owner_class",
        "scope",
        "value",
    )

    IMPORT = "import"
    VALUE = "value"  # assignment, ``with ... as``, annotated name
    PARAM = "param"
    DEF = "def"
    CLASS = "class"
    OPAQUE = "opaque"  # for targets, except ... as, del, match captures, augmented assignment

    def __init__(
        self,
        how: str,
        scope: Scope,
        *,
        import_name: str | None = None,
        value: ast.expr | None = None,
        annotation: ast.expr | None = None,
        node: ast.AST | None = None,
        owner_class: Scope | None = None,
        origin: ImportOrigin | None = None,
        opens: Scope | None = None,
    ) -> None:
        self.opens = opens  # for a ``class``: the scope its body opens
        self.origin = origin  # for an import: the statement's parts, for the fixer
        self.how = how  # IMPORT, VALUE, PARAM, ...: how the name was bound
        self.owner_class = owner_class  # for a method's ``self``: the class whose instance it is
        self.scope = scope
        self.import_name = import_name
        self.value = value
        self.annotation = annotation
        self.node = node


class Scope:
    """A module, class, function, lambda or comprehension scope."""

    __slots__ = (
        "bindings",
        "declared_global",
        "is_async",
        "is_generator",
        "node",
        "opened_by",
        "parent",
        "self_attributes",
        "self_name",
    )

    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"

    def __init__(
        self, opened_by: str, node: ast.AST | None, parent: Scope | None, is_async: bool = False
    ) -> None:
        self.opened_by = opened_by  # MODULE, CLASS, FUNCTION, LAMBDA or COMPREHENSION
        self.node = node
        self.parent = parent
        self.is_async = is_async
        self.is_generator = False
        self.bindings: dict[str, list[Binding]] = {}
        self.declared_global: set[str] = set()
        # For a class: ``self.<name>`` -> values assigned in its methods.
        self.self_attributes: dict[str, list[Binding]] = {}
        # For a method: the name of its first parameter, the instance.
        self.self_name: str | None = None

    def bind(self, name: str, binding: Binding) -> None:
        target = self
        if name in self.declared_global:
            target = self.module
        target.bindings.setdefault(name, []).append(binding)

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    @property
    def enclosing_class(self) -> Scope | None:
        """For a method's scope, the class it is defined in."""
        parent = self.parent
        return parent if parent is not None and parent.opened_by == Scope.CLASS else None

    def lookup(self, name: str) -> list[Binding] | None:
        """The bindings of ``name`` seen from this scope; ``None`` when nothing in the file binds it."""
        scope: Scope | None = self
        first = True
        while scope is not None:
            if name in scope.declared_global and scope.parent is not None:
                scope = scope.module
                continue
            if first or scope.opened_by != Scope.CLASS:  # class bodies do not enclose their methods
                found = scope.bindings.get(name)
                if found:
                    return found
            first = False
            scope = scope.parent
        return None


def dotted_parts(node: ast.expr) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; ``None`` for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


class Resolver:
    """Answers "what is this?" for names and expressions, once the walk has recorded every binding.

    Following the project's imports (``follow_imports``), a relative import is read from the
    file's ``package``, a call of an imported name makes an ``ImportedInstance``, and
    ``imported_type`` (the project's, when set) says what type an imported object has.
    """

    def __init__(
        self,
        package: str | None = None,
        follow_imports: bool = False,
        imported_type: Callable[[str], ObjectType | None] | None = None,
    ) -> None:
        self._types: dict[int, ObjectType | None] = {}
        self._busy: set[int] = set()
        self.package = package
        self.follow_imports = follow_imports
        self._imported_type = imported_type

    # -- names -----------------------------------------------------------------------------------

    def qualified_name(self, node: ast.expr, scope: Scope) -> str | None:
        """The module path a dotted name stands for (``rq.get`` -> ``requests.get``).

        A root that nothing in the file binds is read as written (a snippet, a star import, a
        builtin such as ``open``). A root bound to anything but one import is not a module path.
        """
        parts = dotted_parts(node)
        if parts is None:
            return None
        bindings = scope.lookup(parts[0])
        if bindings is None:
            return ".".join(parts)
        root = self._import_name(bindings)
        if root is None:
            return None
        if root[0] == ".":
            absolute = absolute_import(root, self.package)
            if absolute is not None:
                root = absolute
        parts[0] = root
        return ".".join(parts)

    def project_name(self, node: ast.expr, scope: Scope) -> str | None:
        """The absolute name a call may find in another module of the project, when following
        imports: an imported name's path (``app.billing.charge``), or a method of an
        ``ImportedInstance`` (``app.repo.Repo.load``). Standard-library names never are."""
        if not self.follow_imports:
            return None
        if isinstance(node, ast.Attribute):
            owner = self.type_of(node.value, scope)
            if isinstance(owner, ImportedInstance):
                return f"{owner.name}.{node.attr}"
        if self.import_binding(node, scope) is None:
            return None
        name = self.qualified_name(node, scope)
        if name is None or name[0] == "." or name.partition(".")[0] in STDLIB_MODULES:
            return None
        return name

    def import_binding(self, node: ast.expr, scope: Scope) -> Binding | None:
        """The import binding of a dotted name's root, when it is one import."""
        parts = dotted_parts(node)
        if parts is None:
            return None
        bindings = scope.lookup(parts[0])
        if bindings is None or self._import_name(bindings) is None:
            return None
        return bindings[0]

    @staticmethod
    def _import_name(bindings: list[Binding]) -> str | None:
        name = None
        for binding in bindings:
            if binding.how != Binding.IMPORT:
                return None
            if name is None:
                name = binding.import_name
            elif name != binding.import_name:
                return None
        return name

    def function_def(self, node: ast.expr, scope: Scope) -> Binding | None:
        """The one ``def`` a name refers to (``helper``), if it is exactly one ``def``."""
        if not isinstance(node, ast.Name):
            return None
        bindings = scope.lookup(node.id)
        if bindings is None or len(bindings) != 1 or bindings[0].how != Binding.DEF:
            return None
        return bindings[0]

    def method_def(self, node: ast.expr, scope: Scope) -> Binding | None:
        """The ``def`` that ``self.method`` refers to, in the class of the enclosing method."""
        if not isinstance(node, ast.Attribute):
            return None
        owner = self.type_of(node.value, scope)
        if not isinstance(owner, ClassInstance):
            return None
        bindings = owner.scope.bindings.get(node.attr)
        if bindings is None or len(bindings) != 1 or bindings[0].how != Binding.DEF:
            return None
        return bindings[0]

    # -- object types ----------------------------------------------------------------------------

    def type_of(self, node: ast.expr, scope: Scope) -> ObjectType | None:
        """The tracked type of an expression's value (``requests.Session``...), or ``None``."""
        key = id(node)
        if key in self._types:
            return self._types[key]
        if key in self._busy:  # ``x = x`` and other cycles
            return None
        self._busy.add(key)
        try:
            result = self._infer(node, scope)
        finally:
            self._busy.discard(key)
        self._types[key] = result
        return result

    def _infer(self, node: ast.expr, scope: Scope) -> ObjectType | None:
        if isinstance(node, ast.Call):
            return self._call_type(node, scope)
        if isinstance(node, ast.Name):
            bindings = scope.lookup(node.id)
            return self.bindings_type(bindings, node.id) if bindings else None
        if isinstance(node, ast.Attribute):
            owner = self.type_of(node.value, scope)
            if isinstance(owner, ClassInstance):
                return self.bindings_type(owner.scope.self_attributes.get(node.attr), None)
            if owner is None:
                return self._imported_object(node, scope)
            if isinstance(owner, ImportedInstance):
                imported = self._imported_type
                return imported(f"{owner.name}.{node.attr}") if imported is not None else None
            found = catalog.ATTRIBUTE_TYPES.get((owner, node.attr))
            if found is None and not node.attr.startswith("_"):
                found = catalog.ANY_ATTRIBUTE_TYPES.get(owner)
            return found
        if isinstance(node, ast.Subscript):
            owner = self.type_of(node.value, scope)
            return catalog.SUBSCRIPT_TYPES.get(owner) if isinstance(owner, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.type_of(node.left, scope)
            return left if left == "pathlib.Path" else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            for side in (node.left, node.right):  # ``prompt | llm``: a LangChain pipe
                piped = self.type_of(side, scope)
                if isinstance(piped, str) and piped in catalog.PIPE_TYPES:
                    return piped
            return None
        if isinstance(node, ast.NamedExpr):
            return self.type_of(node.value, scope)
        return None

    def _call_type(self, node: ast.Call, scope: Scope) -> ObjectType | None:
        """A constructor's or factory's type, a method's returned type, or a called object's; an
        instance of a class of this module (``Jobs()``) or, following imports, of another's."""
        func = node.func
        name = self.qualified_name(func, scope)
        if name is not None:
            found = catalog.CONSTRUCTORS.get(name)
            if found is not None:
                return found
        if isinstance(func, ast.Name):
            bindings = scope.lookup(func.id)
            if bindings is not None and len(bindings) == 1 and bindings[0].opens is not None:
                return ClassInstance(bindings[0].opens)
        if name is not None:
            imported = self.project_name(func, scope)
            if imported is not None and imported == name:
                return ImportedInstance(name)
        if isinstance(func, ast.Attribute):
            owner = self.type_of(func.value, scope)
            if isinstance(owner, str):
                return catalog.RETURNS.get((owner, func.attr))
            return None
        called = self.type_of(func, scope)
        return catalog.CALL_RETURNS.get(called) if isinstance(called, str) else None

    def _imported_object(self, node: ast.Attribute, scope: Scope) -> ObjectType | None:
        """``clients.http`` after ``from app import clients``: an object another module defines."""
        if self._imported_type is None or self.import_binding(node, scope) is None:
            return None
        name = self.qualified_name(node, scope)
        return self._imported_type(name) if name is not None and name[0] != "." else None

    def bindings_type(self, bindings: list[Binding] | None, name: str | None) -> ObjectType | None:
        if not bindings:
            return None
        found: ObjectType | None = None
        for binding in bindings:
            bound_type = self._binding_type(binding)
            if bound_type is None:
                if binding.how == Binding.VALUE and _is_none(binding.value):
                    continue  # ``self.pool = None`` then ``self.pool = ProcessPoolExecutor()``
                return None
            if found is None:
                found = bound_type
            elif found != bound_type:
                return None
        return found

    def _binding_type(self, binding: Binding) -> ObjectType | None:
        if binding.annotation is not None:
            annotated = self.annotation_type(binding.annotation, binding.scope)
            if annotated is not None:
                return annotated
        if binding.how == Binding.VALUE and binding.value is not None:
            return self.type_of(binding.value, binding.scope)
        if binding.owner_class is not None:
            return ClassInstance(binding.owner_class)
        if binding.how == Binding.DEF and binding.node is not None:
            return "celery.Task" if self.is_celery_task(binding) else None
        if binding.how == Binding.IMPORT and self._imported_type is not None:
            name = binding.import_name
            if name is not None and name[0] == ".":
                name = absolute_import(name, self.package)
            return self._imported_type(name) if name is not None else None
        return None

    def annotation_type(self, node: ast.expr, scope: Scope) -> str | None:
        """``httpx.Client``, ``Optional[httpx.Client]``, ``httpx.Client | None``, or a string of one."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left = self.annotation_type(node.left, scope)
            right = self.annotation_type(node.right, scope)
            if _is_none(node.right):
                return left
            if _is_none(node.left):
                return right
            return left if left == right else None
        if isinstance(node, ast.Subscript):
            name = self.qualified_name(node.value, scope)
            if name in {"typing.Optional", "Optional"}:
                return self.annotation_type(node.slice, scope)
            return None
        name = self.qualified_name(node, scope)
        return catalog.ANNOTATION_TYPES.get(name) if name else None

    def is_celery_task(self, binding: Binding) -> bool:
        """A module-level ``def`` decorated ``@shared_task`` or ``@<app>.task`` (with or without args)."""
        node = binding.node
        if binding.scope.opened_by != Scope.MODULE or not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            return False
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.qualified_name(target, binding.scope)
            if name in catalog.CELERY_TASK_DECORATORS:
                return True
            if (
                isinstance(target, ast.Attribute)
                and target.attr == catalog.CELERY_APP_TASK_ATTRIBUTE
                and isinstance(target.value, ast.Name)
            ):
                return True
        return False


# The modules a fix refers to by the module's own alias (``aio.sleep`` after ``import asyncio as
# aio``): the rules check the name is free to use, the fixer writes it.
ALIASED_MODULES = ("asyncio", "functools", "anyio")
# Starlette's ``run_in_threadpool``, where a module imports it from (FastAPI re-exports it): the
# thread a Starlette app's own code uses, which runs under trio as well as asyncio.
RUN_IN_THREADPOOL = (
    "starlette.concurrency.run_in_threadpool",
    "fastapi.concurrency.run_in_threadpool",
)


def module_alias(tree: ast.Module, name: str) -> str | None:
    """How the module's top-level ``import name [as alias]`` lets it refer to ``name``, if it does."""
    aliases = [
        alias.asname or name
        for statement in tree.body
        if isinstance(statement, ast.Import)
        for alias in statement.names
        if alias.name == name
    ]
    if name in aliases:
        return name
    return aliases[0] if aliases else None


def imported_name(tree: ast.Module, qualified: Sequence[str]) -> str | None:
    """The name a top-level ``from m import n [as a]`` binds for one of ``qualified`` (``m.n``)."""
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and not statement.level and statement.module:
            for alias in statement.names:
                if f"{statement.module}.{alias.name}" in qualified:
                    return alias.asname or alias.name
    return None


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
