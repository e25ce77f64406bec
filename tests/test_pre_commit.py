"""pre-commit, as a user meets it: the hooks of ``.pre-commit-hooks.yaml`` through ``pre-commit
try-repo`` on a sample repository, and the ``.pre-commit-config.yaml`` blocks of README and
``docs/ci.md`` as written.

A hook of this repository builds its own environment from the package index (``language: python``),
which takes tens of seconds: those tests are ``slow`` (CI runs them in their own step). README's
local snippet uses the installed ``executor-fix`` (``language: system``) and runs in the default
suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runs import SLEEPY, SLEEPY_FIXED, UNFIXABLE
from tests.docs_blocks import DOCS, README, block
from tests.fixture_format import ROOT

CONFIG = "# .pre-commit-config.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _env(home: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "PRE_COMMIT_COLOR": "never",
    }


def _sample_repo(path: Path, env: dict[str, str]) -> dict[str, Path]:
    """A repository with a file to fix and one in a directory the project excludes."""
    files = {
        "app": path / "app.py",
        "migration": path / "migrations" / "m1.py",
    }
    for file in files.values():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(SLEEPY, encoding="utf-8")
    (path / "pyproject.toml").write_text(
        '[project]\nname = "sample"\n\n[tool.flake8-executor]\nexclude = ["migrations"]\n',
        encoding="utf-8",
    )
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=path, env=env, check=True, capture_output=True)
    return files


def _pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def test_readme_snippet_works_as_written(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    snippet = block(README, "yaml", CONFIG, containing="repo: local")
    env = _env(tmp_path / "cache")
    repo = tmp_path / "repo"
    repo.mkdir()
    files = _sample_repo(repo, env)
    (repo / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    result = _pre_commit("run", "--all-files", cwd=repo, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert files["app"].read_text() == SLEEPY_FIXED
    assert files["migration"].read_text() == SLEEPY
    # One run, one summary (require_serial).
    assert result.stdout.count("executor-fix: ") == 1, result.stdout


@pytest.mark.slow
def test_hooks_through_try_repo(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    env = _env(tmp_path / "cache")
    repo = tmp_path / "repo"
    repo.mkdir()
    files = _sample_repo(repo, env)
    check = _pre_commit(
        "try-repo", str(ROOT), "executor-fix-check", "--all-files", cwd=repo, env=env
    )
    assert check.returncode == 1, check.stdout + check.stderr
    assert "1 file would change" in check.stdout, check.stdout
    assert files["app"].read_text() == SLEEPY
    fix = _pre_commit("try-repo", str(ROOT), "executor-fix", "--all-files", cwd=repo, env=env)
    assert fix.returncode == 1, (
        fix.stdout + fix.stderr
    )  # pre-commit fails a hook that changed files
    assert files["app"].read_text() == SLEEPY_FIXED
    assert files["migration"].read_text() == SLEEPY  # --force-exclude
    assert fix.stdout.count("executor-fix: ") == 1, fix.stdout


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.slow
def test_the_repository_blocks_with_a_commit_rev_and_autoupdate(tmp_path: Path) -> None:
    """README's and docs/ci.md's blocks with this repository at its last commit: the hooks run as
    they say, and ``pre-commit autoupdate`` moves an older commit to the newest (no tag yet)."""
    pytest.importorskip("pre_commit")
    head = _git("rev-parse", "HEAD", cwd=ROOT)
    env = _env(tmp_path / "cache")
    for page, hook in ((README, "executor-fix"), (DOCS / "ci.md", "executor-fix-check")):
        snippet = block(page, "yaml", CONFIG, containing="repo: REPOSITORY")
        assert f"- id: {hook}" in snippet
        repo = tmp_path / hook
        repo.mkdir()
        files = _sample_repo(repo, env)
        config = snippet.replace("REPOSITORY", str(ROOT)).replace("COMMIT", head)
        (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
        result = _pre_commit("run", "--all-files", cwd=repo, env=env)
        assert result.returncode == 1, result.stdout + result.stderr
        fixed = hook == "executor-fix"
        assert files["app"].read_text() == (SLEEPY_FIXED if fixed else SLEEPY)
        assert files["migration"].read_text() == SLEEPY
    older = _git("rev-parse", "HEAD~1", cwd=ROOT)
    config_path = tmp_path / "executor-fix" / ".pre-commit-config.yaml"
    config_path.write_text(
        config_path.read_text(encoding="utf-8").replace(head, older), encoding="utf-8"
    )
    updated = _pre_commit("autoupdate", cwd=tmp_path / "executor-fix", env=env)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert f"rev: {head}" in config_path.read_text(encoding="utf-8"), updated.stdout


def _hooks_as_local(ids: list[str]) -> str:
    """The hooks of ``.pre-commit-hooks.yaml`` as ``repo: local`` hooks running the installed
    command (``language: system``): their entries as published, without try-repo's slow build."""
    import yaml  # pre-commit's own dependency

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = [{**hook, "language": "system"} for hook in hooks if hook["id"] in ids]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]})


@pytest.mark.parametrize("hook", ["executor-fix", "executor-fix-check", "executor-lint"])
def test_each_hook_fails_while_a_finding_remains(tmp_path: Path, hook: str) -> None:
    """A finding with no fix (``with open(...)``) fails every hook; a clean file passes them."""
    pytest.importorskip("pre_commit")
    env = _env(tmp_path / "cache")
    repo = tmp_path / "repo"
    repo.mkdir()
    unfixable = repo / "files.py"
    unfixable.write_text(UNFIXABLE, encoding="utf-8")
    (repo / "clean.py").write_text("async def main():\n    return 1\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(_hooks_as_local([hook]), encoding="utf-8")
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True)
    failed = _pre_commit("run", "--files", "files.py", "clean.py", cwd=repo, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "files.py:2:10: AEX103" in failed.stdout
    assert unfixable.read_text() == UNFIXABLE
    passed = _pre_commit("run", "--files", "clean.py", cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
