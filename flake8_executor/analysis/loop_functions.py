"""Sync functions that a framework runs on the event loop: their calls count as on the loop.

The walk decides "on the loop" by ``async def``; this pass, run once the walk is over (it resolves
names), adds the plain ``def``s that the framework profiles (``profiles.py``) and the
``loop-callbacks`` setting say run there: Home Assistant's ``@callback`` and sync ``async_*``
functions, the callbacks given to ``loop.call_soon``/``call_later``/... and
``fut.add_done_callback``, a Tornado ``RequestHandler``'s sync ``get``/``post``. Each call in such a
function is then on the loop, with the reason for the message, and no ``await`` may be added there
(the function is no coroutine), so every rewrite that needs one is declined with that reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from flake8_executor import catalog, profiles
from flake8_executor.analysis.project import FUNCTION, Project
from flake8_executor.analysis.resolve import Binding, ClassInstance, Resolver, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.config.settings import Settings
from flake8_executor.fixes import NotFixed
from flake8_executor.profiles import LoopReason

PARTIAL = "functools.partial"
# ``executor.submit(...)`` gives a concurrent.futures future, whose callbacks run in the worker.
_POOL_SUBMIT = frozenset({"submit"})
# A loop-run function is followed no deeper than this many base classes (Tornado handlers).
_MAX_BASES = 8


def mark_loop_functions(
    scopes: Iterable[Scope],
    calls: list[CallSite],
    import_roots: frozenset[str] | set[str],
    resolver: Resolver,
    settings: Settings,
    project: Project | None = None,
    module: str | None = None,
) -> None:
    """Mark the call sites of every sync function the frameworks run on the event loop (a base
    class of another module of the ``project`` counts, following imports; ``module``: the file's
    module name, by which the ``loop-callbacks`` setting names its own functions)."""
    user = _UserNames(settings.loop_callbacks, resolver, project, module)
    home_assistant = profiles.HOME_ASSISTANT in import_roots
    reasons: dict[int, tuple[str, LoopReason]] = {}  # id(def or lambda node) -> (name, reason)
    for scope in scopes:
        node = scope.node
        if (
            scope.opened_by != Scope.FUNCTION
            or scope.is_async
            or not isinstance(node, ast.FunctionDef)
        ):
            continue
        found = _decorated(node, scope, resolver, user, home_assistant)
        if found is None:
            found = _framework_method(node, scope, resolver, project, home_assistant)
        if found is not None:
            reasons.setdefault(id(node), found)
    for call in calls:
        for target, reason in _registered(call, resolver, user):
            reasons.setdefault(id(target), reason)
    if not reasons:
        return
    for call in calls:
        function = call.site.function
        found = reasons.get(id(function.node)) if function is not None else None
        if found is None or function is None or function.is_async:
            continue
        name, reason = found
        site = call.site
        site.on_loop = True
        site.loop_reason = reason.why.format(registration=name, name=name)
        site.loop_advice = reason.advice
        site.why_no_await = NotFixed.IN_LOOP_FUNCTION.format(why=site.loop_reason)


class _UserNames:
    """The ``loop-callbacks`` setting's names, matched against what a file calls or decorates
    with: as imported (``myfw.on_loop``), a function or class of the file's own module by the
    module's name (``app.events.on_loop`` in ``app/events.py``), a method of an instance of one
    (``bus.listen`` after ``bus = Bus()``), and, following the project's imports, where the
    function is defined (a name re-exported by a package's ``__init__.py`` is the same function
    under either name)."""

    __slots__ = ("_canonical", "_module", "_names", "_project", "_resolver")

    def __init__(
        self,
        names: Iterable[str],
        resolver: Resolver,
        project: Project | None,
        module: str | None,
    ) -> None:
        self._names = frozenset(names)
        self._resolver = resolver
        self._project = project
        self._module = module
        self._canonical: frozenset[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._names)

    def match(self, target: ast.expr, scope: Scope) -> str | None:
        """The name ``target`` goes by when the setting names it (as the message shows it)."""
        if not self._names:
            return None
        name = self._resolver.qualified_name(target, scope) or self._own(target, scope)
        if name is None:
            return None
        if name in self._names:
            return name
        defined = self._defined(name)
        if defined is not None and defined in self._canonical_names():
            return name
        return None

    def _own(self, target: ast.expr, scope: Scope) -> str | None:
        """``on_loop`` (a ``def`` or class of this module), ``Bus.listen``, ``bus.listen``
        (an instance of a class of this module or another of the project), by module name."""
        resolver = self._resolver
        if isinstance(target, ast.Attribute):
            found = resolver.project_name(target, scope)
            if found is not None:
                return found
            owner = resolver.type_of(target.value, scope)
            if isinstance(owner, ClassInstance):
                owned = self._module_level(owner.scope)
                return f"{owned}.{target.attr}" if owned is not None else None
            root = self._own(target.value, scope)
            return f"{root}.{target.attr}" if root is not None else None
        if not isinstance(target, ast.Name) or self._module is None:
            return None
        bindings = scope.lookup(target.id)
        if not bindings or len(bindings) != 1:
            return None
        binding = bindings[0]
        if binding.how not in (Binding.DEF, Binding.CLASS) or binding.scope.parent is not None:
            return None  # not a module-level function or class
        return f"{self._module}.{target.id}"

    def _module_level(self, scope: Scope) -> str | None:
        node = scope.node
        owner = scope.parent
        if (
            self._module is None
            or not isinstance(node, ast.ClassDef)
            or owner is None
            or owner.parent is not None
        ):
            return None
        return f"{self._module}.{node.name}"

    def _defined(self, name: str) -> str | None:
        """Where the project's function ``name`` is defined (``module.qualified``)."""
        project = self._project
        if project is None:
            return None
        target = project.target(name)
        if target is None or target[0] != FUNCTION:
            return None
        return f"{target[1]}.{target[2]}"

    def _canonical_names(self) -> frozenset[str]:
        if self._canonical is None:
            found = (self._defined(name) for name in self._names)
            self._canonical = frozenset(name for name in found if name is not None)
        return self._canonical


def _decorated(
    node: ast.FunctionDef,
    scope: Scope,
    resolver: Resolver,
    user: _UserNames,
    home_assistant: bool,
) -> tuple[str, LoopReason] | None:
    outer = scope.parent or scope
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = resolver.qualified_name(target, outer)
        if name in profiles.HA_CALLBACK_DECORATORS:
            return name, profiles.HA_CALLBACK
        matched = user.match(target, outer)
        if matched is not None:
            return matched, profiles.USER_DECORATOR
    if home_assistant and node.name.startswith(profiles.HA_ASYNC_PREFIX):
        return node.name, profiles.HA_ASYNC_NAMED
    return None


# Methods a framework calls on the loop, by the base class that marks them: (the methods, the
# bases, the reason). Tornado's handlers; the ``__init__`` of a class Home Assistant constructs
# there (a config flow), only in a module that imports Home Assistant.
_FRAMEWORK_METHODS = (
    (profiles.TORNADO_METHODS, profiles.TORNADO_HANDLERS, profiles.TORNADO_HANDLER, False),
    (
        profiles.HA_LOOP_CONSTRUCTED_METHODS,
        profiles.HA_LOOP_CONSTRUCTED,
        profiles.HA_CONSTRUCTED,
        True,
    ),
)


def _framework_method(
    node: ast.FunctionDef,
    scope: Scope,
    resolver: Resolver,
    project: Project | None,
    home_assistant: bool,
) -> tuple[str, LoopReason] | None:
    """A sync method the framework of a base class runs on the loop (``_FRAMEWORK_METHODS``):
    ``get``/``post``/... of a ``tornado.web.RequestHandler``, a config flow's ``__init__``."""
    owner = scope.parent
    if owner is None or owner.opened_by != Scope.CLASS or not isinstance(owner.node, ast.ClassDef):
        return None
    outer = owner.parent or owner
    for methods, bases, reason, needs_home_assistant in _FRAMEWORK_METHODS:
        if node.name not in methods or (needs_home_assistant and not home_assistant):
            continue
        if _derives_from(owner.node, outer, resolver, bases, project, 0):
            return node.name, reason
    return None


def _derives_from(
    node: ast.ClassDef,
    scope: Scope,
    resolver: Resolver,
    bases: frozenset[str],
    project: Project | None,
    depth: int,
) -> bool:
    """One of the class's bases is one of ``bases``, directly or through classes of the module
    or, following imports, of the project."""
    if depth > _MAX_BASES:
        return False
    for base in node.bases:
        name = resolver.qualified_name(base, scope)
        if name in bases:
            return True
        if name is not None and project is not None and project.derives_from(name, bases):
            return True
        if isinstance(base, ast.Name):
            bindings = scope.lookup(base.id)
            if bindings and len(bindings) == 1 and bindings[0].how == Binding.CLASS:
                local = bindings[0]
                if isinstance(local.node, ast.ClassDef) and _derives_from(
                    local.node, local.scope, resolver, bases, project, depth + 1
                ):
                    return True
    return False


def _registered(
    call: CallSite, resolver: Resolver, user: _UserNames
) -> list[tuple[ast.AST, tuple[str, LoopReason]]]:
    """The functions (``def`` or ``lambda`` nodes) a call hands to the loop to run there."""
    node = call.node
    func = node.func
    scope = call.scope
    handed: list[ast.expr] = []
    name = ""
    reason: LoopReason | None = None
    if isinstance(func, ast.Attribute) and func.attr in profiles.ASYNCIO_CALLBACKS:
        index = profiles.ASYNCIO_CALLBACKS[func.attr]
        if len(node.args) <= index or _runs_elsewhere(func, scope, resolver):
            return []
        handed = [node.args[index]]
        name, reason = func.attr, profiles.ASYNCIO_CALLBACK
    elif user:
        qualified = user.match(func, scope)
        if qualified is None:
            return []
        handed = [*node.args, *(keyword.value for keyword in node.keywords)]
        name, reason = qualified, profiles.USER_REGISTRATION
    if reason is None:
        return []
    found = []
    for argument in handed:
        target = _function_node(argument, scope, resolver)
        if target is not None:
            found.append((target, (name, reason)))
    return found


def _runs_elsewhere(func: ast.Attribute, scope: Scope, resolver: Resolver) -> bool:
    """A ``concurrent.futures`` future calls its done-callbacks in the thread that completes it."""
    receiver = func.value
    if (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr in _POOL_SUBMIT
    ):
        return True  # ``executor.submit(f).add_done_callback(cb)``, whatever the executor
    return resolver.type_of(receiver, scope) == catalog.FUTURE


def _function_node(argument: ast.expr, scope: Scope, resolver: Resolver) -> ast.AST | None:
    """The sync ``def`` (of the module, or ``self.method``) or the ``lambda`` an argument is."""
    while (
        isinstance(argument, ast.Call)
        and argument.args
        and resolver.qualified_name(argument.func, scope) == PARTIAL
    ):
        argument = argument.args[0]
    if isinstance(argument, ast.Lambda):
        return argument
    binding = resolver.function_def(argument, scope) or resolver.method_def(argument, scope)
    if binding is not None and isinstance(binding.node, ast.FunctionDef):
        return binding.node
    return None
