"""One configuration: the flake8 plugin and ``executor-fix`` resolve every setting to the same value,
from the same sources, with the same precedence (command line, ``[tool.flake8-executor]``, then the
``executor-*`` keys of flake8's config file), and infer the same target version."""

from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flake8.main.application import Application

from flake8_executor.command import cli
from flake8_executor.config import pyproject as project_config
from flake8_executor.config.pyproject import start_directory
from flake8_executor.config.settings import Settings, build_settings
from flake8_executor.plugin import ExecutorChecker
from tests.cli_runs import shown

# Per setting, a distinct valid value for each source, so the winner can be told apart.
VALUES = {
    "extra-calls": ("flag.fetch=io", "table.fetch=io", "cfg.fetch=io"),
    "process-pool": ("flag_pool", "table_pool", "cfg_pool"),
    "target-version": ("py310", "py311", "py312"),
    "follow-calls": ("no", "yes", "no"),
}
SOURCES = ("flag", "table", "flake8")


def plugin_settings(args: list[str]) -> Settings:
    """What the plugin resolves when flake8 starts with ``args`` in the current directory."""
    ExecutorChecker.settings = Settings()
    Application().initialize([*args, "."])
    return ExecutorChecker.settings


def fixer_settings(args: list[str]) -> Settings:
    """What ``executor-fix`` resolves for ``args``, by the function its run uses; without the line
    length, which only the fixer reads (``tests/test_fix_flake8_clean.py``)."""
    parsed = cli.build_parser().parse_args([*args, "."])
    config = project_config.load(project_config.find_pyproject(["."]))
    return dataclasses.replace(
        cli._settings(parsed, config, start_directory(["."])), line_length=None
    )


def _write_sources(
    project: Path, key: str, present: tuple[str, ...], flake8_file: str
) -> list[str]:
    flag, table, cfg = VALUES[key]
    pyproject = '[project]\nname = "demo"\n'
    if "table" in present:
        pyproject += f'\n[tool.flake8-executor]\n{key} = "{table}"\n'
    (project / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        (project / name).unlink(missing_ok=True)
    if "flake8" in present:
        (project / flake8_file).write_text(f"[flake8]\nexecutor-{key} = {cfg}\n", encoding="utf-8")
    return [f"--executor-{key}={flag}"] if "flag" in present else []


# Every setting from setup.cfg; each of flake8's other config files with one setting.
CASES = [(key, "setup.cfg") for key in VALUES] + [
    ("process-pool", "tox.ini"),
    ("target-version", ".flake8"),
]


@pytest.mark.parametrize(("key", "flake8_file"), CASES)
def test_front_ends_agree_on_every_setting_from_every_source(
    project: Path, key: str, flake8_file: str
) -> None:
    field = key.replace("-", "_")
    for count in range(len(SOURCES) + 1):
        for present in itertools.combinations(SOURCES, count):
            args = _write_sources(project, key, present, flake8_file)
            plugin, fixer = plugin_settings(args), fixer_settings(args)
            assert plugin == fixer, (key, present)
            if present:  # the first source in precedence order wins
                winner = VALUES[key][SOURCES.index(present[0])]
                expected = getattr(build_settings(**{field: winner}), field)
                assert getattr(plugin, field) == expected, (key, present)
            else:
                assert getattr(plugin, field) == getattr(Settings(), field), (key, present)


@pytest.mark.parametrize(
    ("files", "target"),
    [
        ({"pyproject.toml": '[project]\nname = "d"\nrequires-python = ">=3.10"\n'}, (3, 10)),
        ({"setup.cfg": "[options]\npython_requires = >=3.11\n"}, (3, 11)),
        ({"setup.py": "from setuptools import setup\nsetup(python_requires='>=3.12')\n"}, (3, 12)),
        (
            {
                "pyproject.toml": '[project]\nname = "d"\n',
                "setup.cfg": "[options]\npython_requires = >=3.8\n",
            },
            (3, 8),
        ),
        ({"pyproject.toml": '[project]\nname = "d"\n'}, (3, 9)),
    ],
    ids=["requires-python", "setup.cfg", "setup.py", "pyproject without it", "nothing declared"],
)
def test_target_version_is_inferred_the_same_way(
    project: Path, files: dict[str, str], target: tuple[int, int]
) -> None:
    (project / "pyproject.toml").unlink()
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    assert plugin_settings([]).target_version == target
    assert fixer_settings([]).target_version == target


def test_the_pyproject_table_narrows_what_flake8_reports(project: Path) -> None:
    source = "import time\n\n\nasync def main():\n    time.sleep(1)\n    open('x').read()\n"
    (project / "app.py").write_text(source, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nignore = ["AEX101"]\n', encoding="utf-8"
    )
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=AEX", "app.py"],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert "AEX103" in flake8.stdout and "AEX101" not in flake8.stdout, flake8.stdout


def test_plugin_warns_about_unknown_codes(project: Path) -> None:
    (project / "app.py").write_text("x = 1\n", encoding="utf-8")
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=E,AEX1,AEX999", "app.py"],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert flake8.returncode == 0, flake8.stderr
    assert flake8.stderr.splitlines() == ["flake8-executor: warning: --select: unknown code AEX999"]


def test_flake8_config_value_errors_name_the_file(project: Path) -> None:
    (project / "setup.cfg").write_text("[flake8]\nexecutor-target-version = py27\n")
    (project / "app.py").write_text("x = 1\n", encoding="utf-8")
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "app.py"], capture_output=True, text=True, cwd=project
    )
    assert flake8.returncode == 2
    assert flake8.stderr.startswith(
        "flake8-executor: error: executor-target-version in setup.cfg: unknown target version"
    ), flake8.stderr


# --- the target version per file: each project's own declared Python ---------------------------

FETCH = "import requests\n\n\nasync def main(url):\n    return requests.get(url)\n"
# A version guard: the engine skips the branch a target version rules out, so flake8 reports the
# sleep for a target below 3.10 only.
GUARDED = (
    "import sys\nimport time\n\n\nasync def main():\n"
    "    if sys.version_info < (3, 10):\n        time.sleep(1)\n"
)
# Each declares the oldest Python in one of the places a project can: py38 or py311.
DECLARATIONS = {
    "pyproject-38": {"pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.8"\n'},
    "pyproject-311": {"pyproject.toml": '[project]\nname = "b"\nrequires-python = ">=3.11"\n'},
    "setup-cfg-38": {"setup.cfg": "[metadata]\nname = c\n\n[options]\npython_requires = >=3.8\n"},
    "setup-py-38": {
        "setup.py": "from setuptools import setup\n\nsetup(name='d', python_requires='>=3.8')\n"
    },
    "setup-py-311": {
        "setup.py": "import setuptools\n\nsetuptools.setup(name='e', python_requires='>=3.11')\n"
    },
}


def _sibling_projects(root: Path, source: str) -> dict[str, Path]:
    """One directory per declaration under ``root`` (which declares nothing), each with app.py."""
    apps = {}
    for name, files in DECLARATIONS.items():
        directory = root / name / "src"
        directory.mkdir(parents=True)
        for file_name, text in files.items():
            (root / name / file_name).write_text(text, encoding="utf-8")
        (directory / "app.py").write_text(source, encoding="utf-8")
        apps[name] = directory / "app.py"
    return apps


def _tool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_each_file_is_fixed_for_its_own_projects_python(tmp_path: Path) -> None:
    """One run over sibling projects: py311 ones get asyncio.to_thread, py38 ones the pre-3.9
    form (what to_thread does, written out)."""
    apps = _sibling_projects(tmp_path, FETCH)
    run = _tool(["flake8_executor", "-j", "2", *DECLARATIONS], tmp_path)
    assert run.returncode == 0, shown(run)
    pre_39 = "run_in_executor(None, functools.partial(contextvars.copy_context().run, requests.get"
    for name, app in apps.items():
        text = app.read_text(encoding="utf-8")
        assert f"{name}/src/app.py:5:12: AEX100 fixed" in shown(run).splitlines(), shown(run)
        if name.endswith("311"):
            assert "await asyncio.to_thread(requests.get, url)" in text, name
        else:
            assert pre_39 in text and "to_thread" not in text, text


def test_flake8_reads_each_files_project_too(tmp_path: Path) -> None:
    apps = _sibling_projects(tmp_path, GUARDED)
    flake8 = _tool(["flake8", "--select=AEX", "-j", "1", *DECLARATIONS], tmp_path)
    reported = {line.split(":")[0] for line in flake8.stdout.splitlines()}
    assert reported == {f"{name}/src/app.py" for name in apps if not name.endswith("311")}, (
        flake8.stdout
    )


def test_an_explicit_target_version_wins_for_every_file(tmp_path: Path) -> None:
    apps = _sibling_projects(tmp_path, FETCH)
    run = _tool(["flake8_executor", "--target-version", "py310", "."], tmp_path)
    assert run.returncode == 0, shown(run)
    for app in apps.values():
        assert "await asyncio.to_thread(requests.get, url)" in app.read_text(encoding="utf-8")
    for app in apps.values():
        app.write_text(GUARDED, encoding="utf-8")
    flake8 = _tool(["flake8", "--select=AEX", "--executor-target-version=py310", "."], tmp_path)
    assert flake8.stdout == "", flake8.stdout


def test_the_nearest_pyprojects_target_version_wins_over_the_runs(project: Path) -> None:
    """The run's table (found from the common directory) stands below a project's own table, and
    above what projects declare."""
    tmp_path = project
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-executor]\ntarget-version = "py38"\n', encoding="utf-8"
    )
    own = tmp_path / "own"
    own.mkdir()
    (own / "pyproject.toml").write_text(
        '[project]\nname = "o"\nrequires-python = ">=3.8"\n\n'
        '[tool.flake8-executor]\ntarget-version = "py312"\n',
        encoding="utf-8",
    )
    declared = tmp_path / "declared"
    declared.mkdir()
    (declared / "setup.cfg").write_text("[options]\npython_requires = >=3.12\n", encoding="utf-8")
    settings = fixer_settings([])
    resolved = cli._resolved(cli.build_parser().parse_args(["."]), _run_config(), str(tmp_path))
    assert resolved.targets is not None
    assert settings.target_version == (3, 8)
    assert resolved.targets.settings_for(settings, str(own / "a.py")).target_version == (3, 12)
    assert resolved.targets.settings_for(settings, str(declared / "a.py")).target_version == (3, 8)


def _run_config() -> project_config.ProjectConfig:
    return project_config.load(project_config.find_pyproject(["."]))


def test_each_directory_is_looked_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_executor.config import targets

    monkeypatch.chdir(tmp_path)
    apps = _sibling_projects(tmp_path, FETCH)
    loaded: list[str] = []
    real_load = targets.load

    def counting_load(path: str | None) -> project_config.ProjectConfig:
        loaded.append(str(path))
        return real_load(path)

    monkeypatch.setattr(targets, "load", counting_load)
    checked: list[str] = []
    monkeypatch.setattr(targets.os.path, "isfile", _counting(os.path.isfile, checked))
    targets = targets.TargetVersions(None, None)
    for _ in range(3):
        for app in apps.values():
            targets.settings_for(Settings(), str(app))
            targets.settings_for(Settings(), str(app.with_name("other.py")))
    assert sorted(loaded) == sorted(
        str(tmp_path / name / "pyproject.toml") for name in DECLARATIONS if name.startswith("pyp")
    )
    first = len(checked)
    targets.settings_for(Settings(), str(apps["setup-py-38"]))
    assert len(checked) == first  # cached: no file system access at all


def _counting(function: Callable[[str], bool], calls: list[str]) -> Callable[[str], bool]:
    def counted(path: str) -> bool:
        calls.append(path)
        return function(path)

    return counted


def test_a_broken_pyproject_of_another_project_is_an_error_naming_it(tmp_path: Path) -> None:
    _sibling_projects(tmp_path, FETCH)
    (tmp_path / "pyproject-311" / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    run = _tool(["flake8_executor", "--check", "."], tmp_path)
    assert run.returncode == 2
    assert "pyproject-311" in shown(run) and "not valid TOML" in shown(run), shown(run)
