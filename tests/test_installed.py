"""Calls followed into installed packages: a fake distribution in a temporary ``site-packages``.

``pyfoo`` (version 1.0, with a ``dist-info``) is a vendor SDK as the bugs show them: a sync client
whose method uses ``requests`` through a helper module, a sync method beside its async twin, an
async API that reads a file on the loop (reported at the project's ``await``: only the package can
fix it), coroutines and functions that hand their work to an executor (silent), a coroutine that
builds an SSL context only for some arguments (silent: a step under a test of a parameter is not
followed in installed code), one that reads its own socket (silent: a library's sockets are the
loop's). ``barlib`` installs
a module named otherwise (``bar_impl``), found through its ``RECORD``. flake8 runs as a
subprocess with the environment found as users have it: ``$VIRTUAL_ENV``, a ``.venv/`` at the
project's root, ``--executor-python`` at another venv; the language server with the ``python``
setting. Constructors (``pyfoo.Client(...)`` building an SSL context in ``__init__``) are not
followed here: the case is left to the constructors' work.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from flake8_executor.analysis.environment import Distributions, find_environment
from tests.fixture_format import reported_findings

PYFOO = {
    "pyfoo/__init__.py": """\
        from pyfoo.client import AsyncClient, Client, offloaded

        __all__ = ["AsyncClient", "Client", "offloaded"]
        """,
    "pyfoo/_http.py": """\
        import requests

        _SESSION = requests.Session()


        def get(url):
            return _SESSION.get(url)
        """,
    "pyfoo/client.py": """\
        import asyncio
        import json
        import socket
        import ssl

        from pyfoo import _http


        class Client:
            def update(self):
                return _http.get("https://example.com/state")

            async def async_update(self):
                return await asyncio.sleep(0)

            def name(self):
                return "pyfoo"


        class AsyncClient:
            async def load(self, path):
                with open(path) as f:
                    return json.load(f)

            async def load_later(self, path):
                return await asyncio.to_thread(self._read, path)

            async def raw(self):
                return await self.receive()

            def _read(self, path):
                with open(path) as f:
                    return f.read()

            async def fetch(self):
                return await self.load("/etc/pyfoo.json")

            async def receive(self):
                sock = socket.socket()
                sock.setblocking(False)
                return sock.recv(1024)  # its own non-blocking socket

            async def body(self):
                return await self.raw()

            async def payload(self):
                return json.loads(await self.body())  # the library's parse: its API at work

            async def connect(self, host, tls=False):
                if tls:  # only for some arguments: the call site's decide
                    return ssl.create_default_context()
                return host

            async def secure(self, host, verify=True):
                if not verify:
                    return host
                return ssl.create_default_context()

            async def context(self, verify=False):
                return ssl.create_default_context() if verify else None

            async def many(self, paths):
                if len(paths) > 1:  # a test not read: no argument is known to take it
                    return [open(path).read() for path in paths]
                return await self.context(verify=True)


        def offloaded(path):
            loop = asyncio.get_running_loop()
            return loop.run_in_executor(None, lambda: open(path).read())
        """,
    "pyfoo-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: pyfoo\nVersion: 1.0\n",
    "pyfoo-1.0.dist-info/top_level.txt": "pyfoo\n",
    "bar_impl/__init__.py": """\
        import time


        def settle():
            time.sleep(1)
        """,
    "barlib-2.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: barlib\nVersion: 2.0\n",
    "barlib-2.0.dist-info/RECORD": "bar_impl/__init__.py,,\nbarlib-2.0.dist-info/METADATA,,\n",
}

APP = """\
import pyfoo
from pyfoo import AsyncClient
from bar_impl import settle


async def main(path):
    client = pyfoo.Client()
    client.update()
    await client.async_update()
    client.name()
    api = AsyncClient()
    await api.load(path)
    await api.load_later(path)
    await api.fetch()
    await pyfoo.offloaded(path)
    settle()
    await api.connect("example.com")
    await api.raw()
    await api.payload()
    await api.connect("example.com", tls=True)
    await api.secure("example.com", verify=False)
    await api.secure("example.com")
    await api.context()
    await api.context(True)
    await api.many([path])
"""
EXPECTED = {
    (8, "AEX100"),
    (12, "AEX103"),
    (14, "AEX103"),
    (16, "AEX101"),
    (20, "AEX103"),
    (22, "AEX103"),
    (24, "AEX103"),
    (25, "AEX103"),
}


# A framework kit whose handler base derives from tornado.web.RequestHandler (through a relative
# import and a re-export), and a class of it that does not.
TORNADOKIT = {
    "tornadokit/__init__.py": "from tornadokit.handlers import JsonHandler, Plain\n",
    "tornadokit/base.py": """\
        import tornado.web


        class BaseHandler(tornado.web.RequestHandler):
            pass
        """,
    "tornadokit/handlers.py": """\
        from .base import BaseHandler


        class JsonHandler(BaseHandler):
            pass


        class Plain:
            def get(self):
                return None
        """,
    "tornadokit-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: tornadokit\nVersion: 0.1\n",
    "tornadokit-0.1.dist-info/top_level.txt": "tornadokit\n",
}

HANDLERS = """\
import time

import tornadokit
from tornadokit.handlers import Plain


class Api(tornadokit.JsonHandler):
    def get(self):
        time.sleep(1)


class Other(Plain):
    def get(self):
        time.sleep(1)
"""


def _install(site: Path, files: dict[str, str] = PYFOO) -> None:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _fake_venv(root: Path) -> Path:
    """A directory laid out as a virtual environment; its site-packages holds the fakes."""
    (root / "pyvenv.cfg").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    site = root / "lib" / f"python3.{sys.version_info[1]}" / "site-packages"
    _install(site)
    return site


def _project(root: Path, app: str = APP) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (root / "app.py").write_text(app, encoding="utf-8")
    return root


def _env(cache: Path, virtual_env: Path | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "FLAKE8_EXECUTOR_CACHE_DIR", "PYTHONPATH")
    }
    env["XDG_CACHE_HOME"] = str(cache)
    if virtual_env is not None:
        env["VIRTUAL_ENV"] = str(virtual_env)
    return env


def _flake8(
    project: Path, env: dict[str, str], *args: str, path: str = "app.py"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select=AEX", *args, path],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        timeout=120,
    )


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(the project, the fake venv's site-packages, the environment naming the venv)."""
    venv = tmp_path / "env"
    site = _fake_venv(venv)
    return _project(tmp_path / "project"), site, _env(tmp_path / "cache", venv)


def test_the_package_and_the_chain_are_named(setup: tuple[Path, Path, dict[str, str]]) -> None:
    project, _site, env = setup
    result = _flake8(project, env)
    assert "Traceback" not in result.stderr, result.stderr
    assert reported_findings(result.stdout) == EXPECTED, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "app.py:8:5: AEX100 client.update() blocks the event loop: it calls "
        "requests.Session.get() in pyfoo (network I/O, via pyfoo.client.Client.update -> "
        "pyfoo._http.get -> requests.Session.get); run it in a thread: await "
        "asyncio.to_thread(client.update, ...), or use an async client"
    )
    # An async API reading a file on the loop: at the await, no fix, the package named.
    assert lines[1].startswith(
        "app.py:12:11: AEX103 await api.load() blocks the event loop: the coroutine calls open() "
        "in pyfoo (file I/O, via pyfoo.client.AsyncClient.load -> open"
    )
    assert lines[1].endswith("only pyfoo can fix it (report it upstream), no fix here")
    assert "via pyfoo.client.AsyncClient.fetch -> pyfoo.client.AsyncClient.load -> open" in lines[2]
    # A module whose distribution is named otherwise: the RECORD tells.
    assert "it calls time.sleep() in barlib (" in lines[3]


def test_follow_imports_no_and_an_environment_without_the_package(
    setup: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    project, _site, env = setup
    assert _flake8(project, env, "--executor-follow-imports=no").stdout == ""
    # The running interpreter's environment has no pyfoo: nothing to follow.
    bare = _flake8(project, _env(tmp_path / "cache"))
    assert bare.stdout == "", bare.stdout


def test_the_user_cache_per_distribution_and_version(
    setup: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    project, site, env = setup
    installed = tmp_path / "cache" / "flake8-executor" / "installed"
    first = _flake8(project, env)
    assert sorted(path.name for path in installed.iterdir()) == ["barlib-2.0", "pyfoo-1.0"]
    entries = {path: path.stat().st_mtime_ns for path in installed.rglob("*.json")}
    assert len(entries) >= 4
    assert not (project / ".flake8-executor-cache" / "installed").exists()
    # Warm: the same findings, nothing written.
    second = _flake8(project, env)
    assert second.stdout == first.stdout
    assert {path: path.stat().st_mtime_ns for path in installed.rglob("*.json")} == entries
    # Another project shares the entries.
    other = _project(tmp_path / "other")
    assert _flake8(other, env).stdout == first.stdout
    assert {path: path.stat().st_mtime_ns for path in installed.rglob("*.json")} == entries
    # An upgrade (1.0 -> 1.1, the same files): the new version is summarised again.
    (site / "pyfoo-1.0.dist-info").rename(site / "pyfoo-1.1.dist-info")
    (site / "pyfoo-1.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pyfoo\nVersion: 1.1\n", encoding="utf-8"
    )
    upgraded = _flake8(project, env)
    assert upgraded.stdout == first.stdout
    assert (installed / "pyfoo-1.1").is_dir()
    # ... and its code: the helper no longer blocks.
    http = site / "pyfoo" / "_http.py"
    http.write_text(http.read_text(encoding="utf-8").replace("_SESSION.get(url)", "url"))
    assert (8, "AEX100") not in reported_findings(_flake8(project, env).stdout)
    # --executor-cache=no: no entry written anywhere.
    shutil.rmtree(installed)
    off = _flake8(project, env, "--executor-cache=no")
    assert not installed.exists() and (14, "AEX103") in reported_findings(off.stdout)


def test_a_same_size_edit_within_the_same_mtime_is_seen(tmp_path: Path) -> None:
    """Issue 21: the cached summary of another module is checked against the file's content."""
    project = _project(
        tmp_path / "project",
        "from helpers import nap\n\n\nasync def main():\n    nap()\n",
    )
    helpers = project / "helpers.py"
    helpers.write_text("import time\n\n\ndef nap():\n    time.sleep(1)\n", encoding="utf-8")
    env = _env(tmp_path / "cache")
    assert reported_findings(_flake8(project, env).stdout) == {(5, "AEX101")}
    stat = helpers.stat()
    helpers.write_text("import time\n\n\ndef nap():\n    time.sleep   \n", encoding="utf-8")
    os.utime(helpers, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert helpers.stat().st_size == stat.st_size
    assert helpers.stat().st_mtime_ns == stat.st_mtime_ns
    assert _flake8(project, env).stdout == ""


def test_a_dot_venv_at_the_project_root(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _fake_venv(project / ".venv")
    result = _flake8(project, _env(tmp_path / "cache"))
    assert reported_findings(result.stdout) == EXPECTED, result.stdout + result.stderr


def test_executor_python_points_at_another_venv(tmp_path: Path) -> None:
    venv = tmp_path / "other-venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    (site,) = [
        path for path in find_environment(str(python), None) if path.endswith("site-packages")
    ]
    _install(Path(site))
    project = _project(tmp_path / "project")
    env = _env(tmp_path / "cache")
    assert _flake8(project, env).stdout == ""  # the running interpreter has no pyfoo
    flagged = _flake8(project, env, f"--executor-python={python}")
    assert reported_findings(flagged.stdout) == EXPECTED, flagged.stdout + flagged.stderr
    # The same from the pyproject table, relative to it; executor-fix reads it too.
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.flake8-executor]\npython = "../other-venv/bin/python"\n',
        encoding="utf-8",
    )
    assert reported_findings(_flake8(project, env).stdout) == EXPECTED
    fix = subprocess.run(
        [sys.executable, "-m", "flake8_executor", "--diff", "--unsafe-fixes", "app.py"],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        timeout=120,
    )
    assert "+    await asyncio.to_thread(client.update)" in fix.stdout, fix.stdout + fix.stderr
    assert "await api.load(path)" not in fix.stdout  # the package's coroutine: no fix
    assert "app.py:12:11: AEX103 not fixed: no automatic fix" in fix.stderr, fix.stderr
    # The venv's directory does as well as its interpreter.
    directory = _flake8(project, env, f"--executor-python={venv}")
    assert reported_findings(directory.stdout) == EXPECTED, directory.stdout + directory.stderr
    missing = _flake8(project, env, f"--executor-python={tmp_path / 'nowhere'}")
    assert missing.returncode == 2
    assert "--executor-python: " in missing.stderr and "no such interpreter" in missing.stderr


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs a Python older than PEP 695")
def test_a_module_in_newer_syntax_is_skipped_with_a_note(
    setup: tuple[Path, Path, dict[str, str]],
) -> None:
    project, site, env = setup
    http = site / "pyfoo" / "_http.py"
    http.write_text(http.read_text(encoding="utf-8") + "\n\ntype Url = str\n", encoding="utf-8")
    result = _flake8(project, env, "-v")
    assert (8, "AEX100") not in reported_findings(result.stdout)
    assert (12, "AEX103") in reported_findings(result.stdout)
    assert "pyfoo/_http.py (pyfoo) skipped: this Python cannot parse it" in result.stderr


def test_distributions_by_top_level_and_by_record(tmp_path: Path) -> None:
    site = _fake_venv(tmp_path / "env")
    owners = Distributions([str(site)])
    assert owners.owner("pyfoo") == ("pyfoo", "1.0")
    assert owners.owner("bar_impl") == ("barlib", "2.0")
    assert owners.owner("nothing") is None
    # $VIRTUAL_ENV wins over a .venv at the project's root.
    project = tmp_path / "project"
    _fake_venv(project / ".venv")
    saved = os.environ.get("VIRTUAL_ENV")
    os.environ["VIRTUAL_ENV"] = str(tmp_path / "env")
    try:
        assert find_environment(None, str(project)) == (str(site),)
    finally:
        if saved is None:
            del os.environ["VIRTUAL_ENV"]
        else:
            os.environ["VIRTUAL_ENV"] = saved


def test_the_language_server_follows_the_python_setting(tmp_path: Path) -> None:
    """The ``python`` setting from the client; an installed module edited within the mtime's
    granularity of its read (same size, same mtime) is read again (issue 21)."""
    pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed")
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig

    from tests.lsp_client import SERVER, Published, initialize_params

    site = _fake_venv(tmp_path / "env")
    project = _project(tmp_path / "project")
    python = tmp_path / "python"
    # An "interpreter" that answers the probe with the fake venv's site-packages.
    python.write_text(
        f"#!{sys.executable}\nimport json\nprint(json.dumps([[{str(site)!r}], []]))\n",
        encoding="utf-8",
    )
    python.chmod(0o755)
    server = ClientServerConfig(SERVER.server_command, server_env=_env(tmp_path / "cache"))
    http = site / "pyfoo" / "_http.py"
    before = http.read_text(encoding="utf-8")
    after = before.replace("_SESSION.get(url)", "str(url)         ")
    assert len(after) == len(before)
    # An mtime no older than the server's read (here ahead of it, as with a skewed clock): the
    # stat cannot tell a later same-size save from none.
    now = time.time_ns() + 60 * 10**9
    os.utime(http, ns=(now, now))

    async def run() -> tuple[list[types.Diagnostic], list[types.Diagnostic]]:
        client = await server.start()
        try:
            published = Published()
            published.watch(client)
            await client.initialize_session(
                initialize_params(project, {"flake8-executor": {"python": str(python)}})
            )
            uri = (project / "app.py").as_uri()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, APP))
            )
            first = await published.wait(uri, 1)
            http.write_text(after, encoding="utf-8")
            os.utime(http, ns=(now, now))
            since = len(published.received)
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(version=2, uri=uri),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(APP + "\n")],
                )
            )
            second = await published.wait(uri, 2, since)
            await client.shutdown_session()
            return first, second
        finally:
            await asyncio.wait_for(client.stop(), 30)

    first, second = asyncio.run(run())
    assert {(d.range.start.line + 1, d.code) for d in first} == EXPECTED
    (awaited,) = [d for d in first if d.range.start.line == 11]
    assert "only pyfoo can fix it" in awaited.message
    assert {(d.range.start.line + 1, d.code) for d in second} == EXPECTED - {(8, "AEX100")}


def test_a_tornado_handler_through_an_installed_packages_base(
    setup: tuple[Path, Path, dict[str, str]],
) -> None:
    """A handler whose base is an installed package's subclass of RequestHandler runs its sync
    get() on the IOLoop; a class of the package that is no handler does not."""
    project, site, env = setup
    _install(site, TORNADOKIT)
    (project / "handlers.py").write_text(HANDLERS, encoding="utf-8")
    result = _flake8(project, env, path="handlers.py")
    assert reported_findings(result.stdout) == {(9, "AEX101")}, result.stdout + result.stderr
    assert "in a sync method of a tornado.web.RequestHandler" in result.stdout
