"""Before and after, for real: a program that blocks its event loop, ``executor-fix``, the same program
no longer blocking it, with the same output.

``fixtures/app/inventory.py`` fetches N items concurrently from an HTTP service with ``requests``,
``time.sleep``, ``subprocess.run`` and ``json.loads``. The test starts the service on 127.0.0.1 (a
``ThreadingHTTPServer`` in a thread; each answer takes ``SERVICE_SECONDS``), runs the program, copies
it, runs ``executor-fix`` on the copy twice (the second run must change nothing), and runs
the fixed program.

The loop is measured from inside the program's process, without touching its code: a harness
replaces ``asyncio.run`` with one that runs the program's coroutine beside a heartbeat task ticking
every 10 ms, in asyncio's debug mode with ``slow_callback_duration`` set. Every blocking call of the
program takes at least ``BLOCK_SECONDS`` (the server's answer, the rate-limit sleep, the helper
process), so:

- before: the N items' calls run one after the other on the loop thread; the longest heartbeat gap
  is at least N * 3 * ``BLOCK_SECONDS`` (a lower bound: a slow machine only makes it longer) and
  debug mode reports N steps of at least 3 * ``BLOCK_SECONDS``;
- after: no step of the loop takes as long as one blocking call (``BLOCK_SECONDS``), and the whole
  run is faster than the blocked gap alone.

``json.loads`` (AEX105) is rewritten too: ``fixtures/app/pyproject.toml`` names the program's
``PROCESS_POOL``, so the parse goes to a process pool created at start-up. Its documents are small:
the test does not time the parse, it proves the rewritten call really runs (the record is pickled to
the pool and back) and gives the same output.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from tests.cli_runs import Result, in_process_runner, shown

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "fixtures" / "app"
ITEMS = 5
BLOCK_SECONDS = 0.1  # each blocking call of the program takes at least this long
SERVICE_SECONDS = BLOCK_SECONDS

# Runs the program as ``python inventory.py URL N`` would, with asyncio.run measured.
HARNESS = """\
import asyncio, json, logging, re, runpy, sys, time

report_path, program, *argv = sys.argv[1:]
real_run = asyncio.run
slow_steps = []


class SlowSteps(logging.Handler):
    def emit(self, record):
        match = re.search(r"took ([0-9.]+) seconds", record.getMessage())
        if match:
            slow_steps.append(float(match.group(1)))


logging.getLogger("asyncio").addHandler(SlowSteps())


def measured_run(main, **kwargs):
    async def beside_a_heartbeat():
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = SLOW
        beats = [time.monotonic()]

        async def heartbeat():
            while True:
                await asyncio.sleep(0.01)
                beats.append(time.monotonic())

        ticking = asyncio.create_task(heartbeat())
        await asyncio.sleep(0)
        started = time.monotonic()
        try:
            return await main
        finally:
            beats.append(time.monotonic())
            ticking.cancel()
            gaps = [later - earlier for earlier, later in zip(beats, beats[1:])]
            with open(report_path, "w") as report:
                json.dump(
                    {
                        "max_gap": max(gaps),
                        "beats": len(beats),
                        "seconds": time.monotonic() - started,
                        "slow_steps": slow_steps,
                    },
                    report,
                )

    return real_run(beside_a_heartbeat(), debug=True)


asyncio.run = measured_run
sys.argv = [program, *argv]
runpy.run_path(program, run_name="__main__")
""".replace("SLOW", repr(BLOCK_SECONDS / 2))


class Service(http.server.BaseHTTPRequestHandler):
    """The inventory service: ``/items/<n>`` answers a JSON record after ``SERVICE_SECONDS``."""

    def do_GET(self) -> None:
        time.sleep(SERVICE_SECONDS)
        _, _, item = self.path.rpartition("/")
        if not self.path.startswith("/items/") or not item.isdigit():
            self.send_error(404)
            return
        body = json.dumps({"id": int(item), "name": f"widget-{int(item):04d}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test's output clean


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Service)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def run_program(program: Path, base_url: str, report: Path) -> tuple[str, dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-c", HARNESS, str(report), str(program), base_url, str(ITEMS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=program.parent,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout, json.loads(report.read_text())


def executor_fix(*args: str | Path, cwd: Path) -> Result:
    """``executor-fix ARGS`` run in ``cwd``: ``cli.main`` in this process (the console script is
    the same function; ``tests/test_cli.py`` runs it as a child too)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(cwd)
        return in_process_runner(monkeypatch)(*args)


def codes(source: str) -> list[str]:
    return [finding.code for finding in analyze_source(source, Settings(process_pool="POOL"))]


def test_the_fixed_program_no_longer_blocks_the_loop(service: str, tmp_path: Path) -> None:
    original = APP / "inventory.py"
    before_output, before = run_program(original, service, tmp_path / "before.json")

    copy = tmp_path / "app"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__"))
    program = copy / "inventory.py"
    first = executor_fix(copy, cwd=tmp_path)
    assert first.code == 0, shown(first)
    assert "1 file changed, 4 findings fixed, 0 left unfixed" in shown(first), shown(first)
    fixed_text = program.read_bytes()
    second = executor_fix(copy, cwd=tmp_path)
    assert second.code == 0, shown(second)
    assert "0 files changed, 0 findings fixed, 0 left unfixed" in shown(second), shown(second)
    assert program.read_bytes() == fixed_text

    after_output, after = run_program(program, service, tmp_path / "after.json")

    # The same program: the same report, line for line.
    assert after_output == before_output
    lines = before_output.splitlines()
    assert lines[0] == "inventory report" and lines[-1] == f"{ITEMS} items"
    assert len(lines) == ITEMS + 2 and "widget-0004" in before_output

    # What the plugin sees: four blocking calls before, none after.
    assert sorted(codes(original.read_text())) == ["AEX100", "AEX101", "AEX102", "AEX105"]
    assert codes(fixed_text.decode()) == []

    # Before: every item's three blocking calls ran on the loop thread, one item after the other.
    blocked = ITEMS * 3 * BLOCK_SECONDS
    assert before["max_gap"] >= blocked, before
    # and debug mode saw it: one slow step per item (a task runs all its calls in one step).
    per_item = 3 * BLOCK_SECONDS
    assert len([step for step in before["slow_steps"] if step >= per_item]) >= ITEMS, before
    # After: no step of the loop as long as one blocking call; the items ran side by side.
    assert after["max_gap"] < BLOCK_SECONDS, after
    assert all(step < BLOCK_SECONDS for step in after["slow_steps"]), after
    assert after["seconds"] < blocked, after
    print(
        f"before: loop blocked {before['max_gap']:.3f} s at most, run {before['seconds']:.3f} s; "
        f"after: {after['max_gap']:.3f} s at most, run {after['seconds']:.3f} s"
    )
