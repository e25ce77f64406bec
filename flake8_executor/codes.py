"""Every code and its message templates, in one place (as flake8-bugbear keeps them).

A rule picks a template by key and fills in what it saw; it never writes message text of its own.
Templates name the call as the user wrote it (``{call}``), say why it is a problem, and give the
concrete replacement.
"""

from __future__ import annotations

# code -> one-line summary, for the README table and ``--help`` of executor-fix.
SUMMARIES: dict[str, str] = {
    "AEX100": "blocking network call on the event loop",
    "AEX101": "time.sleep() on the event loop",
    "AEX102": "blocking subprocess call on the event loop",
    "AEX103": "blocking file I/O on the event loop",
    "AEX104": "CPU-heavy C call that releases the GIL, on the event loop",
    "AEX105": "CPU-heavy parse that holds the GIL, on the event loop",
    "AEX106": "input() on the event loop",
    "AEX107": "blocking wait on a concurrent.futures future on the event loop",
    "AEX200": "keyword arguments passed to run_in_executor()",
    "AEX201": "unpicklable callable sent to a process pool",
    "AEX202": "wrong kind of executor for the work",
    "AEX203": "executor lifecycle inside a coroutine",
    "AEX204": "executor work whose result is dropped",
    "AEX205": "asyncio.get_event_loop()",
    "AEX206": "run_in_executor(None, ...) where asyncio.to_thread() serves",
}

# Codes flake8 leaves off unless selected (``extend_default_ignore``); executor-fix does the same.
OFF_BY_DEFAULT: tuple[str, ...] = ("AEX206",)

# The advice of each AEX1xx code; a call is reported as ``{call} blocks the event loop (...); <advice>``.
BLOCKING_ADVICE: dict[str, str] = {
    "AEX100": "run it in a thread: await asyncio.to_thread({ref}, ...), or use an async client",
    "AEX101": "use await asyncio.sleep(...)",
    "AEX102": "use await asyncio.create_subprocess_exec(...), or run it in a thread:"
    " await asyncio.to_thread({ref}, ...)",
    "AEX103": "run it in a thread: await asyncio.to_thread({ref}, ...)",
    "AEX104": "a thread runs it in parallel and needs no pickling: await asyncio.to_thread({ref}, ...)",
    "AEX105": "threads do not help, for large documents use a process pool:"
    " await loop.run_in_executor(process_pool, {ref}, ...)",
    "AEX106": "read in a thread: await asyncio.to_thread({ref}, ...)",
    "AEX107": "await asyncio.wrap_future({receiver}) instead",
    "AEX107-wait": "wrap the futures with asyncio.wrap_future() and use {replacement}",
}
# A helper cannot be awaited into asyncio.sleep or wrap_future: it goes to a thread as a whole.
_HELPER_ADVICE = "run it in a thread: await asyncio.to_thread({ref}, ...)"

TEMPLATES: dict[str, str] = {
    **{
        key: "{call} blocks the event loop ({resolved}{why}); " + advice
        for key, advice in BLOCKING_ADVICE.items()
    },
    **{
        f"{key}-helper": "{call} blocks the event loop: it calls {target}() ({why}, via {chain}"
        "{others}); " + (_HELPER_ADVICE if key in {"AEX101", "AEX107"} else advice)
        for key, advice in BLOCKING_ADVICE.items()
        if key != "AEX107-wait"
    },
    "AEX200": "{call} does not take keyword arguments ({keywords}): a TypeError at run time; write"
    " {partial} (picklable, unlike a lambda)",
    "AEX201": "{what} sent to a ProcessPoolExecutor cannot be pickled (fails at run time); define it at"
    " module level and pass arguments with functools.partial",
    "AEX202-process": "{callee} ({resolved}{why}) gains nothing from threads; send it to a"
    " ProcessPoolExecutor (loop.run_in_executor(process_pool, ...) or process_pool.submit(...))",
    "AEX202-threads": "{callee} ({resolved}{why}) is sent to a ProcessPoolExecutor, which only"
    " adds a process and pickling to a wait; use threads: {threads}",
    "AEX203-with": "'with {pool}' in a coroutine: leaving it calls shutdown(wait=True), which blocks"
    " the event loop; create the pool once at start-up and shut it down at exit",
    "AEX203-new": "{call} in a coroutine starts a new pool on every call; create the pool once at"
    " start-up and reuse it",
    "AEX203-shutdown": "{call} in a coroutine waits for the pool's work on the event loop; use"
    " {receiver}.shutdown(wait=False) or await loop.run_in_executor(None, {receiver}.shutdown)",
    "AEX204-future": "the future of {call} is dropped, so its exceptions are lost; await it or keep a"
    " reference to it",
    "AEX204-coroutine": "{call} returns a coroutine that is dropped, so the work never runs; await it"
    " or wrap it in asyncio.create_task()",
    "AEX205-coroutine": "{call} in a coroutine: use asyncio.get_running_loop()",
    "AEX205-elsewhere": "{call} is deprecated and fails when no event loop is running on recent"
    " Pythons; use asyncio.run() or asyncio.new_event_loop(), and asyncio.get_running_loop() in"
    " coroutines",
    "AEX206": "{call} can be await asyncio.to_thread({args}), which also copies contextvars",
}


def render(key: str, **fields: str) -> str:
    """The message text (without the code) for a template key and what the rule saw."""
    fields.setdefault("resolved", "")
    return TEMPLATES[key].format(**fields)


def code_of(key: str) -> str:
    return key.partition("-")[0]
