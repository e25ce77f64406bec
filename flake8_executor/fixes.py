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
        " concurrent.futures.CancelledError, and cancelling the awaiting task now cancels the"
        " future (queued pool work never runs)"
    )
    SLEEP_VALUE = (
        "time.sleep() raises on a negative value, asyncio.sleep() returns at once; the value is"
        " not a non-negative literal"
    )
    PROCESS_POOL = (
        "the arguments and the result are pickled to and from another process; the call no longer"
        " sees or changes this process's state"
    )
    NOW_RUNS = "the dropped coroutine never ran: awaited, the work now runs, and the coroutine waits for it"
    WAIT_FOR = (
        "on a timeout, asyncio.wait_for() cancels the future (a queued call never runs), where"
        " result(timeout) leaves it to run"
    )
    TIMEOUT_CLASS = (
        "before Python 3.11, the timeout raises asyncio.TimeoutError, which"
        " 'except concurrent.futures.TimeoutError' does not catch"
    )
    SHARED_DATA = (
        "the data written may be changed by another task while the thread writes it; it is not a"
        " literal"
    )
    POOL_SETUP = "the process pool {pool} is made with {what}: in the default thread pool {lost}"
    # What an inserted ``await`` changes (``rules/await_model.py``): a cancellation point...
    TIMEOUT = (
        "inside {manager}: its deadline can now interrupt the call at the await, and a thread"
        " running it keeps going after the timeout (its effects land later)"
    )
    CALLER_TIMEOUT = (
        "{caller}() runs this coroutine under {how}: its deadline can now interrupt the call at the"
        " await, and a thread running it keeps going after the timeout"
    )
    CATCHES_CANCEL = (
        "a handler here catches {what}: a cancel of the task at the await would be caught and"
        " swallowed (the task goes on as if it was not cancelled)"
    )
    IN_FINALLY = (
        "inside finally: a cancel at the await now stops the cleanup there (the rest of it is"
        " skipped)"
    )
    RETRY = (
        "inside {manager} in a retry loop: a timeout at the await leaves the thread running the"
        " call, and the next attempt runs it again beside it (a duplicated request)"
    )
    # ... a suspension point ...
    READ_MODIFY_WRITE = (
        "{target} is read before the call and written after it: another task can change it while"
        " this one awaits, and that change is lost"
    )
    SHARED_PROTOCOL = (
        "{receiver} is shared and used in steps ({first}() then {second}()): another task can use"
        " it between them while this one awaits"
    )
    SHARED_ARGUMENT = (
        "the argument {name} is {where}: other tasks run and can change it while the thread reads"
        " it"
    )
    # ... and another thread.
    INPUT = (
        "in a thread, Ctrl-C no longer interrupts input(): the program waits for a line before it"
        " stops"
    )
    CONTEXT_VARIABLE = (
        "the helper sets the context variable {name}, which the thread sets in its own copy of the"
        " context: the coroutine no longer sees the change"
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
    LAMBDA_ARGUMENT = (
        "the lambda's argument {argument} would be evaluated at once, on the loop, in a partial"
        " (the lambda evaluates it in the pool)"
    )
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
    CATCHES_FUTURE_TIMEOUT = (
        "a handler here catches concurrent.futures.TimeoutError, which before Python 3.11 is not"
        " the asyncio.TimeoutError that wait_for() raises (the timeout would escape it)"
    )
    CATCHES_CANCELLED = (
        "a handler here catches concurrent.futures.CancelledError, which the await would turn"
        " into asyncio.CancelledError"
    )
    SPAWN_WITHOUT_GUARD = (
        "the process pool {pool} starts its workers by {method}, which imports the main module"
        " again: with no 'if __name__ == \"__main__\":' guard here, each worker would run the"
        " program again"
    )
    # What an inserted ``await`` would break (``rules/await_model.py``).
    LOCK_ACQUIRED = (
        "the await would be added while {lock} is held ({lock}.acquire() before it, release()"
        " after): another task asking for it would block the thread that holds it (a deadlock)"
    )
    CALLER_HOLDS = (
        "{caller}() awaits this coroutine inside 'with {manager}': the await would be added while"
        " it is held (a lock would deadlock the loop)"
    )
    CONTEXT_HOLDS = (
        "inside 'async with {manager}()', whose yield stands inside {held}: the await would be"
        " added while it is held (a lock would deadlock the loop)"
    )
    STOP_ITERATION = (
        "a handler here catches StopIteration, which cannot cross an await: raised in the thread,"
        " it never reaches the coroutine, which waits for ever"
    )
    SIGNAL_DEADLINE = (
        "a signal deadline ({name}()) is set before it: its handler runs on the loop's thread and"
        " would raise in the event loop instead of interrupting the call"
    )
    SCOPED_SESSION = (
        "{name} is a SQLAlchemy scoped_session: each thread gets its own session, so the thread"
        " would use another session and transaction"
    )
    THREAD_LOCAL = (
        "{name} is a threading.local(): a worker thread sees its own attributes, not the loop"
        " thread's"
    )
    THREAD_LOCAL_CLASS = (
        "{name} is a {cls}, a subclass of threading.local: a worker thread gets its own instance"
        " ({cls}.__init__ runs again there), with its own attributes, not the loop thread's"
    )
    HELPER_SQLITE = (
        "the helper uses {name}, a module-level sqlite3 connection, which may only be used in the"
        " thread that made it (ProgrammingError in a worker thread)"
    )
    HELPER_SIGNAL = (
        "the helper calls signal.signal(), which works only in the main thread (ValueError in a"
        " worker thread)"
    )
    DJANGO_ORM = (
        "the helper uses the Django ORM ({what}): in a worker thread it uses another database"
        " connection, outside this thread's transaction (asgiref's sync_to_async keeps one thread)"
    )
    LOOP_CALLBACK = (
        "a callback passed to it ({name}) uses the running event loop ({call}), which the worker"
        " thread that calls it back does not have"
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
    TRIO_IMPORTER = (
        "the module is imported by {importer}, which uses trio, where {api} fails (the fix is"
        " asyncio's)"
    )
    OTHER_LOOP = (
        "the module uses {framework}, whose event loop is not asyncio's: {api} fails or blocks"
        " there"
    )
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
