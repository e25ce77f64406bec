"""README's "Install" and "Use it in your project" blocks, run as a user copies them.

The configuration blocks (``.flake8``, ``[tool.flake8-executor]``) and the CI workflow's commands
run on a small project in the default suite; the install commands (a fresh virtual environment,
pip from a clone, from git at a commit, and a wheel built with ``python -m build``) need the package
index and take a minute: ``slow``. The pre-commit blocks are run by pre-commit itself in
``tests/test_pre_commit.py``; the top two commands by ``scripts/matrix.py`` (CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from tests.docs_blocks import README, block, commands
from tests.fixture_format import ROOT

# A coroutine with a blocking sleep, a call of the project's own blocking helper (known to the tools
# only through extra-calls) and a script that may sleep (per-file-ignores).
APP = (
    "import time\n\nfrom myapp.clients import legacy_fetch\n\n\n"
    "async def handler(url):\n    time.sleep(1)\n    return legacy_fetch(url)\n"
)
SCRIPT = "import time\n\n\nasync def main():\n    time.sleep(1)\n"


def _tool(name: str) -> list[str]:
    module = {"flake8": "flake8", "executor-fix": "flake8_executor"}[name]
    return [sys.executable, "-m", module]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project configured with README's two configuration blocks, as written."""
    flake8_ini = block(README, "ini", "# .flake8 (or [flake8] in setup.cfg or tox.ini)")
    table = block(
        README,
        "toml",
        "# pyproject.toml: read by flake8's plugin, executor-fix and executor-lsp alike",
    )
    (tmp_path / ".flake8").write_text(flake8_ini, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "tool.py").write_text(SCRIPT, encoding="utf-8")
    return tmp_path


def test_the_configuration_blocks_are_read_by_flake8(project: Path) -> None:
    result = _run([*_tool("flake8"), "."], project)
    assert result.returncode == 1, result.stderr
    reported = sorted(
        (line.partition(":")[0], line.split(": ", 1)[1].split()[0])
        for line in result.stdout.splitlines()
    )
    # extra-calls (the table) makes legacy_fetch blocking; per-file-ignores (.flake8) silences the
    # script's sleep.
    assert reported == [("./app.py", "AEX100"), ("./app.py", "AEX101")], result.stdout


def test_the_configuration_blocks_are_read_by_executor_fix(project: Path) -> None:
    result = _run([*_tool("executor-fix"), "--diff", "app.py"], project)
    assert result.returncode == 1, result.stderr
    assert "+    return await asyncio.to_thread(legacy_fetch, url)" in result.stdout


def test_the_ci_workflow_runs_and_annotates(project: Path) -> None:
    workflow = yaml.safe_load(block(README, "yaml", "# .github/workflows/asyncio-lint.yml"))
    [job] = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[0].startswith("pip install flake8 ")  # the install: see the slow test below
    annotations = ""
    for command in runs[1:]:
        tool, *args = command.split()
        result = _run([*_tool(tool), *args], project)
        # Each step fails the job while a finding remains.
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        if "--output-format=github" in args:
            annotations = result.stdout
    assert "::warning file=./app.py,line=7," in annotations, annotations


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_install_commands_work_as_written(tmp_path: Path) -> None:
    """Every command of README's install block, in a fresh virtual environment, from a clone of
    this repository at its last commit (``REPOSITORY`` and ``COMMIT`` filled in)."""
    commit = _git("rev-parse", "HEAD", cwd=ROOT)
    _git("clone", "-q", str(ROOT), str(tmp_path / "flake8-executor"), cwd=tmp_path)
    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    bin_dir = environment / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    install = block(
        README, "sh", "# From a clone (any path to the directory that holds pyproject.toml)"
    )
    for command in commands(install):
        # A direct reference needs a host: git+file:///path is not a valid requirement.
        repository = f"file://localhost{ROOT}"
        command = command.replace("REPOSITORY", repository).replace("COMMIT", commit)
        result = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
        # What README says then holds: flake8 lists the plugin, both commands are on PATH.
        version = subprocess.run(
            ["flake8", "--version"], env=env, capture_output=True, text=True, check=True
        )
        assert "flake8-executor" in version.stdout, (command, version.stdout)
        assert shutil.which("executor-fix", path=str(bin_dir))
    lsp = subprocess.run(["executor-lsp", "--version"], env=env, capture_output=True, text=True)
    assert lsp.returncode == 0, lsp.stderr
