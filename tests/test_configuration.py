"""One configuration: the flake8 plugin and ``executor-fix`` resolve every setting to the same value,
from the same sources, with the same precedence (command line, ``[tool.flake8-executor]``, then the
``executor-*`` keys of flake8's config file), and infer the same target version."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from flake8.main.application import Application

from flake8_executor.command import cli
from flake8_executor.command import config as project_config
from flake8_executor.command.config import start_directory
from flake8_executor.plugin import ExecutorChecker
from flake8_executor.settings import Settings, build_settings

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
    """What ``executor-fix`` resolves for ``args``, by the function its run uses."""
    parsed = cli.build_parser().parse_args([*args, "."])
    config = project_config.load(project_config.find_pyproject(["."]))
    return cli._settings(parsed, config, start_directory(["."]))


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
