"""Running ``executor-fix`` in this process, and the small modules the command tests fix.

``tests/test_cli.py`` and ``tests/test_hostile_input.py`` share these; the fixtures ``project`` and
``executor_fix`` that use them live in ``conftest.py``.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flake8_executor.command.cli import main

SLEEPY = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
SLEEPY_FIXED = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"
FETCH = "import requests\n\n\nasync def main(url):\n    return requests.get(url)\n"
FETCH_FIXED = (
    "import asyncio\n\nimport requests\n\n\n"
    "async def main(url):\n    return await asyncio.to_thread(requests.get, url)\n"
)
# Found by the engine, fixed by nothing: executor-fix must not even rewrite it.
UNFIXABLE = "async def main(path):\n    with open(path) as handle:\n        return handle.read()\n"


def shown(result: Result | subprocess.CompletedProcess[Any]) -> str:
    """What a terminal shows of an executor-fix run: stderr (errors, notes; the report too with
    --diff, -, or a machine format), then stdout (the report, ending with the totals, as ruff's)."""
    out, err = result.stdout, result.stderr
    text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out or ""
    errors = err.decode("utf-8", "replace") if isinstance(err, bytes) else err or ""
    return errors + text


@dataclass
class Result:
    code: int
    stdout: bytes
    stderr: str

    def lines_about(self, path: Path | str) -> list[str]:
        """The report's lines that name ``path`` (as given on the command line)."""
        return [line for line in shown(self).splitlines() if line.startswith(f"{path}:")]


Run = Callable[..., Result]


def in_process_runner(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``executor-fix ARGS`` as ``cli.main`` in this process; ``-j 1`` unless ARGS has ``-j``.

    The same code as the console script minus the interpreter's start-up, which keeps the suite
    fast; stdin, stdout and stderr are swapped for buffers for the call.
    """

    def run(*args: str | Path, stdin: bytes = b"") -> Result:
        stdout = io.BytesIO()
        stderr = io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout, write_through=True))
        monkeypatch.setattr(sys, "stderr", stderr)
        argv = [str(arg) for arg in args]
        if "-j" not in argv:
            argv = ["-j", "1", *argv]
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
        sys.stdout.flush()
        return Result(code, stdout.getvalue(), stderr.getvalue())

    return run
