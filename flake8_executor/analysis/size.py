"""Is the input of a CPU call evidently large? The precision rule of AEX104/AEX105's sized entries.

Hashing, compressing or parsing a value costs in proportion to its size. Read by eye on real
asyncio code (docs/precision.md), these calls were almost always given something small: a
websocket key, a nonce, a cookie, an etag, a database value. So a sized entry fires only when its
input is *evidently* large or unbounded: the result of a ``read()`` (a file, a stream, a network
body: ``await request.read()``, ``await request.body()``, ``f.read()``), the ``text``/``content``
of an HTTP response (``requests.get(url).text``), a file object itself, or
a name bound only to such values; ``.decode()``/``.encode()`` of one is one too, and so is the
result of a helper that returns one (``def fetch(u): return requests.get(u).content``). Anything else,
literals, ``os.urandom(16)``, a ``uuid``, a parameter of unknown size, stays silent.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_executor.analysis.resolve import HANDOFF_ARGUMENT, Binding, Scope
from flake8_executor.catalog import BODY_ATTRIBUTES, Kind

if TYPE_CHECKING:
    from flake8_executor.analysis.lookup import CatalogLookup

# Methods whose result is a whole file, stream or message body, awaited or not.
WHOLE_BODY_METHODS = frozenset(
    {"read", "readall", "read_bytes", "read_text", "getvalue", "body", "get_data"}
)
# Methods that are a whole body only awaited (aiohttp's ``await response.text()``).
AWAITED_BODY_METHODS = frozenset({"text"})
# Methods that keep their receiver's size.
SAME_SIZE_METHODS = frozenset({"decode", "encode", "strip", "rstrip", "lstrip"})
# Keywords that name the data of a hash, a compressor or a parser.
DATA_KEYWORDS = frozenset({"data", "string", "s", "stream", "text", "source"})

_MAX_DEPTH = 8


def data_argument(node: ast.Call, index: int) -> ast.expr | None:
    """The argument that holds the data: positional ``index``, or a keyword that names data."""
    if len(node.args) > index and not isinstance(node.args[index], ast.Starred):
        return node.args[index]
    for keyword in node.keywords:
        if keyword.arg in DATA_KEYWORDS:
            return keyword.value
    return None


def evidently_large(node: ast.expr, scope: Scope, lookup: CatalogLookup, depth: int = 0) -> bool:
    """Whether ``node``'s value is a whole file, stream or body (see the module's docstring)."""
    if depth > _MAX_DEPTH:
        return False
    awaited = isinstance(node, ast.Await)
    if awaited:
        node = node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in WHOLE_BODY_METHODS or (awaited and func.attr in AWAITED_BODY_METHODS):
                return True
            if func.attr in SAME_SIZE_METHODS:
                return evidently_large(func.value, scope, lookup, depth + 1)
        found = lookup.blocking_entry(func, scope)
        if found is not None:
            return found[1].kind is Kind.FILE  # a file object: open(p)
        returns_body = lookup.returns_body
        if returns_body is None:
            return False
        if awaited and isinstance(func, ast.Attribute) and func.attr in HANDOFF_ARGUMENT:
            # ``await asyncio.to_thread(fetch_body, u)``: the helper's result, from a thread.
            index = HANDOFF_ARGUMENT[func.attr]
            if len(node.args) <= index or isinstance(node.args[index], ast.Starred):
                return False
            func = node.args[index]
        return returns_body(func, scope)  # a helper's return
    if isinstance(node, ast.Attribute):
        owner = lookup.resolver.type_of(node.value, scope)
        return isinstance(owner, str) and node.attr in BODY_ATTRIBUTES.get(owner, ())
    if isinstance(node, ast.Name):
        bindings = scope.lookup(node.id)
        if not bindings:
            return False
        return all(
            binding.how == Binding.VALUE
            and binding.value is not None
            and evidently_large(binding.value, binding.scope, lookup, depth + 1)
            for binding in bindings
        )
    return False
