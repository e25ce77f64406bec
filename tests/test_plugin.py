"""The plugin as users meet it: flake8 on files and on stdin, noqa, options, bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_format import FIXTURES, ROOT, expected_findings, reported_findings, run_flake8

SNIPPET = """\
import time


async def main():
    time.sleep(1)
    time.sleep(2)  # noqa: AEX101
    time.sleep(3)  # noqa
    time.sleep(4)  # noqa: E501
"""


def test_registered_with_flake8() -> None:
    result = run_flake8("--version")
    assert "flake8-executor" in result.stdout


def test_stdin_as_editors_run_it() -> None:
    result = run_flake8("--stdin-display-name=app.py", "-", stdin=SNIPPET)
    assert "app.py:5:5: AEX101 time.sleep() blocks the event loop" in result.stdout
    assert reported_findings(result.stdout) == {(5, "AEX101"), (8, "AEX101")}
    assert result.returncode == 1


def test_noqa_silences_by_code_and_bare(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SNIPPET)
    result = run_flake8(str(path))
    assert reported_findings(result.stdout) == {(5, "AEX101"), (8, "AEX101")}


def test_extra_calls_option(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(
        "import mylib.client\nfrom mylib.img import render\n\n\n"
        "async def main():\n    mylib.client.fetch()\n    render()\n"
    )
    result = run_flake8(
        "--executor-extra-calls=mylib.client.fetch=io, mylib.img.render=cpu-holds-gil", str(path)
    )
    assert reported_findings(result.stdout) == {(6, "AEX100"), (7, "AEX105")}, result.stdout


def test_extra_calls_from_config_file(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import mylib\n\n\nasync def main():\n    mylib.fetch()\n")
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nselect = AEX\nexecutor-extra-calls =\n    mylib.fetch=subprocess\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert reported_findings(result.stdout) == {(5, "AEX102")}, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        ("--executor-extra-calls=mylib.fetch", "not of the form qualified.name=kind"),
        ("--executor-extra-calls=mylib.fetch=slow", "unknown kind 'slow'"),
        ("--executor-extra-calls=my-lib.fetch=io", "not a dotted Python name"),
        ("--executor-target-version=py27", "unknown target version 'py27'"),
        ("--executor-follow-calls=maybe", "'maybe' is not yes or no"),
        ("--executor-process-pool=app.(", "is not a Python expression"),
    ],
)
def test_bad_option_values_are_one_clear_line(option: str, reason: str) -> None:
    result = run_flake8(option, str(FIXTURES / "aex101_sleep.py"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flake8-executor: error: --executor-")
    assert reason in lines[0]


def test_syntax_error_is_flake8s_e999_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import time\n\nasync def main(:\n    time.sleep(1)\n")
    result = run_flake8(str(path))
    assert "E999" in result.stdout
    assert "Traceback" not in result.stderr
    assert "AEX" not in result.stdout


def test_off_by_default_code_needs_selecting(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(
        "import asyncio\n\n\nasync def main(f):\n"
        "    return await asyncio.get_running_loop().run_in_executor(None, f, 1)\n"
    )
    assert "AEX206" not in run_flake8(str(path)).stdout
    assert "AEX206" in run_flake8("--extend-select=AEX206", str(path)).stdout


def _newer_python() -> str | None:
    """An interpreter of 3.12 or later, for the PEP 695 fixture, when this one is older."""
    if sys.version_info >= (3, 12):
        return sys.executable
    candidates = [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    # pyenv's shims answer "command not found" for versions not selected; ask its folders too.
    candidates += sorted(Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"), reverse=True)
    for found in candidates:
        if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
            return str(found)
    return None


def test_pep695_generics() -> None:
    path = FIXTURES / "py312_generics.py"
    if sys.version_info >= (3, 12):
        reported = reported_findings(run_flake8(str(path)).stdout)
    else:
        python = _newer_python()
        if python is None:
            pytest.skip("needs a Python 3.12+ interpreter to parse PEP 695 syntax")
        # flake8 is not installed for that interpreter; run the same engine flake8 runs.
        script = (
            "import ast, sys\n"
            "from flake8_executor.engine import analyze\n"
            "tree = ast.parse(open(sys.argv[1]).read())\n"
            "for f in analyze(tree): print(f'x:{f.line}:{f.col + 1}: {f.text}')\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [python, "-c", script, str(path)], capture_output=True, text=True, env=env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        reported = reported_findings(result.stdout)
    assert reported == expected_findings(path)


def test_follow_calls_off_reports_only_direct_calls() -> None:
    path = FIXTURES / "callgraph_helpers.py"
    text = path.read_text().splitlines()
    on = reported_findings(run_flake8(str(path)).stdout)
    off = reported_findings(run_flake8("--executor-follow-calls=no", str(path)).stdout)
    helper_lines = {
        line for line, _code in on if "fetch(" in text[line - 1] or "ping(" in text[line - 1]
    }
    assert helper_lines, "the fixture reports helper calls when the option is on"
    assert not {line for line, _code in off} & helper_lines
    # Calls that reach the catalog directly (Celery's .delay()) are still reported.
    assert any("add.delay" in text[line - 1] for line, _code in off)


@pytest.mark.parametrize(
    ("fixture", "advice"),
    [
        ("anyio_to_thread.py", "run it in a thread: await anyio.to_thread.run_sync(rq.get, ...)"),
        ("anyio_sleep.py", "use await anyio.sleep(...)"),
        (
            "declined_trio.py",
            "run it in a thread: await trio.to_thread.run_sync(requests.get, ...)",
        ),
        ("run_in_threadpool.py", "run it in a thread: await run_in_threadpool(requests.get, ...)"),
    ],
)
def test_advice_is_in_the_modules_framework(fixture: str, advice: str) -> None:
    """flake8 advises what executor-fix writes in a module that uses anyio or Starlette, and
    trio's own function under trio (asyncio's fail there)."""
    result = run_flake8("--select=AEX", str(FIXTURES / "fix" / fixture))
    assert advice in result.stdout, result.stdout
    assert "asyncio.to_thread" not in result.stdout


MESSAGES = """\
import json
import sqlite3
import time


def load(path):
    time.sleep(1)
    with open(path) as f:
        return json.load(f)


def count(path):
    connection = sqlite3.connect(path)
    return connection.execute("select count(*) from t").fetchone()


async def main(path):
    with open(path) as f:
        f.read()
    load(path)
    count(path)
    connection = sqlite3.connect(path)
    connection.execute("select 1")
"""


def test_messages_say_what_blocks_and_advise_what_works(tmp_path: Path) -> None:
    """The words of a helper's other kinds, sqlite3's file, and the advice a `with` can follow."""
    path = tmp_path / "app.py"
    path.write_text(MESSAGES)
    result = run_flake8("--select=AEX", str(path))
    messages = {
        int(line.split(":")[1]): line.split(": ", 1)[1] for line in result.stdout.splitlines()
    }
    assert messages[18] == (
        "AEX103 open() blocks the event loop (file I/O); a with statement cannot await it: read or "
        "write the file in a thread, await asyncio.to_thread(path.read_text), or move the with "
        "block into a sync function run with await asyncio.to_thread(helper, ...)"
    )
    assert "to_thread(open" not in result.stdout  # the form executor-fix declines
    assert messages[20] == (
        "AEX101 load() blocks the event loop: it calls time.sleep() (sleeps the whole thread, via "
        "load -> time.sleep; it also does file I/O and runs a CPU-heavy parse that holds the GIL); "
        "run it in a thread: await asyncio.to_thread(load, ...)"
    )
    assert messages[21].startswith(
        "AEX100 count() blocks the event loop: it calls sqlite3.Cursor.fetchone() (database file "
        "I/O, via count -> sqlite3.Cursor.fetchone; it also does file I/O); run it in a thread: "
    )
    assert messages[23] == (
        "AEX100 connection.execute() blocks the event loop (sqlite3.Connection.execute: database "
        "file I/O); a sqlite3 connection works only in the thread that made it: move the work with "
        "it into a sync function run with await asyncio.to_thread(helper, ...), or use aiosqlite"
    )
    assert "network I/O" not in result.stdout
