"""Whether a fix may run where the call stands: the checks every rule with a fix shares.

The rules know the place of a call from the walk (its frame, the ``with`` and ``try`` around it, the
names bound in its scope), which the libcst rewrite cannot see; so they decide here, once, whether
the rewrite would be wrong (a reason from ``fixes.NotFixed``), and the fixer only applies what they
allowed. Whether a fix that may run is *safe* is each rule's own business (``fixes.Unsafe``).
"""

from __future__ import annotations

import ast

from flake8_executor.analysis.resolve import Binding, Scope, module_alias
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.fixes import NotFixed
from flake8_executor.rules.base import unparse

# ``await`` in a comprehension nested in another comprehension: allowed from Python 3.11.
_NESTED_AWAIT_SINCE = (3, 11)


def await_blocked(call: CallSite, state: FileState) -> str | None:
    """Why ``await`` must not be put in front of ``call`` (or around its replacement), or None."""
    site = call.site
    if call.is_with_item:
        return NotFixed.WITH_ITEM
    if site.why_no_await:
        return NotFixed.NO_AWAIT_HERE.format(where=site.why_no_await)
    if call.awaited:
        return NotFixed.ALREADY_AWAITED
    if site.held_by is not None:
        return NotFixed.HELD_ACROSS_AWAIT.format(manager=unparse(site.held_by))
    if site.comprehensions > 1 and state.settings.target_version < _NESTED_AWAIT_SINCE:
        return NotFixed.NESTED_COMPREHENSION
    return None


def names_blocked(call: CallSite, modules: tuple[str, ...]) -> str | None:
    """Why the fix cannot refer to ``modules`` (``asyncio``, ``functools``) at ``call``, or None.

    The fixer writes each module by the name the module's top-level import gives it (``aio`` after
    ``import asyncio as aio``), adding ``import asyncio`` when there is none. That name must mean
    the module where the call is: not a parameter, a local, a local import (read before it runs:
    ``UnboundLocalError``), or a module-level name bound to anything else, which an added import
    would rebind.
    """
    scope = call.scope
    module_scope = scope.module
    tree = module_scope.node
    for module in modules:
        alias = module_alias(tree, module) if isinstance(tree, ast.Module) else None
        name = alias or module
        bindings = scope.lookup(name)
        if bindings is None:
            continue  # nothing binds it: the fixer adds the import
        if not all(_imports(binding, module, module_scope) for binding in bindings):
            return NotFixed.NAME_TAKEN.format(name=name, module=module)
    return None


def _imports(binding: Binding, module: str, module_scope: Scope) -> bool:
    return (
        binding.how == Binding.IMPORT
        and binding.import_name == module
        and binding.scope is module_scope
    )
