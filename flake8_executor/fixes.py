"""The fix vocabulary: every rewrite the fixer knows, and every reason a finding is left unfixed.

The catalog says which rewrite suits a blocking callable, the rules copy it onto each finding, and
the fixer runs the rewrite registered for it (``fix/rewrites/``): one enum for all three, so a
rewrite cannot be named in one place and missing in another. The reasons are kept here, in one
table, because the same condition is checked by the rules (before any rewrite) and by the rewrites
themselves (when given a finding built by hand): both must say it in the same words.

Safety follows ruff's model. A fix is *safe* when the program does the same thing apart from where
the call runs; it is *unsafe* when it is usually right but can change behaviour, and then the
finding carries the reason (``Unsafe``): ``executor-fix`` applies it only with ``--unsafe-fixes``.
Where a rewrite would be wrong it is not offered at all (``NotFixed``), with the reason.
"""

from __future__ import annotations

import enum


class Fix(str, enum.Enum):
    """A rewrite of one call; the value is its name in tests and fixture file names."""

    TO_THREAD = "to-thread"  # f(a, k=v) -> await asyncio.to_thread(f, a, k=v)
    ASYNC_SLEEP = "async-sleep"  # time.sleep(x) -> await asyncio.sleep(x)
    WRAP_FUTURE = "wrap-future"  # fut.result() -> await asyncio.wrap_future(fut)
    PROCESS_POOL = "process-pool"  # json.loads(b) -> await loop.run_in_executor(<pool>, ...)
    KEYWORDS_TO_PARTIAL = (
        "keywords-to-partial"  # run_in_executor(e, f, k=v) -> (e, partial(f, k=v))
    )
    EXECUTOR_TO_NONE = "executor-to-none"  # run_in_executor(process_pool, io_call) -> (None, ...)
    GET_RUNNING_LOOP = "get-running-loop"  # asyncio.get_event_loop() -> get_running_loop()
    RUN_IN_EXECUTOR_TO_THREAD = "run-in-executor-to-thread"  # run_in_executor(None, f) -> to_thread
    LAMBDA_TO_PARTIAL = "lambda-to-partial"  # lambda: f(a) -> functools.partial(f, a)
    AWAIT_DROPPED = (
        "await-dropped"  # asyncio.to_thread(f) as a statement -> await asyncio.to_thread(f)
    )
    WAIT_FOR = "wait-for"  # fut.result(t) -> await asyncio.wait_for(asyncio.wrap_future(fut), t)
    # The same rewrites in a module that uses anyio or Starlette (``fix_plan.framework_fix``):
    # asyncio's own functions fail when the code runs under trio.
    ANYIO_TO_THREAD = "anyio-to-thread"  # f(a) -> await anyio.to_thread.run_sync(f, a)
    ANYIO_SLEEP = "anyio-sleep"  # time.sleep(x) -> await anyio.sleep(x)
    RUN_IN_THREADPOOL = "run-in-threadpool"  # f(a, k=v) -> await run_in_threadpool(f, a, k=v)


class Unsafe:
    """Why a fix can change what the program does (it is applied only with ``--unsafe-fixes``)."""

    HELPER = "the helper moves to a thread as a whole, with any shared state it touches"
    WRAP_FUTURE = (
        "a cancelled future raises asyncio.CancelledError instead of"
        " concurrent.futures.CancelledError"
    )
    SLEEP_VALUE = (
        "time.sleep() raises on a negative value, asyncio.sleep() returns at once; the value is"
        " not a non-negative literal"
    )
    PROCESS_POOL = (
        "the arguments and the result are pickled to and from another process; the call no longer"
        " sees or changes this process's state"
    )
    NO_CONTEXTVARS = (
        "run_in_executor() does not copy contextvars into the thread (asyncio.to_thread() does,"
        " from Python 3.9)"
    )
    NOW_RUNS = "the dropped coroutine never ran: awaited, the work now runs, and the coroutine waits for it"
    WAIT_FOR = (
        "on a timeout, asyncio.wait_for() cancels the future (a queued call never runs), where"
        " result(timeout) leaves it to run"
    )
    SHARED_DATA = (
        "the data written may be changed by another task while the thread writes it; it is not a"
        " literal"
    )


class NotFixed:
    """Why a finding is not fixed, as the summary prints it. ``{}`` fields are filled by the caller."""

    # The finding's code has no rewrite at all (AEX201, AEX203, AEX204, ...).
    NO_FIX = "no automatic fix"
    UNSAFE = "unsafe fix not applied: {why} (apply it with --unsafe-fixes)"
    # Decided by the rules, from where the call stands.
    WITH_ITEM = "the context manager of a with statement (its body would still block)"
    NO_AWAIT_HERE = "await cannot be added {where}"
    ALREADY_AWAITED = "the call is already awaited"
    NO_PROCESS_POOL = (
        "no process pool configured (process-pool in [tool.flake8-executor], --process-pool)"
    )
    RESULT_TIMEOUT = "result() is given a timeout"
    LAMBDA_PARAMETERS = "the lambda's body uses its parameters, which a partial cannot bind later"
    LAMBDA_NOT_ONE_CALL = "the lambda is not one call of a module-level function"
    SLEEP_ARGUMENTS = "time.sleep() is not called with one plain argument"
    KEYWORD_EXECUTOR = "the executor or the function is passed by keyword"
    HELD_ACROSS_AWAIT = (
        "the await would be added inside 'with {manager}', which would stay entered while other"
        " tasks run (a lock would deadlock the loop)"
    )
    NESTED_COMPREHENSION = "await in a nested comprehension is a SyntaxError before Python 3.11"
    NAME_TAKEN = "{name} is not the {module} module here, and the fix needs it"
    POOL_NOT_BOUND = (
        "the process pool {pool} names {root}, which the module does not bind (a NameError)"
    )
    POOL_ARGUMENT = "an argument cannot be pickled for a process pool ({what})"
    POOL_RESULT = "the result of {name}() cannot be pickled back from a process pool"
    CATCHES_CANCELLED = (
        "a handler here catches concurrent.futures.CancelledError, which the await would turn"
        " into asyncio.CancelledError"
    )
    HELPER_USES_LOOP = (
        "the helper uses the running event loop ({call}), which a thread does not have"
    )
    HELPER_HOLDS_GIL = (
        "the helper also does GIL-holding work ({why}), which threads do not speed up"
    )
    RECEIVER_EFFECTS = "the receiver {receiver} would no longer be evaluated (it calls something)"
    LAZY_ITERATOR = (
        "{name}() returns an iterator that does its I/O as it is consumed: moving only the call to"
        " a thread would move nothing (move the consumption: await asyncio.to_thread(lambda:"
        " list(...)))"
    )
    # A module that may run under trio, where a fix's asyncio function fails (``fix_plan``).
    TRIO = "the module uses trio, where {api} fails (the fix is asyncio's)"
    NO_FRAMEWORK_FORM = (
        "the module uses {framework}, whose code may run under trio, where {api} fails; the fix"
        " has no {framework} form"
    )
    # Decided by the fixer, from the libcst tree it rewrites.
    NOT_A_RESULT_CALL = "not a .result() call"
    NOT_POSITIONAL = "the executor and the callable are not plain positional arguments"
    NO_KEYWORDS = "no keyword arguments to move"
    EXECUTOR_NOT_POSITIONAL = "the executor is not a plain positional argument"
    EXECUTOR_NOT_NONE = "the executor is not None"
    GET_EVENT_LOOP_ARGUMENTS = "get_event_loop() is given arguments"
    NO_TO_THREAD = "asyncio.to_thread() needs Python 3.9 (the target is older)"
    ANOTHER_FIX = "another fix already rewrote this call"
    FUTURE_KEPT = "the future is not awaited where it is created"
    NO_CALL_THERE = "no call found at this position"
    FSTRING_DEBUG = "inside an f-string's {expr=} field, whose printed text would change"
    # Where an ``await`` cannot go, by the frame the call is in ({where} of NO_AWAIT_HERE).
    OUTSIDE_COROUTINE = "outside a coroutine"
    IN_NESTED_DEF = "inside a nested def"
    IN_LAMBDA = "inside a lambda"
    IN_GENERATOR_EXPRESSION = "inside a generator expression"
    IN_CLASS_BODY = "inside a class body"
    IN_LOOP_FUNCTION = "in a function that is not a coroutine ({why})"
