"""Real-world sweep: the plugin and ``executor-fix`` over CPython's standard library as installed.

About 1,800 real files (CPython 3.11), written by many hands over thirty years (including the test suite's
deliberately broken ones: bad encodings, bad syntax). Over each file: the flake8 plugin returns, the
fixer returns, what it rewrote parses (``ast`` and libcst) and compiles, and a second run changes
nothing; a file the fixer leaves alone is left byte for byte.
``--sweep-dir DIR`` (with ``--run-slow``) sweeps more directories the same way.

The default suite sweeps a deterministic sample (every ``SAMPLE_STEP``-th file, in sorted order, plus
every file under ``asyncio/`` and a third of ``test/test_asyncio/``, where the async code is). ``--run-slow``
sweeps every file in-process, and runs the real ``executor-fix --diff -j 2`` over the whole library:
no traceback, every file named in the closing line, each problem in one line, and every diff it
prints applies to the original and gives code that parses.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import libcst
import pytest

from flake8_executor.command.files import FileError, decode
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.fix.pipeline import fix_source
from flake8_executor.plugin import ExecutorChecker
from flake8_executor.rules.registry import OFF_BY_DEFAULT

# Parsing old files warns (invalid escape sequences): true, and nothing to do with us.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
]

STDLIB = Path(sysconfig.get_paths()["stdlib"])
THIRD_PARTY = {"site-packages", "dist-packages"}
SAMPLE_STEP = 40  # with asyncio's package and a third of its tests: about 90 files
ASYNCIO_TESTS = ("test", "test_asyncio")
# The process pool lets the AEX105 rewrite run too; follow-calls is on by default.
OPTIONS = Settings(process_pool="PROCESS_POOL")


def stdlib_files() -> list[Path]:
    files = sorted(
        path
        for path in STDLIB.rglob("*.py")
        if not THIRD_PARTY.intersection(path.relative_to(STDLIB).parts) and path.is_file()
    )
    assert len(files) > 500, f"only {len(files)} files under {STDLIB}: not a standard library?"
    return files


def sample(files: list[Path]) -> list[Path]:
    """Every ``SAMPLE_STEP``-th file, asyncio's package, and every third of asyncio's tests (which
    call blocking functions in coroutines: the fixer has work there)."""
    tests = sorted(path for path in files if path.parent.relative_to(STDLIB).parts == ASYNCIO_TESTS)
    return [
        path
        for index, path in enumerate(files)
        if index % SAMPLE_STEP == 0
        or path.parent.relative_to(STDLIB).parts == ("asyncio",)
        or (path in tests and tests.index(path) % 3 == 0)
    ]


@dataclass
class Sweep:
    files: int = 0
    undecodable: list[str] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    analysed: int = 0
    findings: int = 0
    rewritten: list[str] = field(default_factory=list)
    fixes: int = 0

    def summary(self) -> str:
        return (
            f"{self.files} files: {self.analysed} analysed, {self.findings} findings, "
            f"{len(self.rewritten)} rewritten ({self.fixes} fixes), "
            f"{len(self.undecodable)} undecodable, {len(self.unparsable)} unparsable"
        )


def _compiles(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<sweep>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def sweep_file(path: Path, sweep: Sweep) -> None:
    sweep.files += 1
    data = path.read_bytes()
    try:
        text = decode(data).text
    except FileError:
        sweep.undecodable.append(str(path))
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        sweep.unparsable.append(str(path))
        return
    sweep.analysed += 1

    checker = ExecutorChecker(tree, text.splitlines(keepends=True))
    checker.settings = OPTIONS
    checker.targets = None  # these settings as they are, with no per-file target version
    checker.opted_in = frozenset(OFF_BY_DEFAULT)  # as with --extend-select=AEX206
    reported = list(checker.run())
    sweep.findings += len(reported)
    assert len(reported) == len(analyze(tree, OPTIONS, text))

    result = fix_source(text, OPTIONS)  # raises BrokenFix if the output would not parse
    if result.text == text:
        assert not result.fixed, path
        return
    sweep.rewritten.append(str(path))
    sweep.fixes += len(result.fixed)
    ast.parse(result.text)
    libcst.parse_module(result.text)
    if _compiles(text):
        assert _compiles(result.text), path
    assert fix_source(result.text, OPTIONS).text == result.text, f"{path}: second run changed it"


def run_sweep(files: list[Path]) -> Sweep:
    sweep = Sweep()
    failures = []
    for path in files:
        try:
            sweep_file(path, sweep)
        except Exception as error:  # collect them all: one report names every failing file
            failures.append(f"{path}: {error!r}")
    print(sweep.summary())
    assert not failures, "\n".join(failures)
    return sweep


def test_sample_of_the_standard_library() -> None:
    files = sample(stdlib_files())
    sweep = run_sweep(files)
    assert sweep.analysed > 0.95 * sweep.files
    # asyncio's own tests call blocking functions in coroutines: there is something to fix.
    assert sweep.findings > 0 and sweep.rewritten


@pytest.mark.slow
def test_whole_standard_library_in_process() -> None:
    sweep = run_sweep(stdlib_files())
    assert sweep.analysed > 0.99 * sweep.files


@pytest.mark.slow
def test_given_directories_in_process(request: pytest.FixtureRequest) -> None:
    """``--sweep-dir DIR``: more real code, swept like the standard library (files that this
    Python cannot decode or parse are counted, not failed)."""
    directories: list[Path] = request.config.getoption("--sweep-dir")
    if not directories:
        pytest.skip("no --sweep-dir given")
    for directory in directories:
        files = sorted(path for path in directory.expanduser().rglob("*.py") if path.is_file())
        assert files, f"no .py files under {directory}"
        print(f"{directory}:")
        run_sweep(files)


# --- the real command ---------------------------------------------------------------------------

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_CLOSING = re.compile(r"^executor-fix: .*\((\d+) files? checked\)$")
_FINDING = re.compile(r"^.+:\d+:\d+: AEX\d{3} ")
_UNSAFE_NOTE = re.compile(r"^executor-fix: \d+ of them have an unsafe fix")


def apply_unified_diff(original: list[str], hunks: list[list[str]]) -> list[str]:
    """The new lines from the old ones and a file's hunks; context and removals must match."""
    result: list[str] = []
    position = 0  # index in original
    for hunk in hunks:
        match = _HUNK.match(hunk[0])
        assert match, hunk[0]
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        result.extend(original[position:start])
        position = start
        for line in hunk[1:]:
            if line.startswith("\\"):  # "\ No newline at end of file": the previous line's end
                result[-1] = result[-1].rstrip("\n") if result else ""
                continue
            tag, content = line[0], line[1:]
            if tag in " -":
                assert original[position].rstrip("\r\n") == content.rstrip("\r\n"), (
                    position,
                    original[position],
                    content,
                )
                position += 1
            if tag in " +":
                result.append(content)
    result.extend(original[position:])
    return result


def split_diff(output: str) -> dict[str, list[list[str]]]:
    """``path -> hunks`` from ``executor-fix --diff`` output."""
    files: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in output.splitlines(keepends=True):
        if line.startswith("--- "):
            continue
        if line.startswith("+++ "):
            current = files.setdefault(line[4:].rstrip("\n"), [])
            continue
        if line.startswith("@@"):
            assert current is not None
            current.append([line])
        elif current:
            current[-1].append(line)
    return files


@pytest.mark.slow
def test_executor_fix_diff_over_the_whole_standard_library(tmp_path: Path) -> None:
    """On a copy of the standard library's modules: the tool writes its cache at the root it
    runs in, and an installed Python may sit in a git checkout that ignores it (pyenv's
    ``versions/``), which executor-fix's discovery honours."""
    files = stdlib_files()
    expected = len(files)
    stdlib = tmp_path / "stdlib"
    for path in files:
        copy = stdlib / path.relative_to(STDLIB)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8_executor",
            "--diff",
            "-j",
            "2",
            "--process-pool",
            "PROCESS_POOL",
            "--exclude",
            ",".join(sorted(THIRD_PARTY)),
            str(stdlib),
        ],
        capture_output=True,
        timeout=3600,
        cwd=tmp_path,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    stdout = completed.stdout.decode("utf-8", "surrogateescape")
    assert "Traceback" not in stderr, stderr[-3000:]
    assert completed.returncode in (1, 2), stderr[-3000:]
    lines = stderr.splitlines()
    if lines and _UNSAFE_NOTE.match(lines[-1]):
        lines.pop()  # "N of them have an unsafe fix, not applied: ..." follows the summary
    *lines, closing = lines
    checked = _CLOSING.match(closing)
    assert checked, closing
    # Every other line is a finding (fixed or not, with its place) or one file's one-line problem.
    problems = [line for line in lines if not _FINDING.match(line)]
    assert all(line.startswith(str(stdlib)) for line in problems), problems
    assert not [line for line in problems if "internal error" in line], problems
    print(closing)
    print(f"{len(problems)} files named with a problem (bad encodings, bad syntax on purpose)")
    # Every file but those under the default excludes (the venv package: a directory named venv).
    assert int(checked.group(1)) >= expected * 0.95

    diffs = split_diff(stdout)
    assert diffs, "no diff at all: asyncio's tests have blocking calls in coroutines"
    for name, hunks in diffs.items():
        path = Path(name)
        path = path if path.is_absolute() else stdlib / path
        original = decode(path.read_bytes()).text
        lines = apply_unified_diff(original.splitlines(keepends=True), hunks)
        new_text = "".join(lines)
        ast.parse(new_text)
        assert new_text == fix_source(original, OPTIONS).text, name
    print(f"{len(diffs)} diffs applied and parsed")
