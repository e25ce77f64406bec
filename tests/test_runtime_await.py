"""What an inserted ``await`` changes, shown by running programs (issue 21, ``rules/await_model.py``).

The await is a suspension point (other tasks run in between), a cancellation point (a timeout or a
cancel interrupts it, the thread keeps running) and, for ``to_thread``, another thread. Each
program runs before and after its rewrite: for an unsafe class, the rewrite ``--unsafe-fixes``
makes (a default run leaves the program); for a decline, the rewrite forced through the same
rewriter, as ``tests/test_runtime_safety.py`` does. Every program runs in a child interpreter with a
timeout, and needs no network (a server, when one is needed, is on 127.0.0.1 in the program).
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from flake8_executor.fix.pipeline import apply_findings, fix_source
from tests.cli_runs import Run, shown
from tests.test_fix_safety import marks, reasons
from tests.test_runtime_safety import DEADLOCK, SELF_WAIT_PROBE, forced, run, unsafe_fixed

# A child that takes 0.3 s, then appends a line to sent.txt: a request whose effect lands late.
SEND = """\
import asyncio
import importlib
import subprocess
import sys
from pathlib import Path

APPEND = (
    "import time; time.sleep(0.3); open('sent.txt', 'a').write('sent\\\\n')"
)


def sent():
    path = Path("sent.txt")
    return path.read_text().count("sent") if path.exists() else 0
"""

# -- 1. sync locks held across the new await: declined ------------------------------------------

ACQUIRED = """\
import asyncio
import threading
import time

LOCK = threading.Lock()


async def worker(number):
    LOCK.acquire()
    try:
        time.sleep(0.05)
    finally:
        LOCK.release()
    print("done", number)


async def main():
    await asyncio.gather(worker(1), worker(2))


asyncio.run(main())
"""

CALLER_HOLDS = """\
import asyncio
import threading
import time

LOCK = threading.Lock()


async def save(number):
    time.sleep(0.05)
    print("saved", number)


async def worker(number):
    with LOCK:
        await save(number)


async def main():
    await asyncio.gather(worker(1), worker(2))


asyncio.run(main())
"""

SECOND_ITEM = """\
import asyncio
import contextlib
import threading
import time

LOCK = threading.Lock()


@contextlib.contextmanager
def logged(value):
    yield value


async def worker(number):
    with LOCK, logged(time.sleep(0.05)):
        print("done", number)


async def main():
    await asyncio.gather(worker(1), worker(2))


asyncio.run(main())
"""

CONTEXT_HOLDS = """\
import asyncio
import contextlib
import threading
import time

LOCK = threading.Lock()


@contextlib.asynccontextmanager
async def locked():
    with LOCK:
        yield


async def worker(number):
    async with locked():
        time.sleep(0.05)
    print("done", number)


async def main():
    await asyncio.gather(worker(1), worker(2))


asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("source", "reason", "before"),
    [
        (ACQUIRED, "while LOCK is held (LOCK.acquire() before it", "done 1\ndone 2\n"),
        (CALLER_HOLDS, "worker() awaits this coroutine inside 'with LOCK'", "saved 1\nsaved 2\n"),
        (SECOND_ITEM, "inside 'with LOCK'", "done 1\ndone 2\n"),
        (CONTEXT_HOLDS, "whose yield stands inside LOCK", "done 1\ndone 2\n"),
    ],
    ids=["acquire-release", "caller-holds", "earlier-with-item", "asynccontextmanager"],
)
def test_a_sync_lock_held_across_the_await_deadlocks(
    tmp_path: Path, source: str, reason: str, before: str
) -> None:
    assert run(SELF_WAIT_PROBE + source, tmp_path) == before
    rewritten = forced(source, Settings(), reason)
    assert "await asyncio.sleep(0.05)" in rewritten
    # The second task asks for the lock on the loop's thread while the first awaits, holding it.
    assert (
        run(SELF_WAIT_PROBE + rewritten, tmp_path) == "the thread holding the lock waits for it\n"
    )


# -- 2. cancellation and timeouts: unsafe -------------------------------------------------------

UNDER_TIMEOUT = (
    SEND
    + """

async def main():
    try:
        async with asyncio.timeout(0.1):
            subprocess.run([sys.executable, "-c", APPEND])
        print("sent", sent())
    except TimeoutError:
        print("timed out", sent())


asyncio.run(main())
print("at exit", sent())
"""
)

WAIT_FOR = (
    SEND
    + """

async def send():
    subprocess.run([sys.executable, "-c", APPEND])


async def main():
    try:
        await asyncio.wait_for(send(), 0.1)
        print("sent", sent())
    except asyncio.TimeoutError:
        print("timed out", sent())


asyncio.run(main())
print("at exit", sent())
"""
)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            UNDER_TIMEOUT,
            marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout: 3.11"),
            id="asyncio.timeout",
        ),
        pytest.param(WAIT_FOR, id="caller-wait_for"),
    ],
)
def test_a_timeout_now_interrupts_the_call_and_the_thread_goes_on(
    tmp_path: Path, source: str
) -> None:
    assert run(source, tmp_path) == "sent 1\nat exit 1\n"
    (tmp_path / "sent.txt").unlink()
    fixed = unsafe_fixed(source, Settings())
    assert "await asyncio.to_thread(subprocess.run," in fixed
    # The timeout fires at the await; the request is sent later, once the thread is done.
    assert run(fixed, tmp_path) == "timed out 0\nat exit 1\n"


RETRY = (
    SEND
    + """

async def main():
    for attempt in range(2):
        try:
            async with asyncio.timeout(0.2):
                subprocess.run([sys.executable, "-c", APPEND])
            break
        except TimeoutError:
            print("retry")


asyncio.run(main())
print("at exit", sent())
"""
)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout: 3.11")
def test_a_retry_loop_sends_twice(tmp_path: Path) -> None:
    assert run(RETRY, tmp_path) == "at exit 1\n"
    (tmp_path / "sent.txt").unlink()
    fixed = unsafe_fixed(RETRY, Settings())
    assert run(fixed, tmp_path) == "retry\nretry\nat exit 2\n"


ANYIO_MOVE_ON = """\
import time

import anyio


async def main():
    with anyio.move_on_after(0.1):
        time.sleep(0.3)
        print("slept")
    print("went on")


anyio.run(main)
"""


def test_an_anyio_cancel_scope_now_cuts_the_call_short(tmp_path: Path) -> None:
    assert run(ANYIO_MOVE_ON, tmp_path) == "slept\nwent on\n"
    fixed = unsafe_fixed(ANYIO_MOVE_ON, Settings())
    assert "await anyio.sleep(0.3)" in fixed
    assert run(fixed, tmp_path) == "went on\n"


CANCELLED = """\
import asyncio
import time


async def step():
    try:
        time.sleep(0.3)
        print("slept")
    except {caught}:
        print("swallowed")
    print("went on")


async def main():
    task = asyncio.create_task(step())
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
        print("task finished")
    except asyncio.CancelledError:
        print("task cancelled")


asyncio.run(main())
"""


@pytest.mark.parametrize("caught", ["BaseException", "asyncio.CancelledError", ""])
def test_a_broad_handler_now_swallows_the_cancel(tmp_path: Path, caught: str) -> None:
    source = CANCELLED.replace(" {caught}", f" {caught}" if caught else "")
    assert run(source, tmp_path) == "slept\nwent on\ntask finished\n"
    fixed = unsafe_fixed(source, Settings())
    # The task was cancelled, and goes on as if it was not.
    assert run(fixed, tmp_path) == "swallowed\nwent on\ntask finished\n"


FINALLY = """\
import asyncio
import time


async def step():
    try:
        print("work")
    finally:
        time.sleep(0.3)
        print("cleaned up")


async def main():
    task = asyncio.create_task(step())
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
        print("task finished")
    except asyncio.CancelledError:
        print("task cancelled")


asyncio.run(main())
"""


def test_a_cancel_in_finally_now_skips_the_rest_of_the_cleanup(tmp_path: Path) -> None:
    assert run(FINALLY, tmp_path) == "work\ncleaned up\ntask finished\n"
    fixed = unsafe_fixed(FINALLY, Settings())
    assert run(fixed, tmp_path) == "work\ntask cancelled\n"


# A retry loop with no timeout: the await is a cancellation point, but nothing cancels there on a
# deadline, and a cancel is not an Exception (it ends the loop). What the loop catches is the
# call's own error, which reaches the await from the thread as it was.
RETRY_NO_TIMEOUT = """\
import asyncio
import subprocess
import sys

# Fails twice, then succeeds: each attempt appends a character to a file.
FLAKY = (
    "import pathlib, sys; p = pathlib.Path('tries'); n = len(p.read_text()) if p.exists() else 0;"
    " open('tries', 'a').write('x'); sys.exit(0 if n >= 2 else 1)"
)


async def deploy():
    for attempt in range(3):
        try:
            subprocess.run([sys.executable, "-c", FLAKY], check=True)
        except Exception as error:
            print("retry after", type(error).__name__)
            continue
        return attempt
    return None


async def main():
    print("succeeded at attempt", await deploy())
    task = asyncio.create_task(deploy())
    await asyncio.sleep(0)
    task.cancel()
    try:
        print("finished at attempt", await task)
    except asyncio.CancelledError:
        print("cancelled")
    for _wait in range(100):  # an attempt left running in a thread ends in its own time
        if len(open("tries").read()) >= 4:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # a retry caught at the cancel would have started by now
    print("attempts", len(open("tries").read()))


asyncio.run(main())
"""


def test_a_retry_loop_without_a_timeout_is_unchanged(tmp_path: Path) -> None:
    """A safe fix (``fixtures/fix/retry_loop.py``): the same attempts before and after, and a
    cancel at the new await ends the loop instead of being retried."""
    expected = "retry after CalledProcessError\nretry after CalledProcessError\n"
    expected += "succeeded at attempt 2\n"
    # Before, the attempts block the event loop: the cancel comes once the task is done.
    assert run(RETRY_NO_TIMEOUT, tmp_path) == expected + "finished at attempt 0\nattempts 4\n"
    fixed = fix_source(RETRY_NO_TIMEOUT, Settings()).text  # a default run
    assert "await asyncio.to_thread(subprocess.run, [sys.executable" in fixed
    (tmp_path / "tries").unlink()
    # After, the cancel reaches the first attempt's await (what any to_thread fix allows): it is
    # not caught by `except Exception`, so the loop ends, and no attempt starts beside the one in
    # the thread (a handler for BaseException would make 5). That one finishes there (4), or
    # never runs when the cancel came before a worker thread took it (3).
    after = run(fixed, tmp_path)
    assert after in {expected + f"cancelled\nattempts {count}\n" for count in (3, 4)}, after


# -- 3. new interleavings: unsafe ---------------------------------------------------------------

READ_WRITE = """\
import asyncio
from pathlib import Path


class Stats:
    total = 0


STATS = Stats()
COUNTS = {}


async def count(path):
    STATEMENT


async def main():
    await asyncio.gather(count("a.txt"), count("b.txt"))
    print(STATS.total + COUNTS.get("all", 0))


Path("a.txt").write_text("aaa")
Path("b.txt").write_text("bbbb")
asyncio.run(main())
"""


@pytest.mark.parametrize(
    "statement",
    [
        "STATS.total += len(Path(path).read_text())",
        'COUNTS["all"] = COUNTS.get("all", 0) + len(Path(path).read_text())',
    ],
)
def test_a_value_read_before_and_written_after_loses_an_update(
    tmp_path: Path, statement: str
) -> None:
    source = READ_WRITE.replace("STATEMENT", statement)
    assert run(source, tmp_path) == "7\n"
    fixed = unsafe_fixed(source, Settings())
    # Both tasks read 0 before either writes: one count is lost.
    assert run(fixed, tmp_path) in ("3\n", "4\n")


PROTOCOL = """\
import asyncio
import http.client
import http.server
import threading


class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


SERVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
threading.Thread(target=SERVER.serve_forever, daemon=True).start()
CONN = http.client.HTTPConnection("127.0.0.1", SERVER.server_address[1], timeout=5)


async def get(path):
    CONN.request("GET", path)
    return CONN.getresponse().read()


async def main():
    try:
        print(await asyncio.gather(get("/a"), get("/b")))
    except Exception as error:
        print(type(error).__name__)


asyncio.run(main())
"""


def test_a_two_step_protocol_on_a_shared_connection_interleaves(tmp_path: Path) -> None:
    assert run(PROTOCOL, tmp_path) == "[b'/a', b'/b']\n"
    fixed = unsafe_fixed(PROTOCOL, Settings())
    assert 'await asyncio.to_thread(CONN.request, "GET", path)' in fixed
    # The second task sends its request while the first still waits for its response.
    assert run(fixed, tmp_path) == "CannotSendRequest\n"


SHARED_ARGUMENT = """\
import asyncio
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

ARGS = [sys.executable, "-c", "import sys; print(sys.argv[1:])"]
GATE = threading.Event()


async def run_child():
    subprocess.run(ARGS)


async def change():
    ARGS.append("--changed")
    GATE.set()


async def main():
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    busy = loop.run_in_executor(None, GATE.wait)  # the pool's one thread is busy until GATE
    await asyncio.gather(run_child(), change())
    await busy


asyncio.run(main())
"""


def test_a_shared_argument_is_read_after_another_task_changed_it(tmp_path: Path) -> None:
    assert run(SHARED_ARGUMENT, tmp_path) == "[]\n"
    fixed = unsafe_fixed(SHARED_ARGUMENT, Settings())
    assert "await asyncio.to_thread(subprocess.run, ARGS)" in fixed
    assert run(fixed, tmp_path) == "['--changed']\n"


# -- 4. another thread: declined (input() unsafe) -----------------------------------------------

SIGNAL_DEADLINE = """\
import asyncio
import signal
import time


def on_alarm(signum, frame):
    raise TimeoutError("deadline")


async def main():
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    try:
        time.sleep(0.5)
        print("slept")
    except TimeoutError as error:
        print("interrupted:", error)


try:
    asyncio.run(main())
except TimeoutError as error:
    print("escaped the coroutine:", error)
"""


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers")
def test_a_signal_deadline_no_longer_interrupts_the_call(tmp_path: Path) -> None:
    assert run(SIGNAL_DEADLINE, tmp_path) == "interrupted: deadline\n"
    rewritten = forced(SIGNAL_DEADLINE, Settings(), "a signal deadline (signal.signal()) is set")
    assert run(rewritten, tmp_path) == "escaped the coroutine: deadline\n"


STOP_ITERATION = """\
import asyncio
from pathlib import Path


def first_line(path):
    with open(path) as lines:
        return next(lines)


async def first(path):
    try:
        return first_line(path)
    except StopIteration:
        return "empty"


Path("empty.txt").write_text("")
print(asyncio.run(first("empty.txt")))
"""


def test_a_stop_iteration_cannot_cross_the_await(tmp_path: Path) -> None:
    assert run(STOP_ITERATION, tmp_path) == "empty\n"
    rewritten = forced(STOP_ITERATION, Settings(), "catches StopIteration")
    assert "await asyncio.to_thread(first_line, path)" in rewritten
    # The future cannot take a StopIteration ("interacts badly with generators"): before 3.13 it
    # is never done (the program hangs); from 3.13 the program fails with that RuntimeError. In
    # neither case does "empty" come out.
    outcome = run(rewritten, tmp_path, timeout=3)
    assert outcome == DEADLOCK or outcome.startswith(
        "RuntimeError: StopIteration interacts badly with generators"
    ), outcome


LOOP_CALLBACK = """\
import asyncio
import shutil
from pathlib import Path


def copy(src, dst):
    asyncio.get_running_loop()
    print("copied", Path(src).name)
    return shutil.copy2(src, dst)


async def main():
    try:
        shutil.copytree("src", "dst", copy_function=copy)
    except Exception as error:
        print(type(error).__name__)


Path("src").mkdir()
Path("src", "a.txt").write_text("a")
asyncio.run(main())
"""


def test_a_callback_that_uses_the_loop_fails_in_the_thread(tmp_path: Path) -> None:
    assert run(LOOP_CALLBACK, tmp_path) == "copied a.txt\n"
    rewritten = forced(LOOP_CALLBACK, Settings(), "a callback passed to it (copy)")
    shutil_tree = tmp_path / "dst"
    if shutil_tree.exists():
        for child in shutil_tree.iterdir():
            child.unlink()
        shutil_tree.rmdir()
    (tmp_path / "src" / "a.txt").unlink()
    (tmp_path / "src").rmdir()
    # RuntimeError: no running event loop, in the worker thread.
    assert run(rewritten, tmp_path) == "RuntimeError\n"


SCOPED_SESSION = """\
import asyncio

from sqlalchemy import Column, Integer, create_engine, func, select
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

Base = declarative_base()


class Row(Base):
    __tablename__ = "rows"
    id = Column(Integer, primary_key=True)


ENGINE = create_engine("sqlite:///rows.db")
Base.metadata.create_all(ENGINE)
Session = scoped_session(sessionmaker(bind=ENGINE))


async def save():
    Session.add(Row())
    Session.commit()


asyncio.run(save())
with ENGINE.connect() as connection:
    print(connection.execute(select(func.count()).select_from(Row.__table__)).scalar())
"""


def test_a_scoped_session_is_another_session_in_the_thread(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    assert run(SCOPED_SESSION, tmp_path) == "1\n"
    (tmp_path / "rows.db").unlink()
    rewritten = forced(SCOPED_SESSION, Settings(), "Session is a SQLAlchemy scoped_session")
    assert "await asyncio.to_thread(Session.commit)" in rewritten
    # The worker thread's session commits nothing: the row was added to the loop thread's.
    assert run(rewritten, tmp_path) == "0\n"


DJANGO = """\
import asyncio
import os

import django
from django.conf import settings

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # a script that calls the ORM from a coroutine
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}},
    INSTALLED_APPS=["django.contrib.contenttypes"],
)
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


def count_types(log):
    with open(log, "a"):
        pass
    return ContentType.objects.filter(app_label="shop").count()


async def main():
    transaction.set_autocommit(False)
    ContentType.objects.create(app_label="shop", model="order")
    print("rows seen:", count_types("log.txt"))
    transaction.rollback()


call_command("migrate", verbosity=0)
asyncio.run(main())
"""


def test_the_django_orm_in_a_thread_is_another_connection(tmp_path: Path) -> None:
    pytest.importorskip("django")
    assert run(DJANGO, tmp_path) == "rows seen: 1\n"
    (tmp_path / "db.sqlite3").unlink()
    rewritten = forced(DJANGO, Settings(), "the helper uses the Django ORM (ContentType.objects")
    assert 'await asyncio.to_thread(count_types, "log.txt")' in rewritten
    # The thread's connection does not see the coroutine's transaction.
    assert run(rewritten, tmp_path) == "rows seen: 0\n"


HOOKS = """\
import asyncio
import http.server
import threading

import requests


class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


SERVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ok)
threading.Thread(target=SERVER.serve_forever, daemon=True).start()
URL = f"http://127.0.0.1:{SERVER.server_address[1]}/"


def on_response(response, *args, **kwargs):
    asyncio.get_running_loop()  # to schedule work on the loop
    print("status", response.status_code)


async def main():
    try:
        requests.get(URL, hooks={"response": on_response}, timeout=5)
    except RuntimeError as error:
        print(error)


asyncio.run(main())
"""


def test_a_requests_hook_that_uses_the_loop_fails_in_the_thread(tmp_path: Path) -> None:
    assert run(HOOKS, tmp_path) == "status 204\n"
    rewritten = forced(HOOKS, Settings(), "a callback passed to it (on_response)")
    assert run(rewritten, tmp_path) == "no running event loop\n"


INPUT = """\
import asyncio


async def main():
    print("ready", flush=True)
    return input()


asyncio.run(main())
"""


def _interrupted(source: str, directory: Path) -> str:
    """Whether the program stops on Ctrl-C, pressed twice, while it waits for a line on an open
    pipe (from 3.11, asyncio.run's first Ctrl-C cancels the main task, the second interrupts)."""
    path = directory / "program.py"
    path.write_text(source, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=directory,
        # A shell's background job ignores SIGINT, and Python then keeps ignoring it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        for _press in range(2):
            time.sleep(0.3)
            child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=3)
            return "stopped"
        except subprocess.TimeoutExpired:
            return "still waiting"
    finally:
        child.kill()
        child.communicate()


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child")
def test_ctrl_c_no_longer_interrupts_input(tmp_path: Path) -> None:
    assert _interrupted(INPUT, tmp_path) == "stopped"
    fixed = unsafe_fixed(INPUT, Settings())
    assert "await asyncio.to_thread(input)" in fixed
    # The task is cancelled at the await, then asyncio.run waits for the thread still in input().
    assert _interrupted(fixed, tmp_path) == "still waiting"


# -- pools: what a pool was made with -------------------------------------------------------------

SERIAL_POOL = """\
import asyncio
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

POOL = ProcessPoolExecutor(max_workers=1)
# Each step marks that it runs, and looks for the other's mark for up to a second.
STEP = '''
import pathlib, sys, time
me, other = sys.argv[1], sys.argv[2]
pathlib.Path(me).touch()
deadline = time.monotonic() + 1
while time.monotonic() < deadline and not pathlib.Path(other).exists():
    time.sleep(0.01)
# One write of one short line: the two children share the pipe, and print() may write twice.
sys.stdout.write(me + (" with" if pathlib.Path(other).exists() else " alone") + "\\\\n")
sys.stdout.flush()
time.sleep(0.1)
pathlib.Path(me).unlink()
'''


async def step(me, other):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(POOL, subprocess.run, [sys.executable, "-c", STEP, me, other])


async def main():
    await asyncio.gather(step("a", "b"), step("b", "a"))


if __name__ == "__main__":
    asyncio.run(main())
    POOL.shutdown()
"""


def test_a_one_worker_pool_swapped_for_threads_no_longer_serialises(tmp_path: Path) -> None:
    assert run(SERIAL_POOL, tmp_path) == "a alone\nb alone\n"
    fixed = unsafe_fixed(SERIAL_POOL, Settings())
    # The swap for None goes on to asyncio.to_thread (the form AEX206 asks for), as it is awaited.
    assert "await asyncio.to_thread(subprocess.run," in fixed
    assert sorted(run(fixed, tmp_path).splitlines()) == ["a with", "b with"]


INITIALIZED_POOL = """\
import asyncio
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor


def set_up():
    os.environ["WORKER_TOKEN"] = "set up"


POOL = ProcessPoolExecutor(initializer=set_up)
SHOW = "import os; print(os.environ.get('WORKER_TOKEN'))"


async def main():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(POOL, subprocess.run, [sys.executable, "-c", SHOW])


if __name__ == "__main__":
    asyncio.run(main())
    POOL.shutdown()
"""


def test_a_pool_initializer_is_lost_in_threads(tmp_path: Path) -> None:
    assert run(INITIALIZED_POOL, tmp_path) == "set up\n"
    fixed = unsafe_fixed(INITIALIZED_POOL, Settings())
    assert run(fixed, tmp_path) == "None\n"


# A pool whose workers start by spawn: a fresh interpreter that imports the program again, without
# what the program set up under its main guard (here the sockets' default timeout).
SPAWN_CONTEXT = """\
import asyncio
import http.server
import multiprocessing
import socket
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor

POOL = ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn"))


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.5)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def status(url):
    with urllib.request.urlopen(url) as response:
        return response.status


async def main(url):
    loop = asyncio.get_running_loop()
    try:
        print(await loop.run_in_executor(POOL, status, url))
    except OSError as error:
        print("failed:", error)


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    socket.setdefaulttimeout(0.2)  # the program's own sockets give up after 0.2 s
    asyncio.run(main(f"http://127.0.0.1:{server.server_port}/"))
    POOL.shutdown()
"""


def test_a_spawned_pool_swapped_for_threads_now_sees_the_programs_set_up(tmp_path: Path) -> None:
    # The spawned worker has no default timeout: it waits the 0.5 s the server takes. (On 3.9 the
    # spawn context's resource tracker may warn at exit, on stderr: only the printed line counts.)
    assert run(SPAWN_CONTEXT, tmp_path).splitlines()[0] == "204"
    [finding] = analyze_source(SPAWN_CONTEXT)
    assert finding.code == "AEX202" and finding.unfixable is None
    assert finding.unsafe is not None
    assert "no longer run in workers started by spawn (a fresh interpreter)" in finding.unsafe
    fixed = unsafe_fixed(SPAWN_CONTEXT, Settings())
    assert "print(await asyncio.to_thread(status, url))" in fixed
    # In a thread of the program, the call has the program's 0.2 s default timeout.
    assert run(fixed, tmp_path).splitlines()[0] == "failed: timed out"


SPAWNED_POOL = """\
import asyncio
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class Request:
    async def read(self):
        return b'{"a": 1}'


async def handle(request):
    body = await request.read()
    return json.loads(body)


print("program runs", flush=True)
print(asyncio.run(handle(Request())))
POOL.shutdown()
"""


def test_a_spawned_pool_without_a_main_guard_runs_the_program_again(tmp_path: Path) -> None:
    assert run(SPAWNED_POOL, tmp_path) == "program runs\n{'a': 1}\n"
    settings = Settings(process_pool="POOL")
    rewritten = forced(SPAWNED_POOL, settings, "starts its workers by spawn")
    assert "run_in_executor(POOL, json.loads, body)" in rewritten
    # The worker imports the program, which runs again and starts a process while it boots.
    after = run(rewritten, tmp_path)
    assert after.count("program runs") == 2 and "BrokenProcessPool" in after, after


INHERITED = """\
import asyncio


class Jobs:
    def run_in_executor(self, func, *args, **kwargs):
        return func(*args, **kwargs)


class Reports(Jobs):
    async def build(self):
        return self.run_in_executor(dict, a=1)


print(asyncio.run(Reports().build()))
"""


def test_a_run_in_executor_inherited_from_the_project_is_not_asyncios(tmp_path: Path) -> None:
    """AEX200 says keywords are a TypeError: not for the project's own method, which takes them."""
    assert run(INHERITED, tmp_path) == "{'a': 1}\n"
    assert analyze_source(INHERITED) == []


# -- AEX201: a partial evaluates its arguments at once ---------------------------------------------

LAMBDA_ARGUMENT = """\
import asyncio
import os
from concurrent.futures import ProcessPoolExecutor

PROCESS_POOL = ProcessPoolExecutor(max_workers=1)
MAIN = os.getpid()


def where():
    return "on the loop" if os.getpid() == MAIN else "in the pool"


def show(place):
    return place


async def main():
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(PROCESS_POOL, lambda: show(where()))


if __name__ == "__main__":
    try:
        print(asyncio.run(main()))
    except Exception as error:
        print(type(error).__name__)
    PROCESS_POOL.shutdown()
"""


def test_a_lambda_argument_would_run_on_the_loop_in_a_partial(tmp_path: Path) -> None:
    # As written, the lambda cannot be pickled (what AEX201 reports; the error's class differs
    # between Pythons).
    assert run(LAMBDA_ARGUMENT, tmp_path) in ("AttributeError\n", "PicklingError\n")
    rewritten = forced(LAMBDA_ARGUMENT, Settings(), "argument where() would be evaluated at once")
    assert "functools.partial(show, where())" in rewritten
    # The partial pickles, but where() now runs in the parent: not the work the lambda sent.
    assert run(rewritten, tmp_path) == "on the loop\n"
    by_hand = rewritten.replace("functools.partial(show, where())", "where")
    assert run(by_hand, tmp_path) == "in the pool\n"


# -- frameworks: the module's loop decides ---------------------------------------------------------

TRIO_LOOP = """\
import asyncio
import warnings

import trio

warnings.simplefilter("ignore", DeprecationWarning)


async def main():
    try:
        print(asyncio.get_event_loop().is_running())
    except RuntimeError as error:
        print(error)


trio.run(main)
"""


def test_get_running_loop_fails_under_trio(tmp_path: Path) -> None:
    pytest.importorskip("trio")
    assert run(TRIO_LOOP, tmp_path) == "False\n"
    rewritten = forced(TRIO_LOOP, Settings(), "the module uses trio")
    assert "asyncio.get_running_loop().is_running()" in rewritten
    assert run(rewritten, tmp_path) == "no running event loop\n"


CURIO = """\
import time

import curio


async def main():
    try:
        time.sleep(0.01)
        print("slept")
    except RuntimeError as error:
        print(error)


curio.run(main)
"""

TWISTED = """\
import time

from twisted.internet import defer, task


async def main():
    try:
        time.sleep(0.01)
        print("slept")
    except RuntimeError as error:
        print(error)


task.react(lambda reactor: defer.ensureDeferred(main()))
"""

GEVENT = """\
import gevent
import time


async def main():
    try:
        time.sleep(0.01)
        print("slept")
    except RuntimeError as error:
        print(error)


coroutine = main()
try:
    coroutine.send(None)
except StopIteration:
    pass
gevent.sleep(0)
"""


@pytest.mark.parametrize(
    ("package", "source", "name"),
    [("curio", CURIO, "curio"), ("twisted", TWISTED, "Twisted"), ("gevent", GEVENT, "gevent")],
)
def test_asyncio_fixes_fail_under_another_loop(
    tmp_path: Path, package: str, source: str, name: str
) -> None:
    try:
        importlib.import_module(package)
    except Exception as error:  # curio raises AttributeError on 3.12 and later
        pytest.skip(f"{package} does not import here: {error}")
    assert run(source, tmp_path) == "slept\n"
    rewritten = forced(source, Settings(), f"the module uses {name}, whose event loop")
    assert "await asyncio.sleep(0.01)" in rewritten
    assert run(rewritten, tmp_path) == "no running event loop\n"


THREADPOOL_FUNC = """\
import asyncio

from starlette.concurrency import run_in_threadpool


def save(path, func):
    with open(path, "w") as out:
        out.write(func("saved"))
    return path


async def main():
    print(save("out.txt", func=str.upper), open_text("out.txt"))


def open_text(path):
    with open(path) as text:
        return text.read()


asyncio.run(main())
"""


def test_run_in_threadpool_with_a_func_keyword_goes_through_a_partial(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    assert run(THREADPOOL_FUNC, tmp_path) == "out.txt SAVED\n"
    fixed = unsafe_fixed(THREADPOOL_FUNC, Settings())
    partial = 'await run_in_threadpool(functools.partial(save, "out.txt", func=str.upper))'
    assert partial in fixed
    assert run(fixed, tmp_path) == "out.txt SAVED\n"
    # Without the partial: run_in_threadpool(func, *args, **kwargs) takes func twice.
    plain = fixed.replace(partial, 'await run_in_threadpool(save, "out.txt", func=str.upper)')
    assert run(plain, tmp_path).endswith("got multiple values for argument 'func'")


# -- the project graph's other direction: who imports this module ----------------------------------


def _package(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_module_imported_by_a_trio_module_runs_under_trio(tmp_path: Path) -> None:
    pytest.importorskip("trio")
    work = "import time\n\n\nasync def pause():\n    time.sleep(0.01)\n    print('paused')\n"
    _package(
        tmp_path,
        {"app/__init__.py": "", "app/work.py": work},
    )
    program = "import trio\n\nfrom app.work import pause\n\ntrio.run(pause)\n"
    assert run(program, tmp_path) == "paused\n"  # also writes program.py, the importer
    path = str(tmp_path / "app" / "work.py")
    settings = Settings()
    [finding] = analyze_source(work, settings, path=path)
    assert finding.unfixable is not None
    assert "imported by program, which uses trio" in finding.unfixable
    rewritten = apply_findings(work, [dataclasses.replace(finding, unfixable=None)], settings).text
    (tmp_path / "app" / "work.py").write_text(rewritten, encoding="utf-8")
    assert run(program, tmp_path) == "RuntimeError: no running event loop"


def test_an_import_another_module_takes_from_this_one_is_kept(tmp_path: Path) -> None:
    jobs = (
        "import asyncio\nfrom time import sleep\n\n\nasync def pause():\n"
        "    sleep(0.01)\n    await asyncio.sleep(0)\n"
    )
    _package(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/jobs.py": jobs,
            "app/other.py": "from app.jobs import sleep\n\nNAP = sleep\n",
        },
    )
    program = "import asyncio\n\nfrom app.jobs import pause\nfrom app.other import NAP\n\n"
    program += "asyncio.run(pause())\nprint('ok', NAP.__name__)\n"
    assert run(program, tmp_path) == "ok sleep\n"
    alone = fix_source(jobs, Settings()).text  # seen without its project
    assert "from time import sleep" not in alone
    (tmp_path / "app" / "jobs.py").write_text(alone, encoding="utf-8")
    assert run(program, tmp_path).startswith("ImportError: cannot import name 'sleep'")
    (tmp_path / "app" / "jobs.py").write_text(jobs, encoding="utf-8")
    fixed = fix_source(jobs, Settings(), path=str(tmp_path / "app" / "jobs.py")).text
    assert "await asyncio.sleep(0.01)" in fixed and "from time import sleep" in fixed
    (tmp_path / "app" / "jobs.py").write_text(fixed, encoding="utf-8")
    assert run(program, tmp_path) == "ok sleep\n"


def test_a_caller_in_another_module_holds_a_lock_around_the_await(tmp_path: Path) -> None:
    store = "import time\n\n\nasync def save(number):\n    time.sleep(0.05)\n"
    store += "    print('saved', number)\n"
    _package(tmp_path, {"app/__init__.py": "", "app/store.py": store})
    program = SELF_WAIT_PROBE + (
        "import asyncio\nimport threading\n\nfrom app.store import save\n\n"
        "LOCK = threading.Lock()\n\n\n"
        "async def worker(number):\n    with LOCK:\n        await save(number)\n\n\n"
        "async def main():\n    await asyncio.gather(worker(1), worker(2))\n\n\n"
        "asyncio.run(main())\n"
    )
    assert run(program, tmp_path) == "saved 1\nsaved 2\n"
    path = str(tmp_path / "app" / "store.py")
    [finding] = analyze_source(store, Settings(), path=path)
    assert finding.unfixable is not None
    assert "program.worker() awaits this coroutine inside 'with LOCK'" in finding.unfixable
    rewritten = apply_findings(store, [dataclasses.replace(finding, unfixable=None)], Settings())
    (tmp_path / "app" / "store.py").write_text(rewritten.text, encoding="utf-8")
    assert run(program, tmp_path) == "the thread holding the lock waits for it\n"


# The coroutine of WAIT_FOR, in a module of its own; its caller, in the program, waits for it with
# a timeout.
SEND_MODULE = """\
import subprocess
import sys

APPEND = "import time; time.sleep(0.3); open('sent.txt', 'a').write('sent\\\\n')"


async def send():
    subprocess.run([sys.executable, "-c", APPEND])
"""
WAITS_FOR_SEND = """\
import asyncio
from pathlib import Path

from app.send import send


def sent():
    path = Path("sent.txt")
    return path.read_text().count("sent") if path.exists() else 0


async def main():
    try:
        await asyncio.wait_for(send(), 0.1)
        print("sent", sent())
    except asyncio.TimeoutError:
        print("timed out", sent())


asyncio.run(main())
print("at exit", sent())
"""


def test_a_caller_in_another_module_waits_for_it_with_a_timeout(
    tmp_path: Path, executor_fix: Run
) -> None:
    """WAIT_FOR's class across modules: executor-fix on the project, the program before and after."""
    _package(tmp_path, {"app/__init__.py": "", "app/send.py": SEND_MODULE})
    module = tmp_path / "app" / "send.py"
    assert run(WAITS_FOR_SEND, tmp_path) == "sent 1\nat exit 1\n"  # writes program.py too
    (tmp_path / "sent.txt").unlink()
    result = executor_fix(tmp_path / "app")  # the program is read as the caller, not fixed
    assert module.read_text(encoding="utf-8") == SEND_MODULE, shown(result)
    assert (
        "send.py:8:5: AEX102 not fixed: unsafe fix not applied: program.main() runs this coroutine"
        " under asyncio.wait_for()" in shown(result)
    )
    executor_fix("--unsafe-fixes", tmp_path / "app")
    assert "await asyncio.to_thread(subprocess.run," in module.read_text(encoding="utf-8")
    # The timeout now fires at the await in send(); the child appends its line later.
    assert run(WAITS_FOR_SEND, tmp_path) == "timed out 0\nat exit 1\n"


ACROSS_MODULES = Path(__file__).resolve().parent.parent / "fixtures" / "fix" / "across_modules"


def test_an_async_context_manager_of_another_module_holds_a_lock(
    tmp_path: Path, executor_fix: Run
) -> None:
    """``async with locked():`` where ``locked`` is another module's ``@asynccontextmanager``
    whose yield stands inside ``with LOCK:`` (or after ``LOCK.acquire()``): declined, as in one
    module; forced, the second task blocks the loop on the lock the first holds."""
    shutil.copytree(ACROSS_MODULES, tmp_path, dirs_exist_ok=True)
    worker = tmp_path / "app" / "worker.py"
    original = worker.read_text(encoding="utf-8")

    def program(name: str) -> str:
        return SELF_WAIT_PROBE + (
            f"import asyncio\n\nfrom app.worker import {name}\n\n\n"
            f"async def main():\n    await asyncio.gather({name}(1), {name}(2))\n\n\n"
            "asyncio.run(main())\n"
        )

    for name in ("worker", "other", "plain"):
        assert run(program(name), tmp_path) == "done 1\ndone 2\n"
    result = executor_fix(tmp_path / "app")
    said = reasons(shown(result))
    promised = marks(ACROSS_MODULES / "app" / "worker.py", "declined")
    assert len(promised) == 2
    for line, words in promised.items():
        assert any(words in reason for reason in said.get(line, [])), (line, words, shown(result))
    fixed = worker.read_text(encoding="utf-8")
    assert fixed.count("await asyncio.sleep(0.05)") == 1  # plain(): traced() holds nothing
    assert run(program("plain"), tmp_path) == "done 1\ndone 2\n"
    # The declined rewrites, forced through the same rewriter.
    settings = Settings()
    findings = analyze_source(fixed, settings, path=str(worker))
    cleared = [dataclasses.replace(finding, unfixable=None) for finding in findings]
    worker.write_text(apply_findings(fixed, cleared, settings).text, encoding="utf-8")
    assert worker.read_text(encoding="utf-8").count("await asyncio.sleep(0.05)") == 3
    for name in ("worker", "other"):
        assert run(program(name), tmp_path) == "the thread holding the lock waits for it\n"
    assert original != fixed


# A threading.local subclass whose worker-thread instance is another object: where the thread
# reads its attributes, the call sees another session (or none).
LOCAL_RECEIVER = """\
import asyncio
import http.server
import threading

import requests


class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.headers.get("Authorization", "no token").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


SERVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
threading.Thread(target=SERVER.serve_forever, daemon=True).start()
URL = f"http://127.0.0.1:{SERVER.server_address[1]}/"


class Client(threading.local):
    def __init__(self):
        self.session = requests.Session()  # made again in each thread that uses the object

    def fetch(self, url):
        return self.session.get(url, timeout=5)


class Slot(threading.local):
    session: requests.Session


LOCAL = Client()
SLOT = Slot()


async def main():
    LOCAL.session.headers["Authorization"] = "token 42"
    SLOT.session = LOCAL.session
    try:
        print("server saw:", {call}.text)
    except AttributeError as error:
        print(error)


asyncio.run(main())
"""


def test_an_attribute_of_a_thread_local_is_read_on_the_loop(tmp_path: Path) -> None:
    """``LOCAL.session.get`` is evaluated where the call is written: the worker gets that
    session, and never reads its own copy of ``LOCAL`` (a safe fix, made by a default run)."""
    pytest.importorskip("requests")
    source = LOCAL_RECEIVER.replace("{call}", "LOCAL.session.get(URL, timeout=5)")
    assert run(source, tmp_path) == "server saw: token 42\n"
    [finding] = analyze_source(source)
    assert finding.unfixable is None and finding.unsafe is None
    fixed = fix_source(source, Settings()).text
    assert "(await asyncio.to_thread(LOCAL.session.get, URL, timeout=5)).text" in fixed
    assert run(fixed, tmp_path) == "server saw: token 42\n"


# A helper that reads the thread-local object: its whole body runs in the worker.
FETCH_SLOT = """

def fetch(url):
    return SLOT.session.get(url, timeout=5)
"""


@pytest.mark.parametrize(
    ("helper", "call", "reason", "after"),
    [
        (
            "",
            "LOCAL.fetch(URL)",
            "LOCAL is a Client, a subclass of threading.local",
            "server saw: no token\n",
        ),
        (
            FETCH_SLOT,
            "fetch(URL)",
            "SLOT is a Slot, a subclass of threading.local",
            "'Slot' object has no attribute 'session'\n",
        ),
    ],
    ids=["method-of-the-object", "helper-reads-it"],
)
def test_a_thread_local_object_read_in_the_thread_is_another_one(
    tmp_path: Path, helper: str, call: str, reason: str, after: str
) -> None:
    pytest.importorskip("requests")
    source = LOCAL_RECEIVER.replace("{call}", call)
    source = source.replace("\n\nasync def main", helper + "\n\nasync def main")
    assert run(source, tmp_path) == "server saw: token 42\n"
    rewritten = forced(source, Settings(), reason)
    assert f"(await asyncio.to_thread({call.replace('(', ', ').rstrip(')')})).text" in rewritten
    # The worker's instance: a session made again without the token, or no session at all.
    assert run(rewritten, tmp_path) == after


# -- unsafe reasons that say what happens ----------------------------------------------------------

HELPER_SQLITE = """\
import asyncio
import sqlite3

DB = sqlite3.connect(":memory:")


def log(line):
    with open("log.txt", "a") as out:
        out.write(line)
    DB.execute("create table if not exists seen (line text)")


async def main():
    try:
        log("start")
        print("logged")
    except sqlite3.ProgrammingError as error:
        print(type(error).__name__)


asyncio.run(main())
"""

HELPER_SIGNAL = """\
import asyncio
import signal


def install(path):
    with open(path, "a"):
        pass
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)


async def main():
    try:
        install("log.txt")
        print("installed")
    except ValueError as error:
        print(error)


asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("source", "reason", "after"),
    [
        (
            HELPER_SQLITE,
            "the helper uses DB, a module-level sqlite3 connection",
            "ProgrammingError",
        ),
        (
            HELPER_SIGNAL,
            "the helper calls signal.signal()",
            "signal only works in main thread of the main interpreter",
        ),
    ],
    ids=["sqlite3", "signal"],
)
def test_a_helper_that_only_works_on_the_main_thread(
    tmp_path: Path, source: str, reason: str, after: str
) -> None:
    before = "logged\n" if source is HELPER_SQLITE else "installed\n"
    assert run(source, tmp_path) == before
    rewritten = forced(source, Settings(), reason)
    assert run(rewritten, tmp_path) == after + "\n"


WRAP_FUTURE_CANCEL = """\
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=1)
GATE = threading.Event()


async def consume():
    future = POOL.submit(print, "queued work ran")
    return future.result()


async def main():
    POOL.submit(GATE.wait)
    threading.Timer(0.2, GATE.set).start()
    task = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


asyncio.run(main())
POOL.shutdown()
"""


def test_cancelling_the_task_now_cancels_the_queued_work(tmp_path: Path) -> None:
    assert run(WRAP_FUTURE_CANCEL, tmp_path) == "queued work ran\n"
    fixed = unsafe_fixed(WRAP_FUTURE_CANCEL, Settings())
    assert "return await asyncio.wrap_future(future)" in fixed
    assert run(fixed, tmp_path) == ""


CONTEXT_VARIABLE = """\
import asyncio
import contextvars

USER = contextvars.ContextVar("user", default="nobody")


def log_in(name):
    with open("log.txt", "a") as out:
        out.write(name)
    USER.set(name)


async def main():
    log_in("ada")
    print(USER.get())


asyncio.run(main())
"""


def test_a_context_variable_set_in_the_thread_stays_there(tmp_path: Path) -> None:
    assert run(CONTEXT_VARIABLE, tmp_path) == "ada\n"
    fixed = unsafe_fixed(CONTEXT_VARIABLE, Settings())
    [finding] = analyze_source(CONTEXT_VARIABLE)
    assert finding.unsafe is not None and "sets the context variable USER" in finding.unsafe
    assert run(fixed, tmp_path) == "nobody\n"


FUTURE_TIMEOUT = """\
import asyncio
import concurrent.futures
import threading
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=1)
GATE = threading.Event()


async def main():
    future = POOL.submit(GATE.wait, 1)
    try:
        future.result(0.1)
    except concurrent.futures.TimeoutError:
        print("timed out")


try:
    asyncio.run(main())
except Exception as error:
    print("escaped", type(error).__module__, type(error).__name__)
GATE.set()
"""
PY39 = Path("/root/.pyenv/versions/3.9.18/bin/python")


@pytest.mark.skipif(not PY39.exists(), reason="needs Python 3.9 at " + str(PY39))
def test_wait_for_raises_another_timeout_class_before_3_11(tmp_path: Path) -> None:
    python = str(PY39)
    assert run(FUTURE_TIMEOUT, tmp_path, python=python) == "timed out\n"
    rewritten = forced(FUTURE_TIMEOUT, Settings(), "catches concurrent.futures.TimeoutError")
    assert "await asyncio.wait_for(asyncio.wrap_future(future), 0.1)" in rewritten
    after = run(rewritten, tmp_path, python=python)
    assert after == "escaped asyncio.exceptions TimeoutError\n"
    # From 3.11 the classes are one (builtins.TimeoutError): the fix is no longer declined.
    [finding] = analyze_source(FUTURE_TIMEOUT, Settings(target_version=(3, 11)))
    assert finding.unfixable is None
