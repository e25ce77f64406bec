"""AEX202: the wrong kind of executor for the work (GIL-holding parses in threads, waits in processes)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.catalog import Kind
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.rules.base import (
    Code,
    Docs,
    Rule,
    finding_at,
    last_parts,
    resolved_prefix,
    unparse,
)
from flake8_executor.rules.executor_calls import (
    POOL_METHODS,
    POOL_WORDS,
    PROCESSES,
    RUN_IN_EXECUTOR,
    THREADS,
    TO_THREAD,
    handoff,
    unwrap_partial,
)
from flake8_executor.rules.pool_model import threads_lose

AEX202 = Code(
    "AEX202",
    "wrong kind of executor for the work",
    {
        "process": "{callee} ({resolved}{why}) gains nothing from threads; send it to a"
        " ProcessPoolExecutor (loop.run_in_executor(process_pool, ...) or process_pool.submit(...))",
        "threads": "{callee} ({resolved}{why}) is sent to a ProcessPoolExecutor, which only"
        " adds a process and pickling to a wait; use threads: {threads}",
    },
    Docs(
        what="Finds a GIL-holding parse (AEX105's catalog) sent to threads (`None`, a "
        "`ThreadPoolExecutor`, `asyncio.to_thread`), and waiting work (network, files, "
        "subprocesses, `input`, `time.sleep`, GIL-releasing C code) sent to a "
        "`ProcessPoolExecutor`, directly, in `functools.partial`, in a `lambda` of one call "
        "(`lambda: f(x)`), or through a helper of the module.",
        why="Threads do not run GIL-holding Python in parallel with the loop: the parse still "
        "competes with it for the GIL. A process pool only adds a process start and pickling to "
        "work that waits, which threads do as well for less.",
        example="import asyncio\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "import requests\n\nPROCESS_POOL = ProcessPoolExecutor()\n\n\nasync def load(url):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(PROCESS_POOL, requests.get, url)"
        "  # error: AEX202\n",
        use_instead="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    return await asyncio.to_thread(requests.get, url)\n",
        fix="Waiting work sent to a process pool with `run_in_executor(pool, ...)` gets `None` "
        "(the default thread pool) for the pool; awaited at once, in an asyncio module whose "
        "target has it (py39+), the call becomes `await asyncio.to_thread(f, ...)` (what AEX206 "
        "asks for), and a `loop = asyncio.get_running_loop()` left unused is dropped. Not fixed: "
        "`submit`/`map`, and GIL-holding work sent to threads (which pool to use is the "
        "author's choice).",
        fixed="import asyncio\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "import requests\n\nPROCESS_POOL = ProcessPoolExecutor()\n\n\nasync def load(url):\n"
        "    return await asyncio.to_thread(requests.get, url)\n",
        invalid=(
            "import asyncio\nimport json\n\n\nasync def parse(body):\n"
            "    return await asyncio.to_thread(json.loads, body)  # error: AEX202\n",
        ),
    ),
    fix="I/O in a process pool -> `None`",
)


def wrong_pool(call: CallSite, state: FileState) -> Iterator[Finding]:
    work = handoff(call, state)
    if work is None:
        return
    scope = call.scope
    target, _wrapped = unwrap_partial(work.function, scope, state)
    if (
        isinstance(target, ast.Lambda)
        and isinstance(target.body, ast.Call)
        and not (target.args.args or target.args.vararg or target.args.kwarg)
        and not (target.args.posonlyargs or target.args.kwonlyargs)
    ):
        # ``lambda: f(x)`` runs f where the lambda is sent, as a partial would (AEX201's fix makes
        # it one): the same pool judgement, before that fix as after it.
        target = target.body.func
    found = state.blocking_entry(target, scope)
    if found is not None:
        qualified, kind = found[0], found[1].kind
        resolved = resolved_prefix(target, qualified)
        holds_gil = False
    else:
        # Offloaded: its author judged it heavy, so its sized CPU work counts whatever the input.
        reach = state.helper_reach(target, scope, offloaded=True)
        if reach is None:
            return
        qualified, kind = reach.chain[0], reach.kind
        resolved = f"it calls {reach.target}(), "
        holds_gil = Kind.CPU_HOLDS_GIL in reach.others
    callee = unparse(target)
    if work.pool == PROCESSES and kind.wants_threads:
        # The fixer swaps the first positional argument for None; keyword forms are left to the user.
        arguments = work.run_in_executor
        fix = Fix.EXECUTOR_TO_NONE if arguments is not None and arguments.positional else None
        threads = (
            "loop.run_in_executor(None, ...)"
            if fix is Fix.EXECUTOR_TO_NONE
            else "asyncio.to_thread() or a ThreadPoolExecutor"
        )
        message = AEX202.message(
            "threads", callee=callee, resolved=resolved, why=kind.why, threads=threads
        )
        unfixable = (
            NotFixed.HELPER_HOLDS_GIL.format(why=Kind.CPU_HOLDS_GIL.why) if holds_gil else None
        )
        unsafe = None
        if fix is not None and unfixable is None and arguments is not None:
            assert arguments.executor is not None
            unsafe = threads_lose(arguments.executor, scope)
        yield finding_at(
            call.node,
            message,
            qualified=qualified,
            kind=kind.value,
            fix=fix,
            unfixable=unfixable,
            unsafe=unsafe,
        )
    elif work.pool == THREADS and kind is Kind.CPU_HOLDS_GIL:
        message = AEX202.message("process", callee=callee, resolved=resolved, why=kind.why)
        yield finding_at(call.node, message, qualified=qualified, kind=kind.value)


RULE = Rule(
    codes=(AEX202,),
    triggers=frozenset({RUN_IN_EXECUTOR, *last_parts([TO_THREAD]), *POOL_WORDS}),
    on_call=wrong_pool,
    call_names=frozenset({RUN_IN_EXECUTOR, *POOL_METHODS, *last_parts([TO_THREAD])}),
)
