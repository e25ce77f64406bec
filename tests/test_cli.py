"""executor-fix as a command: modes, exit codes, file safety, configuration, selection, noqa.

Most tests call ``cli.main`` in this process (the same code as the console script, minus the
interpreter start-up, which keeps the suite fast); the ones about processes, stdin and the entry
points run the real command in a child process.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runs import (
    FETCH,
    FETCH_FIXED,
    SLEEPY,
    SLEEPY_FIXED,
    UNFIXABLE,
    Run,
    shown,
)

CLEAN = "async def main():\n    return 1\n"


def run_child(
    *args: str | Path, cwd: Path, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "flake8_executor", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


def age(path: Path) -> int:
    """Set the file's mtime an hour back, so a rewrite could not keep it by chance."""
    past = path.stat().st_mtime_ns - 3_600 * 10**9
    os.utime(path, ns=(past, past))
    return past


# -- modes and exit codes -------------------------------------------------------------------------


def test_fixes_in_place_and_reports(executor_fix: Run, project: Path) -> None:
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(target)
    assert result.code == 0
    assert target.read_text() == SLEEPY_FIXED
    assert f"{target}:5:5: AEX101 fixed" in shown(result)
    assert "executor-fix: 1 file changed, 1 finding fixed, 0 left unfixed" in shown(result)


def test_diff_prints_a_unified_diff_and_writes_nothing(executor_fix: Run, project: Path) -> None:
    target = write(project / "app.py", SLEEPY)
    mtime = age(target)
    result = executor_fix("--diff", "app.py")
    assert result.code == 1
    assert result.stdout.decode().splitlines()[:2] == ["--- app.py", "+++ app.py"]
    assert "-    time.sleep(1)\n+    await asyncio.sleep(1)\n" in result.stdout.decode()
    assert target.read_text() == SLEEPY
    assert target.stat().st_mtime_ns == mtime
    assert "1 file would change, 1 finding would be fixed" in shown(result)


def test_diff_with_nothing_to_change_exits_0(executor_fix: Run, project: Path) -> None:
    write(project / "app.py", CLEAN)
    result = executor_fix("--diff", "app.py")
    assert (result.code, result.stdout) == (0, b"")


def test_check_exit_codes(executor_fix: Run, project: Path) -> None:
    target = write(project / "app.py", SLEEPY)
    assert executor_fix("--check", target).code == 1
    assert target.read_text() == SLEEPY
    assert executor_fix("--check", write(project / "clean.py", CLEAN)).code == 0
    # As ruff check: a finding that cannot be fixed is still a finding.
    unfixable = write(project / "unfixable.py", UNFIXABLE)
    assert executor_fix("--check", unfixable).code == 1
    assert executor_fix("--diff", unfixable).code == 1
    assert executor_fix("--check", "--exit-zero", target, unfixable).code == 0


def test_write_mode_exit_codes(executor_fix: Run, project: Path) -> None:
    """0 when every finding was fixed, 1 while one is left (as ruff check --fix)."""
    target = write(project / "app.py", SLEEPY)
    assert executor_fix(target).code == 0
    assert target.read_text() == SLEEPY_FIXED
    target.write_text(SLEEPY)
    assert executor_fix("--exit-non-zero-on-fix", target).code == 1
    assert target.read_text() == SLEEPY_FIXED
    assert executor_fix("--exit-non-zero-on-fix", target).code == 0  # nothing left to change
    unfixable = write(project / "unfixable.py", UNFIXABLE)
    assert executor_fix(unfixable).code == 1
    assert executor_fix("--exit-zero", unfixable).code == 0
    # An unsafe fix not applied leaves its finding: 1 until --unsafe-fixes applies it.
    unsafe = write(project / "unsafe.py", SLEEPY.replace("sleep(1)", "sleep(delay)"))
    unsafe.write_text(unsafe.read_text().replace("main()", "main(delay)"))
    assert executor_fix(unsafe).code == 1
    assert executor_fix("--unsafe-fixes", unsafe).code == 0
    assert "await asyncio.sleep(delay)" in unsafe.read_text()
    # A file that cannot be parsed is 2, whatever --exit-zero says.
    assert executor_fix("--exit-zero", write(project / "bad.py", "def (:\n")).code == 2


def test_exit_codes_are_in_help(executor_fix: Run) -> None:
    text = executor_fix("--help").stdout.decode()
    assert "exit codes: 0 no finding remains" in " ".join(text.split())
    assert "--exit-zero" in text and "--exit-non-zero-on-fix" in text


MIXED = """\
import requests


async def main(u, p):
    with open(p) as f:
        pass
    requests.get(u)
    return f
"""


@pytest.mark.parametrize("mode", [(), ("--check",), ("--diff",)], ids=["write", "check", "diff"])
def test_the_summary_names_every_finding_at_its_input_line(
    executor_fix: Run, project: Path, mode: tuple[str, ...]
) -> None:
    """In every mode, as flake8 reported them before the run: not the fixed finding at its input
    line and the unfixed one at its line in the output (moved two lines down by ``import asyncio``)."""
    target = write(project / "app.py", MIXED)
    result = executor_fix(*mode, target)
    assert result.code == 1, shown(result)  # the unfixed finding remains, in every mode
    verb = "fixed" if not mode else "would be fixed"
    assert f"{target}:7:5: AEX100 {verb}\n" in shown(result)
    assert f"{target}:5:10: AEX103 not fixed: " in shown(result)
    assert ":7:10:" not in shown(result)
    assert "1 left unfixed" in shown(result)


def test_unfixed_findings_are_listed_with_the_reason(executor_fix: Run, project: Path) -> None:
    target = write(project / "files.py", UNFIXABLE)
    result = executor_fix(target)
    assert result.code == 1
    assert f"{target}:2:10: AEX103 not fixed: " in shown(result)
    assert "with statement" in shown(result)
    assert "0 files changed, 0 findings fixed, 1 left unfixed" in shown(result)


def test_nothing_to_fix_keeps_bytes_and_mtime(executor_fix: Run, project: Path) -> None:
    paths = [write(project / "clean.py", CLEAN), write(project / "unfixable.py", UNFIXABLE)]
    paths.append(project / "noqa.py")
    paths[-1].write_bytes(b"import time\r\n\r\nasync def f():\r\n    time.sleep(1)  # noqa\r\n")
    before = {path: (path.read_bytes(), age(path)) for path in paths}
    assert executor_fix(project).code == 1  # the unfixable finding is left
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths} == before


# -- files: errors, safety ------------------------------------------------------------------------


def test_syntax_error_among_good_files(executor_fix: Run, project: Path) -> None:
    good = [write(project / f"good{index}.py", SLEEPY) for index in range(3)]
    write(project / "bad.py", "async def broken(:\n    pass\n")
    result = executor_fix(".")
    assert result.code == 2
    assert "bad.py:1:18: error: cannot parse: invalid syntax" in shown(result)
    assert all(path.read_text() == SLEEPY_FIXED for path in good)
    assert "3 files changed, 3 findings fixed, 0 left unfixed, 1 file with errors" in shown(result)


def test_jobs_over_several_files_and_excludes(project: Path) -> None:
    """A real child process with a pool of two workers; a bad file among them changes nothing."""
    fixed = [write(project / "a.py", SLEEPY), write(project / "pkg" / "b.py", FETCH)]
    skipped = [
        write(project / ".venv" / "lib" / "dep.py", SLEEPY),
        write(project / "build" / "gen.py", SLEEPY),
        write(project / "migrations" / "m1.py", SLEEPY),
        write(project / "pkg" / "generated_api.py", SLEEPY),
    ]
    write(project / "pkg" / "bad.py", "def broken(:\n")
    result = run_child("-j", "2", "--extend-exclude", "migrations,generated_*.py", ".", cwd=project)
    assert result.returncode == 2
    assert "bad.py:1:12: error: cannot parse: " in shown(result)
    assert [path.read_text() for path in fixed] == [SLEEPY_FIXED, FETCH_FIXED]
    assert all(path.read_text() == SLEEPY for path in skipped)
    assert (
        "2 files changed, 2 findings fixed, 0 left unfixed, 1 file with errors (3 files checked)"
        in (shown(result))
    )


def test_unreadable_file_is_named_and_the_others_go_on(executor_fix: Run, project: Path) -> None:
    good = write(project / "good.py", SLEEPY)
    result = executor_fix(project / "missing.py", good)
    assert result.code == 2
    assert f"{project / 'missing.py'}: cannot read: No such file or directory" in shown(result)
    assert good.read_text() == SLEEPY_FIXED


def test_read_only_file_is_left_alone(executor_fix: Run, project: Path) -> None:
    locked = write(project / "locked.py", SLEEPY)
    locked.chmod(0o444)
    good = write(project / "good.py", SLEEPY)
    result = executor_fix(locked, good)
    assert result.code == 2
    assert f"{locked}: read-only; not written" in shown(result)
    assert locked.read_text() == SLEEPY
    assert stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert good.read_text() == SLEEPY_FIXED
    # Its findings are not counted as fixed.
    assert "1 file changed, 1 finding fixed" in shown(result)


def test_mode_bits_and_symlinks_are_kept(executor_fix: Run, project: Path) -> None:
    script = write(project / "script.py", SLEEPY)
    script.chmod(0o751)
    link = project / "link.py"
    link.symlink_to(script)
    assert executor_fix(link).code == 0
    assert link.is_symlink()
    assert script.read_text() == SLEEPY_FIXED
    assert stat.S_IMODE(script.stat().st_mode) == 0o751
    assert not [path for path in project.iterdir() if path.name.endswith(".tmp")]


def test_encoding_cookie_and_bom_are_kept(executor_fix: Run, project: Path) -> None:
    latin = project / "latin.py"
    latin.write_bytes(
        "# -*- coding: latin-1 -*-\nimport time\n\n\nasync def f():\n    s = 'é'; time.sleep(1)\n".encode(
            "latin-1"
        )
    )
    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + SLEEPY.encode())
    assert executor_fix(latin, bom).code == 0
    assert latin.read_bytes().decode("latin-1").endswith("    s = 'é'; await asyncio.sleep(1)\n")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + SLEEPY_FIXED.encode()


def test_non_ascii_before_the_call_on_its_line(executor_fix: Run, project: Path) -> None:
    target = write(
        project / "app.py",
        "import time\n\n\nasync def f():\n    x = 'héllo wörld'; time.sleep(1)\n",
    )
    assert executor_fix(target).code == 0
    assert target.read_text().endswith("x = 'héllo wörld'; await asyncio.sleep(1)\n")


def test_internal_error_leaves_the_file(
    executor_fix: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import libcst as cst

    from flake8_executor.fix import transform

    def broken(
        module: cst.Module, findings: object, settings: object, aliases: object
    ) -> tuple[cst.Module, list]:
        return cst.parse_module("x = 1\n").with_changes(
            body=[cst.SimpleStatementLine([cst.Expr(cst.Name("def"))])]
        ), []

    monkeypatch.setattr(transform, "apply_fixes", broken)
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(target)
    assert result.code == 2
    assert f"{target}: internal error, left unchanged: the fixed code would not parse" in shown(
        result
    )
    assert target.read_text() == SLEEPY


# -- stdin and entry points -----------------------------------------------------------------------


def test_stdin_to_stdout(project: Path) -> None:
    result = run_child("-", cwd=project, stdin=SLEEPY.encode())
    assert result.returncode == 0
    assert result.stdout.decode() == SLEEPY_FIXED
    assert "<stdin>:5:5: AEX101 fixed" in shown(result)


def test_stdin_modes(executor_fix: Run) -> None:
    diff = executor_fix("--diff", "-", stdin=SLEEPY.encode())
    assert diff.code == 1
    assert diff.stdout.decode().startswith("--- <stdin>\n+++ <stdin>\n")
    check = executor_fix("--check", "-", stdin=SLEEPY.encode())
    # Nothing to write back with --check: stdout holds the report, as for files.
    assert check.code == 1
    assert check.stdout.decode().startswith("<stdin>:5:5: AEX101 would be fixed\n")
    crlf = executor_fix("-", stdin=SLEEPY.replace("\n", "\r\n").encode())
    assert crlf.stdout == SLEEPY_FIXED.replace("\n", "\r\n").encode()


def test_stdin_that_does_not_parse_passes_through(executor_fix: Run) -> None:
    result = executor_fix("-", stdin=b"def broken(:\n")
    assert result.code == 2
    assert result.stdout == b"def broken(:\n"
    assert "<stdin>:1:12: error: cannot parse: " in shown(result)


def test_console_script_and_module_agree(project: Path) -> None:
    script = Path(sys.executable).with_name("executor-fix")
    if not script.exists():
        pytest.skip("executor-fix is not installed next to this interpreter")
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout == run_child("--version", cwd=project).stdout.decode()


def test_pre_commit_hook_is_declared() -> None:
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    for line in (
        "- id: executor-fix\n",
        "- id: executor-fix-check\n",
        "- id: executor-lint\n",
        "entry: executor-fix --check --force-exclude --output-format=concise\n",
        "entry: executor-fix --force-exclude\n",
        "entry: executor-fix --check --force-exclude\n",
        "language: python\n",
        "types_or: [python, pyi]\n",
        "require_serial: true\n",
        "minimum_pre_commit_version:",
    ):
        assert line in hooks


# -- options and configuration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target-version", "py27"], "executor-fix: error: --target-version: unknown target"),
        (["--extra-calls", "nokind"], "executor-fix: error: --extra-calls: 'nokind' is not of"),
        (["--process-pool", "app.("], "executor-fix: error: --process-pool: 'app.(' is not a"),
        (["--select", "AEX1,bad code"], "executor-fix: error: --select: 'bad code' is not a code"),
        (["-j", "0"], "executor-fix: error: -j/--jobs must be at least 1"),
    ],
)
def test_bad_option_value(executor_fix: Run, project: Path, args: list[str], message: str) -> None:
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(*args, target)
    assert result.code == 2
    assert shown(result).startswith(message)
    assert len(shown(result).splitlines()) == 1
    assert target.read_text() == SLEEPY


def test_unknown_flag_is_a_usage_error(executor_fix: Run) -> None:
    assert executor_fix("--no-such-flag", "x.py").code == 2


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.flake8-executor\n", "not valid TOML"),
        ('[tool.flake8-executor]\nprocess-poool = "x"\n', "unknown key 'process-poool'"),
        ("[tool.flake8-executor]\nselect = 3\n", "select must be a string or a list of strings"),
        ('[tool.flake8-executor]\ntarget-version = "py2"\n', "target-version in "),
    ],
)
def test_bad_pyproject(executor_fix: Run, project: Path, pyproject: str, message: str) -> None:
    (project / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(target)
    assert result.code == 2
    assert result.stderr.startswith("executor-fix: error: ")
    assert message in shown(result)
    assert "pyproject.toml" in shown(result)
    assert len(shown(result).splitlines()) == 1
    assert target.read_text() == SLEEPY


def test_settings_from_pyproject_and_flags_win(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nrequires-python = ">=3.8"\n\n'
        '[tool.flake8-executor]\nprocess-pool = "app.pool"\nexclude = ["skipped"]\n'
        "unsafe-fixes = true\n",
        encoding="utf-8",
    )
    # The process-pool fix is unsafe: the table allows it.
    parse = (
        "import json\n\nfrom service import app\n\n\nasync def f(body):\n"
        "    return json.loads(body.read())\n"
    )
    target = write(project / "src" / "app.py", parse + FETCH.replace("main", "other"))
    skipped = write(project / "skipped" / "app.py", SLEEPY)
    assert executor_fix(project / "src").code == 0
    text = target.read_text()
    assert (
        "await asyncio.get_running_loop().run_in_executor(app.pool, json.loads, body.read())"
        in text
    )
    # requires-python >= 3.8: no asyncio.to_thread.
    pre_39 = "functools.partial(contextvars.copy_context().run, requests.get, url)"
    assert f"run_in_executor(None, {pre_39})" in text
    assert skipped.read_text() == SLEEPY
    # A flag wins over the table and requires-python.
    target.write_text(FETCH)
    executor_fix("--target-version", "py311", target)
    assert target.read_text() == FETCH_FIXED


def test_target_version_key_wins_over_requires_python(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nrequires-python = ">=3.8"\n[tool.flake8-executor]\ntarget-version = "py310"\n',
        encoding="utf-8",
    )
    target = write(project / "app.py", FETCH)
    assert executor_fix(target).code == 0
    assert target.read_text() == FETCH_FIXED


def test_select_and_ignore(executor_fix: Run, project: Path) -> None:
    both = SLEEPY + "\n\nasync def other(url):\n    import requests\n    return requests.get(url)\n"
    target = write(project / "app.py", both)
    executor_fix("--select", "AEX101", target)
    assert "await asyncio.sleep(1)" in target.read_text()
    assert "return requests.get(url)" in target.read_text()
    target.write_text(both)
    executor_fix("--ignore", "AEX101", target)
    assert "time.sleep(1)" in target.read_text()
    assert "await asyncio.to_thread(requests.get, url)" in target.read_text()


def test_aex206_is_off_unless_selected(executor_fix: Run, project: Path) -> None:
    source = "async def f(loop, work):\n    return await loop.run_in_executor(None, work, 1)\n"
    target = write(project / "app.py", source)
    assert executor_fix(target).stdout.decode().startswith("executor-fix: 0 files changed")
    assert target.read_text() == source
    executor_fix("--select", "AEX206", target)
    assert "return await asyncio.to_thread(work, 1)" in target.read_text()


def test_select_from_pyproject_and_the_flag_wins(executor_fix: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nignore = ["AEX101"]\n', encoding="utf-8"
    )
    target = write(project / "app.py", SLEEPY)
    executor_fix(target)
    assert target.read_text() == SLEEPY
    executor_fix("--ignore", "AEX100", target)
    assert target.read_text() == SLEEPY_FIXED


def test_noqa(executor_fix: Run, project: Path) -> None:
    source = (
        "import time\n\n\nasync def f():\n"
        "    time.sleep(1)  # noqa\n"
        "    time.sleep(2)  # noqa: AEX101\n"
        "    time.sleep(3)  # NOQA:AEX1\n"
        "    time.sleep(4)  # noqa: AEX100\n"
    )
    target = write(project / "app.py", source)
    result = executor_fix(target)
    assert result.code == 0
    lines = target.read_text().splitlines()
    assert lines[-4:] == [
        "    time.sleep(1)  # noqa",
        "    time.sleep(2)  # noqa: AEX101",
        "    time.sleep(3)  # NOQA:AEX1",
        "    await asyncio.sleep(4)  # noqa: AEX100",
    ]
    assert "1 finding fixed, 0 left unfixed" in shown(result)


def test_file_level_flake8_noqa_skips_the_file(executor_fix: Run, project: Path) -> None:
    target = write(project / "app.py", "# flake8: noqa\n" + SLEEPY)
    assert executor_fix(target).code == 0
    assert target.read_text() == "# flake8: noqa\n" + SLEEPY


def test_without_a_toml_reader_the_pyproject_is_skipped_with_a_note(
    executor_fix: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python 3.9 and 3.10 without tomli: defaults, and a note saying why."""
    from flake8_executor.config import pyproject as config

    monkeypatch.setattr(config, "_load_toml", lambda: None)
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nignore = "AEX101"\n', encoding="utf-8"
    )
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(target)
    assert result.code == 0
    assert "executor-fix: note: " in shown(result) and "install tomli" in shown(result)
    assert target.read_text() == SLEEPY_FIXED
