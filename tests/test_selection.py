"""Which codes both front ends act on: the opt-in codes (flake8-bugbear's B9xx convention),
``extend-select``/``extend-ignore``, and flake8's ``ignore``/``extend-ignore``/``per-file-ignores``
honoured by the fixer (issue 22, items 3 to 5). flake8 runs as a child process, executor-fix in
this one, both on a temporary project; the language server's side is in ``tests/test_lsp.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flake8_executor.rules.registry import OFF_BY_DEFAULT
from tests.cli_runs import SLEEPY, SLEEPY_FIXED, Run, shown

# An AEX206 (opt-in) and an AEX101 (on by default) in one module.
BOTH = (
    "import asyncio\nimport time\n\n\nasync def main(f):\n"
    "    time.sleep(1)\n"
    "    return await asyncio.get_running_loop().run_in_executor(None, f, 1)\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def flake8_codes(project: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *args, "app.py"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )
    assert result.returncode in (0, 1), shown(result)
    return {line.split()[1] for line in result.stdout.splitlines()}


def fixed_codes(executor_fix: Run, *args: str) -> set[str]:
    """The codes executor-fix reports for app.py, in --check mode (fixed or not)."""
    result = executor_fix("--check", "--output-format=concise", *args, "app.py")
    assert result.code in (0, 1), shown(result)
    return {line.split()[1] for line in result.stdout.decode().splitlines()}


def test_the_opt_in_list_is_the_registrys() -> None:
    assert "AEX206" in OFF_BY_DEFAULT


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ((), {"AEX101"}),
        (("--select=AEX",), {"AEX101"}),  # a prefix does not turn an opt-in code on
        (("--select=AEX2",), set()),
        (("--select=AEX206",), {"AEX206"}),
        (("--select=AEX,AEX206",), {"AEX101", "AEX206"}),
        (("--extend-select=AEX206",), {"AEX101", "AEX206"}),
        (("--extend-ignore=AEX101",), set()),
    ],
)
def test_opt_in_codes_in_flake8_and_executor_fix(
    executor_fix: Run, project: Path, args: tuple[str, ...], codes: set[str]
) -> None:
    write(project / "app.py", BOTH)
    assert flake8_codes(project, *args) == codes
    assert fixed_codes(executor_fix, *args) == codes


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        ('select = ["AEX"]', {"AEX101"}),
        ('extend-select = ["AEX206"]', {"AEX101", "AEX206"}),
        ('select = ["AEX206"]', {"AEX206"}),  # select replaces the default codes, as flake8's
        ('extend-ignore = ["AEX101"]', set()),
        ('extend-select = ["AEX206"]\nextend-ignore = ["AEX1"]', {"AEX206"}),
    ],
)
def test_table_keys_in_both_front_ends(
    executor_fix: Run, project: Path, table: str, codes: set[str]
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.flake8-executor]\n{table}\n", encoding="utf-8")
    write(project / "app.py", BOTH)
    assert flake8_codes(project) == codes
    assert fixed_codes(executor_fix) == codes


def test_select_naming_only_opt_in_codes_says_so(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nselect = ["AEX206"]\n', encoding="utf-8"
    )
    write(project / "app.py", BOTH)
    result = executor_fix("--check", "app.py")
    assert (
        "executor-fix: note: select names only AEX206, so every other code is off; to add it to "
        "the default codes, use extend-select" in shown(result)
    )


def test_the_fixer_honours_flake8s_ignores(executor_fix: Run, project: Path) -> None:
    """ignore, extend-ignore and per-file-ignores of .flake8: what flake8 accepts is not fixed."""
    (project / ".flake8").write_text(
        "[flake8]\nextend-ignore = E501\nper-file-ignores =\n"
        "    tests/*: AEX101\n    scripts/legacy.py:AEX1,F401\n",
        encoding="utf-8",
    )
    accepted = [
        write(project / "tests" / "test_app.py", SLEEPY),
        write(project / "scripts" / "legacy.py", SLEEPY),
    ]
    fixed = [write(project / "app.py", SLEEPY), write(project / "scripts" / "other.py", SLEEPY)]
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=AEX", "."],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert sorted(line.split(":")[0] for line in flake8.stdout.splitlines()) == [
        "./app.py",
        "./scripts/other.py",
    ]
    assert executor_fix(".").code == 0
    assert [path.read_text() for path in accepted] == [SLEEPY, SLEEPY]
    assert [path.read_text() for path in fixed] == [SLEEPY_FIXED, SLEEPY_FIXED]
    # extend-ignore and ignore in flake8's config too.
    target = write(project / "app.py", SLEEPY)
    (project / ".flake8").write_text("[flake8]\nextend-ignore = E501,AEX101\n", encoding="utf-8")
    assert executor_fix("app.py").code == 0
    assert target.read_text() == SLEEPY
    (project / ".flake8").write_text("[flake8]\nignore = AEX1\n", encoding="utf-8")
    assert executor_fix("app.py").code == 0
    assert target.read_text() == SLEEPY
    # A flag wins over flake8's ignore, as over the table's.
    assert executor_fix("--ignore", "AEX100", "app.py").code == 0
    assert target.read_text() == SLEEPY_FIXED


def test_per_file_ignores_in_the_table(executor_fix: Run, project: Path) -> None:
    """ruff's form (a table of globs) and flake8's (a string), in both front ends."""
    for table in (
        '[tool.flake8-executor.per-file-ignores]\n"tests/*" = ["AEX101"]\n',
        '[tool.flake8-executor]\nper-file-ignores = "tests/*:AEX101"\n',
    ):
        (project / "pyproject.toml").write_text(table, encoding="utf-8")
        accepted = write(project / "tests" / "app.py", SLEEPY)
        fixed = write(project / "app.py", SLEEPY)
        flake8 = subprocess.run(
            [sys.executable, "-m", "flake8", "--select=AEX", "app.py", "tests/app.py"],
            capture_output=True,
            text=True,
            cwd=project,
        )
        assert [line.split(":")[0] for line in flake8.stdout.splitlines()] == ["app.py"]
        assert executor_fix(".").code == 0
        assert (accepted.read_text(), fixed.read_text()) == (SLEEPY, SLEEPY_FIXED)


def test_bad_per_file_ignores_in_the_table(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor.per-file-ignores]\n"tests/*" = 3\n', encoding="utf-8"
    )
    write(project / "app.py", SLEEPY)
    result = executor_fix("app.py")
    assert result.code == 2
    assert "per-file-ignores must map globs to lists of codes" in shown(result)


def test_a_longer_selected_prefix_wins_over_the_tables_ignore(
    executor_fix: Run, project: Path
) -> None:
    """flake8's rule between select and ignore, whichever source each comes from."""
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nignore = ["AEX2"]\n', encoding="utf-8"
    )
    write(project / "app.py", BOTH)
    assert flake8_codes(project, "--extend-select=AEX206") == {"AEX101", "AEX206"}
    assert fixed_codes(executor_fix, "--extend-select=AEX206") == {"AEX101", "AEX206"}
    assert flake8_codes(project) == fixed_codes(executor_fix) == {"AEX101"}
