"""AEX207: a generator function or a lazy iterator factory handed to an executor.

``await asyncio.to_thread(os.walk, p)`` runs ``os.walk(p)`` in a thread, which returns a generator
at once having read nothing; the directory is read when the coroutine iterates the result, on the
loop. The same for ``os.scandir``, ``glob.iglob``, ``Path.iterdir/glob/rglob`` (the catalog marks
them ``lazy``) and for any generator function of the project, whose body runs only as it is iterated.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.resolve import Scope, dotted_parts
from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.profiles import HA_EXECUTORS
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, resolved_prefix, unparse
from flake8_executor.rules.executor_calls import (
    POOL_METHODS,
    RUN_IN_EXECUTOR,
    TO_THREAD,
    handoff,
    run_in_executor_call,
    unwrap_partial,
)

# Functions that run their first argument in a worker thread (anyio's, trio's, Starlette's).
_RUN_SYNC = frozenset(
    {
        "anyio.to_thread.run_sync",
        "trio.to_thread.run_sync",
        "starlette.concurrency.run_in_threadpool",
        "fastapi.concurrency.run_in_threadpool",
    }
)

_ADVICE = "consume it in the thread: {opening}lambda: list({callee}(...)))"

AEX207 = Code(
    "AEX207",
    "generator function or lazy iterator handed to an executor",
    {
        "lazy": "{callee} returns a lazy iterator ({resolved}{why} as it is consumed): {executor}()"
        " runs only its creation in the thread, and the reads run on the event loop where the"
        " result is iterated; " + _ADVICE,
        "generator": "{callee} is a generator function: {executor}() runs only its creation in"
        " the thread, and its body runs on the event loop where the result is iterated; " + _ADVICE,
    },
    Docs(
        what="Finds a generator function of the project, or a lazy iterator factory of the "
        "catalog (`os.walk`, `os.scandir`, `glob.iglob`, `Path(...).iterdir/glob/rglob`, a "
        "LangChain runnable's `stream`), handed to an executor: `loop.run_in_executor(...)`, "
        "`asyncio.to_thread(...)`, `pool.submit/map(...)`, `anyio`/`trio.to_thread.run_sync`, "
        "`run_in_threadpool`, Home Assistant's `hass.async_add_executor_job(...)`; directly, in "
        "`functools.partial`, or as what a `lambda` returns.",
        why="Calling a generator function, or `os.walk(p)`, does no work: it returns an iterator "
        "at once. The thread returns that iterator, and the directory is read, or the generator's "
        "body runs, where the result is iterated: on the event loop, which the executor was "
        "meant to spare.",
        example="import asyncio\nimport os\n\n\nasync def tree(path):\n"
        "    walk = await asyncio.to_thread(os.walk, path)  # error: AEX207\n"
        "    return [root for root, _dirs, _files in walk]\n",
        use_instead="import asyncio\nimport os\n\n\nasync def tree(path):\n"
        "    walk = await asyncio.to_thread(lambda: list(os.walk(path)))\n"
        "    return [root for root, _dirs, _files in walk]\n",
        fix="Not fixed: where the result is consumed, and whether a list of it fits in memory, "
        "is the author's choice.",
        invalid=(
            "import asyncio\n\n\ndef rows(path):\n    with open(path) as fh:\n"
            "        yield from fh\n\n\nasync def load(path):\n"
            "    loop = asyncio.get_running_loop()\n"
            "    return await loop.run_in_executor(None, rows, path)  # error: AEX207\n",
        ),
        valid=(
            "import asyncio\nimport os\n\n\nasync def names(path):\n"
            "    # os.listdir returns a list: all of its work runs in the thread\n"
            "    return await asyncio.to_thread(os.listdir, path)\n",
        ),
    ),
)


def _handed(call: CallSite, state: FileState) -> tuple[ast.expr, str, str] | None:
    """The callable an executor call runs in a thread, the executor as written, and the call's
    opening up to where a callable goes (``loop.run_in_executor(None, ``)."""
    node = call.node
    func = node.func
    shown = unparse(func)
    opening = f"{shown}("
    arguments = run_in_executor_call(call, state)
    if arguments is not None:
        if arguments.function is None:
            return None
        executor = unparse(arguments.executor) if arguments.executor is not None else "None"
        return arguments.function, shown, f"{opening}{executor}, "
    if isinstance(func, ast.Attribute) and func.attr in HA_EXECUTORS:
        index = HA_EXECUTORS[func.attr]
        if len(node.args) > index and not isinstance(node.args[index], ast.Starred):
            return node.args[index], shown, opening
        return None
    found = handoff(call, state)
    if found is not None:
        return found.function, shown, opening
    if node.args and state.call_name(call) in _RUN_SYNC:
        return node.args[0], shown, opening
    return None


def _returned_callable(handed: ast.expr, scope: Scope) -> ast.expr | None:
    """``f`` for ``f`` and ``partial(f, ...)``; for ``lambda: f(x)``, the ``f`` it calls."""
    if not isinstance(handed, ast.Lambda):
        return handed
    body = handed.body
    if not isinstance(body, ast.Call):
        return None
    parts = dotted_parts(body.func)
    names = handed.args
    params = {arg.arg for arg in [*names.posonlyargs, *names.args, *names.kwonlyargs]}
    if parts is None and isinstance(body.func, ast.Attribute):
        # ``lambda: Path(p).iterdir()``: the receiver is evaluated outside any parameter
        receiver_names = {n.id for n in ast.walk(body.func) if isinstance(n, ast.Name)}
        return None if receiver_names & params else body.func
    if parts is None or parts[0] in params:
        return None
    return body.func


def lazy_handoff(call: CallSite, state: FileState) -> Iterator[Finding]:
    found = _handed(call, state)
    if found is None:
        return
    handed, executor, opening = found
    scope = call.scope
    handed, _wrapped = unwrap_partial(handed, scope, state)
    target = _returned_callable(handed, scope)
    if target is None:
        return
    callee = unparse(target)
    entry = state.blocking_entry(target, scope)
    if entry is not None:
        qualified, catalog_entry = entry
        if catalog_entry.lazy:
            yield finding_at(
                call.node,
                AEX207.message(
                    "lazy",
                    callee=callee,
                    resolved=resolved_prefix(target, qualified),
                    why=catalog_entry.kind.why,
                    executor=executor,
                    opening=opening,
                ),
                qualified=qualified,
            )
        return
    if _is_generator_function(target, scope, state):
        yield finding_at(
            call.node,
            AEX207.message("generator", callee=callee, executor=executor, opening=opening),
        )


def _is_generator_function(target: ast.expr, scope: Scope, state: FileState) -> bool:
    """A generator ``def`` of this module (a function or ``self.method``), or of the project."""
    resolver = state.resolver
    binding = resolver.function_def(target, scope) or resolver.method_def(target, scope)
    if binding is not None:
        node = binding.node
        return isinstance(node, ast.FunctionDef) and is_generator_def(node)
    context = state.context
    if context is None:
        return False
    name = resolver.project_name(target, scope)
    return name is not None and context.project.generator(name) is not None


def is_generator_def(node: ast.FunctionDef) -> bool:
    """The ``def`` has a ``yield`` of its own (not one of a nested function, lambda or class)."""
    stack: list[ast.AST] = [*node.body]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False


_NAMES = frozenset(
    {
        RUN_IN_EXECUTOR,
        TO_THREAD.rpartition(".")[2],
        *POOL_METHODS,
        *HA_EXECUTORS,
        *(name.rpartition(".")[2] for name in _RUN_SYNC),
    }
)

RULE = Rule(
    codes=(AEX207,),
    triggers=_NAMES,
    on_call=lazy_handoff,
    call_names=_NAMES,
)
