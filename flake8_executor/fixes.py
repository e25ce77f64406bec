"""The fix vocabulary: every rewrite the fixer knows, and every reason a finding is left unfixed.

The catalog says which rewrite suits a blocking callable, the rules copy it onto each finding, and
the fixer runs the rewrite registered for it (``fix/rewrites/``): one enum for all three, so a
rewrite cannot be named in one place and missing in another. The reasons are kept here, in one
table, because the same condition is checked by the rules (before any rewrite) and by the rewrites
themselves (when given a finding built by hand): both must say it in the same words.
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


class NotFixed:
    """Why a finding is not fixed, as the summary prints it. ``{}`` fields are filled by the caller."""

    # The finding's code has no rewrite at all (AEX201, AEX203, AEX204, ...).
    NO_FIX = "no automatic fix"
    # Decided by the rules, from where the call stands.
    WITH_ITEM = "the context manager of a with statement (its body would still block)"
    NO_AWAIT_HERE = "await cannot be added {where}"
    ALREADY_AWAITED = "the call is already awaited"
    NO_PROCESS_POOL = (
        "no process pool configured (process-pool in [tool.flake8-executor], --process-pool)"
    )
    RESULT_TIMEOUT = "result() is given a timeout"
    SLEEP_ARGUMENTS = "time.sleep() is not called with one plain argument"
    KEYWORD_EXECUTOR = "the executor or the function is passed by keyword"
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
    # Where an ``await`` cannot go, by the frame the call is in ({where} of NO_AWAIT_HERE).
    OUTSIDE_COROUTINE = "outside a coroutine"
    IN_NESTED_DEF = "inside a nested def"
    IN_LAMBDA = "inside a lambda"
    IN_GENERATOR_EXPRESSION = "inside a generator expression"
    IN_CLASS_BODY = "inside a class body"
