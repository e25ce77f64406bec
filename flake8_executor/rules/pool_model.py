"""What a pool is made with, for the fixes that change which pool runs a call.

AEX202's fix swaps a process pool for ``None`` (the default thread pool); AEX105's sends a call to the
configured process pool. Both change more than where the call runs when the pool was made with
something the other one lacks: ``max_workers=1`` serialises the calls, an ``initializer`` sets up
each worker, an ``mp_context`` picks how workers start (``spawn`` imports the main module again).
"""

from __future__ import annotations

import ast

from flake8_executor.analysis.resolve import Binding, Scope
from flake8_executor.analysis.state import FileState
from flake8_executor.fixes import NotFixed, Unsafe
from flake8_executor.rules.base import unparse

# ProcessPoolExecutor(max_workers=None, mp_context=None, initializer=None, initargs=(), ...)
_POSITIONS = {"max_workers": 0, "mp_context": 1, "initializer": 2}
_STARTS_BY_IMPORT = frozenset({"spawn", "forkserver"})


def constructor(node: ast.expr, scope: Scope) -> ast.Call | None:
    """The call a pool expression was made by: a name bound once to a call, ``self.pool``
    assigned once in the class, or the call itself."""
    if isinstance(node, ast.Call):
        return node
    bindings: list[Binding] | None = None
    if isinstance(node, ast.Name):
        bindings = scope.lookup(node.id)
    elif (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and scope.self_name is not None
        and node.value.id == scope.self_name
        and scope.enclosing_class is not None
    ):
        bindings = scope.enclosing_class.self_attributes.get(node.attr)
    if not bindings or len(bindings) != 1 or bindings[0].how != Binding.VALUE:
        return None
    value = bindings[0].value
    return value if isinstance(value, ast.Call) else None


def argument(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    position = _POSITIONS[name]
    if len(call.args) > position and not any(
        isinstance(arg, ast.Starred) for arg in call.args[: position + 1]
    ):
        return call.args[position]
    return None


def threads_lose(pool: ast.expr, scope: Scope) -> str | None:
    """Why running the pool's calls in the default thread pool instead changes them (unsafe)."""
    made = constructor(pool, scope)
    if made is None:
        return None
    workers = argument(made, "max_workers")
    if isinstance(workers, ast.Constant) and workers.value == 1:
        return Unsafe.POOL_SETUP.format(
            pool=unparse(pool), what="max_workers=1", lost="its calls no longer run one at a time"
        )
    if argument(made, "initializer") is not None:
        return Unsafe.POOL_SETUP.format(
            pool=unparse(pool), what="an initializer", lost="no worker is set up by it"
        )
    context = argument(made, "mp_context")
    if context is not None:
        method = _start_method(context)
        lost = "the calls no longer run in processes"
        if method is not None:
            # A worker started by spawn or forkserver is a fresh interpreter that imported the
            # main module: it lacks what the program set up after import, which threads share.
            lost = (
                f"the calls no longer run in workers started by {method} (a fresh interpreter):"
                " they now see the state the program set up after import (socket default"
                " timeout, logging, globals)"
            )
        return Unsafe.POOL_SETUP.format(pool=unparse(pool), what="an mp_context", lost=lost)
    return None


def _start_method(context: ast.expr) -> str | None:
    """``spawn`` or ``forkserver`` for ``multiprocessing.get_context("spawn")`` and the like."""
    if (
        isinstance(context, ast.Call)
        and isinstance(context.func, (ast.Attribute, ast.Name))
        and unparse(context.func).rpartition(".")[2] == "get_context"
        and context.args
        and isinstance(context.args[0], ast.Constant)
        and context.args[0].value in _STARTS_BY_IMPORT
    ):
        return str(context.args[0].value)
    return None


def spawn_without_guard(pool: str, scope: Scope, state: FileState) -> str | None:
    """The configured pool starts its workers by importing the main module again (``spawn``,
    ``forkserver``), and this module runs code at import with no ``__main__`` guard: each worker
    would run the program again (declined)."""
    try:
        expression = ast.parse(pool, mode="eval").body
    except SyntaxError:
        return None
    made = constructor(expression, scope)
    context = argument(made, "mp_context") if made is not None else None
    method = _start_method(context) if context is not None else None
    if method is None:
        return None
    tree = scope.module.node
    if not isinstance(tree, ast.Module) or _has_main_guard(tree):
        return None
    return NotFixed.SPAWN_WITHOUT_GUARD.format(pool=pool, method=method)


def _has_main_guard(tree: ast.Module) -> bool:
    for statement in tree.body:
        if isinstance(statement, ast.If) and isinstance(statement.test, ast.Compare):
            parts = [statement.test.left, *statement.test.comparators]
            names = {unparse(part) for part in parts}
            if "__name__" in names and any(
                isinstance(part, ast.Constant) and part.value == "__main__" for part in parts
            ):
                return True
    return False
