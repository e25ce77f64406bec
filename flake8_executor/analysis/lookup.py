""" "Does this callable block, and how?": the one catalog lookup behind every rule that asks it.

The catalog in force is the built-in one plus ``--executor-extra-calls``. A callable is found by its
qualified name (``requests.get``, through any import alias) or, for a method of a tracked object, by
the object's type and the method's name (``requests.Session`` + ``get``), or by the type alone for a
client whose every method is a request (a boto3 client). ``blocking_call`` adds what only a call
shows: its arguments (no data, ``block=False``, ``os.devnull``, a small input to CPU work).
"""

from __future__ import annotations

import ast
import ipaddress
from typing import Callable

from flake8_executor import catalog
from flake8_executor.analysis.conditions import loaded_zone
from flake8_executor.analysis.resolve import Binding, Resolver, Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.size import data_argument, evidently_large
from flake8_executor.analysis.usage import used_async


class CatalogLookup:
    """The catalog in force for one file, looked up through that file's resolver."""

    __slots__ = ("any_method", "attribute_names", "calls", "resolver", "returns_body")

    def __init__(
        self,
        resolver: Resolver,
        extra_calls: dict[str, catalog.Entry],
        import_roots: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        self.resolver = resolver
        self.calls = {**catalog.CALLS, **extra_calls} if extra_calls else catalog.CALLS
        self.attribute_names = (
            catalog.attribute_names(extra_calls) if extra_calls else catalog.ATTRIBUTE_NAMES
        )
        # Only a file that imports boto3, redis, ... can call a client's any-named method: every
        # other attribute call is looked up only when its name is one the catalog has.
        self.any_method = not catalog.ANY_METHOD_ROOTS.isdisjoint(import_roots)
        # Whether a called helper returns a whole body (``FileState``: the call graph answers).
        self.returns_body: Callable[[ast.expr, Scope], bool] | None = None

    def blocking_entry(self, func: ast.expr, scope: Scope) -> tuple[str, catalog.Entry] | None:
        """The catalog entry a callable expression refers to, with its qualified name.

        ``func`` is what is called or passed (``requests.get``, ``session.get``, ``path.read_text``).
        """
        if (
            isinstance(func, ast.Attribute)
            and not self.any_method
            and func.attr not in self.attribute_names
        ):
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
                return method_entry(owner, func.attr)
        return None

    def blocking_call(self, call: CallSite) -> tuple[str, catalog.Entry] | None:
        """The entry of a call that blocks as written, or ``None`` when its arguments say it won't.

        Beyond ``blocking_entry``: a call awaited is not the sync callable (``await open(p)`` is
        some async ``open``); ``trio``/``anyio.wrap_file(open(p))`` is the documented idiom;
        a hash given no data, a wait given ``block=False`` or a zero timeout, a file on
        ``os.devnull``, ``/proc`` or ``/sys``, a ``time.sleep(0)`` (it only lets other threads
        run: an await there would change what runs in between for nothing) cost nothing;
        ``pytz.timezone("UTC")`` reads no file, nor ``ZoneInfo(hass.config.time_zone)`` (a key the
        framework loaded at start-up); a method of a receiver the function awaits
        elsewhere is not the sync type's; a name lookup of ``localhost`` or of a numeric address
        asks no resolver;
        CPU work on input that is not evidently large is left alone (docs/precision.md).
        """
        if call.awaited or call.in_wrap_file:
            return None
        node = call.node
        found = self.blocking_entry(node.func, call.scope)
        if found is None:
            return None
        qualified, entry = found
        if (
            qualified not in self.calls
            and qualified.rpartition(".")[0] not in catalog.DUAL_TYPES
            and used_async(node.func, call.scope)
        ):
            return None  # a method of a receiver this function awaits: not the sync type's
        args = node.args
        if entry.needs_args and not (args or node.keywords):
            return None
        if entry.blocking_flag is not None and _nonblocking(node, entry.blocking_flag):
            return None
        if entry.timeout_arg >= 0 and _zero_timeout(node, entry.timeout_arg):
            return None
        if call.guarded and qualified in catalog.GUARDED_BY_NOT_EMPTY:
            return None
        if entry.kind is catalog.Kind.SLEEP and _zero_sleep(node):
            return None
        if entry.kind is catalog.Kind.FILE and (
            self._on_devnull(node, call.scope)
            or (qualified not in catalog.TWO_PATH_CALLS and _on_pseudo_files(node, call.scope))
        ):
            return None
        exempt = catalog.NO_FILE_ARGUMENTS.get(qualified)
        if exempt is not None and args:
            first = args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.upper() in exempt
            ):
                return None
        flags = catalog.NUMERIC_HOST_FLAGS.get(qualified)
        if flags is not None and _numeric_host(node, *flags):
            return None
        host = catalog.FIXED_HOST_LOOKUPS.get(qualified)
        if host is not None and _fixed_host(argument(node, *host), call.scope, call.narrowed):
            return None
        keyed = catalog.KEYED_CACHES.get(qualified)
        if keyed is not None and loaded_zone(argument(node, *keyed)):
            return None
        bundle = catalog.CA_BUNDLE_ARGUMENTS.get(qualified)
        if bundle is not None and not self._may_load_ca_bundle(node, bundle[1], call):
            return None
        if entry.data_arg >= 0:
            data = data_argument(node, entry.data_arg)
            if data is None or not evidently_large(data, call.scope, self):
                return None
        return found

    def _may_load_ca_bundle(self, node: ast.Call, keyword: str, call: CallSite) -> bool:
        """``httpx.AsyncClient()``, ``verify=True``, a bundle's path, or a value of no known type
        (most often a flag from the settings): the constructor loads the CA bundle. ``False``, a
        context (``ssl.SSLContext``), a call whose ``**options`` may say either: it does not. A
        parameter's callers decide (``conditions.CA_BUNDLE``)."""
        if any(given.arg is None for given in node.keywords):
            return False
        value = next((given.value for given in node.keywords if given.arg == keyword), None)
        if value is None or isinstance(value, ast.JoinedStr):
            return True
        if isinstance(value, ast.Constant):
            return value.value is True or isinstance(value.value, str)
        found = self.resolver.type_of(value, call.scope)
        return found == "str" if found is not None else True

    def _on_devnull(self, node: ast.Call, scope: Scope) -> bool:
        """``open(os.devnull)``, ``Path(os.devnull).open()``: the null device never blocks."""
        if node.args and self._is_devnull(node.args[0], scope):
            return True
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        return (
            isinstance(receiver, ast.Call)
            and bool(receiver.args)
            and self._is_devnull(receiver.args[0], scope)
        )

    def _is_devnull(self, node: ast.expr, scope: Scope) -> bool:
        return isinstance(node, ast.Attribute) and (
            node.attr == "devnull" and self.resolver.qualified_name(node, scope) == "os.devnull"
        )


def method_entry(owner: str, attr: str) -> tuple[str, catalog.Entry] | None:
    """The entry of method ``attr`` of an object of catalog type ``owner`` (``requests.Session``)."""
    entry = catalog.METHODS.get((owner, attr))
    if entry is not None:
        return f"{owner}.{attr}", entry
    any_method = catalog.ANY_METHOD.get(owner)
    if (
        any_method is not None
        and attr not in any_method[1]
        and (not attr[:1].isupper() or owner in catalog.CAPITALS_ARE_REQUESTS)
        and not attr.startswith("_")
    ):
        return f"{owner}.{attr}", any_method[0]
    return None


def _numeric_host(node: ast.Call, index: int, keyword: str) -> bool:
    """``getaddrinfo(host, port, ..., socket.AI_NUMERICHOST)``: a numeric address, no lookup."""
    flags = node.args[index] if len(node.args) > index else None
    for given in node.keywords:
        if given.arg == keyword:
            flags = given.value
    return flags is not None and any(
        (isinstance(part, ast.Attribute) and part.attr == catalog.NUMERIC_HOST)
        or (isinstance(part, ast.Name) and part.id == catalog.NUMERIC_HOST)
        for part in ast.walk(flags)
    )


def _on_pseudo_files(node: ast.Call, scope: Scope) -> bool:
    """``open("/proc/self/status")``, ``os.listdir(f"/proc/{pid}/fd")``,
    ``Path("/sys/class/net").iterdir()``: the kernel answers from memory."""
    if node.args and _pseudo_path(node.args[0], scope):
        return True
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    return receiver is not None and _pseudo_path(receiver, scope)


def _pseudo_path(node: ast.expr, scope: Scope, depth: int = 0) -> bool:
    """A path spelled from a leading literal under ``/proc`` or ``/sys``: a string, an f-string,
    ``"..." % x``, ``"...".format(x)``, ``os.path.join("/proc", ...)``, ``Path("/proc/...")``,
    ``path / "x"`` of one, or a name bound only to such paths."""
    if depth > 4:
        return False
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str):
            return False
        value = node.value
        return any(
            value == root or value.startswith(root + "/") for root in catalog.PSEUDO_FILE_SYSTEMS
        )
    if isinstance(node, ast.JoinedStr):
        return bool(node.values) and _pseudo_path(node.values[0], scope, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Div, ast.Add)):
        return _pseudo_path(node.left, scope, depth + 1)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _pseudo_path(func.value, scope, depth + 1)
        return bool(node.args) and _pseudo_path(node.args[0], scope, depth + 1)
    if isinstance(node, ast.Name):
        bindings = scope.lookup(node.id)
        return bool(bindings) and all(
            binding.how == Binding.VALUE
            and binding.value is not None
            and _pseudo_path(binding.value, binding.scope, depth + 1)
            for binding in bindings or ()
        )
    return False


def _zero_sleep(node: ast.Call) -> bool:
    """``time.sleep(0)``: one literal zero, and nothing else."""
    if len(node.args) == 1 and not node.keywords:
        value = node.args[0]
        return (
            isinstance(value, ast.Constant)
            and type(value.value) in (int, float)
            and value.value == 0
        )
    return False


def argument(node: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument given at ``index`` (-1: keyword only) or as ``keyword`` (``None``: not given,
    or hidden)."""
    if 0 <= index < len(node.args) and not isinstance(node.args[index], ast.Starred):
        return node.args[index]
    for given in node.keywords:
        if given.arg == keyword:
            return given.value
    return None


def _fixed_host(
    node: ast.expr | None,
    scope: Scope,
    narrowed: dict[str, ast.Constant] | None = None,
    depth: int = 0,
) -> bool:
    """``"localhost"``, ``"127.0.0.1"``, ``"::1"``, any numeric address, a name bound only to such
    literals, or pinned to one by the enclosing ``if host == "localhost":``: nothing to ask a
    resolver."""
    if isinstance(node, ast.Name) and depth < 4:
        if narrowed is not None and node.id in narrowed:
            return _fixed_host(narrowed[node.id], scope)
        bindings = scope.lookup(node.id)
        return bool(bindings) and all(
            binding.how == Binding.VALUE
            and _fixed_host(binding.value, binding.scope, None, depth + 1)
            for binding in bindings or ()
        )
    return isinstance(node, ast.Constant) and fixed_host_literal(node.value)


def fixed_host_literal(value: object) -> bool:
    """``"localhost"`` or a numeric address (``"127.0.0.1"``, ``"::1"``, ``"[::1]"``)."""
    if not isinstance(value, str):
        return False
    host = value.strip("[]")
    if host.lower() in catalog.LOCAL_HOST_NAMES:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _nonblocking(node: ast.Call, flag: str) -> bool:
    """``q.get(block=False)``, ``q.get(False)``, ``lock.acquire(blocking=False)``, and a zero
    timeout (``q.get(timeout=0)``, ``q.get(True, 0)``): each returns at once."""
    for keyword in node.keywords:
        if keyword.arg == "timeout" and _is_false(keyword.value):
            return True
    if len(node.args) >= 2 and _is_false(node.args[1]):
        return True
    for keyword in node.keywords:
        if keyword.arg == flag:
            return _is_false(keyword.value)
    return bool(node.args) and _is_false(node.args[0])


def _zero_timeout(node: ast.Call, index: int) -> bool:
    """``thread.join(timeout=0)``, ``event.wait(0)``: a wait given no time returns at once."""
    for keyword in node.keywords:
        if keyword.arg == "timeout":
            return _is_false(keyword.value)
    return len(node.args) > index and _is_false(node.args[index])


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, 0) and node.value is not None
