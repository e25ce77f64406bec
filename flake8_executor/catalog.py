"""The one catalog of blocking callables: qualified name -> kind.

Every rule and the fixer read this table; nothing else in the package names a blocking function. The
kind decides the code (``AEX100``..``AEX107``, see ``rules/blocking.py``), the words of the message
and which executor suits the work (threads for I/O and for C code that releases the GIL, processes
for parses that hold it).

Names are written as Python resolves them: ``requests.get`` for ``import requests; requests.get(...)``,
and bare names (``open``, ``input``) for builtins. Methods of tracked objects (``requests.Session()``,
``pathlib.Path(...)``, ...) are keyed by the object's type and the method name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flake8_executor.fixes import Fix


class Kind(str, enum.Enum):
    """What a blocking callable spends its time on; the value is what users write in options."""

    IO = "io"
    SLEEP = "sleep"
    SUBPROCESS = "subprocess"
    FILE = "file"
    CPU_RELEASES_GIL = "cpu-releases-gil"
    CPU_HOLDS_GIL = "cpu-holds-gil"
    STDIN = "stdin"
    FUTURE_WAIT = "future-wait"

    @property
    def why(self) -> str:
        return KIND_WHY[self]

    @property
    def wants_threads(self) -> bool:
        """Work that waits (I/O, sleeps, children) or runs GIL-free C code belongs in threads."""
        return self in THREAD_KINDS


KIND_WHY: dict[Kind, str] = {
    Kind.IO: "network I/O",
    Kind.SLEEP: "sleeps the whole thread",
    Kind.SUBPROCESS: "waits for a child process",
    Kind.FILE: "file I/O",
    Kind.CPU_RELEASES_GIL: "CPU-heavy C code; it releases the GIL",
    Kind.CPU_HOLDS_GIL: "CPU-heavy parse that holds the GIL",
    Kind.STDIN: "waits for the terminal",
    Kind.FUTURE_WAIT: "waits for a concurrent.futures future",
}

# Kinds that an executor can take; the order is severity, used when one helper reaches several kinds.
THREAD_KINDS = frozenset({Kind.IO, Kind.SLEEP, Kind.SUBPROCESS, Kind.FILE, Kind.STDIN})
SEVERITY: tuple[Kind, ...] = (
    Kind.IO,
    Kind.SUBPROCESS,
    Kind.SLEEP,
    Kind.STDIN,
    Kind.FILE,
    Kind.FUTURE_WAIT,
    Kind.CPU_HOLDS_GIL,
    Kind.CPU_RELEASES_GIL,
)


@dataclass(frozen=True)
class Entry:
    """One blocking callable: what it waits on, and how a call of it is rewritten."""

    kind: Kind
    fix: Fix | None = Fix.TO_THREAD  # None: the finding is reported, never rewritten
    # A call only blocks when it is given data (``hashlib.sha256()`` alone costs nothing).
    needs_args: bool = False


def _entries(kind: Kind, names: str, **extra: object) -> dict[str, Entry]:
    entry = Entry(kind, **extra)  # type: ignore[arg-type]
    return {name: entry for name in names.split()}


_HTTP_VERBS = "get post put patch delete head options request"
_HASH_ALGOS = (
    "md5 sha1 sha224 sha256 sha384 sha512 sha3_224 sha3_256 sha3_384 sha3_512 blake2b blake2s"
)

# Module-level callables, by qualified name.
CALLS: dict[str, Entry] = {
    **_entries(Kind.IO, " ".join(f"requests.{verb}" for verb in _HTTP_VERBS.split())),
    **_entries(Kind.IO, " ".join(f"httpx.{verb}" for verb in [*_HTTP_VERBS.split(), "stream"])),
    **_entries(
        Kind.IO,
        "urllib.request.urlopen urllib.request.urlretrieve urllib3.request"
        " socket.create_connection socket.getaddrinfo socket.gethostbyname socket.gethostbyname_ex"
        " socket.gethostbyaddr socket.getfqdn smtplib.SMTP smtplib.SMTP_SSL ftplib.FTP ftplib.FTP_TLS"
        " http.client.HTTPConnection.request",
    ),
    "time.sleep": Entry(Kind.SLEEP, Fix.ASYNC_SLEEP),
    **_entries(
        Kind.SUBPROCESS,
        "subprocess.run subprocess.call subprocess.check_call subprocess.check_output"
        " subprocess.getoutput subprocess.getstatusoutput os.system os.popen os.wait os.waitpid"
        " os.wait3 os.wait4",
    ),
    **_entries(
        Kind.FILE,
        "open io.open os.fdopen shutil.copy shutil.copy2 shutil.copyfile shutil.copytree"
        " shutil.move shutil.rmtree",
    ),
    **_entries(
        Kind.CPU_RELEASES_GIL,
        "hashlib.pbkdf2_hmac hashlib.scrypt zlib.compress zlib.decompress gzip.compress"
        " gzip.decompress bz2.compress bz2.decompress lzma.compress lzma.decompress"
        " bcrypt.hashpw bcrypt.checkpw bcrypt.kdf",
    ),
    **_entries(
        Kind.CPU_RELEASES_GIL,
        " ".join(f"hashlib.{algo}" for algo in _HASH_ALGOS.split()) + " hashlib.new",
        needs_args=True,
    ),
    **_entries(
        Kind.CPU_HOLDS_GIL,
        "json.load json.loads xml.etree.ElementTree.parse xml.etree.ElementTree.fromstring"
        " xml.etree.ElementTree.XML xml.etree.ElementTree.iterparse xml.dom.minidom.parse"
        " xml.dom.minidom.parseString lxml.etree.parse lxml.etree.fromstring lxml.etree.XML"
        " pickle.load pickle.loads yaml.load yaml.safe_load yaml.full_load yaml.unsafe_load",
        fix=Fix.PROCESS_POOL,
    ),
    "input": Entry(Kind.STDIN),
    **_entries(
        Kind.FUTURE_WAIT, "concurrent.futures.wait concurrent.futures.as_completed", fix=None
    ),
}

# Constructors whose result the engine tracks: qualified constructor name -> object type.
CONSTRUCTORS: dict[str, str] = {
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.PoolManager",
    "urllib3.HTTPSConnectionPool": "urllib3.PoolManager",
    "pathlib.Path": "pathlib.Path",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "subprocess.Popen": "subprocess.Popen",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "celery.result.AsyncResult": "celery.result.AsyncResult",
}

THREAD_POOL = "concurrent.futures.ThreadPoolExecutor"
PROCESS_POOL = "concurrent.futures.ProcessPoolExecutor"
FUTURE = "concurrent.futures.Future"
EXECUTOR_TYPES = frozenset({THREAD_POOL, PROCESS_POOL})

# Methods of a tracked type that return the same type (``path.parent``, ``path / "x"`` are handled
# by the type inference itself): ``Path(...).resolve().read_text()`` is still a file read.
SAME_TYPE_METHODS: dict[str, frozenset[str]] = {
    "pathlib.Path": frozenset(
        "absolute resolve expanduser with_name with_suffix with_stem joinpath relative_to".split()
    ),
}
SAME_TYPE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "pathlib.Path": frozenset({"parent"}),
}

# Methods of tracked objects: (object type, method) -> entry.
METHODS: dict[tuple[str, str], Entry] = {
    **{("requests.Session", verb): Entry(Kind.IO) for verb in _HTTP_VERBS.split()},
    **{("httpx.Client", verb): Entry(Kind.IO) for verb in [*_HTTP_VERBS.split(), "send", "stream"]},
    **{("urllib3.PoolManager", verb): Entry(Kind.IO) for verb in ("request", "urlopen")},
    **{
        ("pathlib.Path", method): Entry(Kind.FILE)
        for method in "read_text read_bytes write_text write_bytes open".split()
    },
    ("subprocess.Popen", "wait"): Entry(Kind.SUBPROCESS),
    ("subprocess.Popen", "communicate"): Entry(Kind.SUBPROCESS),
    (FUTURE, "result"): Entry(Kind.FUTURE_WAIT, Fix.WRAP_FUTURE),
    (FUTURE, "exception"): Entry(Kind.FUTURE_WAIT, None),
    ("celery.result.AsyncResult", "get"): Entry(Kind.IO, None),
    ("celery.Task", "delay"): Entry(Kind.IO),
    ("celery.Task", "apply_async"): Entry(Kind.IO),
}

# Decorators that make a module-level function a Celery task (``@app.task`` is matched by its last
# attribute when ``app`` is a ``Celery(...)`` object or any name: ``@<app>.task``).
CELERY_TASK_DECORATORS = frozenset({"celery.shared_task", "celery.task"})
CELERY_APP_TASK_ATTRIBUTE = "task"

# Types that annotations may name for a parameter or variable (``client: httpx.Client``).
ANNOTATION_TYPES: dict[str, str] = {
    **{name: type_ for name, type_ in CONSTRUCTORS.items() if name.rpartition(".")[2][0].isupper()},
    "concurrent.futures.Future": FUTURE,
    "concurrent.futures.Executor": "concurrent.futures.Executor",
}


def names_giving(types: frozenset[str]) -> frozenset[str]:
    """The constructors and annotation names whose objects are of one of ``types``."""
    return frozenset(
        name
        for table in (CONSTRUCTORS, ANNOTATION_TYPES)
        for name, object_type in table.items()
        if object_type in types
    )


def attribute_names(extra_calls: dict[str, Entry]) -> frozenset[str]:
    """The last parts of every dotted catalog name and every tracked method name.

    A call ``x.attr(...)`` can only be in the catalog when ``attr`` is one of these, so the engine
    skips name resolution for all other method calls (most of them).
    """
    names = {name.rpartition(".")[2] for name in (*CALLS, *extra_calls)}
    names.update(method for _owner, method in METHODS)
    return frozenset(names)


def parse_extra_calls(value: str) -> dict[str, Entry]:
    """Read ``--executor-extra-calls``: ``mylib.fetch=io,mylib.render=cpu-holds-gil``.

    Raises ``ValueError`` with a one-line reason naming the bad item.
    """
    extra: dict[str, Entry] = {}
    valid = ", ".join(kind.value for kind in Kind if kind is not Kind.FUTURE_WAIT)
    for raw_item in value.replace("\n", ",").split(","):
        item = raw_item.strip()
        if not item:
            continue
        name, sep, kind_name = item.partition("=")
        name, kind_name = name.strip(), kind_name.strip()
        if not sep or not name or not kind_name:
            raise ValueError(f"{item!r} is not of the form qualified.name=kind (kinds: {valid})")
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"{name!r} is not a dotted Python name")
        try:
            kind = Kind(kind_name)
        except ValueError:
            raise ValueError(f"unknown kind {kind_name!r} for {name} (kinds: {valid})") from None
        if kind is Kind.FUTURE_WAIT:
            raise ValueError(f"unknown kind {kind_name!r} for {name} (kinds: {valid})")
        fix = {Kind.SLEEP: Fix.TO_THREAD, Kind.CPU_HOLDS_GIL: Fix.PROCESS_POOL}.get(
            kind, Fix.TO_THREAD
        )
        extra[name] = Entry(kind, fix)
    return extra


# For the built-in catalog (``--executor-extra-calls`` adds its own names per run).
ATTRIBUTE_NAMES = attribute_names({})

# Calls that need a running event loop in the thread that makes them: a helper that makes one cannot
# be moved to a thread (asyncio's docs: get_running_loop, create_task and ensure_future need one).
LOOP_CALLS = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.current_task",
        "asyncio.all_tasks",
    }
)
