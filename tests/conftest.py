"""The ``--run-slow`` switch, and the fixtures of the tests that run ``executor-fix``.

Long fuzzing runs and full sweeps are marked ``slow`` and skipped by default: the default suite stays
within CI's time with bounded example counts and samples; ``pytest --run-slow`` runs the long
versions too (``pytest --run-slow -m slow`` runs only them).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.cli_runs import Run, in_process_runner


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the tests marked slow (long fuzzing, the full standard-library sweep)",
    )
    parser.addoption(
        "--sweep-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="with --run-slow: also sweep every .py file under DIR like the standard library "
        "(repeatable; e.g. the benchmark corpus, another Python's Lib/)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Installed packages' summaries go to the user's cache directory: the suite's own, not the
    user's (the tools run as subprocesses inherit it)."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="flake8-executor-tests-cache-")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project directory, the current directory, with a pyproject.toml of its own."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def executor_fix(project: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``executor-fix ARGS`` in this process, in ``project``; ``-j 1`` unless ARGS has ``-j``."""
    return in_process_runner(monkeypatch)
