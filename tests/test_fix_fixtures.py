"""executor-fix on the fixture pairs of ``fixtures/fix``: output as expected, and a second run idle.

``NAME.py`` is the input and ``NAME.fixed.py`` the expected output (absent: the input itself, for
files the fixer must leave alone). A ``# args: ...`` line in the header passes flags. Copies run in
groups sharing their flags, one ``executor-fix`` run per group (``cli.main`` in this process, as
``tests/cli_runs.py`` runs it: a child interpreter per group cost the suite seconds, and
``tests/test_cli.py`` shows that the console script and ``cli.main`` agree); CRLF copies are made
here from the LF fixtures, so git's line-ending handling cannot blur the test.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.cli_runs import in_process_runner, shown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix"
CASES = sorted(path for path in FIXTURES.glob("*.py") if not path.name.endswith(".fixed.py"))
CRLF_CASES = ("comments", "to_thread", "imports_removed")


def run_groups(groups: dict[tuple[str, ...], list[Path]], cwd: Path) -> dict[Path, str]:
    """Run executor-fix once per group, in ``cwd``; each path's group's stderr.

    ``-j 1`` (``in_process_runner``'s default): a few dozen small files are done before a worker
    pool would have started.
    """
    stderr = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(cwd)
        executor_fix = in_process_runner(monkeypatch)
        for args, paths in groups.items():
            result = executor_fix(*args, *paths)
            # 1 while a finding is left unfixed (as ruff check --fix), else 0.
            assert result.code == (1 if " not fixed: " in shown(result) else 0), shown(result)
            stderr.update(dict.fromkeys(paths, shown(result)))
    return stderr


def header_args(path: Path) -> tuple[str, ...]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# args:"):
            return tuple(shlex.split(line.removeprefix("# args:")))
    return ()


def expected_bytes(case: Path) -> bytes:
    fixed = case.with_name(case.stem + ".fixed.py")
    return (fixed if fixed.exists() else case).read_bytes()


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


class Run:
    """Each copy's bytes after the first and the second run, and what the second run said."""

    def __init__(self) -> None:
        self.first: dict[str, bytes] = {}
        self.second: dict[str, bytes] = {}
        self.mtime_kept: dict[str, bool] = {}
        self.second_stderr: dict[str, str] = {}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("fix-fixtures")
    # A project file of our own stops the search for one above the temporary directory.
    (root / "pyproject.toml").write_text('[project]\nname = "fixtures"\n', encoding="utf-8")
    groups: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    copies: dict[str, Path] = {}
    for case in CASES:
        copies[case.stem] = root / case.name
        copies[case.stem].write_bytes(case.read_bytes())
        groups[header_args(case)].append(copies[case.stem])
    for stem in CRLF_CASES:
        copies[f"crlf_{stem}"] = root / f"crlf_{stem}.py"
        copies[f"crlf_{stem}"].write_bytes(crlf((FIXTURES / f"{stem}.py").read_bytes()))
        groups[()].append(copies[f"crlf_{stem}"])
    result = Run()
    run_groups(groups, root)
    result.first = {name: path.read_bytes() for name, path in copies.items()}
    mtimes = {name: path.stat().st_mtime_ns for name, path in copies.items()}
    # Each group alone, so "0 files changed" in its summary speaks for its own files.
    second = run_groups(groups, root)
    result.second = {name: path.read_bytes() for name, path in copies.items()}
    result.mtime_kept = {
        name: path.stat().st_mtime_ns == mtimes[name] for name, path in copies.items()
    }
    result.second_stderr = {name: second[path] for name, path in copies.items()}
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_fixture_is_fixed_as_expected(case: Path, run: Run) -> None:
    assert run.first[case.stem].decode() == expected_bytes(case).decode()


@pytest.mark.parametrize("stem", CRLF_CASES)
def test_crlf_line_endings_are_kept(stem: str, run: Run) -> None:
    output = run.first[f"crlf_{stem}"]
    assert output == crlf(expected_bytes(FIXTURES / f"{stem}.py"))
    assert b"\n" not in output.replace(b"\r\n", b"")


@pytest.mark.parametrize("name", [case.stem for case in CASES] + [f"crlf_{s}" for s in CRLF_CASES])
def test_second_run_changes_nothing(name: str, run: Run) -> None:
    assert run.second[name] == run.first[name]
    assert run.mtime_kept[name], "a file with nothing to fix was rewritten"
    assert "executor-fix: 0 files changed, 0 findings fixed" in run.second_stderr[name]


def test_every_fix_has_a_fixture_and_a_rewrite() -> None:
    from flake8_executor.fix.rewrites import REWRITES
    from flake8_executor.fixes import Fix

    names = {case.stem.replace("_", "-") for case in CASES}
    assert {fix.value for fix in Fix} <= names
    assert set(REWRITES) == set(Fix)


def test_fixtures_say_what_they_show() -> None:
    for path in FIXTURES.glob("*.py"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# executor-fix fixture: "), path.name


def test_fixed_fixtures_parse() -> None:
    import ast

    for path in FIXTURES.glob("*.py"):
        ast.parse(path.read_bytes(), filename=os.fspath(path))


def test_added_imports_keep_isort_order() -> None:
    """Where ``ruff check --select I`` passes on an input, it passes on the expected output too."""
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--quiet", "--select", "I"]
    inputs = [case for case in CASES if case.with_name(case.stem + ".fixed.py").exists()]
    sorted_inputs = [
        case
        for case in inputs
        if subprocess.run([*ruff, str(case)], capture_output=True, timeout=60).returncode == 0
    ]
    assert len(sorted_inputs) >= 10
    outputs = [str(case.with_name(case.stem + ".fixed.py")) for case in sorted_inputs]
    completed = subprocess.run([*ruff, *outputs], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stdout


def test_compile_fixtures_script_finds_what_a_python_cannot_compile(tmp_path: Path) -> None:
    """``scripts/compile_fixtures.py`` (a CI step over every installed Python) on this Python: the
    outputs compile, and a file an interpreter cannot compile is named with its line."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import compile_fixtures
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert compile_fixtures.main(["--python", sys.executable, "--minimum", "1"]) == 0
    assert compile_fixtures.target_of(FIXTURES / "py38.py") == (3, 8)
    # await in a comprehension nested in another: a SyntaxError before 3.11, whatever parses it.
    nested = tmp_path / "nested.py"
    nested.write_text("async def f(rows):\n    return [[await x for x in r] for r in rows]\n")
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n    pass\n")
    files = [broken, nested] if sys.version_info >= (3, 11) else [broken]
    assert [
        failure.partition(":1:")[0]
        for failure in compile_fixtures.compile_with(sys.executable, files)
    ] == [str(broken)]
    older = compile_fixtures.find_interpreter("3.10")
    if older is not None:
        [failure] = compile_fixtures.compile_with(older, [nested])
        assert failure.startswith(f"{nested}:2:"), failure
