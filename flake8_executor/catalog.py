"""The one catalog of blocking callables, and the small type model that finds them on objects.

Every rule and the fixer read these tables; nothing else in the package names a blocking function.
The kind decides the code (``AEX100``..``AEX109``, see ``rules/blocking.py``), the words of the
message and which executor suits the work (threads for I/O and for C code that releases the GIL,
processes for parses that hold it).

Names are written as Python resolves them: ``requests.get`` for ``import requests; requests.get(...)``,
and bare names (``open``, ``input``) for builtins. Objects are typed as data too: a constructor or
factory gives a type (``psycopg2.connect`` -> ``psycopg2.connection``), a method of a type gives
another (``connection.cursor()`` -> ``psycopg2.cursor``), and so do calling an object
(``sessionmaker(...)()``), subscripting it (``MongoClient()["db"]``) and reading an attribute
(``client.db.coll``). A method of a type is blocking by ``METHODS`` or, for clients whose every
method is a request (a boto3 client), by ``ANY_METHOD`` minus its exceptions. Each lookup is one
dict access. Every entry names its source (``SOURCES``): the library's docs, a peer's list, a
runtime detector's list, or a measurement; async counterparts (``redis.asyncio``, ``motor``,
``httpx.AsyncClient``...) are simply not in the tables, so they never fire.
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
    THREAD_WAIT = "thread-wait"
    STAT = "stat"

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
    Kind.THREAD_WAIT: "waits for another thread or process",
    Kind.STAT: "file-system metadata; slow on a network file system or a loaded disk",
}

# Kinds that an executor can take; the order is severity, used when one helper reaches several kinds.
THREAD_KINDS = frozenset(
    {Kind.IO, Kind.SLEEP, Kind.SUBPROCESS, Kind.FILE, Kind.STDIN, Kind.THREAD_WAIT, Kind.STAT}
)
SEVERITY: tuple[Kind, ...] = (
    Kind.IO,
    Kind.SUBPROCESS,
    Kind.SLEEP,
    Kind.STDIN,
    Kind.THREAD_WAIT,
    Kind.FILE,
    Kind.STAT,
    Kind.FUTURE_WAIT,
    Kind.CPU_HOLDS_GIL,
    Kind.CPU_RELEASES_GIL,
)


class Domain(str, enum.Enum):
    """What part of the world an entry waits on; README lists the catalog by domain."""

    NETWORK = "network"
    DATABASES = "databases and services"
    PROCESSES = "processes"
    FILES = "files"
    WAITS = "waits"
    CPU = "CPU"


# Where an entry comes from: a key of this table is written on every entry.
SOURCES: dict[str, str] = {
    "docs": "the library's own documentation of the call (it performs I/O or waits)",
    "flake8-async": "flake8-async's ASYNC2xx lists (python-trio/flake8-async, visitor2xx.py); "
    "ruff's ASYNC rules port them",
    "blockbuster": "blockbuster's patched functions (cbornet/blockbuster, blockbuster.py), "
    "a runtime detector of blocking calls in asyncio",
    "measured": "measured: two threads vs one (docs/catalog.md, Threads or processes?)",
    "source": "the library's own source: the call opens files on the calling thread "
    "(CPython's ssl.create_default_context loads the default CA certificates, and from 3.12 "
    "urllib.request.build_opener's HTTPSHandler builds such a context; pytz.timezone and "
    "dateutil.tz.gettz read the zone file on a key's first use)",
    "home-assistant": "Home Assistant's runtime detector of blocking calls "
    "(home-assistant/core, homeassistant/block_async_io.py) and its developer docs "
    "(developers.home-assistant.io, Asynchronous programming: @callback, "
    "hass.async_add_executor_job)",
    "python-docs": "the Python documentation of the function (it returns an iterator, or runs "
    "the callback on the event loop)",
    "provisional": "kind from the library's engine, not measured yet (Arrow's readers release "
    "the GIL; openpyxl, pickle, lxml and html5lib build Python objects)",
}


@dataclass(frozen=True)
class Entry:
    """One blocking callable: what it waits on, and how a call of it is rewritten."""

    kind: Kind
    fix: Fix | None = Fix.TO_THREAD  # None: the finding is reported, never rewritten
    # A call only blocks when it is given data (``hashlib.sha256()`` alone costs nothing).
    needs_args: bool = False
    # CPU work whose cost is its input's size: the index of the data argument. Such a call is
    # reported only when that input is evidently large or unbounded (``analysis/size.py``); -1:
    # the call is reported whatever its input (slow by design, or it reads a whole file).
    data_arg: int = -1
    # A keyword that makes the call return at once when false (``q.get(block=False)``); the same
    # value as the first positional argument does too (``lock.acquire(False)``).
    blocking_flag: str | None = None
    # The index of a timeout parameter: a zero timeout, there or as ``timeout=0``, makes the call
    # return at once (``thread.join(timeout=0)`` only reaps a thread that has already ended).
    timeout_arg: int = -1
    source: str = "docs"
    domain: Domain | None = None
    # The call returns an iterator that does its I/O when consumed (``os.walk``, ``os.scandir``):
    # moving only the call to a thread moves nothing (AEX207, and the fixer declines).
    lazy: bool = False


def _entries(kind: Kind, names: str, **extra: object) -> dict[str, Entry]:
    entry = Entry(kind, **extra)  # type: ignore[arg-type]
    return {name: entry for name in names.split()}


def _methods(owner: str, kind: Kind, names: str, **extra: object) -> dict[tuple[str, str], Entry]:
    entry = Entry(kind, **extra)  # type: ignore[arg-type]
    return {(owner, name): entry for name in names.split()}


def _same(type_: str, names: str) -> dict[str, str]:
    return {name: type_ for name in names.split()}


def _returns(owner: str, type_: str, names: str) -> dict[tuple[str, str], str]:
    return {(owner, name): type_ for name in names.split()}


_NET = {"domain": Domain.NETWORK}
_DB = {"domain": Domain.DATABASES}
_PROC = {"domain": Domain.PROCESSES}
_FILES = {"domain": Domain.FILES}
_WAITS = {"domain": Domain.WAITS}
_CPU = {"domain": Domain.CPU}

_HTTP_VERBS = "get post put patch delete head options request"
_HASH_ALGOS = (
    "md5 sha1 sha224 sha256 sha384 sha512 sha3_224 sha3_256 sha3_384 sha3_512 blake2b blake2s"
)
_DBAPI_CURSOR = "execute executemany callproc fetchone fetchmany fetchall nextset"
_SOCKET_METHODS = (
    "connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg recvmsg_into send"
    " sendall sendto sendmsg sendfile"
)
_FILE_READS = "read readline readlines readinto write writelines"

# Module-level callables, by qualified name.
CALLS: dict[str, Entry] = {
    # -- network ---------------------------------------------------------------------------------
    **_entries(Kind.IO, " ".join(f"requests.{verb}" for verb in _HTTP_VERBS.split()), **_NET),
    **_entries(
        Kind.IO,
        " ".join(
            f"{module}.{verb}"
            for module in ("httpx", "httpx2")
            for verb in [*_HTTP_VERBS.split(), "stream"]
        ),
        source="flake8-async",
        **_NET,
    ),
    **_entries(
        Kind.IO,
        "urllib.request.urlopen urllib.request.urlretrieve urllib3.request"
        " socket.create_connection socket.getaddrinfo socket.gethostbyname socket.gethostbyname_ex"
        " socket.gethostbyaddr socket.getfqdn socket.getnameinfo imaplib.IMAP4 imaplib.IMAP4_SSL poplib.POP3"
        " poplib.POP3_SSL http.client.HTTPConnection.request select.select",
        **_NET,
    ),
    # They connect when given a host (the docs), and only then.
    **_entries(
        Kind.IO,
        "smtplib.SMTP smtplib.SMTP_SSL smtplib.LMTP ftplib.FTP ftplib.FTP_TLS",
        needs_args=True,
        **_NET,
    ),
    # -- LLM SDKs: every call of a sync client is an HTTP request (each SDK's docs) -------------
    # openai < 1 (module-level resources) and >= 1 (its module-level client); litellm; langchain.
    **_entries(
        Kind.IO,
        "openai.Completion.create openai.ChatCompletion.create openai.Embedding.create"
        " openai.Image.create openai.Moderation.create openai.Edit.create"
        " openai.chat.completions.create openai.completions.create openai.embeddings.create"
        " openai.responses.create openai.images.generate openai.moderations.create"
        " litellm.completion litellm.embedding litellm.text_completion litellm.image_generation"
        " litellm.transcription litellm.speech litellm.moderation"
        " langchain.hub.pull",
        **_NET,
    ),
    # -- databases and services: connecting is a network round trip ------------------------------
    # It opens (or creates) the database file; the connection belongs to the thread that made it
    # (check_same_thread): not rewritten.
    "sqlite3.connect": Entry(Kind.FILE, None, domain=Domain.DATABASES),
    **_entries(
        Kind.IO,
        "psycopg2.connect psycopg.connect psycopg.Connection.connect pymysql.connect"
        " pymysql.Connect MySQLdb.connect MySQLdb.Connect kafka.KafkaProducer kafka.KafkaConsumer",
        **_DB,
    ),
    # -- processes -------------------------------------------------------------------------------
    "time.sleep": Entry(Kind.SLEEP, Fix.ASYNC_SLEEP, domain=Domain.WAITS),
    **_entries(
        Kind.SUBPROCESS,
        "subprocess.run subprocess.call subprocess.check_call subprocess.check_output"
        " subprocess.getoutput subprocess.getstatusoutput os.system os.popen os.wait os.waitpid"
        " os.wait3 os.wait4",
        **_PROC,
    ),
    # fork/exec of a child is done on the calling thread (flake8-async ASYNC220/221/222).
    **_entries(
        Kind.SUBPROCESS,
        "subprocess.Popen os.waitid os.posix_spawn os.posix_spawnp"
        + "".join(f" os.spawn{suffix}" for suffix in "l le lp lpe v ve vp vpe".split()),
        source="flake8-async",
        **_PROC,
    ),
    # Not ``os.fork``: it returns at once, in both processes; waiting is ``os.wait*``'s job.
    # -- files -----------------------------------------------------------------------------------
    **_entries(
        Kind.FILE,
        "open io.open os.fdopen shutil.copy shutil.copy2 shutil.copyfile shutil.copytree"
        " shutil.move shutil.rmtree shutil.make_archive shutil.unpack_archive shutil.copyfileobj"
        " shutil.disk_usage os.listdir os.makedirs os.removedirs os.rename"
        " os.rmdir os.remove glob.glob tempfile.TemporaryFile"
        " tempfile.NamedTemporaryFile tempfile.TemporaryDirectory tempfile.mkstemp"
        " tempfile.mkdtemp",
        **_FILES,
    ),
    # Iterators that read the directory as they are consumed (the Python docs): moving the call
    # alone to a thread moves nothing (AEX207; the fixer declines).
    **_entries(
        Kind.FILE, "os.scandir os.walk glob.iglob", source="python-docs", lazy=True, **_FILES
    ),
    **_entries(Kind.FILE, "io.open_code", source="flake8-async", **_FILES),
    **_entries(
        Kind.FILE,
        "os.mkdir os.replace os.readlink os.unlink",
        source="blockbuster",
        **_FILES,
    ),
    # They read certificate files: the system's CA bundle (no cafile/capath/cadata given, the
    # default), or the ones named. build_opener does so from 3.12 (its HTTPSHandler).
    **_entries(
        Kind.FILE,
        "ssl.create_default_context ssl._create_default_https_context urllib.request.build_opener",
        source="source",
        **_NET,
    ),
    # httpx's clients build their SSL context when constructed: ``verify=True`` (the default) or a
    # CA bundle's path loads the certificates (``load_verify_locations(certifi.where())``, httpx's
    # ``create_ssl_context``); ``verify=False`` or a context made elsewhere loads none
    # (``CA_BUNDLE_ARGUMENTS``). Home Assistant's runtime detector reports it as
    # ``load_verify_locations`` inside the event loop. Reported, never rewritten: whether an async
    # client made in a worker thread works on the loop is httpx's and its transport's business, and
    # no run-time test here proves it.
    **_entries(
        Kind.FILE,
        "httpx.Client httpx.AsyncClient httpx2.Client httpx2.AsyncClient",
        fix=None,
        source="source",
        **_NET,
    ),
    # A time zone's first use reads its file (the zoneinfo docs: "the first time a key is
    # requested ... loaded from the file system"; pytz and dateutil cache per key the same way).
    "zoneinfo.ZoneInfo": Entry(Kind.FILE, needs_args=True, domain=Domain.FILES),
    "zoneinfo.ZoneInfo.no_cache": Entry(Kind.FILE, needs_args=True, domain=Domain.FILES),
    "pytz.timezone": Entry(Kind.FILE, needs_args=True, source="source", domain=Domain.FILES),
    # With no name it reads the local zone (``TZ``, ``/etc/localtime``): a file too.
    **_entries(Kind.FILE, "dateutil.tz.gettz dateutil.tz.tz.gettz", source="source", **_FILES),
    # The stat family (AEX109): metadata reads, microseconds on a local disk, but a stall on a
    # network file system or a loaded disk (blockbuster patches os.stat, which every one of them
    # calls; flake8-async's ASYNC240 reports the os.path ones).
    **_entries(
        Kind.STAT,
        "os.stat os.lstat os.access os.path.islink os.path.ismount",
        source="blockbuster",
        **_FILES,
    ),
    **_entries(
        Kind.STAT,
        "os.path.exists os.path.lexists os.path.isfile os.path.isdir os.path.getsize"
        " os.path.getmtime os.path.getatime os.path.getctime os.path.samefile",
        source="flake8-async",
        **_FILES,
    ),
    # It searches every directory of $PATH, a stat per candidate (the docs).
    "shutil.which": Entry(Kind.STAT, domain=Domain.FILES),
    # The file is read (and parsed) when the object is made (the docs).
    "netrc.netrc": Entry(Kind.FILE, domain=Domain.FILES),
    # A package's data files, read from disk (or its zip) as the call returns (the docs): SDKs
    # load their bundled JSON and YAML tables so.
    **_entries(
        Kind.FILE,
        " ".join(
            f"{module}.{function}"
            for module in ("importlib.resources", "importlib_resources")
            for function in ("read_text", "read_binary", "open_text", "open_binary")
        )
        + " pkgutil.get_data",
        **_FILES,
    ),
    # -- CPU -------------------------------------------------------------------------------------
    # Slow by design, whatever the input: fires on any call.
    **_entries(
        Kind.CPU_RELEASES_GIL,
        "hashlib.pbkdf2_hmac hashlib.scrypt bcrypt.hashpw bcrypt.checkpw bcrypt.kdf",
        source="measured",
        **_CPU,
    ),
    **_entries(
        Kind.CPU_RELEASES_GIL,
        "zlib.compress zlib.decompress gzip.compress gzip.decompress bz2.compress bz2.decompress"
        " lzma.compress lzma.decompress",
        source="measured",
        data_arg=0,
        **_CPU,
    ),
    **_entries(
        Kind.CPU_RELEASES_GIL,
        " ".join(f"hashlib.{algo}" for algo in _HASH_ALGOS.split()),
        needs_args=True,
        source="measured",
        data_arg=0,
        **_CPU,
    ),
    "hashlib.new": Entry(
        Kind.CPU_RELEASES_GIL, needs_args=True, source="measured", data_arg=1, domain=Domain.CPU
    ),
    # Parses of a whole file or stream: the input is a file, fires on any call.
    **_entries(
        Kind.CPU_HOLDS_GIL,
        "json.load xml.etree.ElementTree.parse xml.etree.ElementTree.iterparse"
        " xml.dom.minidom.parse lxml.etree.parse pickle.load",
        fix=Fix.PROCESS_POOL,
        source="measured",
        **_CPU,
    ),
    # Parses of a value in memory: reported when that value is evidently large (see data_arg).
    **_entries(
        Kind.CPU_HOLDS_GIL,
        "json.loads xml.etree.ElementTree.fromstring xml.etree.ElementTree.XML"
        " xml.dom.minidom.parseString lxml.etree.fromstring lxml.etree.XML pickle.loads yaml.load"
        " yaml.safe_load yaml.full_load yaml.unsafe_load",
        fix=Fix.PROCESS_POOL,
        source="measured",
        data_arg=0,
        **_CPU,
    ),
    # pandas readers: a whole file read and parsed. Measured (README): the C parser of read_csv
    # releases the GIL (1.94), read_json holds it (1.02); the others by their engines: Arrow's
    # readers release it, openpyxl, pickle, lxml and html5lib build Python objects.
    **_entries(
        Kind.CPU_RELEASES_GIL,
        "pandas.read_csv pandas.read_table",
        source="measured",
        **_CPU,
    ),
    **_entries(
        Kind.CPU_RELEASES_GIL,
        "pandas.read_parquet pandas.read_feather",
        source="provisional",
        **_CPU,
    ),
    "pandas.read_json": Entry(
        Kind.CPU_HOLDS_GIL, Fix.PROCESS_POOL, source="measured", domain=Domain.CPU
    ),
    **_entries(
        Kind.CPU_HOLDS_GIL,
        "pandas.read_excel pandas.read_pickle pandas.read_xml pandas.read_html",
        fix=Fix.PROCESS_POOL,
        source="provisional",
        **_CPU,
    ),
    "input": Entry(Kind.STDIN, domain=Domain.WAITS),
    **_entries(
        Kind.FUTURE_WAIT,
        "concurrent.futures.wait concurrent.futures.as_completed",
        fix=None,
        domain=Domain.WAITS,
    ),
}

HTTP_RESPONSE = "requests.Response"
BOTO3_RESOURCE_OBJECT = "boto3.resources.base.ServiceResource"
# The dict of ``get_object()`` / a resource object's ``get()``, and the stream under its "Body".
S3_GET_OUTPUT = "botocore.GetObjectOutput"
STREAMING_BODY = "botocore.response.StreamingBody"
URLLIB3_RESPONSE = "urllib3.HTTPResponse"
# A LangChain/LangGraph runnable that calls a model (a chat model, a compiled graph, a chain
# piped through one): ``prompt | llm`` is one too (``PIPE_TYPES``).
RUNNABLE = "langchain_core.runnables.Runnable"

# Constructors and factory functions whose result the engine tracks: qualified name -> type.
CONSTRUCTORS: dict[str, str] = {
    # network
    **_same("requests.Session", "requests.Session requests.session requests.sessions.Session"),
    **_same("httpx.Client", "httpx.Client httpx2.Client"),
    **_same(
        "urllib3.PoolManager",
        "urllib3.PoolManager urllib3.ProxyManager urllib3.HTTPConnectionPool"
        " urllib3.HTTPSConnectionPool urllib3.connection_from_url urllib3.proxy_from_url"
        " urllib3.connectionpool.HTTPConnectionPool urllib3.connectionpool.HTTPSConnectionPool"
        " urllib3.connectionpool.connection_from_url urllib3.poolmanager.PoolManager"
        " urllib3.poolmanager.ProxyManager urllib3.poolmanager.proxy_from_url",
    ),
    **_same("http.client.HTTPConnection", "http.client.HTTPConnection http.client.HTTPSConnection"),
    **_same(
        "socket.socket",
        "socket.socket socket.create_connection socket.create_server socket.fromfd",
    ),
    **_same("ssl.SSLContext", "ssl.SSLContext ssl.create_default_context"),
    **_same("smtplib.SMTP", "smtplib.SMTP smtplib.SMTP_SSL smtplib.LMTP"),
    **_same("ftplib.FTP", "ftplib.FTP ftplib.FTP_TLS"),
    **_same("imaplib.IMAP4", "imaplib.IMAP4 imaplib.IMAP4_SSL imaplib.IMAP4_stream"),
    **_same("poplib.POP3", "poplib.POP3 poplib.POP3_SSL"),
    **_same("xmlrpc.client.ServerProxy", "xmlrpc.client.ServerProxy xmlrpc.client.Server"),
    "paramiko.SSHClient": "paramiko.SSHClient",
    "paramiko.client.SSHClient": "paramiko.SSHClient",
    **_same(
        "urllib.request.OpenerDirector",
        "urllib.request.build_opener urllib.request.OpenerDirector",
    ),
    # LLM SDKs' sync clients (their async twins, ``AsyncOpenAI``, ``AsyncAnthropic``, are not here)
    **_same("openai.OpenAI", "openai.OpenAI openai.AzureOpenAI openai.Client openai.AzureClient"),
    **_same(
        "anthropic.Anthropic",
        "anthropic.Anthropic anthropic.Client anthropic.AnthropicBedrock anthropic.AnthropicVertex",
    ),
    # yt-dlp (and youtube-dl, its ancestor): music bots' "heartbeat blocked" (their docs: the
    # extractor downloads the pages and manifests it reads).
    **_same("yt_dlp.YoutubeDL", "yt_dlp.YoutubeDL yt_dlp.YoutubeDL.YoutubeDL"),
    **_same("youtube_dl.YoutubeDL", "youtube_dl.YoutubeDL youtube_dl.YoutubeDL.YoutubeDL"),
    # Slack's sync Web API client (slack_sdk's docs; its async twin is ``AsyncWebClient``).
    **_same(
        "slack_sdk.WebClient",
        "slack_sdk.WebClient slack_sdk.web.WebClient slack_sdk.web.client.WebClient",
    ),
    **_same(
        "slack_sdk.webhook.WebhookClient",
        "slack_sdk.webhook.WebhookClient slack_sdk.webhook.client.WebhookClient",
    ),
    # LangChain chat models and LangGraph graphs: runnables whose ``invoke`` is a request.
    **_same(
        RUNNABLE,
        "langchain_openai.ChatOpenAI langchain_openai.AzureChatOpenAI langchain_openai.OpenAI"
        " langchain_anthropic.ChatAnthropic langchain_community.chat_models.ChatOpenAI"
        " langchain.chat_models.ChatOpenAI langchain.chat_models.init_chat_model"
        " langchain_google_genai.ChatGoogleGenerativeAI langchain_ollama.ChatOllama"
        " langchain_aws.ChatBedrock langchain_mistralai.ChatMistralAI langchain_groq.ChatGroq"
        " langgraph.prebuilt.create_react_agent langchain.agents.AgentExecutor",
    ),
    **_same(
        "langgraph.graph.StateGraph",
        "langgraph.graph.StateGraph langgraph.graph.MessageGraph langgraph.graph.state.StateGraph",
    ),
    # databases and services
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection": "sqlite3.Connection",
    **_same(
        "psycopg2.connection",
        "psycopg2.connect psycopg2.extensions.connection psycopg2.extras.DictConnection"
        " psycopg2.extras.RealDictConnection",
    ),
    **_same(
        "psycopg2.pool",
        "psycopg2.pool.SimpleConnectionPool psycopg2.pool.ThreadedConnectionPool",
    ),
    **_same("psycopg.Connection", "psycopg.connect psycopg.Connection.connect"),
    **_same("psycopg_pool.ConnectionPool", "psycopg_pool.ConnectionPool"),
    **_same(
        "pymysql.Connection",
        "pymysql.connect pymysql.Connect pymysql.connections.Connection MySQLdb.connect"
        " MySQLdb.Connect MySQLdb.Connection MySQLdb.connections.Connection",
    ),
    **_same("sqlalchemy.Engine", "sqlalchemy.create_engine sqlmodel.create_engine"),
    **_same(
        "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.sessionmaker sqlalchemy.orm.session.sessionmaker",
    ),
    **_same(
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.Session sqlalchemy.orm.session.Session sqlalchemy.orm.scoped_session"
        " sqlmodel.Session",
    ),
    **_same(
        "redis.Redis",
        "redis.Redis redis.StrictRedis redis.client.Redis redis.client.StrictRedis"
        " redis.from_url redis.Redis.from_url redis.StrictRedis.from_url"
        " redis.cluster.RedisCluster redis.RedisCluster",
    ),
    **_same("pymongo.MongoClient", "pymongo.MongoClient pymongo.mongo_client.MongoClient"),
    **_same("elasticsearch.Elasticsearch", "elasticsearch.Elasticsearch"),
    "boto3.client": "botocore.client.BaseClient",
    **_same("boto3.resource", "boto3.resource"),
    **_same("boto3.Session", "boto3.Session boto3.session.Session"),
    **_same("botocore.session.Session", "botocore.session.get_session botocore.session.Session"),
    **_same("kafka.KafkaProducer", "kafka.KafkaProducer"),
    **_same("kafka.KafkaConsumer", "kafka.KafkaConsumer"),
    # httpx's async client: nothing it does blocks; its awaited responses carry a whole body.
    **_same("httpx.AsyncClient", "httpx.AsyncClient httpx2.AsyncClient"),
    # urllib3's response (its ``data`` is a whole body, read when the request returns)
    "urllib3.request": URLLIB3_RESPONSE,
    # an HTTP response of requests, httpx, httpx2: its ``text``/``content`` is a whole body
    **{
        f"{module}.{verb}": HTTP_RESPONSE
        for module in ("requests", "httpx", "httpx2")
        for verb in _HTTP_VERBS.split()
    },
    # processes, files
    "subprocess.Popen": "subprocess.Popen",
    **_same(
        "pathlib.Path",
        "pathlib.Path pathlib.PosixPath pathlib.WindowsPath pathlib.Path.home pathlib.Path.cwd",
    ),
    # A package's resources: a Traversable, a pathlib.Path for a package on disk (the docs).
    **_same("pathlib.Path", "importlib.resources.files importlib_resources.files"),
    "zipfile.ZipFile": "zipfile.ZipFile",
    **_same("tarfile.TarFile", "tarfile.open tarfile.TarFile"),
    # waits
    **_same(
        "threading.Lock",
        "threading.Lock threading.RLock multiprocessing.Lock multiprocessing.RLock",
    ),
    **_same(
        "threading.Semaphore",
        "threading.Semaphore threading.BoundedSemaphore multiprocessing.Semaphore"
        " multiprocessing.BoundedSemaphore",
    ),
    **_same("threading.Condition", "threading.Condition multiprocessing.Condition"),
    **_same(
        "threading.Event",
        "threading.Event threading.Barrier multiprocessing.Event multiprocessing.Barrier",
    ),
    **_same("threading.Thread", "threading.Thread threading.Timer multiprocessing.Process"),
    **_same(
        "queue.Queue",
        "queue.Queue queue.LifoQueue queue.PriorityQueue queue.SimpleQueue multiprocessing.Queue"
        " multiprocessing.JoinableQueue multiprocessing.SimpleQueue",
    ),
    **_same("multiprocessing.pool.Pool", "multiprocessing.Pool multiprocessing.pool.Pool"),
    # CPU
    **_same("PIL.Image.Image", "PIL.Image.open PIL.Image.new PIL.Image.frombytes PIL.Image.Image"),
    # executors and Celery (AEX107, AEX2xx)
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "celery.result.AsyncResult": "celery.result.AsyncResult",
    # made by hand: its done-callbacks run in the thread that sets its result, not on the loop
    "concurrent.futures.Future": "concurrent.futures.Future",
}

THREAD_POOL = "concurrent.futures.ThreadPoolExecutor"
PROCESS_POOL = "concurrent.futures.ProcessPoolExecutor"
FUTURE = "concurrent.futures.Future"
EXECUTOR_TYPES = frozenset({THREAD_POOL, PROCESS_POOL})

_PATH_SAME = "absolute resolve expanduser with_name with_suffix with_stem joinpath relative_to"

# (type, method) -> the type the method returns (``path / "x"`` is handled by the resolver).
RETURNS: dict[tuple[str, str], str] = {
    **_returns("requests.Session", HTTP_RESPONSE, _HTTP_VERBS),
    **_returns("httpx.Client", HTTP_RESPONSE, _HTTP_VERBS),
    **_returns(
        "urllib3.PoolManager",
        URLLIB3_RESPONSE,
        "request urlopen request_encode_url request_encode_body",
    ),
    **_returns("pathlib.Path", "pathlib.Path", _PATH_SAME),
    **_returns(THREAD_POOL, FUTURE, "submit"),
    **_returns(PROCESS_POOL, FUTURE, "submit"),
    **_returns("celery.Task", "celery.result.AsyncResult", "delay apply_async"),
    ("langgraph.graph.StateGraph", "compile"): RUNNABLE,
    ("socket.socket", "accept"): "socket.socket",  # (conn, address) in truth; rarely kept whole
    ("socket.socket", "makefile"): "socket.SocketIO",
    ("ssl.SSLContext", "wrap_socket"): "ssl.SSLSocket",
    ("paramiko.SSHClient", "open_sftp"): "paramiko.SFTPClient",
    ("sqlite3.Connection", "cursor"): "sqlite3.Cursor",
    ("sqlite3.Connection", "execute"): "sqlite3.Cursor",
    ("psycopg2.connection", "cursor"): "psycopg2.cursor",
    ("psycopg2.pool", "getconn"): "psycopg2.connection",
    **_returns("psycopg.Connection", "psycopg.Cursor", "cursor execute"),
    ("psycopg_pool.ConnectionPool", "connection"): "psycopg.Connection",
    ("psycopg_pool.ConnectionPool", "getconn"): "psycopg.Connection",
    ("pymysql.Connection", "cursor"): "pymysql.Cursor",
    **_returns("sqlalchemy.Engine", "sqlalchemy.Connection", "connect begin"),
    **_returns("sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.Session", "begin"),
    ("sqlalchemy.orm.Session", "query"): "sqlalchemy.orm.Query",
    **_returns(
        "sqlalchemy.orm.Query",
        "sqlalchemy.orm.Query",
        "filter filter_by join outerjoin order_by group_by limit offset options where distinct",
    ),
    ("redis.Redis", "pipeline"): "redis.client.Pipeline",
    ("redis.Redis", "pubsub"): "redis.client.PubSub",
    ("redis.Redis", "lock"): "redis.lock.Lock",
    ("redis.Redis", "bitfield"): "redis.client.BitFieldOperation",
    **_returns("pymongo.MongoClient", "pymongo.Database", "get_database get_default_database"),
    ("pymongo.Database", "get_collection"): "pymongo.Collection",
    **_returns("pymongo.Collection", "pymongo.Cursor", "find find_raw_batches"),
    **_returns("pymongo.Cursor", "pymongo.Cursor", "sort limit skip batch_size hint where"),
    ("boto3.Session", "client"): "botocore.client.BaseClient",
    ("boto3.Session", "resource"): "boto3.resource",
    ("botocore.session.Session", "create_client"): "botocore.client.BaseClient",
    ("botocore.client.BaseClient", "get_waiter"): "botocore.waiter.Waiter",
    ("botocore.client.BaseClient", "get_object"): S3_GET_OUTPUT,
    (BOTO3_RESOURCE_OBJECT, "get"): S3_GET_OUTPUT,
    **_returns(
        "PIL.Image.Image",
        "PIL.Image.Image",
        "convert resize rotate crop copy transpose filter quantize reduce",
    ),
}

# (type, method) -> the type the method's result gives once awaited (an async client's response).
AWAITED_RETURNS: dict[tuple[str, str], str] = {
    **_returns("httpx.AsyncClient", HTTP_RESPONSE, f"{_HTTP_VERBS} send"),
}

# (type, any method whose name starts with a capital letter) -> the type it gives: boto3's
# resource factories (``s3.Object(bucket, key)``, ``bucket.Object(key)``, ``dynamodb.Table(n)``).
CAPITALIZED_RETURNS: dict[str, str] = {
    "boto3.resource": BOTO3_RESOURCE_OBJECT,
    BOTO3_RESOURCE_OBJECT: BOTO3_RESOURCE_OBJECT,
}

# Calling an object of a type (``Session = sessionmaker(engine); Session()``) gives another.
CALL_RETURNS: dict[str, str] = {"sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.Session"}

# ``obj[key]`` and ``obj.name`` (any name): pymongo's databases and collections.
SUBSCRIPT_TYPES: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.Database",
    "pymongo.Database": "pymongo.Collection",
    "pymongo.Collection": "pymongo.Collection",
}
# ``a | b`` where either side is of one of these types gives that type (a LangChain pipe).
PIPE_TYPES = frozenset({RUNNABLE})
# Types whose objects have both sync methods and async twins (``invoke`` and ``ainvoke``): that a
# function awaits one of their methods says nothing of the others (docs/precision.md, "Use proves
# the object is async", is for sync-only types).
DUAL_TYPES = frozenset({RUNNABLE})
ANY_ATTRIBUTE_TYPES: dict[str, str] = {
    **SUBSCRIPT_TYPES,
    # ``client.chat.completions``, ``client.messages``: an SDK client's resources.
    "openai.OpenAI": "openai.OpenAI",
    "anthropic.Anthropic": "anthropic.Anthropic",
    "elasticsearch.Elasticsearch": "elasticsearch.NamespacedClient",
    # ``proxy.supervisor.signalProcess(...)``: a dotted method name of the server, still a request.
    "xmlrpc.client.ServerProxy": "xmlrpc.client.ServerProxy",
}
# ``response["Body"]`` of an S3 object: the body, streamed from the network as it is read.
SUBSCRIPT_TYPES[S3_GET_OUTPUT] = STREAMING_BODY
# Attributes that hold a whole message body: CPU work on one is work on an unbounded input.
BODY_ATTRIBUTES: dict[str, frozenset[str]] = {
    HTTP_RESPONSE: frozenset({"text", "content"}),
    URLLIB3_RESPONSE: frozenset({"data"}),
}

# ``obj.name`` for one name.
ATTRIBUTE_TYPES: dict[tuple[str, str], str] = {
    ("pathlib.Path", "parent"): "pathlib.Path",
    # ``s3.meta.client``: the low-level client of a boto3 resource (boto3's docs).
    ("boto3.resource", "meta"): "boto3.resources.base.ResourceMeta",
    (BOTO3_RESOURCE_OBJECT, "meta"): "boto3.resources.base.ResourceMeta",
    ("boto3.resources.base.ResourceMeta", "client"): "botocore.client.BaseClient",
}

# Methods of tracked objects: (object type, method) -> entry.
METHODS: dict[tuple[str, str], Entry] = {
    # -- network ---------------------------------------------------------------------------------
    **_methods("requests.Session", Kind.IO, f"{_HTTP_VERBS} send", **_NET),
    **_methods(
        "httpx.Client",
        Kind.IO,
        f"{_HTTP_VERBS} send stream close",
        source="flake8-async",
        **_NET,
    ),
    **_methods(
        "urllib3.PoolManager",
        Kind.IO,
        "request urlopen request_encode_url request_encode_body",
        source="flake8-async",
        **_NET,
    ),
    **_methods(
        "http.client.HTTPConnection",
        Kind.IO,
        "connect request getresponse send endheaders",
        **_NET,
    ),
    **_methods("socket.socket", Kind.IO, _SOCKET_METHODS, source="blockbuster", **_NET),
    **_methods(
        "ssl.SSLSocket",
        Kind.IO,
        f"{_SOCKET_METHODS} read write do_handshake",
        source="blockbuster",
        **_NET,
    ),
    **_methods("socket.SocketIO", Kind.IO, _FILE_READS, source="blockbuster", **_NET),
    # They read certificate files from disk.
    **_methods(
        "ssl.SSLContext",
        Kind.FILE,
        "load_verify_locations load_cert_chain load_default_certs set_default_verify_paths",
        **_NET,
    ),
    **_methods(
        "smtplib.SMTP",
        Kind.IO,
        "connect login starttls ehlo helo ehlo_or_helo_if_needed sendmail send_message quit noop"
        " verify rset docmd auth",
        **_NET,
    ),
    **_methods(
        "ftplib.FTP",
        Kind.IO,
        "connect login retrbinary retrlines storbinary storlines nlst dir mlsd cwd pwd mkd rmd"
        " delete rename size quit sendcmd voidcmd",
        **_NET,
    ),
    **_methods(
        "imaplib.IMAP4",
        Kind.IO,
        "login authenticate select examine search fetch store copy append expunge close logout"
        " list uid noop starttls",
        **_NET,
    ),
    **_methods(
        "poplib.POP3",
        Kind.IO,
        "user pass_ apop stat list retr dele top uidl noop rset quit",
        **_NET,
    ),
    **_methods("paramiko.SSHClient", Kind.IO, "connect exec_command open_sftp", **_NET),
    **_methods(
        "paramiko.SFTPClient",
        Kind.IO,
        "get put listdir listdir_attr stat lstat open remove rename mkdir rmdir chdir",
        **_NET,
    ),
    **_methods("urllib.request.OpenerDirector", Kind.IO, "open", **_NET),
    # -- LLM SDKs (their docs): a sync client's resource methods are HTTP requests --------------
    **_methods(
        "openai.OpenAI",
        Kind.IO,
        "create parse retrieve list delete update cancel generate edit create_variation content"
        " upload create_and_poll poll",
        **_NET,
    ),
    **_methods("anthropic.Anthropic", Kind.IO, "create count_tokens retrieve list delete", **_NET),
    **_methods("slack_sdk.webhook.WebhookClient", Kind.IO, "send send_dict", **_NET),
    **{
        (owner, method): Entry(Kind.IO, **_NET)
        for owner in ("yt_dlp.YoutubeDL", "youtube_dl.YoutubeDL")
        for method in "extract_info download download_with_info_file process_ie_result urlopen".split()
    },
    **_methods(RUNNABLE, Kind.IO, "invoke batch batch_as_completed predict", **_NET),
    # ``stream`` returns an iterator that makes the request when consumed.
    **_methods(RUNNABLE, Kind.IO, "stream", lazy=True, **_NET),
    # -- databases and services ------------------------------------------------------------------
    # Not rewritten: a sqlite3 connection may only be used in the thread that made it.
    **_methods(
        "sqlite3.Connection",
        Kind.IO,
        "execute executemany executescript commit rollback backup",
        fix=None,
        source="blockbuster",
        **_DB,
    ),
    **_methods(
        "sqlite3.Cursor",
        Kind.IO,
        "execute executemany executescript fetchone fetchmany fetchall",
        fix=None,
        source="blockbuster",
        **_DB,
    ),
    **_methods("psycopg2.connection", Kind.IO, "commit rollback", **_DB),
    **_methods("psycopg2.cursor", Kind.IO, f"{_DBAPI_CURSOR} copy_from copy_to copy_expert", **_DB),
    **_methods("psycopg2.pool", Kind.IO, "getconn", **_DB),
    **_methods("psycopg.Connection", Kind.IO, "execute commit rollback", **_DB),
    **_methods(
        "psycopg.Cursor", Kind.IO, "execute executemany fetchone fetchmany fetchall copy", **_DB
    ),
    **_methods("psycopg_pool.ConnectionPool", Kind.IO, "getconn", **_DB),
    **_methods("pymysql.Connection", Kind.IO, "commit rollback ping select_db query", **_DB),
    **_methods("pymysql.Cursor", Kind.IO, _DBAPI_CURSOR, **_DB),
    **_methods("sqlalchemy.Engine", Kind.IO, "connect begin execute", **_DB),
    **_methods(
        "sqlalchemy.Connection",
        Kind.IO,
        "execute exec_driver_sql scalar scalars commit rollback",
        **_DB,
    ),
    **_methods(
        "sqlalchemy.orm.Session",
        Kind.IO,
        "execute exec scalar scalars get get_one commit rollback flush refresh merge connection",
        **_DB,
    ),
    **_methods(
        "sqlalchemy.orm.Query",
        Kind.IO,
        "all first one one_or_none scalar count get delete update",
        **_DB,
    ),
    **_methods("redis.client.Pipeline", Kind.IO, "execute watch unwatch", **_DB),
    # Lock.acquire polls the server, sleeping between tries, until it holds the lock or times out.
    **_methods("redis.lock.Lock", Kind.IO, "acquire release extend reacquire locked owned", **_DB),
    **_methods("redis.client.BitFieldOperation", Kind.IO, "execute", **_DB),
    **_methods(
        "redis.client.PubSub",
        Kind.IO,
        "subscribe psubscribe unsubscribe punsubscribe get_message listen ping",
        **_DB,
    ),
    **_methods(
        "pymongo.MongoClient",
        Kind.IO,
        "list_database_names list_databases drop_database server_info",
        **_DB,
    ),
    **_methods(
        "pymongo.Database",
        Kind.IO,
        "command list_collection_names list_collections create_collection drop_collection"
        " validate_collection",
        **_DB,
    ),
    **_methods(
        "pymongo.Collection",
        Kind.IO,
        "find_one insert_one insert_many update_one update_many replace_one delete_one"
        " delete_many count_documents estimated_document_count aggregate distinct"
        " find_one_and_update find_one_and_replace find_one_and_delete bulk_write create_index"
        " create_indexes drop_index drop_indexes drop index_information list_indexes watch",
        **_DB,
    ),
    **_methods("pymongo.Cursor", Kind.IO, "to_list next explain distinct", **_DB),
    **_methods("botocore.waiter.Waiter", Kind.IO, "wait", **_DB),
    **_methods(STREAMING_BODY, Kind.IO, "read readlines iter_chunks iter_lines", **_DB),
    **_methods("kafka.KafkaProducer", Kind.IO, "send flush close partitions_for", **_DB),
    **_methods(
        "kafka.KafkaConsumer",
        Kind.IO,
        "poll commit committed position seek_to_beginning seek_to_end topics"
        " partitions_for_topic beginning_offsets end_offsets offsets_for_times close",
        **_DB,
    ),
    # -- processes, files ------------------------------------------------------------------------
    **_methods("subprocess.Popen", Kind.SUBPROCESS, "wait communicate", **_PROC),
    **_methods(
        "pathlib.Path",
        Kind.FILE,
        "read_text read_bytes write_text write_bytes open",
        **_FILES,
    ),
    **_methods(
        "pathlib.Path",
        Kind.FILE,
        "touch unlink mkdir rmdir rename replace",
        source="blockbuster",
        **_FILES,
    ),
    **_methods(
        "pathlib.Path", Kind.FILE, "iterdir glob rglob", source="python-docs", lazy=True, **_FILES
    ),
    # The stat family (AEX109): ``Path.exists`` and the others call os.stat (blockbuster's).
    **_methods(
        "pathlib.Path",
        Kind.STAT,
        "stat lstat exists is_file is_dir is_symlink is_mount resolve samefile",
        source="blockbuster",
        **_FILES,
    ),
    **_methods("zipfile.ZipFile", Kind.FILE, "extractall extract write", **_FILES),
    **_methods("tarfile.TarFile", Kind.FILE, "extractall extract add", **_FILES),
    # -- waits: blocking by default (threading, queue, multiprocessing docs) ----------------------
    **_methods(
        "threading.Lock",
        Kind.THREAD_WAIT,
        "acquire",
        fix=None,
        blocking_flag="blocking",
        source="blockbuster",
        **_WAITS,
    ),
    **_methods(
        "threading.Semaphore",
        Kind.THREAD_WAIT,
        "acquire",
        fix=None,
        blocking_flag="blocking",
        **_WAITS,
    ),
    **_methods(
        "threading.Condition",
        Kind.THREAD_WAIT,
        "acquire wait wait_for",
        fix=None,
        blocking_flag="blocking",
        **_WAITS,
    ),
    **_methods("threading.Event", Kind.THREAD_WAIT, "wait", timeout_arg=0, **_WAITS),
    **_methods("threading.Thread", Kind.THREAD_WAIT, "join", timeout_arg=0, **_WAITS),
    **_methods("queue.Queue", Kind.THREAD_WAIT, "get", blocking_flag="block", **_WAITS),
    **_methods("queue.Queue", Kind.THREAD_WAIT, "join", **_WAITS),
    **_methods(
        "multiprocessing.pool.Pool",
        Kind.THREAD_WAIT,
        "apply map starmap join",
        **_WAITS,
    ),
    # -- CPU: Pillow; measured (README): resize, rotate, convert, PNG save release the GIL ----
    **_methods(
        "PIL.Image.Image",
        Kind.CPU_RELEASES_GIL,
        "convert resize thumbnail rotate transpose filter quantize reduce save load",
        source="measured",
        **_CPU,
    ),
    # -- futures, Celery -------------------------------------------------------------------------
    (FUTURE, "result"): Entry(Kind.FUTURE_WAIT, Fix.WRAP_FUTURE, domain=Domain.WAITS),
    (FUTURE, "exception"): Entry(Kind.FUTURE_WAIT, None, domain=Domain.WAITS),
    ("celery.result.AsyncResult", "get"): Entry(Kind.IO, None, domain=Domain.DATABASES),
    **_methods("celery.Task", Kind.IO, "delay apply_async", **_DB),
}


# Clients whose every method is a request, but their builders: type -> (entry, builders). A
# builder makes an object, or answers from what the client already holds, without a round trip;
# each names its source (a key of ``SOURCES``). A method whose name starts with a capital letter
# (``s3.Bucket("b")``) or an underscore is not a request either.
def _builders(source: str, names: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), source)


ANY_METHOD: dict[str, tuple[Entry, dict[str, str]]] = {
    # botocore's docs: paginators and waiters are made locally and request when iterated or waited
    # on; a presigned URL or POST is signed locally with the client's credentials.
    "botocore.client.BaseClient": (
        Entry(Kind.IO, domain=Domain.DATABASES),
        _builders(
            "docs",
            "get_paginator can_paginate generate_presigned_url generate_presigned_post get_waiter"
            " close meta exceptions",
        ),
    ),
    "boto3.resource": (
        Entry(Kind.IO, domain=Domain.DATABASES),
        _builders("docs", "meta get_available_subresources"),
    ),
    # redis-py's docs: pipelines, pub/sub objects, locks, scripts and BITFIELD operations are
    # built locally and send nothing until executed, subscribed, acquired or called; module
    # command groups (``r.json()``, ``r.ft()``) and the encoder, retry and callback accessors read
    # the client's own state.
    "redis.Redis": (
        Entry(Kind.IO, domain=Domain.DATABASES),
        _builders(
            "docs",
            "pipeline pubsub lock register_script bitfield get_encoder get_connection_kwargs"
            " get_retry set_retry set_response_callback load_external_module monitor client json"
            " ft ts bf cf cms topk tdigest",
        ),
    ),
    # A resource object (``s3.Object(b, k)``, ``dynamodb.Table(n)``): its actions are requests.
    BOTO3_RESOURCE_OBJECT: (
        Entry(Kind.IO, domain=Domain.DATABASES),
        _builders("docs", "meta get_available_subresources"),
    ),
    "elasticsearch.Elasticsearch": (
        Entry(Kind.IO, domain=Domain.DATABASES),
        _builders("docs", "options close"),
    ),
    "elasticsearch.NamespacedClient": (Entry(Kind.IO, domain=Domain.DATABASES), {}),
    "xmlrpc.client.ServerProxy": (Entry(Kind.IO, domain=Domain.NETWORK), {}),
    # slack_sdk's docs: every public method of the sync ``WebClient`` is a Web API call
    # (``chat_postMessage``, ``api_call``...); ``AsyncWebClient`` is its async twin.
    "slack_sdk.WebClient": (Entry(Kind.IO, domain=Domain.NETWORK), {}),
}
# Clients whose capitalised methods are requests too: an XML-RPC server names its own methods.
CAPITALS_ARE_REQUESTS = frozenset({"xmlrpc.client.ServerProxy"})

# Decorators that make a module-level function a Celery task (``@app.task`` is matched by its last
# attribute when ``app`` is a ``Celery(...)`` object or any name: ``@<app>.task``).
CELERY_TASK_DECORATORS = frozenset({"celery.shared_task", "celery.task"})
CELERY_APP_TASK_ATTRIBUTE = "task"

# Types that annotations may name for a parameter or variable (``client: httpx.Client``,
# ``db: Session`` in a FastAPI endpoint).
ANNOTATION_TYPES: dict[str, str] = {
    **{name: type_ for name, type_ in CONSTRUCTORS.items() if name.rpartition(".")[2][0].isupper()},
    "concurrent.futures.Future": FUTURE,
    "concurrent.futures.Executor": "concurrent.futures.Executor",
    **_same("sqlalchemy.Engine", "sqlalchemy.Engine sqlalchemy.engine.Engine"),
    **_same("sqlalchemy.Connection", "sqlalchemy.Connection sqlalchemy.engine.Connection"),
    **_same("sqlalchemy.orm.Query", "sqlalchemy.orm.Query"),
    **_same("sqlite3.Cursor", "sqlite3.Cursor"),
    **_same("psycopg2.cursor", "psycopg2.extensions.cursor"),
    **_same("psycopg.Connection", "psycopg.Connection"),
    **_same("psycopg.Cursor", "psycopg.Cursor"),
    **_same("pymysql.Cursor", "pymysql.cursors.Cursor pymysql.cursors.DictCursor"),
    **_same("pymongo.Database", "pymongo.database.Database"),
    **_same("pymongo.Collection", "pymongo.collection.Collection"),
    **_same("botocore.client.BaseClient", "botocore.client.BaseClient"),
    **_same("redis.client.Pipeline", "redis.client.Pipeline"),
    **_same("ssl.SSLSocket", "ssl.SSLSocket"),
    **_same(
        URLLIB3_RESPONSE,
        "urllib3.HTTPResponse urllib3.BaseHTTPResponse urllib3.response.HTTPResponse"
        " urllib3.response.BaseHTTPResponse",
    ),
    **_same(HTTP_RESPONSE, "requests.Response requests.models.Response httpx.Response"),
    **_same("paramiko.SFTPClient", "paramiko.SFTPClient paramiko.sftp_client.SFTPClient"),
    **_same(
        RUNNABLE,
        "langchain_core.language_models.BaseChatModel"
        " langchain_core.language_models.chat_models.BaseChatModel"
        " langchain_core.language_models.BaseLanguageModel langgraph.graph.state.CompiledStateGraph"
        " langgraph.graph.graph.CompiledGraph",
    ),
}


# Every type of the catalog may be written by its own name (``sock: socket.socket``): what a
# constructor, a factory or a method gives, and what a method belongs to.
for _type in sorted(
    {*CONSTRUCTORS.values(), *RETURNS.values(), *(owner for owner, _method in METHODS)}
):
    ANNOTATION_TYPES.setdefault(_type, _type)
ANNOTATION_TYPES.setdefault("socket.SocketType", "socket.socket")


def _type_edges() -> dict[str, set[str]]:
    """type -> the types one step away from it (a method, a call, a subscript, an attribute)."""
    edges: dict[str, set[str]] = {}
    for (owner, _name), type_ in [*RETURNS.items(), *ATTRIBUTE_TYPES.items()]:
        edges.setdefault(owner, set()).add(type_)
    for owner, type_ in [
        *CALL_RETURNS.items(),
        *CAPITALIZED_RETURNS.items(),
        *SUBSCRIPT_TYPES.items(),
        *ANY_ATTRIBUTE_TYPES.items(),
    ]:
        edges.setdefault(owner, set()).add(type_)
    return edges


def _roots_reaching(targets: frozenset[str]) -> frozenset[str]:
    """The top-level modules whose names give an object that is, or leads to, one of ``targets``.

    A file that imports none of them cannot call a method of such an object: the lookup then keeps
    its fast path (a method name that no catalog table spells is not resolved at all).
    """
    edges = _type_edges()
    reaching = set(targets)
    changed = True
    while changed:
        changed = False
        for owner, types in edges.items():
            if owner not in reaching and types & reaching:
                reaching.add(owner)
                changed = True
    return frozenset(
        name.partition(".")[0]
        for table in (CONSTRUCTORS, ANNOTATION_TYPES)
        for name, type_ in table.items()
        if type_ in reaching
    )


ANY_METHOD_ROOTS = _roots_reaching(frozenset(ANY_METHOD))


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

# Name lookups that never ask a resolver when given ``AI_NUMERICHOST`` in their flags: the host must
# then be a numeric address, parsed locally (getaddrinfo(3); tornado's ``is_valid_ip`` is the
# idiom, found on the benchmark corpus). Name -> (index of the flags argument, its keyword).
# A first argument, as a string literal, that makes the call read no file: ``pytz.timezone("UTC")``
# returns ``pytz.utc`` before looking for a zone file (pytz/__init__.py), in any case.
NO_FILE_ARGUMENTS: dict[str, frozenset[str]] = {"pytz.timezone": frozenset({"UTC"})}
# Constructors that load a CA bundle unless their argument says not to: name -> (index of the
# argument, its keyword). Only ``True`` (the default) or a bundle's path (a string) loads one.
CA_BUNDLE_ARGUMENTS = {
    name: (-1, "verify")
    for name in ("httpx.Client", "httpx.AsyncClient", "httpx2.Client", "httpx2.AsyncClient")
}
# Callables that cache what they read per key: a key the running program has already loaded (a
# framework's, ``profiles.LOADED_ZONES``) is answered from the cache, with no file read (the
# zoneinfo docs: instances are cached per key). Name -> (index of the key argument, its keyword).
KEYED_CACHES = {"zoneinfo.ZoneInfo": (0, "key")}
NUMERIC_HOST_FLAGS = {"socket.getaddrinfo": (5, "flags")}
NUMERIC_HOST = "AI_NUMERICHOST"

# Name lookups of a fixed host that no resolver is asked about: the loopback name (answered from
# the hosts file) and any numeric address (parsed locally, getaddrinfo(3)). Name -> (index of the
# host argument, its keyword).
FIXED_HOST_LOOKUPS = {
    "socket.gethostbyname": (0, "hostname"),
    "socket.gethostbyname_ex": (0, "hostname"),
    "socket.getaddrinfo": (0, "host"),
}
LOCAL_HOST_NAMES = frozenset({"localhost"})

# Kernel pseudo-file systems: a read or a listing under them is answered from memory by the kernel,
# never from a disk (proc(5), sysfs(5)). A file call on a path spelled with one of these prefixes is
# not file I/O that can stall.
PSEUDO_FILE_SYSTEMS = ("/proc", "/sys")
# Calls that write a second path, which may be on a disk (``shutil.copy("/proc/x", dst)``).
TWO_PATH_CALLS = frozenset(
    "shutil.copy shutil.copy2 shutil.copyfile shutil.copytree shutil.move os.rename os.replace"
    " pathlib.Path.rename pathlib.Path.replace".split()
)
# Waits that return at once when the queue holds an item: under ``if not q.empty():`` (or
# ``q.qsize()``) on the loop's thread, nothing else can take it first.
GUARDED_BY_NOT_EMPTY = frozenset({"queue.Queue.get"})
