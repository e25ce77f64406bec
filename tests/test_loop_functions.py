"""Code that runs on the loop without ``async def``: the loop-callbacks setting in both front ends.

The profiles' own cases (Home Assistant, asyncio callbacks, Tornado) are fixtures
(``fixtures/loop_*.py``, ``fixtures/fix/declined_loop_functions.py``); here the setting is given
the ways users give it: flake8's option, ``executor-fix``'s flag, the pyproject table.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli_runs import Run, shown
from tests.fixture_format import reported_findings, run_flake8

SOURCE = (
    "import time\n\nfrom myfw import on_loop\n\n\n@on_loop\ndef refresh():\n    time.sleep(1)\n"
)


def test_flake8_option(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    assert "AEX101" not in run_flake8("--select=AEX", str(path)).stdout
    result = run_flake8("--select=AEX", "--executor-loop-callbacks=myfw.on_loop", str(path))
    assert f"{path}:8:5: AEX101 time.sleep() blocks the event loop" in result.stdout
    assert "decorated @myfw.on_loop" in result.stdout


def test_flake8_option_names_a_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    result = run_flake8("--executor-loop-callbacks=my-fw.on_loop", str(path))
    assert result.returncode == 2
    assert "--executor-loop-callbacks: 'my-fw.on_loop' is not a dotted Python name" in result.stderr


def test_executor_fix_flag_and_table(executor_fix: Run, project: Path) -> None:
    target = project / "app.py"
    target.write_text(SOURCE, encoding="utf-8")
    assert "AEX101" not in shown(executor_fix("--check", target))
    flagged = executor_fix("--check", "--loop-callbacks", "myfw.on_loop", target)
    assert "8:5: AEX101 not fixed: await cannot be added in a function that is not a coroutine" in (
        shown(flagged)
    )
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nloop-callbacks = ["myfw.on_loop"]\n', encoding="utf-8"
    )
    tabled = executor_fix("--check", target)
    assert "8:5: AEX101 not fixed" in shown(tabled)
    assert target.read_text(encoding="utf-8") == SOURCE


EVENTS = """\
import time


def on_loop(function):
    return function


class Bus:
    def listen(self, name, callback):
        pass


bus = Bus()
"""

JOBS = """\
import time

from app import on_loop
from app.events import bus
from app.other import on_loop as other_on_loop

from .events import on_loop as loop_only


@on_loop
def refresh():
    time.sleep(1)


@loop_only
def again():
    time.sleep(2)


def handler(event):
    time.sleep(3)


def elsewhere(event):
    time.sleep(4)


@other_on_loop
def not_ours():
    time.sleep(5)


bus.listen("event", handler)
"""


def test_the_projects_own_decorator_and_registration_in_another_module(tmp_path: Path) -> None:
    """``loop-callbacks`` names the project's own functions by their module: imported from it,
    relatively, or re-exported by the package; a method of an instance of its class; another
    module's function of the same name is not it."""
    package = tmp_path / "app"
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    (package / "__init__.py").write_text("from app.events import on_loop\n", encoding="utf-8")
    (package / "events.py").write_text(EVENTS, encoding="utf-8")
    (package / "other.py").write_text("def on_loop(function):\n    return function\n")
    (package / "jobs.py").write_text(JOBS, encoding="utf-8")
    setting = "--executor-loop-callbacks=app.events.on_loop,app.events.Bus.listen"
    result = run_flake8("--select=AEX", setting, "app/jobs.py", cwd=tmp_path)
    assert reported_findings(result.stdout) == {(12, "AEX101"), (17, "AEX101"), (21, "AEX101")}
    assert "decorated @app.on_loop, which runs on the event loop" in result.stdout
    assert "given to app.events.bus.listen(), which runs it on the event loop" in result.stdout
    # Without the project's imports followed, only a name as the file imports it is matched.
    alone = run_flake8(
        "--select=AEX",
        "--executor-loop-callbacks=app.on_loop",
        "--executor-follow-imports=no",
        "app/jobs.py",
        cwd=tmp_path,
    )
    assert reported_findings(alone.stdout) == {(12, "AEX101")}


HA_SSL = """\
import ssl
from enum import Enum
from functools import cache


class SSLCipherList(Enum):
    PYTHON_DEFAULT = "python_default"
    INTERMEDIATE = "intermediate"


@cache
def _client_context(ssl_cipher_list):
    return ssl.create_default_context(cafile="/etc/ssl/certs/ca-certificates.crt")


def client_context(ssl_cipher_list=SSLCipherList.PYTHON_DEFAULT):
    return _client_context(ssl_cipher_list=ssl_cipher_list)


_DEFAULT_SSL_CONTEXT = client_context()
"""

KAFKA = """\
from homeassistant.util import ssl as ssl_util
from homeassistant.util.ssl import SSLCipherList, client_context


class Manager:
    def __init__(self, ciphers=None):
        self.context = ssl_util.client_context()


async def async_setup(hass, entry):
    Manager()
    client_context()
    return client_context(SSLCipherList(entry.data["ciphers"]))  # error: AEX103
"""


def test_home_assistants_default_ssl_context_is_built_at_import(tmp_path: Path) -> None:
    """``homeassistant/util/ssl.py`` builds the default context at import, memoised: a call with
    no arguments is a cache hit; one with the configured cipher list builds another on the loop."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "core"\n', encoding="utf-8")
    util = tmp_path / "homeassistant" / "util"
    util.mkdir(parents=True)
    for package in (tmp_path / "homeassistant", util):
        (package / "__init__.py").write_text("", encoding="utf-8")
    (util / "ssl.py").write_text(HA_SSL, encoding="utf-8")
    (tmp_path / "homeassistant" / "kafka.py").write_text(KAFKA, encoding="utf-8")
    result = run_flake8("--select=AEX", "homeassistant/kafka.py", cwd=tmp_path)
    assert reported_findings(result.stdout) == {(13, "AEX103")}, shown(result)
