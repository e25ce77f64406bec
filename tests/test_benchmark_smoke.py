"""The benchmark harness runs end to end, offline, on a tiny corpus (no timing assertions).

Why a subprocess: ``benchmarks/run.py`` is a script users run from a checkout, with its own
``sys.path`` handling and child processes; running it the way users do is what catches a broken
harness. Rows whose tool is not installed (flake8-async, ruff, executor-fix) must show up as
``n/a (...)`` rather than fail the run, so the test accepts either a measurement or ``n/a`` for them,
but requires the rows that need nothing beyond this repository and flake8 to be measured.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"

FILES = {
    "app/service.py": """\
import asyncio
import time

import requests


async def handler(url):
    time.sleep(1)
    return requests.get(url)


async def fine(url):
    await asyncio.sleep(1)
    return await asyncio.to_thread(requests.get, url)
""",
    "app/workers.py": """\
import asyncio
import json
from concurrent.futures import ProcessPoolExecutor

POOL = ProcessPoolExecutor()


async def parse(body):
    loop = asyncio.get_event_loop()
    return await loop.run_in_executor(POOL, lambda: json.loads(body))
""",
    "plain.py": "def add(a, b):\n    return a + b\n",
    # A file this Python cannot parse must be dropped from the corpus, not break the floor row.
    "broken.py": "def f(:\n",
}

ROWS = {
    "parse": "ast.parse, every file (floor)",
    "engine": "engine: ast.parse + analyze()",
    "flake8-floor": "flake8 -j1 --select=E999, no plugins (flake8 floor)",
    "flake8-aex": "flake8 -j1 --select=AEX, plugin flake8-executor, cold cache",
    "flake8-aex-warm": "flake8 -j1 --select=AEX, plugin flake8-executor, warm cache",
    "flake8-async": "flake8 -j1 --select=ASYNC, plugin flake8-async",
    "ruff": "ruff check --select ASYNC --no-cache",
    "fix-j1": "executor-fix --check -j 1",
    "fix-j2": "executor-fix --check -j 2",
}
# Rows that need only this repository, the interpreter and flake8: they must be measured.
MUST_MEASURE = ("parse", "engine", "flake8-floor", "flake8-aex", "flake8-aex-warm")


def _row(output: str, key: str) -> str:
    for line in output.splitlines():
        if line.startswith("| ") and f"`{key}`" in line:
            return line
    raise AssertionError(f"no table row for {key!r} in:\n{output}")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    for name, text in FILES.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    output_file = tmp_path_factory.mktemp("out") / "bench.md"
    # fix-j2 is left out: a two-worker pool on four files adds seconds and tests nothing fix-j1
    # does not; flake8-async parses with libcst and is the slowest row, so it gets tiny files.
    only = [key for key in ROWS if key != "fix-j2"]
    result = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--corpus-dir",
            str(corpus),
            "--repeat",
            "1",
            "--only",
            ",".join(only),
            "--output",
            str(output_file),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, output_file


def test_prints_a_table_with_every_requested_row(report: tuple[str, Path]) -> None:
    output, _ = report
    assert "| tool | median s |" in output
    for key, label in ROWS.items():
        if key == "fix-j2":
            continue
        assert label in _row(output, key)


def test_rows_that_need_only_this_repository_are_measured(report: tuple[str, Path]) -> None:
    output, _ = report
    for key in MUST_MEASURE:
        row = _row(output, key)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert re.fullmatch(r"\d+\.\d\d", cells[1]), row  # median seconds, not "n/a (...)"


def test_optional_tools_are_measured_or_marked_na(report: tuple[str, Path]) -> None:
    output, _ = report
    installed = {
        "flake8-async": importlib.util.find_spec("flake8_async") is not None,
    }
    for key in ("flake8-async", "ruff", "fix-j1"):
        cells = [cell.strip() for cell in _row(output, key).strip("|").split("|")]
        assert re.fullmatch(r"\d+\.\d\d", cells[1]) or cells[1].startswith("n/a ("), cells
        if installed.get(key) is False:
            assert cells[1].startswith("n/a ("), cells


def test_findings_are_counted(report: tuple[str, Path]) -> None:
    output, _ = report
    cells = [cell.strip() for cell in _row(output, "flake8-aex").strip("|").split("|")]
    assert cells[-1].startswith("AEX "), cells  # time.sleep and requests.get in app/service.py
    assert "AEX101 1" in output


def test_unparseable_files_are_dropped_and_named(report: tuple[str, Path]) -> None:
    output, _ = report
    assert "broken.py" in output
    assert "This run: 3 files" in output


def test_report_is_written_as_markdown(report: tuple[str, Path]) -> None:
    output, output_file = report
    assert output_file.read_text(encoding="utf-8").strip() == output.strip()
    assert "## Machine" in output and "Python: " in output and "CPU: " in output


def test_bad_arguments_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, str(RUN), "--only", "nonsense", "--corpus-dir", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown rows nonsense" in result.stderr


HA_ROWS = ("flake8-floor-ha", "flake8-aex-ha", "flake8-aex-ha-warm", "flake8-aex-ha-summaries")


def _run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(RUN), "--repeat", "1", "--only", ",".join(HA_ROWS), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_home_assistant_rows_time_the_tree_against_flake8_alone(tmp_path: Path) -> None:
    tree = tmp_path / "ha"
    (tree / "homeassistant").mkdir(parents=True)
    (tree / "homeassistant" / "core.py").write_text(FILES["app/service.py"], encoding="utf-8")
    output = _run("--ha-dir", str(tree), "--ha-python", sys.executable)
    assert "Home Assistant rows: the 1 parseable files (" in output and f"under `{tree}`" in output
    for key in HA_ROWS:
        cells = [cell.strip() for cell in _row(output, key).strip("|").split("|")]
        assert re.fullmatch(r"\d+\.\d\d", cells[1]), cells
        assert re.fullmatch(r"\d+\.\d\dx", cells[8]), cells  # over flake8-floor-ha
    for key in ("flake8-aex-ha", "flake8-aex-ha-warm", "flake8-aex-ha-summaries"):
        assert _row(output, key).endswith("| AEX 2 |"), key  # time.sleep, requests.get
    assert "Target Home Assistant, cold caches <= 2.0x the flake8 floor: " in output
    assert "Target Home Assistant, warm caches <= 1.2x the flake8 floor: " in output


def test_home_assistant_rows_need_the_tree_and_its_environment(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1\n", encoding="utf-8")
    output = _run("--corpus-dir", str(tmp_path))
    for key in HA_ROWS:
        assert "n/a (needs --ha-dir)" in _row(output, key)
    output = _run("--ha-dir", str(tmp_path))
    assert re.search(r"\| \d+\.\d\d \|", _row(output, "flake8-floor-ha"))
    assert "n/a (needs --ha-python)" in _row(output, "flake8-aex-ha")
