"""Use beats an annotation: a receiver whose calls are awaited is not the sync client it is typed as.

A test fixture annotated ``redis.Redis`` may well be a ``redis.asyncio.Redis``; an application may
keep an async client in an attribute whose type the engine guessed from a sync constructor elsewhere.
The code's own use settles it: ``await r.get(k)``, ``async for k in r.scan_iter()`` and
``async with r.pipeline()`` only work on an async object. So does a socket switched to
non-blocking mode (``sock.setblocking(False)``): its calls return at once. The walk records, per
function, the receivers so used (by their dotted text: ``r``, ``self.redis``); a method call on one
of them is then not looked up as the sync type's, anywhere in that function.
"""

from __future__ import annotations

import ast

from flake8_executor.analysis.resolve import Scope, dotted_parts


def receiver_key(func: ast.expr) -> str | None:
    """The dotted name a method call is made on: ``r`` for ``r.get``, and for a chain of calls its
    root (``r`` for ``r.pipeline().execute``, ``self.db`` for ``self.db.table("t").select``)."""
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        receiver = receiver.func.value
    parts = dotted_parts(receiver)
    return ".".join(parts) if parts is not None else None


def owning_scope(scope: Scope) -> Scope:
    """The function (or module) a comprehension belongs to: where the evidence is kept."""
    while scope.opened_by == Scope.COMPREHENSION and scope.parent is not None:
        scope = scope.parent
    return scope


# ``sock.setblocking(False)``, ``sock.settimeout(0)``: the socket's calls return at once (raising
# ``BlockingIOError`` when they would wait), as asyncio's own socket code uses them.
NONBLOCKING_SWITCHES = frozenset({"setblocking", "settimeout"})


def record_async_use(expr: ast.expr, scope: Scope) -> None:
    """``expr`` is awaited, iterated with ``async for`` or entered with ``async with``."""
    if type(expr) is not ast.Call:
        return
    key = receiver_key(expr.func)
    if key is not None:
        _record(key, scope)


def record_nonblocking(call: ast.Call, scope: Scope) -> None:
    """``sock.setblocking(False)`` / ``sock.settimeout(0)``: the receiver does not wait here."""
    if len(call.args) != 1 or call.keywords:
        return
    value = call.args[0]
    if isinstance(value, ast.Constant) and value.value in (False, 0) and value.value is not None:
        key = receiver_key(call.func)
        if key is not None:
            _record(key, scope)


def _record(key: str, scope: Scope) -> None:
    owner = owning_scope(scope)
    if owner.async_receivers is None:
        owner.async_receivers = set()
    owner.async_receivers.add(key)


def used_async(func: ast.expr, scope: Scope) -> bool:
    """Whether the receiver of the method ``func`` is used as an async object in this function."""
    receivers = owning_scope(scope).async_receivers
    if not receivers:
        return False
    key = receiver_key(func)
    return key is not None and key in receivers
