"""Conditional steps: a helper's call that runs only under a test of one of its parameters.

``discord.File(fp)`` opens ``fp`` only when it is not already a stream; ``resolve(host)`` looks the
host up only for ``"localhost"``. A step recorded under ``if isinstance(fp, ...)``, ``if path:``,
``if path is not None:``, ``if host == "localhost":`` (or after ``if not path: return``, or in a
branch of ``a if verify else b``) carries that test as a *guard* on the parameter. This is the one
rule for the project's functions and an installed package's, sync or ``async def`` (awaited: the
``await``'s arguments decide). Where the helper is called, each argument is described
as far as the call shows it (a literal, a known type, the caller's own parameter, or nothing
known), and a guarded step counts only where the argument can take its branch: ``File("a.png")``
opens, ``File(io.BytesIO(data))`` does not. A caller that passes its own parameter through keeps the
guard, on its parameter, for its own callers to decide.

What an argument the engine cannot describe does: a test for truth or against ``None`` takes the
branch a given value takes (``if path:`` runs, ``if path is None:`` does not: callers pass what
they mean to be used); a comparison with a literal takes either branch (as before guards were
read: ``if scheme == "https":`` may well be taken), and so does any other comparison of the
parameter itself (``if attempts > 0:``, ``if scheme == HTTPS:``); a type test (``isinstance``, ``hasattr``)
takes neither (a helper tests the type because it is given streams as well as paths: silent); so
does a test that reads a parameter in a way not read here (``len(paths) > 1``, ``url.scheme``):
an *opaque* guard, which no argument is known to take. An opaque test guards its own branches
only: after ``if len(paths) > LIMIT: raise``, the rest of the function is its ordinary path. A
parameter the function binds again (``if session is None: session = Session()``) is no parameter
to any test: what follows it runs whatever the argument.
Everything here is plain data (tuples of strings and literals), so it goes into the summaries'
JSON as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any, Optional

from flake8_executor.analysis.resolve import Binding, Resolver, Scope
from flake8_executor.profiles import LOADED_ZONES

# (parameter, test, operand, branch): ``("fp", "isinstance", ("io.IOBase",), False)`` is the
# ``else`` of ``isinstance(fp, io.IOBase)``. Tests: "truthy", "none" (``is None``), "isinstance"
# and "hasattr" (operand: the names), "eq" (operand: the literals it equals), "compare" (any
# other comparison of the parameter itself: ``attempts > 0``; no operand), "opaque" (a test that
# reads the parameter in any other way: ``len(hosts) > 1``; no operand).
Condition = tuple[str, str, tuple[Any, ...], bool]
Guard = tuple[Condition, ...]
# What a call shows of one argument: ("param", name) the caller's own parameter passed on,
# ("lit", value) a literal, ("type", name) a value of a known type, ``LOADED_ZONE`` a time zone
# key the framework has loaded (``profiles.LOADED_ZONES``); None: nothing known.
ArgDesc = Optional[tuple[str, Any]]
# The arguments of a call: positional, then (keyword, value); None when a ``*``/``**`` hides them.
Args = Optional[tuple[tuple[ArgDesc, ...], tuple[tuple[str, ArgDesc], ...]]]
# A callee's parameter: (name, kind, default): kind "pos", "kw" (keyword-only), "star", "dstar";
# default: ("none",) when it has none, else ("default", ArgDesc).
Param = tuple[str, str, tuple[Any, ...]]
Signature = tuple[Param, ...]
# An argument a call hides (``**options``) for a parameter that defaults to ``None``: given or
# left out, it may be ``None`` or not.
HIDDEN: ArgDesc = ("hidden", None)
LOADED_ZONE: ArgDesc = ("loaded", "zone")
# The test a ``ZoneInfo(key)`` step of a helper carries on its ``key`` parameter: the step runs on
# the branch where the key is not one already loaded (``catalog.KEYED_CACHES``).
ZONE_LOADED = "zone-loaded"
# The test an ``httpx.AsyncClient(verify=verify)`` step of a helper carries on its parameter: the
# client loads the CA bundle for ``True`` (or a bundle's path), not for ``False`` or a context.
CA_BUNDLE = "ca-bundle"
_NONE_DEFAULT = ("default", ("lit", None))

# The known types' names as ``isinstance`` sees them (their bases and the protocols they meet).
_ANCESTORS: dict[str, frozenset[str]] = {
    "str": frozenset({"str", "typing.Text", "collections.abc.Sequence", "typing.Sequence"}),
    "bytes": frozenset({"bytes", "collections.abc.Sequence", "typing.Sequence"}),
    "int": frozenset({"int", "numbers.Number"}),
    "float": frozenset({"float", "numbers.Number"}),
    "bool": frozenset({"bool", "int", "numbers.Number"}),
    "NoneType": frozenset({"NoneType", "types.NoneType"}),
    "list": frozenset({"list", "collections.abc.Sequence", "typing.Sequence", "typing.List"}),
    "tuple": frozenset({"tuple", "collections.abc.Sequence", "typing.Sequence", "typing.Tuple"}),
    "dict": frozenset({"dict", "collections.abc.Mapping", "typing.Mapping", "typing.Dict"}),
    "set": frozenset({"set", "typing.Set"}),
    "io.BytesIO": frozenset(
        {"io.BytesIO", "io.BufferedIOBase", "io.IOBase", "typing.BinaryIO", "typing.IO"}
    ),
    "io.StringIO": frozenset(
        {"io.StringIO", "io.TextIOBase", "io.IOBase", "typing.TextIO", "typing.IO"}
    ),
    "pathlib.Path": frozenset(
        {"pathlib.Path", "pathlib.PurePath", "os.PathLike", "pathlib.PosixPath"}
    ),
}
# Every name above: a type test against names all known here is decided; any other name (a
# project's class, an ABC not listed) may match anything, so it is not.
_KNOWN = frozenset().union(*_ANCESTORS.values()) | {"object"}
# Attributes that mark a stream: ``hasattr(fp, "read")``.
_STREAM_ATTRIBUTES = frozenset({"read", "write", "seek", "tell", "readline", "close", "fileno"})
_STREAMS = frozenset({"io.BytesIO", "io.StringIO"})
# Calls whose value has a known type here (beyond the catalog's constructors).
_CALL_TYPES = {
    "io.BytesIO": "io.BytesIO",
    "io.StringIO": "io.StringIO",
    "str": "str",
    "bytes": "bytes",
    "os.fspath": "str",
    "os.path.join": "str",
    "pathlib.Path": "pathlib.Path",
    "pathlib.PurePath": "pathlib.Path",
}
_LITERALS = (str, int, float, bool, type(None))


def parameter(node: ast.expr, function: Scope | None) -> str | None:
    """The name of ``function``'s parameter that ``node`` is, not yet rebound where it is read.

    A parameter given its default in the body (``if tz is None: tz = get_default()``) is still
    the caller's value in the test: assignments after the read, outside a loop, do not count.
    """
    if function is None or not isinstance(node, ast.Name):
        return None
    bindings = function.bindings.get(node.id)
    if not bindings or bindings[0].how != Binding.PARAM:
        return None
    if bindings[0].owner_class is not None:
        return None  # ``self``
    if len(bindings) > 1 and not _rebound_after(node, bindings[1:], function):
        return None
    return node.id


def _rebound_after(node: ast.expr, later: Sequence[Binding], function: Scope) -> bool:
    """Whether every other binding of ``node``'s name is an assignment after it, and no loop
    around ``node`` could bring one of them back to it."""
    where = (node.lineno, node.col_offset)
    for binding in later:
        value = binding.value
        if binding.how != Binding.VALUE or value is None:
            return False
        if (value.lineno, value.col_offset) <= where:
            return False
    body = function.node
    if body is None:
        return False
    for inner in ast.walk(body):
        if isinstance(inner, (ast.For, ast.AsyncFor, ast.While)) and (
            inner.lineno <= node.lineno <= (inner.end_lineno or inner.lineno)
        ):
            return False
    return True


def guard_of(
    conditions: Sequence[tuple[ast.expr, bool, bool]], function: Scope | None, resolver: Resolver
) -> Guard:
    """The tests on ``function``'s parameters among the ``if`` tests around a call.

    An opaque test makes the steps of its branches conditional, not the rest of the function
    after ``if len(items) > LIMIT: raise ...``: that is argument checking, and what follows is
    the function's ordinary path."""
    found: list[Condition] = []
    for test, branch, after_exit in conditions:
        found.extend(_parse(test, branch, function, resolver, opaque=not after_exit))
    return tuple(found)


def _parse(
    test: ast.expr, branch: bool, function: Scope | None, resolver: Resolver, opaque: bool = True
) -> list[Condition]:
    """The conditions ``test`` puts on the parameters; with ``opaque``, a test that reads
    parameters in a way not read here (``len(hosts) > 1``, ``url.startswith("https")``) is an
    opaque condition on each of them."""
    found = _read(test, branch, function, resolver, opaque)
    if found or function is None or not opaque:
        return found
    return [(name, "opaque", (), branch) for name in _parameters_read(test, function)]


def _parameters_read(test: ast.expr, function: Scope) -> list[str]:
    """The parameters of ``function`` that ``test`` reads (not the bound ``self``/``cls``), in
    order, each once. A parameter the body binds again (``if session is None: session =
    Session()``) is not: its value is no longer known to be the argument's, as for every test."""
    node = function.node
    bound_first: str | None = None
    if (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and function.parent is not None
        and function.parent.opened_by == Scope.CLASS
        and (node.args.posonlyargs or node.args.args)
        and not any(
            isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
            for decorator in node.decorator_list
        )
    ):
        bound_first = (node.args.posonlyargs or node.args.args)[0].arg
    names: list[str] = []
    for sub in ast.walk(test):
        if not isinstance(sub, ast.Name) or sub.id == bound_first or sub.id in names:
            continue
        if parameter(sub, function) is not None:
            names.append(sub.id)
    return names


def _read(
    test: ast.expr, branch: bool, function: Scope | None, resolver: Resolver, opaque: bool
) -> list[Condition]:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _parse(test.operand, not branch, function, resolver, opaque)
    if isinstance(test, ast.BoolOp):
        # ``a and b`` true: both are; ``a or b`` false: neither is. Otherwise nothing is known.
        if isinstance(test.op, ast.And) == branch:
            return [
                condition
                for value in test.values
                for condition in _parse(value, branch, function, resolver, opaque)
            ]
        return []  # opaque, if it reads parameters
    name = parameter(test, function)
    if name is not None:
        return [(name, "truthy", (), branch)]
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        name = parameter(test.left, function)
        op, right = test.ops[0], test.comparators[0]
        if name is None:
            return []
        if isinstance(op, (ast.Is, ast.IsNot)) and _is_none(right):
            return [(name, "none", (), branch == isinstance(op, ast.Is))]
        if isinstance(op, (ast.Eq, ast.NotEq)) and _literal(right):
            assert isinstance(right, ast.Constant)
            return [(name, "eq", (right.value,), branch == isinstance(op, ast.Eq))]
        if (
            isinstance(op, (ast.In, ast.NotIn))
            and isinstance(right, (ast.Tuple, ast.List, ast.Set))
            and right.elts
            and all(_literal(element) for element in right.elts)
        ):
            values = tuple(element.value for element in right.elts)  # type: ignore[attr-defined]
            return [(name, "eq", values, branch == isinstance(op, ast.In))]
        if parameter(right, function) is None:
            # ``attempts > 0``, ``scheme == HTTPS``: a comparison of the value, not read here.
            return [(name, "compare", (), branch)]
        return []
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and len(test.args) == 2:
        name = parameter(test.args[0], function)
        what = test.args[1]
        if name is None or test.keywords or function is None:
            return []
        if test.func.id == "isinstance" and test.func.id not in function.module.bindings:
            types = what.elts if isinstance(what, ast.Tuple) else [what]
            names = [resolver.qualified_name(node, function) for node in types]
            if all(names):
                return [(name, "isinstance", tuple(sorted(set(names))), branch)]  # type: ignore
        if (
            test.func.id == "hasattr"
            and isinstance(what, ast.Constant)
            and isinstance(what.value, str)
        ):
            return [(name, "hasattr", (what.value,), branch)]
    return []


def loaded_zone(node: ast.expr | None) -> bool:
    """``hass.config.time_zone`` (or ``self.hass.config.time_zone``): a key already loaded."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return False
    dotted = ".".join([node.id, *reversed(parts)])
    return any(dotted == key or dotted.endswith("." + key) for key in LOADED_ZONES)


def describe(node: ast.expr, scope: Scope, function: Scope | None, resolver: Resolver) -> ArgDesc:
    """What a call shows of one argument (``ArgDesc``)."""
    if isinstance(node, ast.Attribute) and loaded_zone(node):
        return LOADED_ZONE
    if isinstance(node, ast.Constant):
        if isinstance(node.value, _LITERALS):
            return ("lit", node.value)
        return ("type", "bytes") if isinstance(node.value, bytes) else None
    if isinstance(node, ast.JoinedStr):
        return ("type", "str")
    if isinstance(node, (ast.List, ast.ListComp)):
        return ("type", "list")
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return ("type", "dict")
    if isinstance(node, ast.Tuple):
        return ("type", "tuple")
    if isinstance(node, ast.Name):
        name = parameter(node, function)
        if name is not None:
            return ("param", name)
        bindings = scope.lookup(node.id)
        if bindings is not None and len(bindings) == 1:
            value = bindings[0].value
            if bindings[0].how == Binding.VALUE and isinstance(value, ast.Constant):
                return describe(value, scope, None, resolver)
    if isinstance(node, ast.Call):
        name = resolver.qualified_name(node.func, scope)
        if name in _CALL_TYPES:
            return ("type", _CALL_TYPES[name])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = describe(node.left, scope, None, resolver)
        if left is not None and (left == ("type", "str") or _is_str_literal(left)):
            return ("type", "str")
    found = resolver.type_of(node, scope)
    if isinstance(found, str):
        return ("type", found)
    if found is not None:
        return ("type", "object")  # an instance of a class of the project: its bases unread
    return None


def describe_args(
    call: ast.Call, scope: Scope, function: Scope | None, resolver: Resolver, skip: int = 0
) -> Args:
    """The arguments of ``call`` (``skip``: leading ones that are not the callee's parameters)."""
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(
        keyword.arg is None for keyword in call.keywords
    ):
        return None
    positional = tuple(describe(arg, scope, function, resolver) for arg in call.args[skip:])
    keywords = tuple(
        (str(keyword.arg), describe(keyword.value, scope, function, resolver))
        for keyword in call.keywords
    )
    return positional, keywords


def signature_of(
    node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, bound: bool, resolver: Resolver
) -> Signature:
    """A ``def``'s parameters as a call binds them (without ``self`` when ``bound``)."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    params: list[Param] = []
    for arg, default in zip(positional, defaults):
        params.append((arg.arg, "pos", _default(default, scope, resolver)))
    if args.vararg is not None:
        params.append((args.vararg.arg, "star", ("none",)))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append((arg.arg, "kw", _default(default, scope, resolver)))
    if args.kwarg is not None:
        params.append((args.kwarg.arg, "dstar", ("none",)))
    return tuple(params[1:] if bound and positional else params)


def _default(node: ast.expr | None, scope: Scope, resolver: Resolver) -> tuple[Any, ...]:
    if node is None:
        return ("none",)
    return ("default", describe(node, scope, None, resolver))


def bind(signature: Signature | None, args: Args) -> dict[str, ArgDesc] | None:
    """What each parameter of the callee receives; ``None`` when every one is unknown.

    A call whose arguments are not seen (``Bot(token, **settings)``) may leave any parameter to
    its default: one that defaults to ``None`` is described as ``HIDDEN``, which takes either
    branch of an ``is None`` test (``if session is None: session = Session()`` may run).
    """
    if signature is None:
        return None
    if args is None:
        hidden = {name: HIDDEN for name, _kind, default in signature if default == _NONE_DEFAULT}
        return hidden or None
    positional, keywords = args
    bound: dict[str, ArgDesc] = {}
    index = 0
    for name, kind, default in signature:
        if kind == "pos" and index < len(positional):
            bound[name] = positional[index]
            index += 1
        elif kind in ("pos", "kw") and default[0] == "default":
            bound[name] = default[1]
    for name, value in keywords:
        bound[name] = value
    return bound


def translate(guard: Guard, bound: dict[str, ArgDesc] | None, top: bool) -> Guard | None:
    """The callee's guard as the caller sees it: the tests its arguments decide are dropped (or
    the whole step is, ``None``, where an argument cannot take the branch); a test on a parameter
    the caller passes on stays, on the caller's parameter (``top``: the caller is where the
    finding is: its parameters are unknown values)."""
    kept: list[Condition] = []
    for name, test, operand, branch in guard:
        desc = bound.get(name) if bound is not None else None
        if desc is not None and desc[0] == "param":
            if not top:
                kept.append((desc[1], test, operand, branch))
                continue
            desc = None
        if not takes(test, operand, branch, desc):
            return None
    return tuple(kept)


def takes(test: str, operand: tuple[Any, ...], branch: bool, desc: ArgDesc) -> bool:
    """Whether an argument so described can take the ``branch`` of the test."""
    result = _evaluate(test, operand, desc)
    if result is None:
        if desc == HIDDEN and test == "none":
            return True
        if test == "opaque":
            return False
        if test == "truthy":
            result = True
        elif test == "none":
            result = False
        else:
            return test in ("eq", "compare")
    return result == branch


def _evaluate(test: str, operand: tuple[Any, ...], desc: ArgDesc) -> bool | None:
    if test == ZONE_LOADED:
        return desc == LOADED_ZONE  # any other key may be a first one
    if test == CA_BUNDLE:
        if desc is None:
            return True  # a value of no known type: most often a flag from the settings
        if desc == HIDDEN:
            return False  # ``**options`` may say either, as at a direct call
        how, value = desc
        return value is True or isinstance(value, str) if how == "lit" else value == "str"
    if desc is None or desc == HIDDEN:
        return None
    how, value = desc
    if how == "lit":
        kind = "NoneType" if value is None else type(value).__name__
        if test == "truthy":
            return bool(value)
        if test == "none":
            return value is None
        if test == "eq":
            return value in operand
    else:
        kind = value
        if test == "none":
            return False
        if test == "truthy":
            return True if kind not in ("str", "bytes", "list", "dict", "tuple", "set") else None
        if test == "eq":
            literal_types = {type(item).__name__ for item in operand}
            return False if kind in _ANCESTORS and kind not in literal_types else None
    if test == "isinstance":
        ancestors = _ANCESTORS.get(kind)
        if ancestors is None:
            return None
        if not ancestors.isdisjoint(operand):
            return True
        return False if _KNOWN.issuperset(operand) else None
    if test == "hasattr" and operand[0] in _STREAM_ATTRIBUTES:
        if kind in _STREAMS:
            return True
        if kind in _ANCESTORS:
            return False
    return None


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, _LITERALS)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_str_literal(desc: tuple[str, Any]) -> bool:
    return desc[0] == "lit" and isinstance(desc[1], str)


def as_tuples(value: Any) -> Any:
    """JSON's lists back into the tuples guards and arguments are made of."""
    if isinstance(value, list):
        return tuple(as_tuples(item) for item in value)
    return value
