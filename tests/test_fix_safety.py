"""The fixer's safety model: safe fixes by default, unsafe ones on request, wrong ones declined.

The fixtures under ``fixtures/fix/`` carry the expectations: ``# unsafe: ...`` on a line whose fix a
default run leaves with its reason, ``# declined: ...`` on a line whose fix is never applied (the
comment holds a part of the reason the summary must give). ``tests/test_runtime_safety.py`` runs the
programs that show why.
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from flake8_executor.rules.registry import CODES
from tests.cli_runs import Run, in_process_runner, shown
from tests.fixture_format import FIXTURES, ROOT

FIX_FIXTURES = FIXTURES / "fix"
_MARK = re.compile(r"#\s*(unsafe|declined):\s*(.+)$")
_SUMMARY = re.compile(r"^.*?:(\d+):\d+: (AEX\d{3}) not fixed: (.*)$", re.MULTILINE)


def marks(path: Path, kind: str) -> dict[int, str]:
    """Line -> the part of the reason that line's comment promises."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue  # the header, which explains the marks
        match = _MARK.search(line)
        if match and match.group(1) == kind:
            found[number] = match.group(2).strip()
    return found


def header_args(path: Path) -> list[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# args:"):
            return shlex.split(line.removeprefix("# args:"))
    return []


def reasons(stderr: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for line, _code, reason in _SUMMARY.findall(stderr):
        found.setdefault(int(line), []).append(reason)
    return found


DECLINED = sorted(FIX_FIXTURES.glob("declined_*.py"))


@pytest.mark.parametrize("case", DECLINED, ids=lambda path: path.stem)
def test_declined_fixes_leave_the_file_and_say_why(
    case: Path, executor_fix: Run, project: Path
) -> None:
    target = project / case.name
    shutil.copy(case, target)
    result = executor_fix(*header_args(case), target)
    assert result.code == 1, shown(result)  # declined: the findings remain
    assert target.read_bytes() == case.read_bytes()
    promised = marks(case, "declined")
    assert promised
    said = reasons(shown(result))
    for line, words in promised.items():
        assert any(words in reason for reason in said.get(line, [])), (line, words, shown(result))
    # Declined is not "unsafe": --unsafe-fixes is given, and no reason points at it.
    assert "--unsafe-fixes" not in shown(result)


def test_default_run_applies_safe_fixes_only(executor_fix: Run, project: Path) -> None:
    case = FIX_FIXTURES / "safe_default.py"
    target = project / case.name
    shutil.copy(case, target)
    result = executor_fix("--diff", target)
    assert result.code == 1
    said = reasons(shown(result))
    for line, words in marks(case, "unsafe").items():
        [reason] = said[line]
        assert reason.startswith("unsafe fix not applied: ") and words in reason, reason
        assert reason.endswith("(apply it with --unsafe-fixes)")
    assert "3 of them have an unsafe fix, not applied" in shown(result)
    assert "run again with --unsafe-fixes" in shown(result)


UNSAFE = sorted(FIX_FIXTURES.glob("unsafe_*.py"))


@pytest.mark.parametrize("case", UNSAFE, ids=lambda path: path.stem)
def test_unsafe_fixes_are_left_with_what_would_change(
    case: Path, executor_fix: Run, project: Path
) -> None:
    """Every marked line is left by a default run, with the reason its comment promises."""
    target = project / case.name
    shutil.copy(case, target)
    result = executor_fix(target)
    assert result.code == 1, shown(result)  # the unsafe fixes left are findings that remain
    assert target.read_bytes() == case.read_bytes()
    promised = marks(case, "unsafe")
    assert promised
    said = reasons(shown(result))
    for line, words in promised.items():
        [reason] = said.get(line, ["nothing said"])
        assert reason.startswith("unsafe fix not applied: ") and words in reason, (line, reason)


def test_unsafe_fixes_on_request(executor_fix: Run, project: Path) -> None:
    case = FIX_FIXTURES / "safe_default.py"
    target = project / case.name
    shutil.copy(case, target)
    result = executor_fix("--unsafe-fixes", target)
    assert result.code == 0, shown(result)
    text = target.read_text(encoding="utf-8")
    assert "await asyncio.sleep(delay)" in text
    assert "page = await asyncio.to_thread(fetch, url)" in text
    assert "size = await asyncio.wrap_future(future)" in text
    assert "not fixed" not in shown(result)


def test_unsafe_fixes_from_pyproject(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.flake8-executor]\nunsafe-fixes = true\n", encoding="utf-8"
    )
    target = project / "app.py"
    target.write_text("import time\n\n\nasync def f(d):\n    time.sleep(d)\n", encoding="utf-8")
    assert executor_fix(target).code == 0
    assert "await asyncio.sleep(d)" in target.read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nunsafe-fixes = "maybe"\n', encoding="utf-8"
    )
    result = executor_fix(target)
    assert result.code == 2
    assert (
        shown(result)
        .strip()
        .endswith(
            "unsafe-fixes in " + str(project / "pyproject.toml") + ": 'maybe' is not yes or no"
        )
    )


@pytest.mark.parametrize(
    ("argument", "unsafe"),
    [("1", False), ("0.5", False), ("-1", True), ("x", True), ("1 + 1", True)],
)
def test_sleep_is_safe_only_for_a_non_negative_literal(argument: str, unsafe: bool) -> None:
    source = f"import time\n\n\nasync def f(x):\n    time.sleep({argument})\n"
    [finding] = analyze_source(source)
    assert finding.fixable and bool(finding.unsafe) is unsafe


@pytest.mark.parametrize("argument", ["0", "0.0"])
def test_sleep_of_zero_is_no_finding(argument: str) -> None:
    """``time.sleep(0)`` does not block: rewritten, it would only change what runs in between."""
    assert analyze_source(f"import time\n\n\nasync def f():\n    time.sleep({argument})\n") == []


def test_py38_form_and_to_thread_are_safe() -> None:
    """Below py39 the fix copies the caller's context into the thread, as to_thread does."""
    source = "import requests\n\n\nasync def f(u):\n    requests.get(u)\n"
    [py38] = analyze_source(source, Settings(target_version=(3, 8)))
    [py39] = analyze_source(source, Settings(target_version=(3, 9)))
    assert py38.fixable and py38.unsafe is None
    assert py39.unsafe is None
    # It needs the contextvars module by that name: declined where something else has it.
    taken = source.replace("(u):", "(u, contextvars):")
    [py38] = analyze_source(taken, Settings(target_version=(3, 8)))
    assert not py38.fixable and "contextvars" in (py38.unfixable or "")


def test_a_user_class_run_in_executor_is_not_judged() -> None:
    source = (
        "class Jobs:\n"
        "    def run_in_executor(self, func, *args, **kwargs):\n"
        "        return func(*args, **kwargs)\n\n"
        "    async def go(self, work):\n"
        "        self.run_in_executor(work, 1, timeout=3)\n\n\n"
        "async def main(work):\n"
        "    jobs = Jobs()\n"
        "    jobs.run_in_executor(work, timeout=3)\n"
    )
    assert analyze_source(source) == []


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type statements need Python 3.12")
def test_a_type_alias_value_is_never_run() -> None:
    source = "import requests\n\n\nasync def f(u):\n    type Page = requests.get(u)\n"
    assert analyze_source(source) == []


def _flake8(directory: Path) -> Counter[tuple[str, str]]:
    """flake8's findings per file and code, for the codes on by default (as executor-fix fixes).

    ``-j 1``: the few dozen files take less time than starting flake8's worker processes.
    """
    default_on = ",".join(code for code, info in CODES.items() if info.default_on)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "-j", "1", f"--select={default_on}", "."],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=300,
    )
    assert "Traceback" not in shown(completed), shown(completed)
    found: Counter[tuple[str, str]] = Counter()
    for line in completed.stdout.splitlines():
        path, _line, _col, rest = line.split(":", 3)
        code = rest.split()[0]
        found[(path.removeprefix("./"), code)] += 1
    return found


def test_after_a_default_run_flake8_finds_nothing_fixed_and_nothing_new(tmp_path: Path) -> None:
    """Over every fixture: no finding the summary called fixed is left, and none is new.

    Per file and code, the findings after are at most those before less the ones fixed. (Fewer is
    allowed: a response that a fix now gets from ``await asyncio.to_thread(requests.get, ...)``
    is no longer known to be a whole body, so its parse is no longer reported.)
    """
    project = tmp_path / "project"
    shutil.copytree(ROOT / "fixtures", project / "fixtures")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    for path in list(project.rglob("*.py")):
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            path.unlink()  # syntax newer than this Python: neither tool can read it here
    before = _flake8(project)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        completed = in_process_runner(monkeypatch)("fixtures")
    assert completed.code in (1, 2), shown(completed)
    fixed: Counter[tuple[str, str]] = Counter()
    for path, _line, _col, code in re.findall(
        r"^(.*?):(\d+):(\d+): (AEX\d{3}) fixed$", shown(completed), re.MULTILINE
    ):
        fixed[(path.removeprefix("./"), code)] += 1
    after = _flake8(project)
    assert sum(fixed.values()) > 50
    for key in set(before) | set(after):
        assert after[key] <= before[key] - fixed[key], key


def test_noqa_is_read_as_flake8_reads_it(executor_fix: Run, project: Path) -> None:
    """The findings flake8 reports are exactly the ones executor-fix acts on, and no others."""
    case = FIX_FIXTURES / "noqa_as_flake8.py"
    target = project / case.name
    shutil.copy(case, target)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=AEX", case.name],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )
    reported = {
        (int(line), code) for line, code in re.findall(r":(\d+):\d+: (AEX\d+)", completed.stdout)
    }
    result = executor_fix("--diff", target)
    acted = {
        (int(line), code)
        for line, code in re.findall(
            r":(\d+):\d+: (AEX\d+) (?:would be fixed|not fixed)", shown(result)
        )
    }
    assert reported == acted == {(10, "AEX101"), (15, "AEX101")}


def test_a_later_pass_names_its_findings_by_the_input_lines(
    executor_fix: Run, project: Path
) -> None:
    """AEX200's fix adds ``import functools``; the AEX206 fix it enables runs in a second pass on
    that text. The summary names both by line 10 of the input, as flake8 reported them."""
    target = project / "chained.py"
    target.write_text(
        "import asyncio\n\n\ndef f(x, key=None):\n    return x\n\n\nasync def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, f, 1, key=2)\n",
        encoding="utf-8",
    )
    result = executor_fix("--check", "--select", "AEX200,AEX206", target)
    assert result.code == 1
    lines = result.lines_about(target)
    assert lines == [
        f"{target}:10:18: AEX200 would be fixed",
        f"{target}:10:18: AEX206 would be fixed",
    ], shown(result)
