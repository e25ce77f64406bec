"""Run the test suite and README's first command on every supported Python found on this machine.

CI calls it from ``.ci/run``; it needs only the standard library of the Python that runs it. For each
of 3.9 to 3.13 it looks for an interpreter (``python3.X`` on PATH, else pyenv's versions folder),
builds a virtual environment for it under ``.matrix/`` with the package and its test extra (README's
test command), runs ``pytest`` there and README's demo command, and prints one line per Python with
its result and time. A Python that is not on the machine is said to be missing, not hidden; the run
fails when any Python failed, or when fewer than ``--minimum`` of them ran (a matrix of one proves
little about "3.9 to 3.13").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")
# README: "flake8 --select=AEX fixtures/ ; executor-fix --diff fixtures/"; each exits 1 there
# (findings reported; a diff printed), on every supported Python.
README_DEMO_EXIT = {"flake8": 1, "executor-fix": 1}


@dataclass
class Outcome:
    version: str
    status: str  # "passed", "FAILED", "missing"
    detail: str = ""
    seconds: float = 0.0

    @property
    def text(self) -> str:
        took = f" in {self.seconds:.0f}s" if self.seconds else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"Python {self.version:<5} {self.status}{took}{detail}"


def find_interpreter(version: str) -> str | None:
    """The newest ``3.X.*`` under pyenv's versions, else ``python3.X`` on PATH; checked by running it.

    pyenv's own folders come first: a ``python3.X`` on PATH may be a virtual environment's.
    """
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(
        pyenv_root.glob(f"versions/{version}.*/bin/python{version}"),
        key=lambda path: [int(part) for part in path.parts[-3].split(".") if part.isdigit()],
        reverse=True,
    )
    candidates = [str(path) for path in found]
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        # pyenv's shims exist for versions that are not selected and fail when run: ask each one.
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


# One Python's suite may not take CI's whole budget: a hung test fails its Python instead.
SUITE_TIMEOUT = 900


def _run(command: Sequence[str], log: Path, timeout: float | None = None, **kwargs: Any) -> int:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        try:
            return subprocess.run(
                list(command),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                timeout=timeout,
                **kwargs,
            ).returncode
        except subprocess.TimeoutExpired:
            out.write(f"\n{command[0]}: killed after {timeout:.0f} s\n")
            return 124


def _closing_line(log: Path) -> str:
    """pytest's last summary line ("395 passed, 11 skipped in 80.1s"), for the report."""
    lines = [line.strip("= \n") for line in log.read_text(encoding="utf-8").splitlines()]
    summaries = [line for line in lines if " passed" in line or " failed" in line]
    return summaries[-1] if summaries else "no pytest summary"


def run_one(version: str, interpreter: str, pytest_args: Sequence[str], logs: Path) -> Outcome:
    venv = ROOT / ".matrix" / f"py{version.replace('.', '')}"
    log = logs / f"py{version}.log"
    log.write_text("", encoding="utf-8")
    bin_dir = venv / "bin"
    python = str(bin_dir / "python")
    started = time.monotonic()
    created = (bin_dir / "python").exists() or _run(
        [interpreter, "-m", "venv", str(venv)], log
    ) == 0
    if not created:
        return Outcome(version, "FAILED", f"could not create a venv (see {log})")
    install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run([*install, "-e", ".[test]"], log) != 0:
        return Outcome(version, "FAILED", f"install failed (see {log})")
    installed = time.monotonic()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    tests = _run(pytest, log, timeout=SUITE_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    tests_seconds = time.monotonic() - installed
    summary = f"{_closing_line(log)}; suite {tests_seconds:.0f}s"
    demo_problems = []
    for tool, wanted in README_DEMO_EXIT.items():
        argv = [str(bin_dir / tool), "--select=AEX" if tool == "flake8" else "--diff", "fixtures/"]
        code = _run(argv, log, env=env, stdin=subprocess.DEVNULL)
        if code != wanted:
            demo_problems.append(f"{tool} exited {code}, README says {wanted}")
    seconds = time.monotonic() - started
    if tests != 0 or demo_problems:
        detail = "; ".join([summary, *demo_problems, f"log: {log}"])
        return Outcome(version, "FAILED", detail, seconds)
    return Outcome(version, "passed", f"{summary}; README's demo command as documented", seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minimum", type=int, default=3, help="fewest Pythons that must run")
    parser.add_argument(
        "--python", action="append", choices=SUPPORTED, help="only these versions (repeatable)"
    )
    parser.add_argument("pytest_args", nargs="*", help="more arguments for pytest (after --)")
    args = parser.parse_args(argv)
    logs = ROOT / ".matrix" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    for version in args.python or SUPPORTED:
        interpreter = find_interpreter(version)
        if interpreter is None:
            outcome = Outcome(version, "missing", "no interpreter on this machine; not tested")
        else:
            print(f"matrix: Python {version} ({interpreter}) ...", flush=True)
            outcome = run_one(version, interpreter, args.pytest_args, logs)
            if outcome.status == "FAILED":  # CI shows only this output: the end of the log
                log = logs / f"py{version}.log"
                if log.exists():
                    tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-80:]
                    print("\n".join(tail), flush=True)
        print(f"matrix: {outcome.text}", flush=True)
        outcomes.append(outcome)
    ran = [outcome for outcome in outcomes if outcome.status != "missing"]
    failed = [outcome for outcome in ran if outcome.status != "passed"]
    lines = ["matrix: results", *(f"  {outcome.text}" for outcome in outcomes)]
    if failed:
        lines.append(f"matrix: FAILED on {', '.join(outcome.version for outcome in failed)}")
    elif len(ran) < args.minimum:
        lines.append(f"matrix: FAILED: only {len(ran)} Pythons ran, at least {args.minimum} must")
    else:
        lines.append(f"matrix: {len(ran)} passed, 0 failed")
    summary = "\n".join(lines) + "\n"
    print(summary, end="")
    # .ci/run prints it again as its closing lines, after the steps that follow.
    (ROOT / ".matrix" / "summary.txt").write_text(summary, encoding="utf-8")
    return 1 if failed or len(ran) < args.minimum else 0


if __name__ == "__main__":
    sys.exit(main())
