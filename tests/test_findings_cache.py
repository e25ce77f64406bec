"""A file's findings kept for the next flake8 run (``analysis/findings_cache.py``): reused while
nothing they depend on changed, and never once something did: the file, a module its calls reach
(directly, or through an answer another file's analysis worked out), a module added where a name
was none, the settings, an editor's unsaved buffer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_format import reported_findings

CACHE = ".flake8-executor-cache"


def _project(root: Path) -> Path:
    """``pkg.helpers.nap`` sleeps through ``pkg.deep.wait``; two modules' coroutines call it."""
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "deep.py").write_text("import time\n\n\ndef wait():\n    time.sleep(1)\n")
    (pkg / "helpers.py").write_text("from pkg.deep import wait\n\n\ndef nap():\n    wait()\n")
    for name in ("first", "second"):
        (pkg / f"{name}.py").write_text(
            "from pkg.helpers import nap\n\n\nasync def main():\n    nap()\n"
        )
    return root


def _flake8(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FLAKE8_EXECUTOR_CACHE_DIR",)}
    env["XDG_CACHE_HOME"] = str(root / "user-cache")
    files = ["-"] if stdin is not None else ["pkg/first.py", "pkg/second.py"]
    return subprocess.run(
        [sys.executable, "-m", "flake8", "-j1", "--select=AEX", *args, *files],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        input=stdin,
        timeout=120,
    )


def _entries(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in (root / CACHE).rglob("findings/*/*.json")}


def _by_file(result: subprocess.CompletedProcess[str]) -> dict[str, set[tuple[int, str]]]:
    found: dict[str, set[tuple[int, str]]] = {}
    for line in result.stdout.splitlines():
        path = line.split(":", 1)[0]
        found.setdefault(path, set()).update(reported_findings(line))
    return found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return _project(tmp_path)


def test_a_warm_run_reports_what_the_kept_findings_say(root: Path) -> None:
    cold = _flake8(root)
    assert _by_file(cold) == {"pkg/first.py": {(5, "AEX101")}, "pkg/second.py": {(5, "AEX101")}}
    entries = _entries(root)
    assert len(entries) == 2
    warm = _flake8(root)
    assert warm.stdout == cold.stdout
    assert _entries(root) == entries  # read, not written again
    # What is reported is the entry (the file was not analysed again): change the kept message.
    for path in entries:
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["findings"][0][5] = entry["findings"][0][5].replace("blocks", "BLOCKS")
        path.write_text(json.dumps(entry), encoding="utf-8")
    assert _flake8(root).stdout.count("BLOCKS the event loop") == 2


def test_an_edit_two_calls_away_changes_both_callers(root: Path) -> None:
    """``second.py``'s analysis reused the reach ``first.py``'s worked out: it depends on
    ``pkg/deep.py`` all the same."""
    assert len(_by_file(_flake8(root))) == 2
    deep = root / "pkg" / "deep.py"
    deep.write_text("def wait():\n    return None\n", encoding="utf-8")
    assert _flake8(root).stdout == ""
    deep.write_text("import subprocess\n\n\ndef wait():\n    subprocess.run(['true'])\n")
    assert _by_file(_flake8(root)) == {
        "pkg/first.py": {(5, "AEX102")},
        "pkg/second.py": {(5, "AEX102")},
    }


def test_a_same_size_edit_within_the_same_mtime_is_seen(root: Path) -> None:
    assert len(_by_file(_flake8(root))) == 2
    deep = root / "pkg" / "deep.py"
    stat = deep.stat()
    deep.write_text("import time\n\n\ndef wait():\n    time.sleep   \n", encoding="utf-8")
    os.utime(deep, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert deep.stat().st_size == stat.st_size and deep.stat().st_mtime_ns == stat.st_mtime_ns
    assert _flake8(root).stdout == ""


def test_a_module_added_where_a_name_was_none_is_seen(root: Path) -> None:
    first = root / "pkg" / "first.py"
    first.write_text("from pkg import extra\n\n\nasync def main():\n    extra.fetch()\n")
    assert "pkg/first.py" not in _by_file(_flake8(root))
    (root / "pkg" / "extra.py").write_text("import time\n\n\ndef fetch():\n    time.sleep(1)\n")
    assert _by_file(_flake8(root))["pkg/first.py"] == {(5, "AEX101")}


def test_other_settings_keep_their_own_findings(root: Path) -> None:
    helpers = root / "pkg" / "helpers.py"
    helpers.write_text("def nap():\n    return None\n", encoding="utf-8")
    assert _flake8(root).stdout == ""
    extra = "--executor-extra-calls=pkg.helpers.nap=io"
    assert _by_file(_flake8(root, extra))["pkg/first.py"] == {(5, "AEX100")}
    assert _flake8(root).stdout == ""


def test_an_unsaved_buffer_is_analysed_as_it_is(root: Path) -> None:
    """An editor sends the buffer on stdin under the file's name: its text is the key."""
    _flake8(root)
    buffer = "import time\n\n\nasync def main():\n    pass\n    time.sleep(1)\n"
    result = _flake8(root, "--stdin-display-name=pkg/first.py", stdin=buffer)
    assert reported_findings(result.stdout) == {(6, "AEX101")}
    assert _by_file(_flake8(root))["pkg/first.py"] == {(5, "AEX101")}


def test_no_cache_keeps_no_findings(root: Path) -> None:
    assert len(_by_file(_flake8(root, "--executor-cache=no"))) == 2
    assert not (root / CACHE / "findings").exists()


def test_findings_typed_from_every_module_are_not_kept(tmp_path: Path) -> None:
    """``request.app.state.http`` is typed from whichever modules assign it (a scan of them all):
    a module added later changes it, so such a file's findings are analysed every run."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "main.py").write_text(
        "import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
        "app.state.http = requests.Session()\n"
    )
    (pkg / "routes.py").write_text(
        "from fastapi import Request\n\n\nasync def handler(request: Request):\n"
        '    return request.app.state.http.get("u")\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "FLAKE8_EXECUTOR_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")

    def run() -> set[tuple[int, str]]:
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "-j1", "--select=AEX", "pkg/routes.py"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        return reported_findings(result.stdout)

    assert run() == {(5, "AEX100")}
    assert not (tmp_path / CACHE / "findings").exists()
    (pkg / "admin.py").write_text(
        "import httpx\nfrom fastapi import FastAPI\n\napi = FastAPI()\n"
        "api.state.http = httpx.AsyncClient()\n"
    )
    assert run() == set()  # two types assigned: not known
