"""Which files ``executor-fix DIR`` touches: the user's code, never an environment, a tool's folder or
what git ignores; a named file is checked unless ``--force-exclude`` (issue 22, items 1 and 6).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runs import SLEEPY, SLEEPY_FIXED, Run, shown


def write(path: Path, text: str = SLEEPY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)


def test_a_real_venv_named_env_is_never_touched(executor_fix: Run, project: Path) -> None:
    """The Python tutorial's ``python -m venv env``, with a blocking module in its site-packages."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(project / "env")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    site_packages = next((project / "env").glob("lib/python*/site-packages"))
    installed = write(site_packages / "somelib" / "client.py")
    app = write(project / "app.py")
    result = executor_fix(".")
    assert result.code == 0, shown(result)
    assert app.read_text() == SLEEPY_FIXED
    assert installed.read_text() == SLEEPY
    assert "(1 file checked)" in shown(result)


def test_any_directory_with_pyvenv_cfg_and_site_packages_are_skipped(
    executor_fix: Run, project: Path
) -> None:
    odd_venv = project / "py311-tools"
    write(odd_venv / "pyvenv.cfg", "home = /usr/bin\n")
    in_venv = write(odd_venv / "lib" / "mod.py")
    vendored = write(project / "vendor" / "site-packages" / "dep.py")
    caches = [write(project / name / "x.py") for name in (".nox", ".direnv", "buck-out", "_build")]
    app = write(project / "src" / "app.py")
    result = executor_fix(".")
    assert result.code == 0, shown(result)
    assert app.read_text() == SLEEPY_FIXED
    assert [path.read_text() for path in (in_venv, vendored, *caches)] == [SLEEPY] * 6


def test_gitignore_nested_gitignore_and_info_exclude(executor_fix: Run, project: Path) -> None:
    git_init(project)
    (project / ".gitignore").write_text("generated/\n*_pb2.py\n", encoding="utf-8")
    (project / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (project / ".git" / "info" / "exclude").write_text("scratch.py\n", encoding="utf-8")
    write(project / "pkg" / ".gitignore", "local_*.py\n!local_keep.py\n")
    ignored = [
        write(project / "generated" / "api.py"),
        write(project / "pkg" / "api_pb2.py"),
        write(project / "scratch.py"),
        write(project / "pkg" / "local_x.py"),
    ]
    kept = [write(project / "app.py"), write(project / "pkg" / "local_keep.py")]
    result = executor_fix(".")
    assert result.code == 0, shown(result)
    assert [path.read_text() for path in ignored] == [SLEEPY] * 4
    assert [path.read_text() for path in kept] == [SLEEPY_FIXED] * 2


def test_gitignore_outside_a_repository_is_not_read(executor_fix: Run, project: Path) -> None:
    """As git and ruff: a .gitignore means nothing outside a git repository."""
    (project / ".gitignore").write_text("generated/\n", encoding="utf-8")
    target = write(project / "generated" / "api.py")
    assert executor_fix(".").code == 0
    assert target.read_text() == SLEEPY_FIXED


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(
    executor_fix: Run, project: Path
) -> None:
    build = write(project / "build" / "gen.py")
    migration = write(project / "migrations" / "m1.py")
    executor_fix("--extend-exclude", "migrations", ".")
    assert [build.read_text(), migration.read_text()] == [SLEEPY, SLEEPY]
    # exclude replaces the default list: build/ is the user's code then.
    executor_fix("--exclude", "migrations", ".")
    assert [build.read_text(), migration.read_text()] == [SLEEPY_FIXED, SLEEPY]
    # The same two keys in the table.
    build.write_text(SLEEPY)
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nextend-exclude = ["migrations"]\n', encoding="utf-8"
    )
    executor_fix(".")
    assert [build.read_text(), migration.read_text()] == [SLEEPY, SLEEPY]
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nexclude = ["migrations"]\n', encoding="utf-8"
    )
    executor_fix(".")
    assert [build.read_text(), migration.read_text()] == [SLEEPY_FIXED, SLEEPY]


def test_a_named_excluded_file_is_checked_unless_force_exclude(
    executor_fix: Run, project: Path
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nextend-exclude = ["migrations"]\n', encoding="utf-8"
    )
    target = write(project / "migrations" / "m1.py")
    result = executor_fix("--force-exclude", "migrations/m1.py")
    assert result.code == 0
    assert target.read_text() == SLEEPY
    assert "migrations/m1.py: skipped: excluded" in shown(result).splitlines()
    assert executor_fix("migrations/m1.py").code == 0
    assert target.read_text() == SLEEPY_FIXED


@pytest.mark.parametrize("force", [False, True])
def test_stdin_follows_the_named_file_rule(executor_fix: Run, project: Path, force: bool) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nextend-exclude = ["migrations"]\n', encoding="utf-8"
    )
    flags = ["--force-exclude"] if force else []
    result = executor_fix(
        *flags, "--stdin-filename", "migrations/m1.py", "-", stdin=SLEEPY.encode()
    )
    assert result.code == 0
    assert result.stdout.decode() == (SLEEPY if force else SLEEPY_FIXED)
    assert ("migrations/m1.py: skipped: excluded" in shown(result)) == force


def test_force_exclude_skips_a_named_file_in_a_gitignored_directory(
    executor_fix: Run, project: Path
) -> None:
    git_init(project)
    (project / ".gitignore").write_text("generated/\n", encoding="utf-8")
    target = write(project / "generated" / "api.py")
    result = executor_fix("--force-exclude", target)
    assert target.read_text() == SLEEPY
    assert f"{target}: skipped: excluded" in shown(result)
