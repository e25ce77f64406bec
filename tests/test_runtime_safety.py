"""Why each unsafe fix is unsafe and each declined fix is declined, shown by running programs.

For an unsafe class: a program whose behaviour changes once ``executor-fix --unsafe-fixes`` has
rewritten it (a default run leaves it alone). For a decline: the rewrite the fixer refuses, forced
through the same rewriter (the finding's reason cleared), and the deadlock or error it would cause.
Every program runs in a child interpreter with a timeout; none uses the network.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from flake8_executor.fix.pipeline import apply_findings, fix_source

DEADLOCK = "TIMEOUT"


def run(source: str, directory: Path, timeout: float = 20, python: str = sys.executable) -> str:
    """What the program prints (stdout, then the last line of stderr), or ``TIMEOUT``.

    A program with a process pool shuts it down before it exits: a pool left to the interpreter's
    exit can print "OSError: [Errno 9] Bad file descriptor" now and then, on a busy machine.
    """
    path = directory / "program.py"
    path.write_text(source, encoding="utf-8")
    try:
        completed = subprocess.run(
            [python, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=directory,
            env={**os.environ, "PYTHONPATH": str(directory)},
        )
    except subprocess.TimeoutExpired:
        return DEADLOCK
    errors = completed.stderr.strip().splitlines()
    return completed.stdout + (errors[-1] if errors else "")


def unsafe_fixed(source: str, settings: Settings) -> str:
    """The program after a run with --unsafe-fixes; a default run must leave it as it is."""
    assert fix_source(source, settings).text == source, "a default run applied an unsafe fix"
    fixed = fix_source(source, settings, unsafe_fixes=True).text
    assert fixed != source
    return fixed


def forced(source: str, settings: Settings, reason: str) -> str:
    """The rewrite the fixer declines (with ``reason``), made anyway by the same rewriter."""
    findings = [finding for finding in analyze_source(source, settings) if finding.fix]
    declined = [finding for finding in findings if finding.unfixable]
    assert declined and all(reason in finding.unfixable for finding in declined), declined
    assert fix_source(source, settings, unsafe_fixes=True).text == source
    cleared = [dataclasses.replace(finding, unfixable=None) for finding in findings]
    text = apply_findings(source, cleared, settings).text
    assert text != source
    return text


# -- unsafe fixes: usually right, but the program can change --------------------------------------

SLEEP = """\
import asyncio
import time


async def main(delay):
    try:
        time.sleep(delay)
        print("slept")
    except ValueError as error:
        print("refused:", error)


asyncio.run(main(-1))
"""


def test_sleep_of_a_value_that_may_be_negative(tmp_path: Path) -> None:
    assert run(SLEEP, tmp_path) == "refused: sleep length must be non-negative\n"
    assert run(unsafe_fixed(SLEEP, Settings()), tmp_path) == "slept\n"


WRAP_FUTURE = """\
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=1)
GATE = threading.Event()


async def main():
    POOL.submit(GATE.wait)
    future = POOL.submit(print, "ran")
    future.cancel()
    GATE.set()
    try:
        future.result()
    except Exception as error:
        print("handled", type(error).__module__, type(error).__name__)


try:
    asyncio.run(main())
except BaseException as error:
    print("escaped", type(error).__module__, type(error).__name__)
"""


def test_wrap_future_changes_the_cancellation_exception(tmp_path: Path) -> None:
    before = run(WRAP_FUTURE, tmp_path)
    assert before == "handled concurrent.futures._base CancelledError\n"
    after = run(unsafe_fixed(WRAP_FUTURE, Settings()), tmp_path)
    assert after == "escaped asyncio.exceptions CancelledError\n"


HELPER = """\
import asyncio
import threading

STATE = threading.local()


def read_config():
    with open(STATE.path) as config:
        return config.read()


async def main():
    STATE.path = "config.txt"
    try:
        print(read_config())
    except AttributeError as error:
        print("lost:", error)


with open("config.txt", "w") as config:
    config.write("debug=1")
asyncio.run(main())
"""


def test_a_helper_moved_to_a_thread_leaves_its_thread_state(tmp_path: Path) -> None:
    """Declined since the helper reads a ``threading.local()`` (issue 21: thread affinity)."""
    assert run(HELPER, tmp_path) == "debug=1\n"
    fixed = forced(HELPER, Settings(), "STATE is a threading.local()")
    assert "await asyncio.to_thread(read_config)" in fixed
    assert run(fixed, tmp_path) == "lost: '_thread._local' object has no attribute 'path'\n"


PROCESS_POOL = """\
import asyncio
import io
import json
from concurrent.futures import ProcessPoolExecutor

PROCESS_POOL = ProcessPoolExecutor(max_workers=1)
SEEN = []


def parse(stream):
    SEEN.append(stream)
    return json.loads(stream.read())


async def main():
    print(parse(io.StringIO('{"a": 1}')), len(SEEN))


if __name__ == "__main__":
    asyncio.run(main())
    PROCESS_POOL.shutdown()
"""


def test_a_process_pool_does_not_share_the_program_state(tmp_path: Path) -> None:
    assert run(PROCESS_POOL, tmp_path) == "{'a': 1} 1\n"
    fixed = unsafe_fixed(PROCESS_POOL, Settings(process_pool="PROCESS_POOL"))
    assert "run_in_executor(PROCESS_POOL, parse," in fixed
    assert run(fixed, tmp_path) == "{'a': 1} 0\n"


CONTEXT = """\
import asyncio

from request_context import REQUEST, current_request


async def main():
    REQUEST.set("request-1")
    print(current_request())


asyncio.run(main())
"""
CONTEXT_MODULE = """\
import contextvars

REQUEST = contextvars.ContextVar("request", default="no request")


def current_request():
    return REQUEST.get()
"""


PY39 = Path("/root/.pyenv/versions/3.9.18/bin/python")
# The pre-3.9 form without the copied context, as the fixer wrote it before: the thread runs the
# call in an empty context.
WITHOUT_CONTEXT = "await asyncio.get_running_loop().run_in_executor(None, current_request)"


@pytest.mark.skipif(not PY39.exists(), reason="needs Python 3.9 at " + str(PY39))
def test_the_form_below_py39_copies_contextvars_into_the_thread(tmp_path: Path) -> None:
    """Below py39 the fix does what ``asyncio.to_thread`` does: the call runs in a copy of the
    caller's context (``functools.partial(contextvars.copy_context().run, f, ...)``), so it is safe;
    run on Python 3.9 for a py38 target, and on this Python."""
    (tmp_path / "request_context.py").write_text(CONTEXT_MODULE, encoding="utf-8")
    settings = Settings(extra_calls={**_extra("request_context.current_request=io")})
    for python in (str(PY39), sys.executable):
        assert run(CONTEXT, tmp_path, python=python) == "request-1\n"
    # py39: asyncio.to_thread copies the context: safe, and the same.
    safe = fix_source(CONTEXT, settings).text
    assert "await asyncio.to_thread(current_request)" in safe
    assert run(safe, tmp_path) == "request-1\n"
    # py38: a default run applies it (safe), and the thread sees the variable set before.
    py38 = fix_source(CONTEXT, dataclasses.replace(settings, target_version=(3, 8))).text
    assert (
        "await asyncio.get_running_loop().run_in_executor("
        "None, functools.partial(contextvars.copy_context().run, current_request))"
    ) in py38
    for python in (str(PY39), sys.executable):
        assert run(py38, tmp_path, python=python) == "request-1\n"
    # Without the copied context, the thread would not see it.
    bare = CONTEXT.replace("print(current_request())", f"print({WITHOUT_CONTEXT})")
    assert run(bare, tmp_path, python=str(PY39)) == "no request\n"


def _extra(value: str) -> dict:  # type: ignore[type-arg]
    from flake8_executor.catalog import parse_extra_calls

    return parse_extra_calls(value)


# -- declined fixes: the rewrite would be wrong ---------------------------------------------------

LOCKED = """\
import asyncio
import threading
import time

LOCK = threading.Lock()


async def worker(number):
    with LOCK:
        time.sleep(0.05)
    print("done", number)


async def main():
    await asyncio.gather(worker(1), worker(2))


asyncio.run(main())
"""


# Put before a program: its ``threading.Lock()`` is then one that says so and exits when the thread
# holding it asks for it again, the wait that can never end (only that thread could release it).
# The deadlock is shown at once instead of by a timeout of several seconds.
SELF_WAIT_PROBE = """\
import os
import threading

_real_lock = threading.Lock


class _Probe:
    def __init__(self):
        self._lock = _real_lock()
        self._owner = None

    def acquire(self, blocking=True, timeout=-1):
        if blocking and self._owner == threading.get_ident():
            print("the thread holding the lock waits for it", flush=True)
            os._exit(0)
        if self._lock.acquire(blocking, timeout):
            self._owner = threading.get_ident()
            return True
        return False

    def release(self):
        self._owner = None
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc_info):
        self.release()


threading.Lock = _Probe
"""


def test_an_await_inside_a_lock_deadlocks_the_loop(tmp_path: Path) -> None:
    assert run(SELF_WAIT_PROBE + LOCKED, tmp_path) == "done 1\ndone 2\n"
    rewritten = forced(LOCKED, Settings(), "a lock would deadlock the loop")
    assert "        await asyncio.sleep(0.05)" in rewritten
    # The second task blocks the loop in LOCK.acquire() while the first awaits, holding it: one
    # thread runs both tasks, so the lock's holder is the thread that waits.
    assert (
        run(SELF_WAIT_PROBE + rewritten, tmp_path) == "the thread holding the lock waits for it\n"
    )


@pytest.mark.slow
def test_an_await_inside_a_lock_deadlocks_the_loop_for_real(tmp_path: Path) -> None:
    """The same program with the real lock: it hangs (the default suite shows it with the probe)."""
    assert run(LOCKED, tmp_path) == "done 1\ndone 2\n"
    rewritten = forced(LOCKED, Settings(), "a lock would deadlock the loop")
    assert run(rewritten, tmp_path, timeout=5) == DEADLOCK


SHADOWED = """\
import asyncio
import time


async def main(asyncio):
    time.sleep(0.01)
    print("ok")


asyncio.run(main(None))
"""
IMPORTED_LATER = """\
import asyncio
import time


async def main():
    time.sleep(0.01)
    import asyncio

    print("ok", asyncio.__name__)


asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (SHADOWED, "AttributeError: 'NoneType' object has no attribute 'sleep'"),
        (IMPORTED_LATER, "UnboundLocalError"),
    ],
    ids=["parameter", "later local import"],
)
def test_asyncio_that_is_not_the_module(tmp_path: Path, source: str, error: str) -> None:
    assert run(source, tmp_path).startswith("ok")
    rewritten = forced(source, Settings(), "asyncio is not the asyncio module here")
    assert error in run(rewritten, tmp_path)


CATCHES_CANCELLED = WRAP_FUTURE.replace(
    "except Exception", "except concurrent.futures.CancelledError"
)
CATCHES_CANCELLED = CATCHES_CANCELLED.replace(
    "import asyncio\n", "import asyncio\nimport concurrent.futures\n", 1
)


def test_a_handler_for_concurrent_futures_cancellation_would_be_skipped(tmp_path: Path) -> None:
    assert run(CATCHES_CANCELLED, tmp_path) == "handled concurrent.futures._base CancelledError\n"
    rewritten = forced(CATCHES_CANCELLED, Settings(), "catches concurrent.futures.CancelledError")
    assert run(rewritten, tmp_path) == "escaped asyncio.exceptions CancelledError\n"


USES_LOOP = """\
import asyncio


def remember(path):
    asyncio.get_running_loop().call_soon(print, "scheduled")
    with open(path, "w") as out:
        out.write("x")


async def main():
    remember("out.txt")
    await asyncio.sleep(0)


asyncio.run(main())
"""


def test_a_helper_that_needs_the_running_loop_stays_on_it(tmp_path: Path) -> None:
    assert run(USES_LOOP, tmp_path) == "scheduled\n"
    rewritten = forced(USES_LOOP, Settings(), "the helper uses the running event loop")
    assert "RuntimeError: no running event loop" in run(rewritten, tmp_path)


RECEIVER = """\
import asyncio


class Handle:
    calls = 0

    def loop(self):
        Handle.calls += 1
        return asyncio.get_running_loop()


async def main():
    handle = Handle()
    await handle.loop().run_in_executor(None, print, "work")
    print("receiver evaluated", Handle.calls, "time")


asyncio.run(main())
"""


def test_a_receiver_with_side_effects_is_kept(tmp_path: Path) -> None:
    assert run(RECEIVER, tmp_path) == "work\nreceiver evaluated 1 time\n"
    rewritten = forced(RECEIVER, Settings(), "would no longer be evaluated")
    assert "await asyncio.to_thread(print, " in rewritten
    assert run(rewritten, tmp_path) == "work\nreceiver evaluated 0 time\n"


POOLED = """\
import asyncio
import io
import json
import pickle
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor

PROCESS_POOL = ProcessPoolExecutor(max_workers=1)


async def main():
    {call}


if __name__ == "__main__":
    with open("doc.xml", "w") as out:
        out.write("<a><b/></a>")
    with open("data.pickle", "wb") as out:
        pickle.dump([1], out)
    STREAM = open("data.pickle", "rb")
    DATA = io.StringIO("{}")
    try:
        asyncio.run(main())
    except Exception as error:
        print("failed:", error)
    PROCESS_POOL.shutdown()
"""


@pytest.mark.parametrize(
    ("call", "reason", "error"),
    [
        ("print(json.loads(DATA.read(), object_hook=lambda d: d))", "a lambda", "lambda"),
        ("print(pickle.load(STREAM))", "the open stream", "BufferedReader"),
        ("print(len(list(ET.iterparse('doc.xml'))))", "cannot be pickled back", "pickle"),
    ],
    ids=["lambda argument", "stream argument", "unpicklable result"],
)
def test_what_a_process_pool_cannot_pickle(
    tmp_path: Path, call: str, reason: str, error: str
) -> None:
    source = POOLED.replace("{call}", call)
    assert not run(source, tmp_path).startswith("failed")
    settings = Settings(process_pool="PROCESS_POOL")
    rewritten = forced(source, settings, reason)
    # The pool pickles what it is sent and what it sends back: the program now fails there.
    failure = run(rewritten, tmp_path)
    # 3.13 words a local class it cannot pickle as "Can't get local object '...'".
    errors = (error, "Can't get local object") if error == "pickle" else (error,)
    assert failure.startswith("failed:") and any(word in failure for word in errors), failure


UNBOUND_POOL = """\
import asyncio
import io
import json

DATA = io.StringIO("[1]")


async def main():
    print(json.loads(DATA.read()))


asyncio.run(main())
"""


def test_a_pool_the_module_does_not_bind_is_a_name_error(tmp_path: Path) -> None:
    assert run(UNBOUND_POOL, tmp_path) == "[1]\n"
    rewritten = forced(UNBOUND_POOL, Settings(process_pool="pools.parsing"), "does not bind")
    assert "NameError: name 'pools' is not defined" in run(rewritten, tmp_path)


NESTED = """\
import asyncio
import time


async def main(rows):
    return [[time.sleep(0.01) for _ in row] for row in rows]


print(asyncio.run(main([[1]])))
"""


@pytest.mark.skipif(not PY39.exists(), reason="needs Python 3.9 at " + str(PY39))
def test_await_in_a_nested_comprehension_before_3_11(tmp_path: Path) -> None:
    assert run(NESTED, tmp_path, python=str(PY39)) == "[[None]]\n"
    rewritten = forced(NESTED, Settings(target_version=(3, 9)), "nested comprehension")
    assert "SyntaxError" in run(rewritten, tmp_path, python=str(PY39))
    # From 3.11 the same rewrite is valid, and the fix is no longer declined.
    assert fix_source(NESTED, Settings(target_version=(3, 11))).text != NESTED


DEBUG_FSTRING = """\
import asyncio
import time


async def main():
    print(f"{time.sleep(0.01)=}")


asyncio.run(main())
"""


def test_an_f_string_debug_field_prints_its_own_text(tmp_path: Path) -> None:
    [finding] = analyze_source(DEBUG_FSTRING)
    outcome = apply_findings(DEBUG_FSTRING, [finding], Settings())
    assert outcome.text == DEBUG_FSTRING
    assert outcome.outcomes[0].reason is not None and "{expr=}" in outcome.outcomes[0].reason
    assert run(DEBUG_FSTRING, tmp_path) == "time.sleep(0.01)=None\n"
    # What the rewrite would print: the field's text is the expression as written.
    by_hand = DEBUG_FSTRING.replace("{time.sleep(0.01)=}", "{await asyncio.sleep(0.01)=}")
    assert run(by_hand, tmp_path) == "await asyncio.sleep(0.01)=None\n"


# -- the fixes that make more code right ----------------------------------------------------------

LAMBDA = """\
import asyncio
from concurrent.futures import ProcessPoolExecutor

PROCESS_POOL = ProcessPoolExecutor(max_workers=1)


def crunch(data, *, reverse=False):
    return sorted(data, reverse=reverse)


async def main(data):
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(PROCESS_POOL, lambda: crunch(data, reverse=True)))


if __name__ == "__main__":
    try:
        asyncio.run(main([2, 3, 1]))
    except Exception as error:
        print("failed:", type(error).__name__)
    PROCESS_POOL.shutdown()
"""


def test_a_lambda_becomes_a_partial_that_a_process_pool_can_pickle(tmp_path: Path) -> None:
    assert run(LAMBDA, tmp_path).startswith("failed:")
    fixed = fix_source(LAMBDA, Settings()).text  # safe: a default run
    assert "functools.partial(crunch, data, reverse=True)" in fixed
    assert run(fixed, tmp_path) == "[3, 2, 1]\n"


DROPPED = """\
import asyncio


def work():
    print("worked")


async def main():
    asyncio.to_thread(work)
    await asyncio.sleep(0.1)
    print("done")


asyncio.run(main())
"""


def test_awaiting_a_dropped_to_thread_runs_work_that_never_ran(tmp_path: Path) -> None:
    assert run(DROPPED, tmp_path).startswith("done\n")  # then a "never awaited" warning
    assert run(unsafe_fixed(DROPPED, Settings()), tmp_path) == "worked\ndone\n"


TIMEOUT = """\
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=1)
GATE = threading.Event()


async def main():
    POOL.submit(GATE.wait)
    queued = POOL.submit(print, "queued call ran")
    try:
        queued.result(0.1)
    except Exception as error:
        print("timed out:", type(error).__name__)
    GATE.set()
    POOL.shutdown(wait=True)


asyncio.run(main())
"""


def test_wait_for_cancels_the_future_on_a_timeout(tmp_path: Path) -> None:
    assert run(TIMEOUT, tmp_path) == "timed out: TimeoutError\nqueued call ran\n"
    fixed = unsafe_fixed(TIMEOUT, Settings())
    assert "await asyncio.wait_for(asyncio.wrap_future(queued), 0.1)" in fixed
    assert run(fixed, tmp_path) == "timed out: TimeoutError\n"


KEYWORDS_ON_THE_DEFAULT_POOL = """\
import asyncio
import contextvars
import threading

REQUEST = contextvars.ContextVar("request", default="none")


def fetch(url, timeout):
    return f"{url} {timeout} {REQUEST.get()} {threading.current_thread() is threading.main_thread()}"


async def main():
    REQUEST.set("request-1")
    loop = asyncio.get_running_loop()
    try:
        page = await loop.run_in_executor(None, fetch, "u", timeout=3)
    except TypeError as error:
        page = f"TypeError: {error}"
    print(page)


asyncio.run(main())
"""


def test_keywords_on_the_default_pool_become_to_thread(tmp_path: Path) -> None:
    """AEX200 on the default pool writes ``asyncio.to_thread(f, *args, **kwargs)`` (the form AEX206
    asks for) and drops the ``loop`` it no longer uses: safe. The call that raised ``TypeError``
    now runs in a worker thread, with the keyword, in a copy of the caller's context (as
    ``to_thread`` copies it)."""
    before = run(KEYWORDS_ON_THE_DEFAULT_POOL, tmp_path)
    assert before.startswith("TypeError: "), before
    fixed = fix_source(KEYWORDS_ON_THE_DEFAULT_POOL, Settings()).text
    assert 'asyncio.to_thread(fetch, "u", timeout=3)' in fixed
    assert "loop = asyncio.get_running_loop()" not in fixed
    assert run(fixed, tmp_path) == "u 3 request-1 False\n"
