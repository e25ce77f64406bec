"""Whether a fix may run where the call stands: the checks every rule with a fix shares.

The rules know the place of a call from the walk (its frame, the ``with`` and ``try`` around it, the
names bound in its scope), which the libcst rewrite cannot see; so they decide here, once, whether
the rewrite would be wrong (a reason from ``fixes.NotFixed``), and the fixer only applies what they
allowed. Whether a fix that may run is *safe* is each rule's own business (``fixes.Unsafe``).
"""

from __future__ import annotations

import ast
import weakref
from collections import Counter

from flake8_executor.analysis.importers import importers_of, imports_name
from flake8_executor.analysis.resolve import (
    RUN_IN_THREADPOOL,
    Binding,
    Scope,
    imported_name,
    module_alias,
)
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import ImportOrigin
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.rules import await_model
from flake8_executor.rules.base import Message, unparse

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
    if site.held_by is not None or site.function is not None:
        held = await_model.Place(call, state).held()
        if held is not None:
            return NotFixed.HELD_ACROSS_AWAIT.format(manager=unparse(held))
    if site.comprehensions > 1 and state.settings.target_version < _NESTED_AWAIT_SINCE:
        return NotFixed.NESTED_COMPREHENSION
    return None


def await_changes(
    call: CallSite, state: FileState, fix: Fix, qualified: str | None, helper: ast.AST | None = None
) -> tuple[str | None, str | None]:
    """Why the inserted ``await`` would be wrong here (declined), and why it may change what the
    program does (unsafe), from what it changes: a suspension point, a cancellation point, another
    thread (``await_model``). ``helper``: the module's ``def`` the call runs as a whole, if any."""
    if fix not in await_model.AWAITING or call.site.function is None:
        return None, None
    place = await_model.Place(call, state)
    helpers = await_model.helper_nodes(helper, state, call.scope.module)
    declined = await_model.lock_held(place) or await_model.thread_affinity(place, fix, helpers)
    if declined:
        return declined, None
    unsafe = (
        await_model.cancellation(place)
        or await_model.interleaving(place, fix)
        or await_model.input_unsafe(fix, qualified)
        or await_model.context_variable(place, helpers)
    )
    return None, unsafe


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


# -- the module's framework: asyncio's functions fail under trio ----------------------------------

ANYIO = "anyio"
TRIO = "trio"
STARLETTE = "Starlette"
# Frameworks with an event loop of their own, where asyncio's functions fail or block: no fix of
# this tool's is right there (``asyncio.sleep`` under curio: "no running event loop").
OTHER_LOOPS = {"twisted": "Twisted", "gevent": "gevent", "curio": "curio"}

# The fixes that bring in an asyncio function the code did not call before, and that function.
_ASYNCIO_API = {
    Fix.TO_THREAD: "asyncio.to_thread()",
    Fix.ASYNC_SLEEP: "asyncio.sleep()",
    Fix.WRAP_FUTURE: "asyncio.wrap_future()",
    Fix.WAIT_FOR: "asyncio.wait_for()",
    Fix.PROCESS_POOL: "asyncio.get_running_loop()",
}
# The same fix in the framework's own idiom, where it has one.
_FRAMEWORK_FIXES: dict[str, dict[Fix, Fix]] = {
    ANYIO: {Fix.TO_THREAD: Fix.ANYIO_TO_THREAD, Fix.ASYNC_SLEEP: Fix.ANYIO_SLEEP},
    STARLETTE: {Fix.TO_THREAD: Fix.RUN_IN_THREADPOOL},
    TRIO: {},
}


def module_framework(call: CallSite, state: FileState) -> str | None:
    """The framework whose code may run under trio that the module uses, from the walk's imports.

    anyio first: its functions work under both of its back ends, whatever else is imported (a
    module that imports trio and anyio gets anyio's idiom). Then trio itself. Then Starlette's
    (or FastAPI's) ``run_in_threadpool`` imported by name: Starlette runs on anyio, so under trio
    too. None: plain asyncio, whose fixes are right.
    """
    roots = state.import_roots
    if ANYIO in roots:
        return ANYIO
    if TRIO in roots:
        return TRIO
    for root, framework in OTHER_LOOPS.items():
        if root in roots:
            return framework
    tree = call.scope.module.node
    if isinstance(tree, ast.Module) and imported_name(tree, RUN_IN_THREADPOOL) is not None:
        return STARLETTE
    return None


# A message's advice as it reads in the module's framework: the functions its fixes write (anyio,
# Starlette) or, under trio, trio's own (asyncio's fail there).
_ADVICE: dict[str, tuple[tuple[str, str], ...]] = {
    ANYIO: (
        ("asyncio.to_thread(", "anyio.to_thread.run_sync("),
        ("asyncio.sleep(", "anyio.sleep("),
    ),
    TRIO: (
        ("asyncio.to_thread(", "trio.to_thread.run_sync("),
        ("asyncio.sleep(", "trio.sleep("),
    ),
    STARLETTE: (("asyncio.to_thread(", "run_in_threadpool("),),
}


def advice_in_framework(message: Message, call: CallSite, state: FileState) -> Message:
    """``message`` with its ``asyncio.to_thread``/``asyncio.sleep`` advice in the module's
    framework, so that flake8 advises what ``executor-fix`` writes there."""
    if "asyncio." not in message.text:
        return message
    framework = module_framework(call, state)
    text = message.text
    for old, new in _ADVICE.get(framework, ()) if framework is not None else ():
        text = text.replace(old, new)
    return message._replace(text=text)


def framework_fix(fix: Fix, call: CallSite, state: FileState) -> tuple[Fix, str | None]:
    """The fix in the module's framework idiom, or why there is none (``asyncio.to_thread``
    is a RuntimeError under trio: "must be called from a running event loop").

    The fixer never looks at the imports itself: the finding carries the framework's fix
    (``Fix.ANYIO_TO_THREAD``) or the reason.
    """
    api = _ASYNCIO_API.get(fix)
    if api is None:
        return fix, None
    framework = module_framework(call, state)
    if framework is None:
        importer = trio_importer(state)
        if importer is not None:
            return fix, NotFixed.TRIO_IMPORTER.format(importer=importer, api=api)
        return fix, None
    if framework in OTHER_LOOPS.values():
        return fix, NotFixed.OTHER_LOOP.format(framework=framework, api=api)
    replacement = _FRAMEWORK_FIXES[framework].get(fix)
    if replacement is not None:
        return replacement, None
    if framework == TRIO:
        return fix, NotFixed.TRIO.format(api=api)
    return fix, NotFixed.NO_FRAMEWORK_FORM.format(framework=framework, api=api)


def freed_import(origin: ImportOrigin | None, state: FileState) -> ImportOrigin | None:
    """The import a fix may remove once unused here, or None when another module of the project
    imports that name from this one (``from app.jobs import sleep``): removed, that import fails."""
    if origin is None or state.context is None or not state.plans_fixes:
        return origin
    bound = origin.asname or origin.name or origin.module.partition(".")[0]
    if _uses(state, bound) > 1:
        return origin  # used elsewhere in the module: the fix leaves it in use, nothing to ask
    this = state.context.module.name
    if any(imports_name(importer, this, bound) for importer in importers_of(state.context)):
        return None
    return origin


# A module's tree -> how many times each name is read in it (counted once per tree).
_NAME_USES: weakref.WeakKeyDictionary[ast.AST, Counter[str]] = weakref.WeakKeyDictionary()


def _uses(state: FileState, name: str) -> int:
    tree = state.call_sites[0].scope.module.node if state.call_sites else None
    if tree is None:
        return 0
    counts = _NAME_USES.get(tree)
    if counts is None:
        counts = _NAME_USES[tree] = Counter(
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        )
    return counts[name]


def trio_importer(state: FileState) -> str | None:
    """A module of the project that uses trio and imports this one, when this one imports no
    framework (nor asyncio) itself: its coroutines are then called from trio code (the project
    graph's other direction, ``analysis/importers.py``)."""
    roots = state.import_roots
    if "asyncio" in roots or state.context is None:
        return None
    for importer in importers_of(state.context):
        if TRIO in importer.roots and ANYIO not in importer.roots:
            return importer.name
    return None


def loop_not_asyncio(call: CallSite, state: FileState) -> str | None:
    """Why ``asyncio.get_running_loop()`` fails in this module: it runs under trio, Twisted,
    gevent or curio, whose loops are not asyncio's ("no running event loop")."""
    framework = module_framework(call, state)
    api = "asyncio.get_running_loop()"
    if framework == TRIO:
        return NotFixed.TRIO.format(api=api)
    if framework in OTHER_LOOPS.values():
        return NotFixed.OTHER_LOOP.format(framework=framework, api=api)
    return None


def threadpool_blocked(call: CallSite) -> str | None:
    """Why the module's ``run_in_threadpool`` import is not what that name means at ``call``."""
    tree = call.scope.module.node
    name = imported_name(tree, RUN_IN_THREADPOOL) if isinstance(tree, ast.Module) else None
    if name is None:
        return NotFixed.NAME_TAKEN.format(name="run_in_threadpool", module=RUN_IN_THREADPOOL[0])
    module_scope = call.scope.module
    for binding in call.scope.lookup(name) or []:
        if not (
            binding.how == Binding.IMPORT
            and binding.import_name in RUN_IN_THREADPOOL
            and binding.scope is module_scope
        ):
            return NotFixed.NAME_TAKEN.format(name=name, module=RUN_IN_THREADPOOL[0])
    return None
