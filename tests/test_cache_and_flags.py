"""The cache at the project's root, ``executor-fix --clean``, flags where users expect flags, and
the report on stdout with errors on stderr (issue 22, item 11's command parts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_executor.config.cache_dirs import CACHE_DIRECTORY
from tests.cli_runs import SLEEPY, Run


def package(root: Path) -> Path:
    """A package whose coroutine calls a blocking helper of another module (a cached summary)."""
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "helpers.py").write_text("import time\n\n\ndef nap():\n    time.sleep(1)\n")
    (pkg / "app.py").write_text("from .helpers import nap\n\n\nasync def main():\n    nap()\n")
    return pkg


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache directory moved into the test's directory: --clean must never remove the
    real one."""
    base = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FLAKE8_EXECUTOR_CACHE_DIR", raising=False)
    return base / "flake8-executor"


@pytest.mark.parametrize("marker", ["setup.cfg", ".flake8", "tox.ini", ".git"])
def test_the_cache_goes_to_the_project_root_without_a_pyproject(
    executor_fix: Run, project: Path, user_cache: Path, marker: str
) -> None:
    (project / "pyproject.toml").unlink()
    if marker == ".git":
        (project / marker).mkdir()
    else:
        (project / marker).write_text("[flake8]\n" if marker != "setup.cfg" else "[metadata]\n")
    pkg = package(project)
    assert executor_fix("--check", "pkg").code == 1
    assert (project / CACHE_DIRECTORY).is_dir()
    assert not (pkg / CACHE_DIRECTORY).exists()


def test_clean_removes_the_project_and_user_caches(
    executor_fix: Run, project: Path, user_cache: Path
) -> None:
    package(project)
    executor_fix("--check", "pkg")
    assert (project / CACHE_DIRECTORY).is_dir()
    user_cache.mkdir(parents=True)
    (user_cache / "entry.json").write_text("{}")
    result = executor_fix("--clean")
    assert result.code == 0, result.stderr
    assert result.stdout.decode().splitlines() == [
        f"executor-fix: removed {project / CACHE_DIRECTORY}",
        f"executor-fix: removed {user_cache}",
    ]
    assert not (project / CACHE_DIRECTORY).exists() and not user_cache.exists()
    assert executor_fix("--clean").stdout.decode() == "executor-fix: no cache to remove\n"


def test_clean_leaves_a_directory_that_is_not_a_cache(
    executor_fix: Run, project: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precious = project / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    monkeypatch.setenv("FLAKE8_EXECUTOR_CACHE_DIR", str(precious))
    result = executor_fix("--clean")
    assert result.code == 2
    assert "not removed: not a flake8-executor cache" in result.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_no_cache_and_no_follow_imports_are_flags(
    executor_fix: Run, project: Path, user_cache: Path
) -> None:
    package(project)
    assert executor_fix("--check", "--no-cache", "pkg").code == 1
    assert not (project / CACHE_DIRECTORY).exists()
    assert executor_fix("--check", "--no-follow-imports", "pkg").code == 0
    # flake8's spelling with a value still works.
    assert executor_fix("--check", "--executor-follow-imports=no", "pkg").code == 0
    assert executor_fix("--check", "--no-follow-calls", "pkg").code == 0


def test_the_report_is_on_stdout_and_errors_on_stderr(executor_fix: Run, project: Path) -> None:
    (project / "app.py").write_text(SLEEPY)
    (project / "bad.py").write_text("def broken(:\n")
    result = executor_fix("--check", "app.py", "bad.py")
    assert result.code == 2
    assert result.stdout.decode().splitlines() == [
        "app.py:5:5: AEX101 would be fixed",
        "executor-fix: 1 file would change, 1 finding would be fixed, 0 left unfixed, "
        "1 file with errors (2 files checked)",
    ]
    assert result.stderr.splitlines() == ["bad.py:1:12: error: cannot parse: invalid syntax"]
    # With --diff, stdout holds the diff: the report goes to stderr.
    diff = executor_fix("--diff", "app.py")
    assert diff.stdout.decode().startswith("--- app.py\n")
    assert "app.py:5:5: AEX101 would be fixed" in diff.stderr
