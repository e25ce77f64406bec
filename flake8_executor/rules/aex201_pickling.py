"""AEX201: a callable that cannot be pickled, sent to a process pool (it fails at run time)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.resolve import Scope
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, unparse
from flake8_executor.rules.executor_calls import (
    POOL_METHODS,
    POOL_WORDS,
    PROCESSES,
    RUN_IN_EXECUTOR,
    handoff,
    unwrap_partial,
)
from flake8_executor.rules.fix_plan import names_blocked

AEX201 = Code(
    "AEX201",
    "unpicklable callable sent to a process pool",
    {
        "": "{what} sent to a ProcessPoolExecutor cannot be pickled (fails at run time); define it"
        " at module level and pass arguments with functools.partial"
    },
    Docs(
        what="Finds a `lambda`, a `def` nested in a function, or a `functools.partial` of either, "
        "sent to a `ProcessPoolExecutor` through `loop.run_in_executor(pool, ...)`, "
        "`pool.submit(...)` or `pool.map(...)`.",
        why="A process pool pickles the callable to send it to a worker, and lambdas and nested "
        "functions cannot be pickled: the call fails at run time, often only in production. "
        "Thread pools and `None` take them: those are never reported.",
        example="import asyncio\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "PROCESS_POOL = ProcessPoolExecutor()\n\n\ndef crunch(data):\n    return sorted(data)\n\n\n"
        "async def handle(data):\n    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(\n"
        "        PROCESS_POOL, lambda: crunch(data)  # error: AEX201\n    )\n",
        use_instead="import asyncio\nimport functools\nfrom concurrent.futures import "
        "ProcessPoolExecutor\n\nPROCESS_POOL = ProcessPoolExecutor()\n\n\ndef crunch(data):\n"
        "    return sorted(data)\n\n\nasync def handle(data):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(PROCESS_POOL, functools.partial(crunch, data))\n",
        fix="A lambda of no parameters whose body is one call of a module-level function (or "
        "an imported one) becomes `functools.partial(f, ...)`, which pickles; `import functools` "
        "is added once. Safe: the program failed there before. Only when every argument is a "
        "name, a literal or an attribute: a partial evaluates its arguments at once, on the loop "
        "(`lambda: crunch(load(p))` would run `load(p)` there). Not fixed otherwise (a nested "
        "function, a lambda that uses its parameters): where the function should live is the "
        "author's choice.",
        fixed="import asyncio\nimport functools\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "PROCESS_POOL = ProcessPoolExecutor()\n\n\ndef crunch(data):\n    return sorted(data)\n\n\n"
        "async def handle(data):\n    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(\n"
        "        PROCESS_POOL, functools.partial(crunch, data)\n    )\n",
    ),
    fix="`lambda: f(a)` -> `functools.partial(f, a)`",
    severity="error",
)


def unpicklable_work(call: CallSite, state: FileState) -> Iterator[Finding]:
    work = handoff(call, state)
    if work is None or work.pool != PROCESSES:
        return
    scope = call.scope
    target, wrapped = unwrap_partial(work.function, scope, state)
    what = _unpicklable(target, scope, state)
    if what is not None:
        if wrapped:
            what = f"functools.partial of {what}"
        fix = unfixable = None
        if isinstance(work.function, ast.Lambda):
            fix, unfixable = Fix.LAMBDA_TO_PARTIAL, _partial_blocked(work.function, call, state)
        yield finding_at(work.function, AEX201.message(what=what), fix=fix, unfixable=unfixable)


def _partial_blocked(node: ast.Lambda, call: CallSite, state: FileState) -> str | None:
    """Why ``lambda: f(a)`` cannot become ``functools.partial(f, a)``, or None.

    The lambda must take no parameters (the pool calls it with none) and be one call of a
    function the pool can pickle by reference: a module-level ``def`` or an imported name. Its
    arguments are then evaluated when the partial is made, on the loop, rather than in the pool:
    the same for names, literals and attributes, not for a call (``crunch(load(p))`` would run
    ``load(p)`` on the loop).
    """
    args = node.args
    if args.posonlyargs or args.args or args.vararg or args.kwonlyargs or args.kwarg:
        return NotFixed.LAMBDA_PARAMETERS
    body = node.body
    if not isinstance(body, ast.Call) or not _module_level_function(body.func, call, state):
        return NotFixed.LAMBDA_NOT_ONE_CALL
    for part in ast.walk(body):
        if isinstance(part, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda)):
            return NotFixed.LAMBDA_NOT_ONE_CALL
    for value in [*body.args, *(keyword.value for keyword in body.keywords)]:
        if isinstance(value, ast.Starred):
            value = value.value
        if not _evaluated_alike(value):
            return NotFixed.LAMBDA_ARGUMENT.format(argument=unparse(value))
    return names_blocked(call, ("functools",))


def _evaluated_alike(node: ast.expr) -> bool:
    """A name, a literal or an attribute of a name: evaluating it when the partial is made, on the
    loop, does what evaluating it in the pool did (a call would run there instead)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, (ast.Name, ast.Constant))


def _module_level_function(func: ast.expr, call: CallSite, state: FileState) -> bool:
    binding = state.resolver.function_def(func, call.scope)
    if binding is not None:
        return binding.scope.opened_by == Scope.MODULE
    return state.resolver.import_binding(func, call.scope) is not None


def _unpicklable(node: ast.expr, scope: Scope, state: FileState) -> str | None:
    """What makes this callable fail to pickle: a lambda or a function defined inside a function."""
    if isinstance(node, ast.Lambda):
        return "a lambda"
    if isinstance(node, ast.Name):
        bindings = scope.lookup(node.id)
        if bindings and all(isinstance(b.value, ast.Lambda) for b in bindings):
            return f"the lambda {node.id}"
    binding = state.resolver.function_def(node, scope)
    if binding is not None and binding.scope.opened_by in {Scope.FUNCTION, Scope.LAMBDA}:
        return f"the nested function {unparse(node)}()"
    return None


RULE = Rule(
    codes=(AEX201,),
    triggers=POOL_WORDS,  # only a process pool is judged, and one comes from these names
    on_call=unpicklable_work,
    call_names=frozenset({RUN_IN_EXECUTOR, *POOL_METHODS}),
)
