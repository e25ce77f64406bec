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
        "app_state",
        "async_receivers",
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
        # Receivers whose calls are awaited here (``analysis/usage.py``); None when there are none.
        self.async_receivers: set[str] | None = None
        # For the module: ``<owner>.state.<name> = value`` anywhere in it, by name, with the
        # expression that owns the state (``app``, ``request.app``); None when there is none.
        self.app_state: dict[str, list[tuple[ast.expr, Binding]]] | None = None

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
        returned_type: Callable[[str], ObjectType | None] | None = None,
        application_state: Callable[[str], ObjectType | None] | None = None,
    ) -> None:
        self._types: dict[int, ObjectType | None] = {}
        self._busy: set[int] = set()
        self._lifespan_names: frozenset[str] | None = None
        self.package = package
        self.follow_imports = follow_imports
        self._imported_type = imported_type
        # What a function of another module returns (its return annotation, a class method
        # that returns ``cls(...)``), asked of the project.
        self._returned_type = returned_type
        # What the project's modules assign to an application's ``state.<name>``, asked of the
        # project for a module that neither assigns it nor imports the application.
        self._application_state = application_state

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

    # -- classes ---------------------------------------------------------------------------------

    def class_of(self, node: ast.expr, scope: Scope) -> Scope | None:
        """The class of this file that a name refers to (``Client``), if it is exactly one class."""
        if not isinstance(node, ast.Name):
            return None
        bindings = scope.lookup(node.id)
        if bindings is None or len(bindings) != 1 or bindings[0].opens is None:
            return None
        return bindings[0].opens

    def bases(self, class_scope: Scope) -> list[Scope | str | None]:
        """A class's bases, in order: a class of this file, the absolute name of another module's
        (following imports), or ``None`` for one not known."""
        node = class_scope.node
        outer = class_scope.parent
        if not isinstance(node, ast.ClassDef) or outer is None:
            return []
        found: list[Scope | str | None] = []
        for base in node.bases:
            if isinstance(base, ast.Subscript):
                base = base.value  # ``Generic[T]``, ``Base[int]``
            if self.qualified_name(base, outer) in _NEUTRAL_BASES:
                continue
            local = self.class_of(base, outer)
            if local is not None:
                found.append(local)
                continue
            name = self.project_name(base, outer)
            found.append(name)
        return found

    def class_method(self, class_scope: Scope, name: str, depth: int = 0) -> Binding | str | None:
        """The ``def`` a method name finds on a class of this file, in it or in its bases
        (depth first, left to right), or the absolute name of a base's method in another module
        of the project; ``None`` when it is not found or a base is not known."""
        bindings = class_scope.bindings.get(name)
        if bindings is not None:
            if len(bindings) == 1 and bindings[0].how == Binding.DEF:
                return bindings[0]
            return None
        if depth > 8:
            return None
        for base in self.bases(class_scope):
            if base is None:
                return None  # an unknown base may define it first
            if isinstance(base, str):
                return f"{base}.{name}"
            found = self.class_method(base, name, depth + 1)
            if found is not None:
                return found
        return None

    def post_init(self, class_scope: Scope) -> str | None:
        """The hook a generated ``__init__`` calls (dataclasses' ``__post_init__``, attrs'
        ``__attrs_post_init__``), for a class whose ``__init__`` is generated."""
        node = class_scope.node
        outer = class_scope.parent
        if (
            not isinstance(node, ast.ClassDef)
            or outer is None
            or "__init__" in class_scope.bindings
        ):
            return None
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            found = _GENERATED_INIT.get(self.qualified_name(target, outer) or "")
            if found is not None:
                return found
        return None

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
            holder = node.value
            if (
                type(holder) is ast.Attribute
                and holder.attr == "state"
                and self.is_application(holder.value, scope)
            ):
                return self._state_type(node, scope)
            owner = self.type_of(node.value, scope)
            if isinstance(owner, ClassInstance):
                return self.attribute_type(owner.scope, node.attr)
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
        if isinstance(node, ast.Await):
            return self._awaited_type(node.value, scope)
        return None

    def _awaited_type(self, call: ast.expr, scope: Scope) -> ObjectType | None:
        """``await client.get(u)`` of an async client: the response it gives; ``await
        asyncio.to_thread(pool.request, ...)``: what the method sent to the thread returns."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        attr = call.func.attr
        index = HANDOFF_ARGUMENT.get(attr)
        if index is not None:
            if len(call.args) <= index:
                return None
            sent = call.args[index]
            if not isinstance(sent, ast.Attribute):
                return None
            owner = self.type_of(sent.value, scope)
            return catalog.RETURNS.get((owner, sent.attr)) if isinstance(owner, str) else None
        owner = self.type_of(call.func.value, scope)
        return catalog.AWAITED_RETURNS.get((owner, attr)) if isinstance(owner, str) else None

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
            binding = self.function_def(func, scope)
            if binding is not None:
                return self.returned_type(binding)  # ``def config_path() -> Path``
        if name is not None:
            imported = self.project_name(func, scope)
            if imported is not None and imported == name:
                returned = self._returned_type(name) if self._returned_type is not None else None
                return returned if returned is not None else ImportedInstance(name)
        if isinstance(func, ast.Attribute):
            cls = self.class_of(func.value, scope)
            if cls is not None:  # ``Client.from_config()``
                method = self.class_method(cls, func.attr)
                return self.returned_type(method) if isinstance(method, Binding) else None
            owner = self.type_of(func.value, scope)
            if isinstance(owner, str):
                found = catalog.RETURNS.get((owner, func.attr))
                if found is None and func.attr[:1].isupper():
                    found = catalog.CAPITALIZED_RETURNS.get(owner)
                return found
            if isinstance(owner, ClassInstance):
                method = self.class_method(owner.scope, func.attr)
                return self.returned_type(method) if isinstance(method, Binding) else None
            return None
        called = self.type_of(func, scope)
        return catalog.CALL_RETURNS.get(called) if isinstance(called, str) else None

    def attribute_type(self, class_scope: Scope, name: str, depth: int = 0) -> ObjectType | None:
        """The type of ``self.<name>`` for a class of this file: its class-level annotation
        (``client: Luxtronik``, a dataclass or attrs field), else what its methods assign to it
        (``self.x: T = ...``, ``self.x = client`` of an annotated parameter), else a base's."""
        declared = class_scope.bindings.get(name)
        annotated: ObjectType | None = None
        if declared is not None and len(declared) == 1 and declared[0].annotation is not None:
            annotated = self.annotation_type(declared[0].annotation, class_scope, class_scope)
            if isinstance(annotated, (str, ClassInstance)):
                return annotated
        assigned = class_scope.self_attributes.get(name)
        if assigned:
            # What is assigned wins over an annotation naming another module's class (which
            # may be an installed package's, whose methods the catalog may know by the value).
            found = self.bindings_type(assigned, None)
            if found is not None or annotated is None:
                return found
        if annotated is not None:
            return annotated
        if depth < 8:
            for base in self.bases(class_scope):
                if isinstance(base, Scope):
                    found = self.attribute_type(base, name, depth + 1)
                    if found is not None:
                        return found
        return None

    # -- application state (Starlette, FastAPI) --------------------------------------------------

    def is_application(self, node: ast.expr, scope: Scope) -> bool:
        """A Starlette/FastAPI application: ``request.app`` (``websocket.app``...), a name every
        binding of which is one (``app = FastAPI()``, ``app: FastAPI``, the parameter of a function
        given as ``lifespan=`` to one, another module's ``app`` imported)."""
        if isinstance(node, ast.Attribute):
            if node.attr != "app" or not isinstance(node.value, ast.Name):
                return False
            bindings = scope.lookup(node.value.id)  # not a method's ``self.app`` (a middleware's)
            return not bindings or all(binding.owner_class is None for binding in bindings)
        if not isinstance(node, ast.Name):
            return False
        bindings = scope.lookup(node.id)
        return bool(bindings) and all(self._binds_application(binding) for binding in bindings)

    def _binds_application(self, binding: Binding) -> bool:
        scope = binding.scope
        if binding.annotation is not None:
            return self.qualified_name(binding.annotation, scope) in APPLICATION_CLASSES
        if binding.how == Binding.VALUE:
            value = binding.value
            return (
                isinstance(value, ast.Call)
                and self.qualified_name(value.func, scope) in APPLICATION_CLASSES
            )
        if binding.how == Binding.PARAM:
            node = scope.node
            return isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ) and node.name in self._lifespans(scope.module)
        if binding.how == Binding.IMPORT:
            found = self._binding_type(binding)
            return isinstance(found, ImportedInstance) and found.name in APPLICATION_CLASSES
        return False

    def _lifespans(self, module: Scope) -> frozenset[str]:
        """The functions a module gives an application as its ``lifespan=``: their first
        parameter is the application."""
        found = self._lifespan_names
        if found is None:
            tree = module.node
            names = set()
            for node in ast.walk(tree) if isinstance(tree, ast.Module) else ():
                if (
                    isinstance(node, ast.Call)
                    and self.qualified_name(node.func, module) in APPLICATION_CLASSES
                ):
                    names.update(
                        keyword.value.id
                        for keyword in node.keywords
                        if keyword.arg == "lifespan" and isinstance(keyword.value, ast.Name)
                    )
            found = self._lifespan_names = frozenset(names)
        return found

    def state_assigned(self, module: Scope, name: str) -> ObjectType | None:
        """The type of what this module assigns to an application's ``state.<name>``, when every
        assignment agrees (``app.state.engine = create_engine(...)`` at start-up)."""
        assigned = [
            binding
            for owner, binding in (module.app_state or {}).get(name, ())
            if self.is_application(owner, binding.scope)
        ]
        return self.bindings_type(assigned, None) if assigned else None

    def _state_type(self, node: ast.Attribute, scope: Scope) -> ObjectType | None:
        """``request.app.state.engine``: what the module assigns to it, else, for an application
        imported from another module of the project, what that module does (its summary), else
        what the project's modules assign to it, when they agree."""
        module = scope.module
        if module.app_state and node.attr in module.app_state:
            return self.state_assigned(module, node.attr)
        found = self._imported_object(node, scope)
        if found is None and self._application_state is not None:
            found = self._application_state(node.attr)
        return found

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

    def returned_type(self, binding: Binding) -> ObjectType | None:
        """What calling a ``def`` of this file returns: its return annotation (``-> Path``,
        ``-> "Client"``, ``-> Self``), or, for a class method whose every ``return`` is
        ``cls(...)``, an instance of its class."""
        node = binding.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        owner = binding.scope if binding.scope.opened_by == Scope.CLASS else None
        if node.returns is not None:
            return self.annotation_type(node.returns, binding.scope, owner)
        if owner is None or isinstance(node, ast.AsyncFunctionDef):
            return None
        names = {self.qualified_name(d, binding.scope) for d in node.decorator_list}
        positional = [*node.args.posonlyargs, *node.args.args]
        if "classmethod" not in names or not positional:
            return None
        first = positional[0].arg
        returns = [
            child.value
            for child in _own_nodes(node)
            if isinstance(child, ast.Return) and child.value is not None
        ]
        if returns and all(
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == first
            for value in returns
        ):
            return ClassInstance(owner)
        return None

    def annotation_type(
        self, node: ast.expr, scope: Scope, owner: Scope | None = None
    ) -> ObjectType | None:
        """``httpx.Client``, ``Optional[httpx.Client]``, ``httpx.Client | None``, or a string of one;
        a class of the project (this file's, or another module's by its absolute name);
        ``Self`` in a method of ``owner``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left = self.annotation_type(node.left, scope, owner)
            right = self.annotation_type(node.right, scope, owner)
            if _is_none(node.right):
                return left
            if _is_none(node.left):
                return right
            return left if left == right else None
        if isinstance(node, ast.Subscript):
            name = self.qualified_name(node.value, scope)
            if name in {"typing.Optional", "Optional"}:
                return self.annotation_type(node.slice, scope, owner)
            if name in {"typing.Union", "Union"} and isinstance(node.slice, ast.Tuple):
                members = [member for member in node.slice.elts if not _is_none(member)]
                if len(members) == 1:
                    return self.annotation_type(members[0], scope, owner)
            return None
        cls = self.class_of(node, scope)
        if cls is not None:
            return ClassInstance(cls)
        name = self.qualified_name(node, scope)
        if not name:
            return None
        found = catalog.ANNOTATION_TYPES.get(name)
        if found is not None:
            return found
        if name in _SELF:
            return ClassInstance(owner) if owner is not None else None
        imported = self.project_name(node, scope)
        return ImportedInstance(imported) if imported is not None else None

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


# Calls whose awaited result is what the callable they are given returns: name -> its position.
HANDOFF_ARGUMENT = {"to_thread": 0, "run_sync": 0, "run_in_threadpool": 0, "run_in_executor": 1}

_SELF = frozenset({"typing.Self", "typing_extensions.Self"})


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    """The nodes of a function's body, not those of the functions and classes it defines."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        found.append(child)
        stack.extend(ast.iter_child_nodes(child))
    return found


# Bases that define no ``__init__``, ``__call__`` or method a project calls.
_NEUTRAL_BASES = frozenset(
    {"object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"}
)
# Class decorators that generate ``__init__``, and the hook it calls.
_GENERATED_INIT = {
    "dataclasses.dataclass": "__post_init__",
    "pydantic.dataclasses.dataclass": "__post_init__",
    "attr.s": "__attrs_post_init__",
    "attr.attrs": "__attrs_post_init__",
    "attr.define": "__attrs_post_init__",
    "attr.frozen": "__attrs_post_init__",
    "attr.mutable": "__attrs_post_init__",
    "attrs.define": "__attrs_post_init__",
    "attrs.frozen": "__attrs_post_init__",
    "attrs.mutable": "__attrs_post_init__",
}

# Starlette's application and its subclasses: ``app.state`` is one object for the application's
# whole life, so what start-up code assigns to ``app.state.x`` is what handlers read back
# (``request.app.state.x``). A request's own ``request.state`` is not (it is per request).
APPLICATION_CLASSES = frozenset(
    {
        "starlette.applications.Starlette",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)

# The modules a fix refers to by the module's own alias (``aio.sleep`` after ``import asyncio as
# aio``): the rules check the name is free to use, the fixer writes it.
ALIASED_MODULES = ("asyncio", "functools", "anyio", "contextvars")
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
