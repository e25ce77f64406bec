"""How fixture files carry their expectations, and how the tests run the real flake8 on them.

A line that must be reported ends with ``# error: AEX100`` (several codes: ``# error: AEX100, AEX202``);
every other line must not be reported. A line ``# flake8-args: --extend-select=AEX206`` near the top
passes extra arguments to flake8 for that file.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

_EXPECTED = re.compile(r"#\s*error:\s*(AEX\d{3}(?:\s*,\s*AEX\d{3})*)")
_ARGS = re.compile(r"^#\s*flake8-args:\s*(.+)$", re.MULTILINE)
_REPORTED = re.compile(r"^.*?:(\d+):(\d+): (AEX\d{3}) ", re.MULTILINE)


def expected_findings(path: Path) -> set[tuple[int, str]]:
    """The ``(line, code)`` pairs a fixture's comments promise."""
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            for code in match.group(1).split(","):
                expected.add((number, code.strip()))
    return expected


def needs_newer_python(path: Path) -> str | None:
    """Why this Python cannot run the fixture (its PEP 723 ``requires-python``), else ``None``.

    Fixtures in newer syntax start with the version in their name (``py312_generics.py``) and
    declare it in a ``# /// script`` block, which ``executor-fix`` reads the same way.
    """
    from flake8_executor.command.requires import needs_newer_python as skip_reason

    return skip_reason(path.read_text(encoding="utf-8"))


def fixture_args(path: Path) -> list[str]:
    match = _ARGS.search(path.read_text(encoding="utf-8"))
    return match.group(1).split() if match else []


def run_flake8(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """flake8 as users run it, in a child process, with no user or project config."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=120,
    )


def reported_findings(output: str) -> set[tuple[int, str]]:
    """The ``(line, code)`` pairs flake8 printed (only ours: AEX)."""
    return {(int(line), code) for line, _col, code in _REPORTED.findall(output)}
