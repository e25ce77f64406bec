"""AEX100-AEX109: a blocking callable from the catalog, or a helper that reaches one, on the loop.

One family, one check: the catalog entry's kind picks the code, the words of the message and the
rewrite. A coroutine's call of a sync helper of the module that reaches a blocking call (the call
graph) is reported by the most severe kind it reaches, with the chain.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.callgraph import HelperReach
from flake8_executor.analysis.sites import AttributeSite, CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.catalog import Entry, Kind
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed, Unsafe
from flake8_executor.profiles import LOOP_FUNCTION_WORDS
from flake8_executor.rules.base import (
    ON_THE_LOOP,
    Code,
    Docs,
    Message,
    Rule,
    finding_at,
    resolved_prefix,
    shown_call,
    unparse,
)
from flake8_executor.rules.fix_plan import (
    advice_in_framework,
    await_blocked,
    await_changes,
    framework_fix,
    freed_import,
    names_blocked,
    threadpool_blocked,
)
from flake8_executor.rules.pool_model import spawn_without_guard

_TO_THREAD_ADVICE = "run it in a thread: await asyncio.to_thread({ref}, ...)"
# Decided by reading its findings on the benchmark corpus and Home Assistant (CHANGELOG).
AEX109_DEFAULT_ON = False


_GENERATOR_ADVICE = "consume it in a thread: await asyncio.to_thread(lambda: list({ref}(...)))"


# A `with` item cannot be awaited, and moving only the call to a thread would leave the block's
# reads and writes on the loop: the advice moves the whole block (the fixer declines this form).
_WITH_ADVICE = (
    "a with statement cannot await it: move the with block into a sync function and run that in "
    "a thread: await asyncio.to_thread(helper, ...)"
)
_WITH_FILE_ADVICE = (
    "a with statement cannot await it: read or write the file in a thread, "
    "await asyncio.to_thread(path.read_text), or move the with block into a sync function run "
    "with await asyncio.to_thread(helper, ...)"
)


def _templates(
    advice: str, helper_advice: str | None = None, with_advice: str = _WITH_ADVICE
) -> dict[str, str]:
    """A blocking call's message, a helper's (which goes to a thread as a whole), a `with` item's,
    an installed package's function (the same, naming the package), an installed package's
    coroutine (awaited on the loop: only the package can fix it) and a generator function's,
    whose body runs where its result is iterated."""
    return {
        "": "{call} blocks the event loop ({resolved}{why}); " + advice,
        "helper": "{call} blocks the event loop: it calls {target}() ({why}, via {chain}{others}); "
        + (helper_advice or advice),
        "with": "{call} blocks the event loop ({resolved}{why}); " + with_advice,
        "installed": "{call} blocks the event loop: it calls {target}() in {package} ({why}, via "
        "{chain}{others}); " + (helper_advice or advice),
        "coroutine": "await {call} blocks the event loop: the coroutine calls {target}() in "
        "{package} ({why}, via {chain}{others}); only {package} can fix it (report it upstream), "
        "no fix here",
        "property": "{attribute} blocks the event loop: the property's getter calls {target}()"
        "{in_package} ({why}, via {chain}{others}); read it in a thread: await asyncio.to_thread(getattr, "
        "{owner}, {name!r})",
        "generator": "iterating {call} blocks the event loop: the generator calls {target}()"
        "{in_package} ({why}, via {chain}{others}); " + _GENERATOR_ADVICE,
    }


# What a helper also does, besides its most severe kind: said with a verb, after "it also".
_ALSO: dict[Kind, str] = {
    Kind.IO: "does network I/O",
    Kind.SLEEP: "sleeps",
    Kind.SUBPROCESS: "waits for a child process",
    Kind.FILE: "does file I/O",
    Kind.CPU_RELEASES_GIL: "runs CPU-heavy C code",
    Kind.CPU_HOLDS_GIL: "runs a CPU-heavy parse that holds the GIL",
    Kind.STDIN: "waits for the terminal",
    Kind.FUTURE_WAIT: "waits for a concurrent.futures future",
    Kind.THREAD_WAIT: "waits for another thread or process",
    Kind.STAT: "reads file metadata",
}
# Where a kind's words are wrong for a library: sqlite3 reads and writes a database file, and
# no network is involved.
_WHY_BY_MODULE: dict[str, str] = {"sqlite3": "database file I/O"}


def _why(qualified: str, kind: Kind) -> str:
    """Why the call blocks, in the words of its kind or of its library."""
    if kind is Kind.IO:
        return _WHY_BY_MODULE.get(qualified.partition(".")[0], kind.why)
    return kind.why


def _also(kinds: tuple[Kind, ...]) -> str:
    """ "; it also sleeps and does file I/O": the other kinds a helper reaches."""
    if not kinds:
        return ""
    words = [_ALSO[kind] for kind in kinds]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"; it also {listed}"


# The fix of every code moved to a thread, said once; docs/fixer.md has the whole of it.
_TO_THREAD_FIX = (
    "`f(a, k=v)` becomes `await asyncio.to_thread(f, a, k=v)`, and `import asyncio` is added "
    "once; a coroutine's call of a blocking helper is moved the same way, as a whole (unsafe). "
    "Safe where the call runs the same, with the same arguments, in the default thread pool; "
    "declined where `await` cannot be added (`with open(p) as f:`, a generator expression, a "
    "sync `with` block, a sync function a framework runs on the loop such as a Home Assistant "
    "`@callback`) and for a lazy iterator (`os.scandir(p)`, `os.walk(p)`, `Path.iterdir()`, a "
    "generator's iteration: only its creation would move to the thread). Unsafe or declined "
    "where the inserted `await` changes the outcome: a sync lock held across it, a timeout or a "
    "broad handler around it, shared state read across it, thread-bound state ([safe and unsafe "
    "fixes](../fixer.md#safe-and-unsafe-fixes)). What it writes below py39 and in modules that "
    "use anyio, Starlette or trio (Twisted, gevent, curio: declined), and every case it leaves "
    "unsafe or declines: [moving a call to a thread](../fixer.md#moving-a-call-to-a-thread)."
)

AEX100 = Code(
    "AEX100",
    "blocking network call on the event loop",
    {
        **_templates(
            "run it in a thread: await asyncio.to_thread({ref}, ...), or use an async client"
        ),
        # A sqlite3 connection refuses calls from another thread (check_same_thread): moving one
        # call of it to a thread raises ProgrammingError; the connection's work moves as a whole.
        "sqlite3": "{call} blocks the event loop ({resolved}{why}); a sqlite3 connection works "
        "only in the thread that made it: move the work with it into a sync function run with "
        "await asyncio.to_thread(helper, ...), or use aiosqlite",
    },
    Docs(
        what="Finds network calls that block: `requests.get/post/...` and the methods of "
        "`requests.Session()`, sync `httpx`/`httpx2` functions and `Client()` methods, "
        "`urllib.request.urlopen/urlretrieve` and openers, `urllib3.request` and its pools, "
        "`http.client` connections, `socket`/`ssl` socket calls and name lookups, `smtplib`, "
        "`ftplib`, `imaplib`, `poplib`, `xmlrpc.client.ServerProxy`, `paramiko`, and the sync "
        "clients of databases and services: `sqlite3`, `psycopg2`, `psycopg`, `pymysql`, "
        "`MySQLdb`, SQLAlchemy engines, connections and sessions (`db: Session` too), `redis`, "
        "`pymongo`, `elasticsearch`, `boto3`/`botocore` clients, `kafka-python`; Celery's "
        "`.delay()`/`.apply_async()` of a task declared in the module and "
        "`AsyncResult(...).get()`; called in an `async def`. Objects are followed through the "
        'calls that make them (`psycopg2.connect(...).cursor()`, `MongoClient()["db"]["c"]`, '
        '`boto3.client("s3")`, `sessionmaker(...)()`). [The catalog](../catalog.md) lists every '
        "name.",
        why="A request waits for the network on the event loop's thread: every other task of "
        "the program stalls until the answer comes, for milliseconds or for the whole timeout.",
        example="import requests\n\n\nasync def load(url):\n"
        "    return requests.get(url).json()  # error: AEX100\n",
        use_instead="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    return (await asyncio.to_thread(requests.get, url)).json()\n",
        fix=_TO_THREAD_FIX + " Not for `sqlite3` connections and cursors: they belong to the "
        "thread that made them. An async client (`httpx.AsyncClient`, `aiohttp`, `asyncpg`, "
        "`redis.asyncio`) is the better cure where you can change the code.",
        fixed="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    return (await asyncio.to_thread(requests.get, url)).json()\n",
        invalid=(
            "import requests\n\nSESSION = requests.Session()\n\n\nasync def ping(url):\n"
            "    SESSION.head(url)  # error: AEX100\n",
        ),
        valid=(
            "import asyncio\n\nimport requests\n\n\nasync def load(loop, url):\n"
            "    # a reference is not a call, and a lambda runs in the executor\n"
            "    await asyncio.to_thread(requests.get, url)\n"
            "    await loop.run_in_executor(None, lambda: requests.get(url))\n",
        ),
    ),
    fix="`await asyncio.to_thread(...)`",
)

AEX101 = Code(
    "AEX101",
    "time.sleep() on the event loop",
    _templates("use await asyncio.sleep(...)", _TO_THREAD_ADVICE),
    Docs(
        what="Finds `time.sleep(...)` (also `from time import sleep`) called in an `async def`. "
        "Not `time.sleep(0)`: it does not block (it lets other threads run), and an await there "
        "would only change what runs in between.",
        why="`time.sleep` sleeps the whole thread, and the event loop with it: no other task runs "
        "until it returns. `asyncio.sleep` suspends only the coroutine that asked.",
        example="import time\n\n\nasync def poll():\n    time.sleep(1)  # error: AEX101\n",
        use_instead="import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n",
        fix="`time.sleep(x)` becomes `await asyncio.sleep(x)`; `import asyncio` is added and "
        "`import time` (or `from time import sleep`) removed once nothing else uses it. Safe for a "
        "non-negative literal; unsafe otherwise (`time.sleep(-1)` raises, `asyncio.sleep(-1)` "
        "does not). Declined for arguments other than one plain value, and where `await` cannot "
        "be added. A helper that sleeps is moved to a thread as a whole (unsafe). In a module "
        "that uses anyio: `await anyio.sleep(x)`; declined under trio and with Starlette's "
        "`run_in_threadpool` (no anyio import).",
        fixed="import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n",
    ),
    fix="`await asyncio.sleep(...)`",
)

AEX102 = Code(
    "AEX102",
    "blocking subprocess call on the event loop",
    _templates(
        "use await asyncio.create_subprocess_exec(...), or run it in a thread:"
        " await asyncio.to_thread({ref}, ...)"
    ),
    Docs(
        what="Finds `subprocess.run/call/check_call/check_output/getoutput/getstatusoutput`, "
        "`subprocess.Popen(...)` itself (fork and exec on the loop), `os.system`, `os.popen`, "
        "`os.spawn*`, `os.posix_spawn/posix_spawnp`, `os.wait*`, and "
        "`Popen(...).wait()/communicate()` called in an `async def`.",
        why="These wait for a child process to finish, on the event loop's thread: the whole "
        "program stalls for as long as the child runs.",
        example="import subprocess\n\n\nasync def build():\n"
        '    subprocess.run(["make"])  # error: AEX102\n',
        use_instead="import asyncio\n\n\nasync def build():\n"
        '    proc = await asyncio.create_subprocess_exec("make")\n    await proc.wait()\n',
        fix=_TO_THREAD_FIX,
        fixed="import asyncio\nimport subprocess\n\n\nasync def build():\n"
        '    await asyncio.to_thread(subprocess.run, ["make"])\n',
    ),
    fix="`await asyncio.to_thread(...)`",
)

AEX103 = Code(
    "AEX103",
    "blocking file I/O on the event loop",
    _templates(_TO_THREAD_ADVICE, with_advice=_WITH_FILE_ADVICE),
    Docs(
        what="Finds `open`, `io.open`, `io.open_code`, `os.fdopen`, `Path(...).read_text/"
        "read_bytes/write_text/write_bytes/open/iterdir/glob/rglob/touch/unlink/mkdir/rename/"
        "stat`, `os.listdir/scandir/walk/stat/mkdir/makedirs/remove/unlink/rename/replace`, "
        "`glob.glob/iglob`, `tempfile` files and directories, `zipfile`/`tarfile` extraction, "
        "`shutil` copies, moves and archives, `ssl` certificate loading (`create_default_context`, "
        "`SSLContext.load_*`, `urllib.request.build_opener`, which builds such a context), and a "
        "time zone's first load (`zoneinfo.ZoneInfo`, `pytz.timezone`, `dateutil.tz.gettz`), "
        "called in an `async def`. Not on `os.devnull`, and not the argument of "
        "`trio`/`anyio.wrap_file(...)`.",
        why="A disk, a network file system or a full pipe can take long to answer, and the "
        "event loop waits with the call.",
        example="from pathlib import Path\n\n\nasync def config(path):\n"
        "    return Path(path).read_text()  # error: AEX103\n",
        use_instead="import asyncio\nfrom pathlib import Path\n\n\nasync def config(path):\n"
        "    return await asyncio.to_thread(Path(path).read_text)\n",
        fix=_TO_THREAD_FIX,
        fixed="import asyncio\nfrom pathlib import Path\n\n\nasync def config(path):\n"
        "    return await asyncio.to_thread(Path(path).read_text)\n",
        invalid=(
            "async def read(path):\n"
            "    with open(path) as f:  # error: AEX103\n        return f.read()\n",
        ),
    ),
    fix="`await asyncio.to_thread(...)` (not `with open(...)`)",
)

AEX104 = Code(
    "AEX104",
    "CPU-heavy C call that releases the GIL, on the event loop",
    _templates(
        "a thread runs it in parallel and needs no pickling: await asyncio.to_thread({ref}, ...)"
    ),
    Docs(
        what="Finds `hashlib.pbkdf2_hmac/scrypt` and `bcrypt.hashpw/checkpw/kdf` (slow by "
        "design: always), `hashlib.sha256(data)` and the other hash constructors, and "
        "`zlib/gzip/bz2/lzma.compress/decompress` when their input is evidently large (the "
        "result of a `read()`, a file, a network body; in a helper too, when given one), and "
        "Pillow's image conversions, resizes and saves, called in an `async def`. A literal, "
        "a fixed-size value (`os.urandom(16)`, a uuid) or a value of unknown size is not "
        "reported: [precision](../precision.md).",
        why="They keep the CPU busy on the event loop's thread for as long as their input is "
        "large. They release the GIL, so a thread runs them in parallel with the loop, with no "
        "pickling (measured: two threads take the time of one).",
        example="import hashlib\n\n\nasync def hash_password(pw, salt):\n"
        '    return hashlib.pbkdf2_hmac("sha256", pw, salt, 600_000)  # error: AEX104\n',
        use_instead="import asyncio\nimport hashlib\n\n\nasync def hash_password(pw, salt):\n"
        "    return await asyncio.to_thread(\n"
        '        hashlib.pbkdf2_hmac, "sha256", pw, salt, 600_000\n    )\n',
        fix=_TO_THREAD_FIX,
        fixed="import asyncio\nimport hashlib\n\n\nasync def hash_password(pw, salt):\n"
        '    return await asyncio.to_thread(hashlib.pbkdf2_hmac, "sha256", pw, salt, 600_000)\n',
    ),
    fix="`await asyncio.to_thread(...)`",
)

AEX105 = Code(
    "AEX105",
    "CPU-heavy parse that holds the GIL, on the event loop",
    _templates(
        "threads do not help, for large documents use a process pool:"
        " await loop.run_in_executor(process_pool, {ref}, ...)"
    ),
    Docs(
        what="Finds parses of a whole file or stream (`json.load`, `pickle.load`, "
        "`xml.etree.ElementTree.parse/iterparse`, `xml.dom.minidom.parse`, `lxml.etree.parse`, "
        "`pandas.read_csv/read_json/read_parquet/...`), and parses of a value in memory "
        "(`json.loads`, `pickle.loads`, `ElementTree.fromstring/XML`, `minidom.parseString`, "
        "`lxml.etree.fromstring/XML`, `yaml.load/safe_load/full_load/unsafe_load`) when that "
        "value is evidently large (the result of a `read()`, a file, a network body), called in "
        "an `async def`, directly or in a helper given such a value. A cookie, a websocket "
        "message or a parameter of unknown size is not reported: [precision](../precision.md).",
        why="Parsing a large document keeps the CPU busy on the event loop's thread. These hold "
        "the GIL, so a thread does not run them in parallel with the loop (measured: two threads "
        "take the time of two or more); a process pool does.",
        example="import json\n\n\nasync def handle(request):\n"
        "    body = await request.read()\n"
        "    return json.loads(body)  # error: AEX105\n",
        use_instead="import asyncio\nimport json\nfrom concurrent.futures import "
        "ProcessPoolExecutor\n\nPROCESS_POOL = ProcessPoolExecutor()\n\n\n"
        "async def handle(request):\n    body = await request.read()\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(PROCESS_POOL, json.loads, body)\n",
        fix="Only with a process pool configured (`--executor-process-pool EXPR`, `--process-pool` "
        "for executor-fix, `process-pool` in "
        "`[tool.flake8-executor]`): `json.loads(b)` becomes `await asyncio.get_running_loop()"
        ".run_in_executor(EXPR, json.loads, b)` (keyword arguments go into `functools.partial`). "
        "Unsafe: the arguments and the result are pickled to another process and back, and the "
        "call no longer sees this process's state. Declined without a configured pool, when the "
        "pool's name is not bound in the module, for an argument or a result that cannot be "
        "pickled (an open stream, a lambda, `iterparse`, lxml trees), and where `await` cannot be "
        "added.",
        fix_args=("--process-pool", "request.app.state.pool", "--unsafe-fixes"),
        fixed="import asyncio\nimport json\n\n\nasync def handle(request):\n"
        "    body = await request.read()\n    return await asyncio.get_running_loop()"
        ".run_in_executor(request.app.state.pool, json.loads, body)\n",
    ),
    fix="only with `--executor-process-pool`",
)

AEX106 = Code(
    "AEX106",
    "input() on the event loop",
    _templates("read in a thread: await asyncio.to_thread({ref}, ...)"),
    Docs(
        what="Finds `input(...)` called in an `async def`.",
        why="`input` waits for the terminal, for as long as the user takes to type: the event "
        "loop and every task on it wait too.",
        example="import sys\n\n\nasync def main():\n"
        "    name = input('name? ')  # error: AEX106\n    sys.stdout.write(name)\n",
        use_instead="import asyncio\nimport sys\n\n\nasync def main():\n"
        "    name = await asyncio.to_thread(input, 'name? ')\n    sys.stdout.write(name)\n",
        fix=_TO_THREAD_FIX + " Unsafe for `input()` itself: in a thread, Ctrl-C no longer "
        "interrupts it (the program waits for a line before it stops).",
        fix_args=("--unsafe-fixes",),
        fixed="import asyncio\nimport sys\n\n\nasync def main():\n"
        "    name = await asyncio.to_thread(input, 'name? ')\n    sys.stdout.write(name)\n",
    ),
    fix="`await asyncio.to_thread(input, ...)`",
)

_WAIT_REPLACEMENTS = {
    "concurrent.futures.wait": "await asyncio.wait(...)",
    "concurrent.futures.as_completed": "asyncio.as_completed(...)",
}

AEX107 = Code(
    "AEX107",
    "blocking wait on a concurrent.futures future on the event loop",
    {
        **_templates("await asyncio.wrap_future({receiver}) instead", _TO_THREAD_ADVICE),
        "wait": "{call} blocks the event loop ({resolved}{why}); wrap the futures with"
        " asyncio.wrap_future() and use {replacement}",
    },
    Docs(
        what="Finds `.result()` and `.exception()` of a future from `executor.submit(...)`, "
        "`concurrent.futures.wait(...)` and `concurrent.futures.as_completed(...)` in an "
        "`async def`.",
        why="They block the thread until the pool's work is done; on the event loop that is "
        "every task waiting for one.",
        example="from concurrent.futures import ThreadPoolExecutor\n\n"
        "POOL = ThreadPoolExecutor()\n\n\nasync def main(work):\n    fut = POOL.submit(work)\n"
        "    return fut.result()  # error: AEX107\n",
        use_instead="import asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
        "POOL = ThreadPoolExecutor()\n\n\nasync def main(work):\n    fut = POOL.submit(work)\n"
        "    return await asyncio.wrap_future(fut)\n",
        fix="`fut.result()` becomes `await asyncio.wrap_future(fut)`, and `fut.result(t)` "
        "`await asyncio.wait_for(asyncio.wrap_future(fut), t)`. Unsafe: a cancelled future then "
        "raises `asyncio.CancelledError` instead of `concurrent.futures.CancelledError` (declined "
        "inside a `try` that catches the latter), cancelling the awaiting task now cancels the "
        "future (queued pool work never runs), and on a timeout `wait_for` cancels the future, "
        "which `result(t)` leaves to run; before Python 3.11 its `asyncio.TimeoutError` is not "
        "`concurrent.futures.TimeoutError` (declined inside a `try` that catches the latter). "
        "Declined where `await` cannot be added, and in a "
        "module that uses anyio, trio or Starlette's `run_in_threadpool` (asyncio's functions fail "
        "under trio); `.exception()`, `wait()` and `as_completed()` are not fixed.",
        fix_args=("--unsafe-fixes",),
        fixed="import asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
        "POOL = ThreadPoolExecutor()\n\n\nasync def main(work):\n    fut = POOL.submit(work)\n"
        "    return await asyncio.wrap_future(fut)\n",
    ),
    fix="`.result()` -> `await asyncio.wrap_future(fut)`",
)

AEX108 = Code(
    "AEX108",
    "blocking wait on a thread or process primitive on the event loop",
    _templates(
        "use the asyncio primitive (asyncio.Lock, Event, Queue), or wait in a thread:"
        " await asyncio.to_thread({ref}, ...)",
        _TO_THREAD_ADVICE,
    ),
    Docs(
        what="Finds `acquire()` of a `threading`/`multiprocessing` `Lock`, `RLock`, `Semaphore` "
        "or `Condition`, `wait()` of an `Event`, `Condition` or `Barrier`, `join()` of a "
        "`Thread` or `Process`, `get()` and `join()` of a `queue` or `multiprocessing` queue, "
        "and `apply/map/starmap/join` of a `multiprocessing` pool, called in an `async def`. "
        "Not with `block=False`/`blocking=False` (or `False` as first argument), nor the "
        "`_nowait` methods, nor the `asyncio` primitives of the same names.",
        why="These wait for another thread or process, by default for as long as it takes: on "
        "the event loop, every task waits with them, and the thread they wait for may itself "
        "be waiting for the loop (a deadlock).",
        example="import queue\n\nJOBS = queue.Queue()\n\n\nasync def next_job():\n"
        "    return JOBS.get()  # error: AEX108\n",
        use_instead="import asyncio\nimport queue\n\nJOBS = queue.Queue()\n\n\n"
        "async def next_job():\n    return await asyncio.to_thread(JOBS.get)\n",
        fix=_TO_THREAD_FIX + " Not for `acquire()` and `Condition.wait()`: a lock taken in a "
        "worker thread belongs to that thread (an `RLock` cannot be released from the loop).",
        fixed="import asyncio\nimport queue\n\nJOBS = queue.Queue()\n\n\n"
        "async def next_job():\n    return await asyncio.to_thread(JOBS.get)\n",
        valid=(
            "import asyncio\nimport queue\n\nJOBS = queue.Queue()\nLOCK = asyncio.Lock()\n\n\n"
            "async def poll():\n    async with LOCK:\n        return JOBS.get_nowait()\n",
        ),
    ),
    fix="`await asyncio.to_thread(...)` (not `acquire()`)",
)

AEX109 = Code(
    "AEX109",
    "file-system metadata call (the stat family) on the event loop",
    _templates(_TO_THREAD_ADVICE),
    Docs(
        what="Finds the stat family called in an `async def`: `os.stat/lstat/access`, "
        "`os.path.exists/lexists/isfile/isdir/islink/ismount/getsize/getmtime/getatime/getctime/"
        "samefile`, `Path(...).stat/lstat/exists/is_file/is_dir/is_symlink/is_mount/resolve/"
        "samefile`, and `shutil.which`. Its own code, off by default: select it with "
        "`--extend-select=AEX109` (flake8-async's ASYNC240 is the peer, for `os.path`).",
        why="Each is one `stat` (or a few) of the file system: microseconds on a local disk, but "
        "on a network file system, a disk under load or a slow `$PATH` it waits, and the event "
        "loop waits with it (blockbuster traces of `os.stat`; aiohttp moved its `FileResponse` "
        "checks to a thread for this). Off by default: on the benchmark corpus (14 findings) and "
        "Home Assistant 2024.3.3 (18) every finding was a real stat in a coroutine, but half were "
        "one-time start-up checks, and on a local disk a thread hop costs more than the stat.",
        example="import os\n\n\nasync def cached(path):\n"
        "    return os.path.exists(path)  # error: AEX109\n",
        use_instead="import asyncio\nimport os\n\n\nasync def cached(path):\n"
        "    return await asyncio.to_thread(os.path.exists, path)\n",
        fix=_TO_THREAD_FIX,
        fixed="import asyncio\nimport os\n\n\nasync def cached(path):\n"
        "    return await asyncio.to_thread(os.path.exists, path)\n",
        invalid=(
            "import shutil\nfrom pathlib import Path\n\n\nasync def tool(path):\n"
            "    if Path(path).is_file():  # error: AEX109\n        return path\n"
            '    return shutil.which("git")  # error: AEX109\n',
        ),
        valid=(
            "import os\nfrom pathlib import Path\n\n\nasync def names(path):\n"
            "    # pure path arithmetic touches no disk\n"
            "    return os.path.join(path, 'a'), Path(path).name, os.path.basename(path)\n",
        ),
        flake8_args=("--extend-select=AEX109",),
        fix_args=("--select=AEX109",),
    ),
    fix="`await asyncio.to_thread(...)`",
    default_on=AEX109_DEFAULT_ON,
)

# The kind of a catalog entry decides the code.
CODE_OF_KIND: dict[Kind, Code] = {
    Kind.IO: AEX100,
    Kind.SLEEP: AEX101,
    Kind.SUBPROCESS: AEX102,
    Kind.FILE: AEX103,
    Kind.CPU_RELEASES_GIL: AEX104,
    Kind.CPU_HOLDS_GIL: AEX105,
    Kind.STDIN: AEX106,
    Kind.FUTURE_WAIT: AEX107,
    Kind.THREAD_WAIT: AEX108,
    Kind.STAT: AEX109,
}


def blocking_call(call: CallSite, state: FileState) -> Iterator[Finding]:
    if not call.on_loop:
        return
    node = call.node
    found = state.lookup.blocking_call(call)
    if found is None:
        if state.blocking_entry(node.func, call.scope) is not None:
            return  # a catalog call that does not block as written (see ``blocking_call``)
        # A sync function whose result is awaited returns an awaitable (``sync_to_async``...);
        # an installed package's coroutine awaited runs on the loop.
        if call.awaited:
            reach = state.awaited_reach(node.func, call.scope, node)
            if reach is not None and not _nonblocking_socket(reach):
                yield _coroutine_call(call, reach, state)
            return
        reach = state.helper_reach(node.func, call.scope, node) or state.sized_helper_reach(call)
        if reach is not None:
            yield _helper_call(call, reach, state)
        elif call.iterated:
            reach = state.iteration_reach(node.func, call.scope)
            if reach is not None:
                yield _helper_call(call, reach, state, generator=True)
        return
    qualified, entry = found
    kind = entry.kind
    fields = {
        "call": shown_call(node.func),
        "resolved": resolved_prefix(node.func, qualified),
        "why": _why(qualified, kind),
        "ref": unparse(node.func),
    }
    variant = "with" if call.is_with_item else ""
    if kind is Kind.IO and qualified.startswith("sqlite3."):
        variant = "sqlite3"
    if kind is Kind.FUTURE_WAIT:
        if isinstance(node.func, ast.Attribute) and qualified not in _WAIT_REPLACEMENTS:
            fields["receiver"] = unparse(node.func.value)
        else:
            variant = "wait"
            fields["replacement"] = _WAIT_REPLACEMENTS.get(qualified, "asyncio.wait(...)")
    import_binding = state.resolver.import_binding(node.func, call.scope)
    fix, unfixable, unsafe = _fix_plan(entry, call, state, qualified)
    yield finding_at(
        node,
        _on_a_loop_function(
            advice_in_framework(CODE_OF_KIND[kind].message(variant, **fields), call, state), call
        ),
        qualified=qualified,
        kind=kind.value,
        fix=fix,
        unfixable=unfixable,
        unsafe=unsafe,
        import_origin=freed_import(import_binding.origin, state)
        if import_binding is not None and fix is not None and unfixable is None
        else None,
    )


def _reach_message(call: CallSite, reach: HelperReach, variant: str) -> Message:
    node = call.node
    kind = reach.kind
    return CODE_OF_KIND[kind].message(
        variant,
        call=shown_call(node.func),
        target=reach.target,
        why=_why(reach.target, kind),
        chain=" -> ".join(reach.chain),
        others=_also(reach.others),
        ref=unparse(node.func),
        package=reach.package or "",
        in_package=f" in {reach.package}" if reach.package else "",
    )


# Socket methods an async library calls on its own non-blocking sockets (``sock.setblocking(False)``
# then ``sock.send``): inside a library coroutine they are the loop's I/O, not a stall.
_SOCKET_TYPES = ("socket.socket.", "ssl.SSLSocket.", "socket.SocketIO.")


def _nonblocking_socket(reach: HelperReach) -> bool:
    return reach.target.startswith(_SOCKET_TYPES)


def _coroutine_call(call: CallSite, reach: HelperReach, state: FileState) -> Finding:
    """``await lib.call()`` where the installed package's coroutine blocks: reported at the
    project's ``await``, with no fix (the blocking call is in the package's code)."""
    return finding_at(
        call.node,
        advice_in_framework(_reach_message(call, reach, "coroutine"), call, state),
        qualified=reach.chain[0],
        kind=reach.kind.value,
    )


def blocking_property(item: AttributeSite, state: FileState) -> Iterator[Finding]:
    """A property read on the loop whose getter reaches a blocking call: reported at the read,
    with the chain (no rewrite: the read may be an assignment's target's value, an argument...)."""
    node = item.node
    reach = state.property_reach(node, item.site.scope)
    if reach is None:
        return
    kind = reach.kind
    others = "; it also " + ", ".join(other.why for other in reach.others) if reach.others else ""
    message = CODE_OF_KIND[kind].message(
        "property",
        attribute=unparse(node),
        target=reach.target,
        why=kind.why,
        chain=" -> ".join(reach.chain),
        others=others,
        owner=unparse(node.value),
        name=node.attr,
        in_package=f" in {reach.package}" if reach.package else "",
    )
    yield finding_at(node, message, qualified=reach.chain[0], kind=kind.value)


def _helper_call(
    call: CallSite, reach: HelperReach, state: FileState, generator: bool = False
) -> Finding:
    """A call of a sync helper of this module that reaches a blocking call, reported by its kind;
    or, ``generator``, the iteration of a generator function's result, whose body blocks."""
    node = call.node
    kind = reach.kind
    variant = "generator" if generator else "installed" if reach.package else "helper"
    message = _reach_message(call, reach, variant)
    # The helper goes to an executor as a whole: a pool for GIL-holding work, a thread otherwise.
    entry = Entry(
        kind, Fix.PROCESS_POOL if kind is Kind.CPU_HOLDS_GIL else Fix.TO_THREAD, lazy=generator
    )
    fix, unfixable, unsafe = _fix_plan(
        entry,
        call,
        state,
        reach.chain[0] if generator else None,
        helper=_helper_def(call, state),
    )
    if fix is not None and unfixable is None:
        if reach.loop_call is not None:
            unfixable, unsafe = NotFixed.HELPER_USES_LOOP.format(call=f"{reach.loop_call}()"), None
        else:
            unsafe = f"{unsafe}; {Unsafe.HELPER}" if unsafe else Unsafe.HELPER
    return finding_at(
        node,
        _on_a_loop_function(advice_in_framework(message, call, state), call),
        qualified=reach.chain[0],
        kind=kind.value,
        fix=fix,
        unfixable=unfixable,
        unsafe=unsafe,
    )


def _on_a_loop_function(message: Message, call: CallSite) -> Message:
    """In a sync function a framework runs on the loop: say why it runs there, and advise what
    such a function can do (it cannot ``await``)."""
    site = call.site
    if site.loop_reason is None:
        return message
    head = message.text.rsplit("; ", 1)[0]
    advice = (site.loop_advice or "").format(ref=unparse(call.node.func))
    return message._replace(text=f"{head}, {site.loop_reason}; {advice}")


# Names whose rewrite is unsafe unless the data they write is a literal (it may change meanwhile).
_WRITES_DATA = frozenset({"pathlib.Path.write_bytes", "pickle.dump", "json.dump", "marshal.dump"})
# Process-pool fixes: calls whose argument is a stream (cannot be pickled), whose result cannot be
# pickled back.
_STREAM_ARGUMENT = frozenset({"json.load", "pickle.load", "yaml.load", "yaml.safe_load"})
_UNPICKLABLE_RESULT = frozenset(
    {
        "xml.etree.ElementTree.iterparse",
        "lxml.etree.parse",
        "lxml.etree.fromstring",
        "lxml.etree.XML",
    }
)
_CANCELLED_ERRORS = frozenset(
    {"concurrent.futures.CancelledError", "concurrent.futures._base.CancelledError"}
)


def _helper_def(call: CallSite, state: FileState) -> ast.AST | None:
    """The module's ``def`` a helper call runs (None for another module's helper)."""
    func = call.node.func
    binding = state.resolver.function_def(func, call.scope) or state.resolver.method_def(
        func, call.scope
    )
    return binding.node if binding is not None else None


def _fix_plan(
    entry: Entry,
    call: CallSite,
    state: FileState,
    qualified: str | None = None,
    helper: ast.AST | None = None,
) -> tuple[Fix | None, str | None, str | None]:
    """The rewrite this call allows, why it must not be applied here, and why it is unsafe: the
    call's own plan, then what the inserted ``await`` changes where it stands (``await_changes``)."""
    if not state.plans_fixes:
        return None, None, None
    fix, unfixable, unsafe = _call_plan(entry, call, state, qualified)
    if fix is None or unfixable is not None:
        return fix, unfixable, unsafe
    declined, changes = await_changes(call, state, fix, qualified, helper)
    if declined:
        return fix, declined, None
    if changes:
        unsafe = f"{changes}; {unsafe}" if unsafe else changes
    return fix, None, unsafe


def _call_plan(
    entry: Entry, call: CallSite, state: FileState, qualified: str | None = None
) -> tuple[Fix | None, str | None, str | None]:
    """The rewrite this call allows by itself, why it must not be applied, why it is unsafe."""
    fix = entry.fix
    if fix is None:
        return None, None, None
    node = call.node
    settings = state.settings
    if entry.lazy:
        return fix, NotFixed.LAZY_ITERATOR.format(name=qualified or unparse(node.func)), None
    blocked = await_blocked(call, state)
    if blocked:
        return fix, blocked, None
    if fix is Fix.PROCESS_POOL and not settings.process_pool:
        return fix, NotFixed.NO_PROCESS_POOL, None
    if fix is Fix.WRAP_FUTURE and (node.args or node.keywords):
        if not _one_timeout(node):
            return fix, NotFixed.RESULT_TIMEOUT, None
        fix = Fix.WAIT_FOR
    if fix is Fix.ASYNC_SLEEP and (
        node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred)
    ):
        return fix, NotFixed.SLEEP_ARGUMENTS, None
    fix, blocked = framework_fix(fix, call, state)
    if blocked:
        return fix, blocked, None
    modules: tuple[str, ...] = ("asyncio",)
    if fix is Fix.TO_THREAD and not settings.has_to_thread:
        modules = ("asyncio", "functools", "contextvars")  # what asyncio.to_thread() does
    elif fix is Fix.PROCESS_POOL and any(keyword for keyword in node.keywords):
        modules = ("asyncio", "functools")
    elif fix is Fix.ANYIO_TO_THREAD:  # run_sync() takes no keywords: a partial carries them
        modules = ("anyio", "functools") if node.keywords else ("anyio",)
    elif fix is Fix.ANYIO_SLEEP:
        modules = ("anyio",)
    elif fix is Fix.RUN_IN_THREADPOOL:  # run_in_threadpool(func, ...): a partial takes func=
        modules = ("functools",) if any(k.arg == "func" for k in node.keywords) else ()
    blocked = names_blocked(call, modules) or (
        threadpool_blocked(call) if fix is Fix.RUN_IN_THREADPOOL else None
    )
    if blocked:
        return fix, blocked, None
    if fix is Fix.PROCESS_POOL:
        blocked = _process_pool_blocked(call, state, qualified)
        if blocked:
            return fix, blocked, None
        return fix, None, Unsafe.PROCESS_POOL
    if fix in (Fix.WRAP_FUTURE, Fix.WAIT_FOR):
        if _catches_cancelled(call, state):
            return fix, NotFixed.CATCHES_CANCELLED, None
        if fix is Fix.WRAP_FUTURE:
            return fix, None, Unsafe.WRAP_FUTURE
        if settings.target_version < _ONE_TIMEOUT_ERROR:
            if _catches(call, state, _FUTURE_TIMEOUTS):
                return fix, NotFixed.CATCHES_FUTURE_TIMEOUT, None
            return fix, None, f"{Unsafe.WAIT_FOR}; {Unsafe.TIMEOUT_CLASS}"
        return fix, None, Unsafe.WAIT_FOR
    if fix in (Fix.ASYNC_SLEEP, Fix.ANYIO_SLEEP) and not _non_negative_literal(node.args[0]):
        return fix, None, Unsafe.SLEEP_VALUE
    if qualified in _WRITES_DATA and not all(_literal(arg) for arg in node.args):
        return fix, None, Unsafe.SHARED_DATA
    return fix, None, None


def _one_timeout(node: ast.Call) -> bool:
    """``result(5)`` or ``result(timeout=5)``: a timeout, and nothing else."""
    if node.args:
        return (
            len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)
        )
    return len(node.keywords) == 1 and node.keywords[0].arg == "timeout"


def _non_negative_literal(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
        and node.value >= 0
    )


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.Starred) and isinstance(node.value, ast.Constant)
    )


def _process_pool_blocked(call: CallSite, state: FileState, qualified: str | None) -> str | None:
    """Why the configured process pool cannot take this call: names, arguments, result."""
    pool = state.settings.process_pool or ""
    root = pool.partition(".")[0].partition("[")[0].partition("(")[0].strip()
    if root.isidentifier() and call.scope.lookup(root) is None:
        return NotFixed.POOL_NOT_BOUND.format(pool=pool, root=root)
    spawned = spawn_without_guard(pool, call.scope, state)
    if spawned is not None:
        return spawned
    node = call.node
    if qualified in _STREAM_ARGUMENT and node.args:
        return NotFixed.POOL_ARGUMENT.format(what=f"the open stream {unparse(node.args[0])}")
    for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
        if isinstance(value, ast.Lambda):
            return NotFixed.POOL_ARGUMENT.format(what="a lambda")
    if qualified in _UNPICKLABLE_RESULT:
        return NotFixed.POOL_RESULT.format(name=qualified)
    return None


def _catches_cancelled(call: CallSite, state: FileState) -> bool:
    """A ``try`` around the call catches ``concurrent.futures.CancelledError`` by name."""
    return _catches(call, state, _CANCELLED_ERRORS)


# Before 3.11, asyncio.TimeoutError is its own class, not concurrent.futures.TimeoutError.
_ONE_TIMEOUT_ERROR = (3, 11)
_FUTURE_TIMEOUTS = frozenset(
    {"concurrent.futures.TimeoutError", "concurrent.futures._base.TimeoutError"}
)


def _catches(call: CallSite, state: FileState, names: frozenset[str]) -> bool:
    """A ``try`` around the call catches one of ``names``."""
    for handler in call.site.handlers:
        types = handler.elts if isinstance(handler, ast.Tuple) else [handler]
        for caught in types:
            if caught is None:
                continue
            if state.resolver.qualified_name(caught, call.scope) in names:
                return True
    return False


RULE = Rule(
    codes=tuple(CODE_OF_KIND.values()),
    # ``async``, or the words of the framework profiles that run a plain ``def`` on the loop.
    triggers=ON_THE_LOOP | LOOP_FUNCTION_WORDS,
    on_call=blocking_call,
    call_names=None,  # any call: catalog names, tracked methods, and the module's own helpers
    on_attribute=blocking_property,
)
