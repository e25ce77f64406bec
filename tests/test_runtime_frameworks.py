"""Framework awareness, shown by running programs: in a module that uses anyio, the fix's
``anyio.to_thread.run_sync`` and ``anyio.sleep`` behave as the blocking calls did, under both of
anyio's back ends (asyncio, and trio when it is installed), while the loop is freed; the asyncio form
of the same fix fails under trio, which is why the module's idiom is used (or the fix declined). In a
module that uses Starlette's ``run_in_threadpool``, the fix that calls it behaves as the call did.

Each program runs in a child interpreter with the back end as its argument; ``executor-fix`` runs as
the command.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from flake8_executor.fix.pipeline import apply_findings
from flake8_executor.fixes import Fix

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("anyio") is None, reason="anyio is not installed"
)
BACKENDS = [
    "asyncio",
    pytest.param(
        "trio",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("trio") is None, reason="trio is not installed"
        ),
    ),
]

# A request handler: a blocking call with a keyword (a partial carries it to run_sync), a context
# variable read in the thread (anyio copies the context, as the call on the loop saw it), an
# exception raised in the thread, a sleep; a ticker task shows whether the loop was free meanwhile.
PROGRAM = """\
import contextvars
import sys
import time

import anyio

REQUEST = contextvars.ContextVar("request", default="none")


def fetch(name, *, suffix=""):
    time.sleep(0.2)
    if name == "bad":
        raise ValueError(f"no {name}")
    return f"{name}{suffix} for {REQUEST.get()}"


async def ticker(ticks):
    while True:
        ticks.append(1)
        await anyio.sleep(0.01)


async def main():
    REQUEST.set("request-1")
    ticks = []
    async with anyio.create_task_group() as group:
        group.start_soon(ticker, ticks)
        await anyio.sleep(0.05)
        before = len(ticks)
        page = fetch("page", suffix="!")
        time.sleep(0.2)
        try:
            fetch("bad")
        except ValueError as error:
            failure = str(error)
        freed = len(ticks) - before > 10
        group.cancel_scope.cancel()
    print(page, "|", failure, "|", "loop free" if freed else "loop blocked")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
"""

SAME = "page! for request-1 | no bad | "


def _fixed_by_the_command(source: str, directory: Path) -> str:
    path = directory / "handler.py"
    path.write_text(source, encoding="utf-8")
    completed = subprocess.run(
        # --unsafe-fixes: fetch() is a helper of the module, moved to a thread as a whole.
        [sys.executable, "-m", "flake8_executor", "--quiet", "--unsafe-fixes", str(path)],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return path.read_text(encoding="utf-8")


def _run(source: str, directory: Path, backend: str) -> tuple[str, str]:
    """The program's stdout and stderr under anyio's ``backend``."""
    path = directory / "program.py"
    path.write_text(source, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(path), backend],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=60,
    )
    return completed.stdout, completed.stderr


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The program as the command fixes it, once for both back ends."""
    directory = tmp_path_factory.mktemp("fixed")
    (directory / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    return _fixed_by_the_command(PROGRAM, directory)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_anyio_fix_behaves_the_same_and_frees_the_loop(
    tmp_path: Path, backend: str, fixed: str
) -> None:
    assert 'await anyio.to_thread.run_sync(functools.partial(fetch, "page", suffix="!"))' in fixed
    assert "await anyio.to_thread.run_sync(fetch, " in fixed
    assert "await anyio.sleep(0.2)" in fixed and "asyncio." not in fixed
    assert _run(PROGRAM, tmp_path, backend) == (SAME + "loop blocked\n", "")
    assert _run(fixed, tmp_path, backend) == (SAME + "loop free\n", "")


@pytest.mark.skipif(importlib.util.find_spec("trio") is None, reason="trio is not installed")
def test_the_asyncio_form_of_the_fix_fails_under_trio(tmp_path: Path) -> None:
    """What the fixer would have written without knowing the framework, forced through the same
    rewriter: it works under anyio's asyncio back end and fails under trio."""
    findings = [
        dataclasses.replace(
            finding,
            fix={Fix.ANYIO_TO_THREAD: Fix.TO_THREAD, Fix.ANYIO_SLEEP: Fix.ASYNC_SLEEP}[finding.fix],
            unsafe=None,
        )
        for finding in analyze_source(PROGRAM, Settings())
        if finding.fix is not None
    ]
    assert findings
    forced = apply_findings(PROGRAM, findings, Settings()).text
    assert "await asyncio.to_thread(" in forced
    assert _run(forced, tmp_path, "asyncio") == (SAME + "loop free\n", "")
    output, failure = _run(forced, tmp_path, "trio")
    assert output == ""
    assert "RuntimeError: no running event loop" in failure, failure


# The same handler in a module that uses Starlette's run_in_threadpool (and no anyio of its own):
# the fix calls it by the name imported, keywords and all.
STARLETTE_PROGRAM = """\
import asyncio
import contextvars
import time

from starlette.concurrency import run_in_threadpool as in_thread

REQUEST = contextvars.ContextVar("request", default="none")


def fetch(name, *, suffix=""):
    time.sleep(0.2)
    if name == "bad":
        raise ValueError(f"no {name}")
    return f"{name}{suffix} for {REQUEST.get()}"


async def ticker(ticks):
    while True:
        ticks.append(1)
        await asyncio.sleep(0.01)


async def main():
    REQUEST.set("request-1")
    ticks = []
    task = asyncio.ensure_future(ticker(ticks))
    await asyncio.sleep(0.05)
    before = len(ticks)
    page = fetch("page", suffix="!")
    try:
        fetch("bad")
    except ValueError as error:
        failure = str(error)
    freed = len(ticks) - before > 10
    task.cancel()
    print(page, "|", failure, "|", "loop free" if freed else "loop blocked")


asyncio.run(main())
"""


@pytest.mark.skipif(
    importlib.util.find_spec("starlette") is None, reason="starlette is not installed"
)
def test_the_run_in_threadpool_fix_behaves_the_same_and_frees_the_loop(tmp_path: Path) -> None:
    """Keywords, a context variable read in the thread, an exception: as on the loop."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    fixed = _fixed_by_the_command(STARLETTE_PROGRAM, tmp_path)
    assert 'page = await in_thread(fetch, "page", suffix="!")' in fixed
    assert "asyncio.to_thread" not in fixed
    assert _run(STARLETTE_PROGRAM, tmp_path, "") == (SAME + "loop blocked\n", "")
    assert _run(fixed, tmp_path, "") == (SAME + "loop free\n", "")
