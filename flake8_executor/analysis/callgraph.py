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

A call of a class runs its constructor (``__init__``, a base's, a dataclass's ``__post_init__``),
a call of an instance its ``__call__``, a read of a property its getter: each is a function like
any helper. A step under a test of a parameter carries that test as a guard, and a call's
arguments decide whether it is taken (``analysis/conditions.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Optional

from flake8_executor.analysis.conditions import (
    CA_BUNDLE,
    ZONE_LOADED,
    ArgDesc,
    Guard,
    Signature,
    bind,
    describe_args,
    guard_of,
    parameter,
    signature_of,
    translate,
)
from flake8_executor.analysis.lookup import CatalogLookup, argument
from flake8_executor.analysis.resolve import (
    Binding,
    ClassInstance,
    ImportedInstance,
    Resolver,
    Scope,
)
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.size import SAME_SIZE_METHODS, data_argument, evidently_large
from flake8_executor.catalog import (
    CA_BUNDLE_ARGUMENTS,
    KEYED_CACHES,
    LOOP_CALLS,
    SEVERITY,
    Entry,
    Kind,
)
from flake8_executor.profiles import WARMED_AT_IMPORT

CPU_KINDS = frozenset({Kind.CPU_HOLDS_GIL, Kind.CPU_RELEASES_GIL})

# A chain longer than this is not followed: real helpers are shallow, pathological files are not.
MAX_DEPTH = 40

# kind -> the first chain of names that reaches it, and the guard it runs under (() : always).
Reach = dict[Kind, tuple[tuple[str, ...], Guard]]

# A step of a function: ("call", Kind, "requests.get"), ("loop", "asyncio.get_running_loop"),
# ("local", <the Binding of a helper of this file>) or ("project", "app.billing.charge"); a call
# of a helper also carries the arguments it passes (``conditions.Args``), and any step the guard
# it runs under: (tag, value, args, guard). In a coroutine of an installed package also ("await",
# "pyfoo.api.Client.fetch", args, guard): a coroutine awaited, which runs on the same loop (its
# steps count only when the name is an ``async def``); ("sized", (Kind, "json.loads", k, "data")): CPU work
# whose input's size decides, on the helper's positional parameter k named "data" (-1, "": on
# something else), judged where the helper is called or offloaded; ("body", ""): the helper
# returns a whole body (``requests.get(u).content``); ("iterate", "app.files.entries"): the
# result of a project function is iterated there, which runs its body when it is a generator
# function.
CALL, LOOP, LOCAL, PROJECT, AWAIT = "call", "loop", "local", "project", "await"
SIZED, BODY, ITERATE = "sized", "body", "iterate"
Step = tuple[Any, ...]
# What a called expression is, for a step: (tag, key, skip): ``skip`` leading arguments are not
# the callee's parameters (``Base.__init__(self, ...)``); ``None``: none of them reach its
# parameters (a dataclass's ``__post_init__``).
Callee = tuple[str, Any, Optional[int]]

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


def _add(reach: Reach, kind: Kind, chain: tuple[str, ...], guard: Guard) -> None:
    """Keep the first chain of each kind, unless a later one runs unconditionally."""
    known = reach.get(kind)
    if known is None or (known[1] and not guard):
        reach[kind] = (chain, guard)


class HelperReach:
    """What calling one helper does: its most severe kind, the chain to it, the other kinds."""

    __slots__ = ("chain", "kind", "loop_call", "others", "package")

    def __init__(self, reach: dict[Kind, tuple[str, ...]], loop_call: str | None = None) -> None:
        kinds = sorted(reach, key=SEVERITY.index)
        self.kind = kinds[0]
        self.chain = reach[self.kind]
        self.others = tuple(kinds[1:])
        # A call that needs a running event loop in its thread (``asyncio.get_running_loop``),
        # made by the helper or a helper it calls: it cannot be moved to a thread.
        self.loop_call = loop_call
        # The installed package the chain enters (``pyfoo``), which messages name; None: the
        # project's own code.
        self.package: str | None = None

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
        return self._other if tag in (PROJECT, AWAIT) and self._other is not None else self

    def package_in(self, chain: Sequence[str]) -> str | None:
        """The installed package the first link of ``chain`` in one lives in (None: the
        project's own code all along)."""
        return self._other.package_in(chain) if self._other is not None else None

    def is_property(self, key: Any) -> bool:
        """Whether the name is a property's getter (reading the attribute runs it)."""
        return False

    def signature(self, key: Any) -> Signature | None:
        """The parameters of the function ``key`` names, as a call binds them; ``None``: not known
        (its guards then see every argument as unknown)."""
        return None

    def reach(self, key: Any, depth: int = 0, offloaded: bool = False) -> tuple[Reach, bool]:
        """The function's reach, and whether it is complete (no cycle member was still open).

        Each kind's chain carries the guard under which it runs (tests on the function's own
        parameters, ``analysis/conditions.py``); an unconditional chain wins over a guarded one.
        ``offloaded``: the function is handed to an executor, where its author judged it heavy:
        its size-dependent CPU work counts whatever the input (docs/precision.md).
        """
        key = self.canonical(key)
        if key is None:
            return {}, True
        memo_key = (key, offloaded)
        if memo_key in self._memo:
            return self._memo[memo_key], True
        if memo_key in self._active or depth > MAX_DEPTH:
            return {}, False
        steps = self.steps(key)
        if not steps:
            if steps is not None:
                self._memo[memo_key] = {}
            return {}, True
        self._active.add(memo_key)
        name = self.display(key)
        reach: Reach = {}
        complete = True
        for step in steps:
            tag, value = step[0], step[1]
            guard: Guard = step[3] if len(step) > 3 else ()
            if tag == CALL or (tag == SIZED and offloaded):
                kind, qualified = value[0], value[1]
                _add(reach, kind, (name, qualified), guard)
            elif tag in (LOCAL, PROJECT, AWAIT, ITERATE):
                callee = (tag, value) if tag in (AWAIT, ITERATE) else value
                composer = self._composer_of(PROJECT if tag == ITERATE else tag)
                callee_reach, callee_complete = composer.reach(callee, depth + 1, offloaded)
                complete = complete and callee_complete
                if not callee_reach:
                    continue
                bound = bind(composer.signature(callee), step[2] if len(step) > 2 else None)
                for kind, (chain, callee_guard) in callee_reach.items():
                    translated = translate(callee_guard, bound, top=False)
                    if translated is not None:
                        _add(reach, kind, (name, *chain), guard + translated)
        self._active.discard(memo_key)
        if complete:
            self._memo[memo_key] = reach
        return reach, complete

    def sized_reach(
        self, key: Any, arguments: Callable[[int, str], bool]
    ) -> dict[Kind, tuple[str, ...]]:
        """The size-dependent CPU work the function does on a parameter that, at this call site,
        is evidently large (``arguments(k, name)``): ``compress(await request.body())``."""
        key = self.canonical(key)
        if key is None:
            return {}
        reach: dict[Kind, tuple[str, ...]] = {}
        for step in self.steps(key) or ():
            tag, value = step[0], step[1]
            if tag == SIZED and value[2] >= 0 and arguments(value[2], value[3]):
                reach.setdefault(value[0], (self.display(key), value[1]))
        return reach

    def returns_body(self, key: Any) -> bool:
        """The function returns a whole body (``return requests.get(u).content``)."""
        key = self.canonical(key)
        return key is not None and any(step[0] == BODY for step in self.steps(key) or ())

    def loop_call(self, key: Any, seen: set[Any] | None = None) -> str | None:
        """The first call of ``catalog.LOOP_CALLS`` the function makes, directly or through helpers."""
        seen = set() if seen is None else seen
        key = self.canonical(key)
        if key is None or (self, key) in seen:
            return None
        seen.add((self, key))
        for step in self.steps(key) or ():
            tag, value = step[0], step[1]
            if tag == LOOP:
                return str(value)
            if tag in (LOCAL, PROJECT):
                found = self._composer_of(tag).loop_call(value, seen)
                if found is not None:
                    return found
        return None


# Catalog calls that block or not by one argument, when a helper passes its own parameter there:
# the step is guarded on that parameter. ``ZoneInfo(key)`` reads no file for a key the framework
# has loaded; ``httpx.AsyncClient(verify=...)`` loads the CA bundle for ``True`` or a path.
_ARGUMENT_TESTS = (
    (KEYED_CACHES, ZONE_LOADED, False),
    (CA_BUNDLE_ARGUMENTS, CA_BUNDLE, True),
)


def warmed_at_import(name: str, call: ast.Call) -> bool:
    """A call with no arguments of a function its module already called so at import, its work
    memoised (``profiles.WARMED_AT_IMPORT``): answered from the cache."""
    return name in WARMED_AT_IMPORT and not call.args and not call.keywords


def is_transparent(
    node: ast.FunctionDef | ast.AsyncFunctionDef, name_of: Callable[[ast.expr], str | None]
) -> bool:
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
    return binding if _runs_body(binding, resolver) else None


def _runs_body(binding: Binding | None, resolver: Resolver) -> bool:
    if binding is None or not isinstance(binding.node, ast.FunctionDef):
        return False
    scope = binding.scope

    def name_of(node: ast.expr) -> str | None:
        return resolver.qualified_name(node, scope)

    return is_transparent(binding.node, name_of) or is_abstract(binding.node, name_of)


# An abstract method's body is a placeholder: a call of it runs one of its overrides.
ABSTRACT_DECORATORS = frozenset({"abc.abstractmethod"})


def is_abstract(node: ast.FunctionDef, name_of: Callable[[ast.expr], str | None]) -> bool:
    """``@abc.abstractmethod`` alone (an abstract property is a getter, not followed)."""
    return len(node.decorator_list) == 1 and name_of(node.decorator_list[0]) in ABSTRACT_DECORATORS


def overrides(binding: Binding, resolver: Resolver) -> list[Binding]:
    """The overrides of an abstract method in the subclasses its module defines at its top level
    (directly or through other classes of the module), the ones whose calls run their body.

    ``storage.upload(key, data)`` on a ``storage: Storage`` runs whichever implementation the
    object has; the module that declares the interface usually defines them (``S3Storage``).
    Subclasses in other modules are not searched: that needs an index of every module.
    """
    node = binding.node
    cls = binding.scope
    module = cls.parent
    if not isinstance(node, ast.FunctionDef) or cls.opened_by != Scope.CLASS or module is None:
        return []
    found: list[Binding] = []
    for bindings in module.bindings.values():
        for candidate in bindings:
            sub = candidate.opens
            if sub is None or sub is cls or not _inherits(sub, cls, resolver, 0):
                continue
            own = sub.bindings.get(node.name)
            if own is None or len(own) != 1 or own[0].how != Binding.DEF:
                continue
            implementation = own[0]
            if (
                isinstance(implementation.node, ast.FunctionDef)
                and implementation.node is not node
                and _runs_body(implementation, resolver)
                and not is_abstract(
                    implementation.node, lambda target, at=sub: resolver.qualified_name(target, at)
                )
            ):
                found.append(implementation)
    return found


def _inherits(cls: Scope, base: Scope, resolver: Resolver, depth: int) -> bool:
    if depth > 8:
        return False
    return any(
        parent is base
        or (isinstance(parent, Scope) and _inherits(parent, base, resolver, depth + 1))
        for parent in resolver.bases(cls)
    )


def callee_of(
    func: ast.expr, scope: Scope, resolver: Resolver, first: ast.expr | None = None
) -> tuple[Binding | str, int | None] | None:
    """What calling ``func`` runs, beyond a plain helper: a class's constructor (its
    ``__init__``, or the ``__post_init__`` a generated one calls), a method found on a base
    (``self.load()`` inherited, ``super().__init__(...)``, ``Base.__init__(self, ...)``), an
    instance's ``__call__``. A ``def`` of this file, or the absolute name of another module's
    function (following imports), with how many leading arguments to skip (``None``: the
    arguments do not reach its parameters). ``first`` is the call's first argument."""
    binding = helper_binding(func, scope, resolver)
    if binding is not None:
        return binding, 0
    if isinstance(func, ast.Name):
        cls = resolver.class_of(func, scope)
        if cls is not None:  # ``Client(...)``: its construction
            post_init = resolver.post_init(cls)
            if post_init is not None:
                return _method(resolver.class_method(cls, post_init), resolver, None)
            return _method(resolver.class_method(cls, "__init__"), resolver, 0)
    if isinstance(func, ast.Attribute):
        value = func.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
            and scope.lookup("super") is None
        ):
            owner = _method_class(scope)
            if owner is None:
                return None
            for base in resolver.bases(owner):
                if base is None:
                    return None
                found = (
                    f"{base}.{func.attr}"
                    if isinstance(base, str)
                    else resolver.class_method(base, func.attr)
                )
                if found is not None:
                    return _method(_own_body(found, resolver), resolver, 0)
            return None
        cls = resolver.class_of(value, scope)
        if cls is not None:  # ``Base.method(self, ...)``, ``Client.from_config(...)``
            found = _own_body(resolver.class_method(cls, func.attr), resolver)
            skip = 0
            if isinstance(found, Binding) and _plain_method(found, resolver):
                skip = 1 if first is not None else 0
            return _method(found, resolver, skip)
        owner_type = resolver.type_of(value, scope)
        if isinstance(owner_type, ClassInstance):  # an inherited method
            return _method(resolver.class_method(owner_type.scope, func.attr), resolver, 0)
        return None
    called = resolver.type_of(func, scope)
    if isinstance(called, ClassInstance):  # ``handler(...)``: its ``__call__``
        return _method(resolver.class_method(called.scope, "__call__"), resolver, 0)
    if isinstance(called, ImportedInstance) and resolver.follow_imports:
        return f"{called.name}.__call__", 0
    return None


# Decorators that make a method a getter run when the attribute is read.
PROPERTY_DECORATORS = frozenset({"property", "functools.cached_property"})


def is_property(node: ast.FunctionDef, name_of: Callable[[ast.expr], str | None]) -> bool:
    """``@property`` (or ``functools.cached_property``) alone: reading the attribute runs it."""
    return len(node.decorator_list) == 1 and name_of(node.decorator_list[0]) in PROPERTY_DECORATORS


def property_getter(node: ast.Attribute, scope: Scope, resolver: Resolver) -> Binding | str | None:
    """The getter ``obj.name`` runs when ``obj`` is an instance of a class of this file whose
    ``name`` is a property (in it or a base), or the absolute name of another module's attribute
    that may be one (``Project.is_property`` decides)."""
    owner = resolver.type_of(node.value, scope)
    if isinstance(owner, ImportedInstance):
        return f"{owner.name}.{node.attr}" if resolver.follow_imports else None
    if not isinstance(owner, ClassInstance):
        return None
    return _getter(owner.scope, node.attr, resolver, 0)


def _getter(cls: Scope, name: str, resolver: Resolver, depth: int) -> Binding | str | None:
    bindings = cls.bindings.get(name)
    if bindings is not None:
        for binding in bindings:
            node = binding.node
            if (
                binding.how == Binding.DEF
                and isinstance(node, ast.FunctionDef)
                and is_property(node, lambda target: resolver.qualified_name(target, cls))
            ):
                return binding
        return None
    if depth > 8:
        return None
    for base in resolver.bases(cls):
        if base is None:
            return None
        if isinstance(base, str):
            return f"{base}.{name}"
        found = _getter(base, name, resolver, depth + 1)
        if found is not None:
            return found
    return None


def _method(
    found: Binding | str | None, resolver: Resolver, skip: int | None
) -> tuple[Binding | str, int | None] | None:
    if found is None:
        return None
    if isinstance(found, str):
        return found, skip
    return (found, skip) if _runs_body(found, resolver) else None


def _own_body(found: Binding | str | None, resolver: Resolver) -> Binding | str | None:
    """What ``super().name()`` or ``Base.name(self)`` runs: the method's own body, which for an
    abstract method of this file is a placeholder (not the overrides an instance's call runs).
    Another module's abstract method is not told apart: its summary holds the overrides."""
    if isinstance(found, Binding) and isinstance(found.node, ast.FunctionDef):
        scope = found.scope
        if is_abstract(found.node, lambda node: resolver.qualified_name(node, scope)):
            return None
    return found


def _plain_method(binding: Binding, resolver: Resolver) -> bool:
    """A ``def`` in a class body that is neither a static nor a class method."""
    node = binding.node
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    names = {resolver.qualified_name(d, binding.scope) for d in node.decorator_list}
    return binding.scope.opened_by == Scope.CLASS and not names & {"staticmethod", "classmethod"}


def _method_class(scope: Scope) -> Scope | None:
    """The class whose method ``scope`` is (or is nested in)."""
    while scope is not None and scope.opened_by != Scope.CLASS:
        if scope.opened_by == Scope.FUNCTION and scope.enclosing_class is not None:
            return scope.enclosing_class
        scope = scope.parent  # type: ignore[assignment]
    return None


def passes_self(call: ast.Call, function: Scope | None) -> int:
    """1 for ``Base.__init__(self, ...)`` in a method (``self`` is not one of the callee's
    parameters as its signature has them), else 0."""
    func = call.func
    self_name = function.self_name if function is not None else None
    if (
        self_name is None
        or not call.args
        or not isinstance(call.args[0], ast.Name)
        or call.args[0].id != self_name
        or not isinstance(func, ast.Attribute)
    ):
        return 0
    return 0 if isinstance(func.value, ast.Name) and func.value.id == self_name else 1


def signature_of_def(
    node: ast.FunctionDef | ast.AsyncFunctionDef, outer: Scope, resolver: Resolver
) -> Signature:
    """A ``def``'s parameters; a method's without its ``self`` (or ``cls``)."""
    names = {resolver.qualified_name(d, outer) for d in node.decorator_list}
    bound = outer.opened_by == Scope.CLASS and "staticmethod" not in names
    return signature_of(node, outer, bound, resolver)


def function_steps(
    calls: Sequence[CallSite],
    lookup: CatalogLookup,
    local: Callable[[ast.expr, Scope, ast.Call], Callee | None],
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
        site = call.site
        guard = guard_of(site.conditions, site.function, resolver) if site.conditions else ()
        found = lookup.blocking_call(call)
        if found is not None:
            qualified, entry = found
            for table, test, branch in _ARGUMENT_TESTS:
                where = table.get(qualified)
                name = parameter(argument(call.node, *where), site.function) if where else None
                if name is not None:  # the helper's parameter: its callers decide
                    guard = (*guard, (name, test, (), branch))
            steps.append((CALL, (entry.kind, qualified), None, guard))
            continue
        func = call.node.func
        scope = call.scope
        unblocked = lookup.blocking_entry(func, scope)
        if unblocked is not None:
            sized = _sized_step(call, unblocked[0], unblocked[1])
            if sized is not None:
                steps.append(sized)
            continue  # a catalog call that does not block as written
        name = resolver.qualified_name(func, scope)
        if name in LOOP_CALLS:
            steps.append((LOOP, name))
            continue
        if call.awaited:
            continue  # a sync function whose result is awaited returns an awaitable: not a helper
        callee = local(func, scope, call.node)
        if callee is None:
            other = project(func, scope)
            if other is not None and warmed_at_import(other, call.node):
                continue
            callee = (PROJECT, other, passes_self(call.node, site.function)) if other else None
        if callee is not None:
            tag, key, skip = callee
            args = (
                describe_args(call.node, scope, site.function, resolver, skip)
                if skip is not None
                else None
            )
            steps.append((tag, key, args, guard))
            if call.iterated:
                if tag == PROJECT:
                    steps.append((ITERATE, key))
                elif iterate_local is not None:
                    iteration = iterate_local(func, scope)
                    if iteration is not None:
                        steps.append(iteration)
    if calls and _returns_body(calls[0].site.function, lookup):
        steps.append((BODY, ""))
    return steps


def coroutine_steps(
    calls: Iterable[CallSite],
    lookup: CatalogLookup,
    local: Callable[[ast.expr, Scope, ast.Call], Callee | None],
    project: Callable[[ast.expr, Scope], str | None],
    awaited: Callable[[ast.expr, Scope], str | None],
) -> list[Step]:
    """The steps of one ``async def`` of an installed package: what runs on the loop in its body
    (the sync calls, as ``function_steps``) and the coroutines it awaits (``awaited`` names them).
    A call handed to an executor is a reference or runs in a lambda: not a step."""
    steps: list[Step] = []
    plain: list[CallSite] = []
    resolver = lookup.resolver
    for call in calls:
        if call.awaited:
            steps.extend(function_steps(plain, lookup, local, project))
            plain = []
            name = awaited(call.node.func, call.scope)
            if name is not None:
                site = call.site
                node = call.node
                guard = (
                    guard_of(site.conditions, site.function, resolver) if site.conditions else ()
                )
                skip = passes_self(node, site.function)
                args = describe_args(node, call.scope, site.function, resolver, skip)
                steps.append((AWAIT, name, args, guard))
        else:
            plain.append(call)
    steps.extend(function_steps(plain, lookup, local, project))
    return steps


def _sized_step(call: CallSite, qualified: str, entry: Entry) -> Step | None:
    """A size-dependent CPU call left silent for its input's size, with the parameter it works
    on: what a call site or an executor may still show heavy."""
    node = call.node
    if entry.data_arg < 0 or call.awaited or call.in_wrap_file:
        return None
    data = data_argument(node, entry.data_arg)
    if data is None:
        return None
    while (
        isinstance(data, ast.Call)
        and isinstance(data.func, ast.Attribute)
        and data.func.attr in SAME_SIZE_METHODS
    ):
        data = data.func.value
    index, name = -1, ""
    function = call.site.function
    if isinstance(data, ast.Name) and function is not None:
        bindings = call.scope.lookup(data.id)
        if bindings and len(bindings) == 1 and bindings[0].how == Binding.PARAM:
            index = _parameter_index(function, data.id)
            name = data.id if index >= 0 else ""
    return (SIZED, (entry.kind, qualified, index, name))


def _parameter_index(function: Scope, name: str) -> int:
    """The position of a parameter among those a caller passes positionally (after the bound
    ``self``/``cls`` of a method); -1 when it is not one."""
    node = function.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return -1
    positional = [arg.arg for arg in (*node.args.posonlyargs, *node.args.args)]
    if name not in positional:
        return -1
    index = positional.index(name)
    if function.parent is not None and function.parent.opened_by == Scope.CLASS:
        static = any(
            isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
            for decorator in node.decorator_list
        )
        if not static:
            index -= 1
    return index


def _returns_body(function: Scope | None, lookup: CatalogLookup) -> bool:
    """A ``return`` of the function (not of a nested one) gives a whole body."""
    node = function.node if function is not None else None
    if not isinstance(node, ast.FunctionDef):
        return False
    pending: list[ast.AST] = list(node.body)
    while pending:
        current = pending.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(current, ast.Return):
            if current.value is not None and evidently_large(current.value, function, lookup):
                return True
            continue
        if isinstance(current, ast.stmt):
            pending.extend(
                child for child in ast.iter_child_nodes(current) if isinstance(child, ast.stmt)
            )
    return False


def calls_by_function(
    calls: Iterable[CallSite], coroutines: bool = False
) -> dict[int, list[CallSite]]:
    """The call sites of each sync ``def`` (by ``id`` of its node), in the walk's order; with
    ``coroutines``, those of each ``async def``."""
    by_function: dict[int, list[CallSite]] = {}
    for call in calls:
        function = call.site.function
        if (
            function is not None
            and function.opened_by == Scope.FUNCTION
            and function.is_async == coroutines
        ):
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
        self._asking: set[Any] = set()

    def helper_of(self, func: ast.expr, scope: Scope) -> Binding | None:
        """The sync ``def`` of this file a called expression names (``fetch``, ``self._load``)."""
        return helper_binding(func, scope, self._lookup.resolver)

    def reach_of(
        self,
        func: ast.expr,
        scope: Scope,
        call: ast.Call | None = None,
        offloaded: bool = False,
    ) -> HelperReach | None:
        """The summary of what calling ``func`` runs, when it reaches a blocking call; with the
        ``call``, only the guarded steps its arguments can take."""
        callee = self._callee(func, scope, call)
        if callee is None:
            return None
        tag, key, skip = callee
        composer = self._composer_of(tag)
        reach, _complete = composer.reach(key, 0, offloaded)
        if not reach:
            return None
        resolver = self._lookup.resolver
        args = (
            describe_args(call, scope, None, resolver, skip)
            if call is not None and skip is not None
            else None
        )
        bound = bind(composer.signature(key), args)
        taken = _taken(reach, bound)
        if not taken:
            return None
        helper = HelperReach(taken, composer.loop_call(key))
        helper.package = self.package_in(helper.chain)
        return helper

    def awaited_reach_of(
        self, func: ast.expr, scope: Scope, call: ast.Call | None = None
    ) -> HelperReach | None:
        """What awaiting an installed package's coroutine runs on the loop (``await lib.call()``):
        the project's own coroutines are judged where their blocking calls are. With the
        ``call``, only the guarded steps its arguments can take."""
        if self._other is None or self._project_name is None:
            return None
        name = self._project_name(func, scope)
        if name is None:
            return None
        key = (AWAIT, name)
        reach, _complete = self._other.reach(key)
        if not reach:
            return None
        args = (
            describe_args(call, scope, None, self._lookup.resolver, passes_self(call, scope))
            if call is not None
            else None
        )
        bound = bind(self._other.signature(key), args)
        # A library coroutine's CPU work (``await request.json()`` parsing the body it read) is
        # the library's API doing what it is for: reported are the waits it makes on the loop
        # (a file read, an SSL context built from certificate files, a sync request).
        taken = {
            kind: chain for kind, chain in _taken(reach, bound).items() if kind not in CPU_KINDS
        }
        if not taken:
            return None
        found = HelperReach(taken)
        found.package = self.package_in(found.chain)
        return found if found.package is not None else None

    def _composer_and_key(self, func: ast.expr, scope: Scope) -> tuple[Composer, Any] | None:
        """Who summarises what calling ``func`` runs, and its key there."""
        callee = self._callee(func, scope, None)
        if callee is None:
            return None
        tag, key, _skip = callee
        return self._composer_of(tag), key

    def sized_reach_of(self, call: CallSite) -> HelperReach | None:
        """The helper's size-dependent CPU work on a parameter this call gives evidently large
        input (``compress(await request.body())``)."""
        node = call.node
        found = self._composer_and_key(node.func, call.scope)
        if found is None:
            return None
        composer, key = found

        def large(index: int, name: str) -> bool:
            given: ast.expr | None = None
            if index < len(node.args) and not any(
                isinstance(arg, ast.Starred) for arg in node.args[: index + 1]
            ):
                given = node.args[index]
            for keyword in node.keywords:
                if keyword.arg == name:
                    given = keyword.value
            return given is not None and evidently_large(given, call.scope, self._lookup)

        reach = composer.sized_reach(key, large)
        return HelperReach(reach) if reach else None

    def returns_body_of(self, func: ast.expr, scope: Scope) -> bool:
        """The helper that ``func`` names returns a whole body."""
        found = self._composer_and_key(func, scope)
        if found is None:
            return False
        composer, key = found
        if key in self._asking:
            return False  # a helper that returns its own call
        self._asking.add(key)
        try:
            return composer.returns_body(key)
        finally:
            self._asking.discard(key)

    def property_reach(self, node: ast.Attribute, scope: Scope) -> HelperReach | None:
        """What reading ``node`` runs when it is a property whose getter reaches a blocking call."""
        getter = property_getter(node, scope, self._lookup.resolver)
        if getter is None:
            return None
        composer: Composer = self
        key: Any = _Key(getter) if isinstance(getter, Binding) else getter
        if isinstance(getter, str):
            other = self._other
            if other is None or not other.is_property(getter):
                return None
            composer = other
        reach, _complete = composer.reach(key)
        taken = {kind: chain for kind, (chain, guard) in reach.items() if not guard}
        if not taken:
            return None
        found = HelperReach(taken, composer.loop_call(key))
        found.package = self.package_in(found.chain)
        return found

    def _callee(self, func: ast.expr, scope: Scope, call: ast.Call | None) -> Callee | None:
        resolver = self._lookup.resolver
        first = call.args[0] if call is not None and call.args else None
        found = callee_of(func, scope, resolver, first)
        if found is not None:
            target, skip = found
            if isinstance(target, Binding):
                return LOCAL, _Key(target), skip
            if self._other is not None:
                if call is not None and isinstance(target, str) and warmed_at_import(target, call):
                    return None
                return PROJECT, target, skip
            return None
        if self._other is None or self._project_name is None:
            return None
        name = self._project_name(func, scope)
        if name is None or (call is not None and warmed_at_import(name, call)):
            return None
        return PROJECT, name, passes_self(call, scope) if call is not None else 0

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
        bound = bind(composer.signature(key), None)
        taken = _taken(reach, bound)
        if not taken:
            return None
        found = HelperReach(taken)
        found.package = self.package_in(found.chain)
        return found

    def steps(self, key: Any) -> Sequence[Step] | None:
        node_id = id(key.binding.node)
        iterating = isinstance(key, _Iteration)
        memo = self._iteration_steps if iterating else self._steps
        found = memo.get(node_id)
        if found is None:
            calls = self._by_function.get(node_id, ())
            if self._is_generator(key.binding) and not iterating:
                found = []  # calling a generator function runs none of its body
            elif not iterating and self._is_abstract(key.binding):
                resolver = self._lookup.resolver
                found = [
                    (LOCAL, _Key(implementation), None, ())
                    for implementation in overrides(key.binding, resolver)
                ]
            else:
                found = function_steps(
                    calls, self._lookup, self._callee, self._project, self._iterate_local
                )
            memo[node_id] = found
        return found

    def _is_abstract(self, binding: Binding) -> bool:
        node = binding.node
        return isinstance(node, ast.FunctionDef) and is_abstract(
            node, lambda target: self._lookup.resolver.qualified_name(target, binding.scope)
        )

    def _is_generator(self, binding: Binding) -> bool:
        calls = self._by_function.get(id(binding.node), ())
        function = calls[0].site.function if calls else None
        return function is not None and function.is_generator

    def _iterate_local(self, func: ast.expr, scope: Scope) -> Step | None:
        binding = self.helper_of(func, scope)
        if binding is None or not self._is_generator(binding):
            return None
        return (LOCAL, _Iteration(binding))

    def signature(self, key: Any) -> Signature | None:
        if isinstance(key, _Key):
            node = key.binding.node
            assert isinstance(node, ast.FunctionDef)
            return signature_of_def(node, key.binding.scope, self._lookup.resolver)
        return None

    def _project(self, func: ast.expr, scope: Scope) -> str | None:
        return self._project_name(func, scope) if self._project_name is not None else None

    def display(self, key: Any) -> str:
        return display_name(key.binding)


def _taken(reach: Reach, bound: dict[str, ArgDesc] | None) -> dict[Kind, tuple[str, ...]]:
    """The chains of ``reach`` whose guard the call site's arguments (``bound``) can satisfy."""
    return {
        kind: chain
        for kind, (chain, guard) in reach.items()
        if translate(guard, bound, top=True) is not None
    }


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
