"""Hostile and odd input: each gets a clear one-line message, and no file is changed unless it could be
fixed safely; one bad file, or one crashed worker, never costs the other files their results.

Odd but valid files (encoding cookies, a BOM, CRLF and mixed line endings, tabs, form feeds, a
10,000-line file (50,000 lines with ``--run-slow``), deep nesting, empty files) are fixed with every
byte the fix does not touch kept.
Files that cannot be handled (bad encodings, bad syntax, null bytes, dangling or looping symlinks,
FIFOs, files that vanish or change while being fixed, read-only files) are named on one line of
stderr each and left as they were, and the other files of the same run are still fixed. Bad option
values and a ``pyproject.toml`` that does not parse stop the run with one line before any file is
touched. A worker process that dies is reported for its own file only.

Most tests call ``cli.main`` in this process (``-j 1`` runs the files here); the ones about worker
processes, FIFOs, concurrency and flake8 itself run real commands in child processes.
"""

from __future__ import annotations

import ast
import os
import random
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flake8_executor.command import files as fix_files
from flake8_executor.command import job as fix_job
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.plugin import ExecutorChecker
from tests.cli_runs import FETCH, FETCH_FIXED, SLEEPY, SLEEPY_FIXED, UNFIXABLE, Result, Run, shown


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every regular file's bytes under ``directory`` (links are not followed)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def one_clear_line(result: Result, path: Path | str, reason: str) -> None:
    """Exactly one stderr line names the file, it gives the reason, and there is no traceback."""
    lines = result.lines_about(path)
    assert len(lines) == 1, shown(result)
    assert reason in lines[0], lines[0]
    assert "Traceback" not in shown(result)


# --- odd but valid files: fixed, every other byte kept -------------------------------------------

LATIN1 = (
    b"# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\nimport requests\n\n\n"
    b"async def main(url):\n    label = '\xe9t\xe9'\n    return requests.get(url)\n"
)
LATIN1_FIXED = (
    b"# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\nimport asyncio\n\nimport requests\n\n\n"
    b"async def main(url):\n    label = '\xe9t\xe9'\n"
    b"    return await asyncio.to_thread(requests.get, url)\n"
)
SHEBANG_LATIN9 = b"#!/usr/bin/env python3\n# vim: set fileencoding=iso-8859-15 :\n# \xa4\n"
VALID_ODDITIES = {
    "latin-1 cookie": (LATIN1, LATIN1_FIXED),
    "cookie on line 2": (SHEBANG_LATIN9 + SLEEPY.encode(), SHEBANG_LATIN9 + SLEEPY_FIXED.encode()),
    "bom": (b"\xef\xbb\xbf" + FETCH.encode(), b"\xef\xbb\xbf" + FETCH_FIXED.encode()),
    "crlf": (FETCH.replace("\n", "\r\n").encode(), FETCH_FIXED.replace("\n", "\r\n").encode()),
    "bom crlf": (
        b"\xef\xbb\xbf" + FETCH.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + FETCH_FIXED.replace("\n", "\r\n").encode(),
    ),
    "mixed line endings": (
        b"import requests\r\n\n\nasync def main(url):\r\n    x = 1\n    return requests.get(url)\r\n",
        b"import asyncio\r\n\r\nimport requests\r\n\n\nasync def main(url):\r\n    x = 1\n"
        b"    return await asyncio.to_thread(requests.get, url)\r\n",
    ),
    "tabs": (
        b"import time\n\n\nasync def main():\n\tif True:\n\t\ttime.sleep(1)\n\treturn 1\n",
        b"import asyncio\n\n\nasync def main():\n\tif True:\n\t\tawait asyncio.sleep(1)\n\treturn 1\n",
    ),
    "form feed": (
        b"import time\n\x0c\n\nasync def main():\n    time.sleep(1)\n",
        b"import asyncio\n\x0c\n\nasync def main():\n    await asyncio.sleep(1)\n",
    ),
    "no final newline": (SLEEPY.rstrip("\n").encode(), SLEEPY_FIXED.rstrip("\n").encode()),
    "line separator in a string": (
        "import time\n\n\nasync def main():\n    s = 'a\u2028b'\n    time.sleep(1)\n".encode(),
        "import asyncio\n\n\nasync def main():\n    s = 'a\u2028b'\n    await asyncio.sleep(1)\n".encode(),
    ),
    "non-ascii before the call": (
        SLEEPY.replace("    time", "    donn\u00e9es = '\U0001f600'; time").encode(),
        SLEEPY_FIXED.replace("    await", "    donn\u00e9es = '\U0001f600'; await").encode(),
    ),
    "a module's name in fullwidth letters": (  # CPython reads it as ``time``; libcst does not
        (SLEEPY + "\n\ndef later():\n    return \uff54\uff49\uff4d\uff45.time()\n").encode(),
        (
            SLEEPY_FIXED.replace("import asyncio\n", "import asyncio\nimport time\n")
            + "\n\ndef later():\n    return \uff54\uff49\uff4d\uff45.time()\n"
        ).encode(),
    ),
    "cr line endings": (
        SLEEPY.replace("\n", "\r").encode(),
        SLEEPY_FIXED.replace("\n", "\r").encode(),
    ),
    "mixed, last line ends in cr": (
        b"import time\r\n\nasync def main():\r\n    time.sleep(1)\r\n    return 1\r",
        b"import asyncio\r\n\nasync def main():\r\n    await asyncio.sleep(1)\r\n    return 1\r",
    ),
}


@pytest.mark.parametrize("name", list(VALID_ODDITIES))
def test_odd_but_valid_files_are_fixed_keeping_their_bytes(
    executor_fix: Run, project: Path, name: str
) -> None:
    data, expected = VALID_ODDITIES[name]
    target = write(project / "odd.py", data)
    result = executor_fix(target)
    assert result.code == 0, shown(result)
    assert target.read_bytes() == expected
    again = executor_fix(target)
    assert again.code == 0 and target.read_bytes() == expected
    assert "0 files changed" in shown(again)


# --- files that cannot be handled: one line each, untouched, the others still fixed --------------

BROKEN = {
    "unknown encoding": (b"# -*- coding: klingon -*-\n" + SLEEPY.encode(), "unknown encoding"),
    "not utf-8": (b"import time\n# \xff\xfe\n" + SLEEPY.encode(), "cannot decode as utf-8"),
    "bom with a latin-1 cookie": (
        b"\xef\xbb\xbf# coding: latin-1\n" + SLEEPY.encode(),
        "cannot decode",
    ),
    "utf-16": ("# coding: utf-16\n".encode("utf-16") + SLEEPY.encode("utf-16"), "cannot decode"),
    "null byte": (b"import time\x00\n" + SLEEPY.encode(), "not a text file"),
    "binary": (bytes(range(256)) * 4, "not a text file"),
    "binary without a null byte": (bytes(range(1, 256)) * 4, "not a text file"),
    "tabs and spaces": (
        b"import time\n\n\nasync def main():\n    if True:\n\ttime.sleep(1)\n",
        "inconsistent use of tabs and spaces",
    ),
    "syntax error": (SLEEPY.encode() + b"    return (\n", "cannot parse"),
    # Syntax of a Python newer than the one running: PEP 695 before 3.12, PEP 758 after.
    "newer syntax": (
        (
            b"type Alias = int\n"
            if sys.version_info < (3, 12)
            else b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
        )
        + SLEEPY.encode(),
        "cannot parse: ",
    ),
    "too many nested parentheses": (
        SLEEPY.encode() + b"    x = " + b"[" * 300 + b"]" * 300 + b"\n",
        "too many nested parentheses",
    ),
    "too deep indentation": (
        SLEEPY.encode()
        + b"\n\ndef deep(x):\n"
        + b"".join(b" " * level + b"if x:\n" for level in range(1, 102))
        + b" " * 102
        + b"pass\n",
        "too many levels of indentation",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_files_that_cannot_be_read_or_parsed(executor_fix: Run, project: Path, name: str) -> None:
    data, reason = BROKEN[name]
    bad = write(project / "bad.py", data)
    good = write(project / "good.py", SLEEPY)
    result = executor_fix(bad, good)
    assert result.code == 2
    one_clear_line(result, bad, reason)
    assert bad.read_bytes() == data
    assert good.read_text() == SLEEPY_FIXED
    assert shown(result).splitlines()[-1].endswith("1 file with errors (2 files checked)")


@pytest.mark.parametrize(
    "data",
    [b"", b"\n", b"\r\n", b"   ", b"\xef\xbb\xbf", b"# only a comment", b"\n\n\n\n", b"\x0c"],
    ids=["empty", "newline", "crlf", "spaces", "bom", "comment", "blank lines", "form feed"],
)
def test_empty_and_nearly_empty_files(executor_fix: Run, project: Path, data: bytes) -> None:
    target = write(project / "empty.py", data)
    before = os.stat(target).st_mtime_ns
    result = executor_fix(target)
    assert result.code == 0, shown(result)
    assert shown(result).splitlines() == [
        "executor-fix: 0 files changed, 0 findings fixed, 0 left unfixed (1 file checked)"
    ]
    assert target.read_bytes() == data and os.stat(target).st_mtime_ns == before
    if b"\xef" not in data:  # ast wants str for a BOM
        tree = ast.parse(data)
        checker = ExecutorChecker(tree, data.decode().splitlines(keepends=True))
        assert list(checker.run()) == []


# --- a big file: 10,000 lines by default, 50,000 with --run-slow ---------------------------------

# The default suite's file is big enough for anything quadratic in the file's length to show in
# ``--durations`` (a 50,000-line file once took 72 s, B4); the 50,000-line one costs seconds more
# for the same checks, so it runs with --run-slow.
SIZES = [
    pytest.param(10_000, id="10k"),
    pytest.param(50_000, id="50k", marks=pytest.mark.slow),
]


def big_module(tail: str, lines: int) -> str:
    filler = "".join(f"value_{index} = {index}\n" for index in range(lines))
    return f"{SLEEPY}{filler}\n\n{tail}"


@pytest.mark.parametrize("lines", SIZES)
def test_big_file_plugin_and_a_run_with_nothing_to_rewrite(
    executor_fix: Run, project: Path, lines: int
) -> None:
    source = big_module(UNFIXABLE, lines)
    target = write(project / "big.py", source)
    tree = ast.parse(source)
    reported = [
        (line, text[:6])
        for line, _col, text, _ in ExecutorChecker(tree, source.splitlines(True)).run()
    ]
    last = source.count("\n") - 1
    assert reported == [(5, "AEX101"), (last, "AEX103")]

    result = executor_fix("--ignore", "AEX101", target)
    assert result.code == 1, shown(result)
    assert f"big.py:{last}:10: AEX103 not fixed" in shown(result)
    assert target.read_text() == source


@pytest.mark.parametrize("lines", SIZES)
def test_big_file_fixed(executor_fix: Run, project: Path, lines: int) -> None:
    source = big_module("async def last():\n    time.sleep(2)\n", lines)
    target = write(project / "big.py", source)
    started = time.monotonic()
    result = executor_fix(target)
    seconds = time.monotonic() - started
    assert result.code == 0, shown(result)
    fixed = target.read_text()
    assert fixed.count("await asyncio.sleep(") == 2 and "time.sleep" not in fixed
    assert fixed.count("\n") == source.count("\n")
    print(f"{lines:,}-line file fixed in {seconds:.1f} s")  # B4: 72 s at first for 50,000, 2 s now


# --- deep nesting ---------------------------------------------------------------------------------


# ``time.sleep(--...1)`` is not a literal, so its fix is unsafe: these tests are about depth, not
# safety, and pass --unsafe-fixes.
UNSAFE = "--unsafe-fixes"


def nested(depth: int) -> str:
    """A coroutine whose blocking call has a ``depth``-deep argument: libcst must parse it to fix."""
    return SLEEPY.replace("sleep(1)", "sleep(" + "-" * depth + "1)")


def nested_beside(depth: int) -> str:
    """A deep expression in a statement of its own, beside the one to fix."""
    return SLEEPY + "    x = " + "-" * depth + "1\n"


def test_nested_a_hundred_deep_is_fixed(executor_fix: Run, project: Path) -> None:
    target = write(project / "deep.py", nested(100))
    assert executor_fix(UNSAFE, target).code == 0
    assert target.read_text() == nested(100).replace("import time", "import asyncio").replace(
        "time.sleep", "await asyncio.sleep"
    )


@pytest.mark.parametrize("depth", [500, 2000])
def test_deep_expression_beside_the_fix_is_kept(
    executor_fix: Run, project: Path, depth: int
) -> None:
    # libcst is given only the statements it rewrites, so a deep one elsewhere does not matter.
    target = write(project / "deep.py", nested_beside(depth))
    result = executor_fix(target)
    assert result.code == 0, shown(result)
    assert target.read_text() == nested_beside(depth).replace(SLEEPY, SLEEPY_FIXED)


def _ast_parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError):
        return False
    return True


# 5,000 deep is past what ast parses on 3.11 and 3.12: the default suite runs it there. Where ast
# parses it (3.9, 3.10, 3.13) the file goes to libcst as 2,000 deep does, and libcst's parser takes
# 4-5 s over it on 3.9 and 3.10: there it runs with --run-slow.
DEPTHS = [
    500,
    2000,
    pytest.param(5000, marks=[pytest.mark.slow] if _ast_parses(nested(5000)) else []),
]


@pytest.mark.parametrize("depth", DEPTHS)
def test_deeply_nested_expression_is_left_unchanged(
    executor_fix: Run, project: Path, depth: int
) -> None:
    source = nested(depth)
    target = write(project / "deep.py", source)
    good = write(project / "good.py", SLEEPY)
    if depth < 3000:  # the plugin is given what ast could parse
        tree = ast.parse(source)
        assert [finding.code for finding in analyze(tree, Settings(), source)] == ["AEX101"]
    result = executor_fix(UNSAFE, target, good)
    assert result.code == 2
    one_clear_line(result, target, "nested")
    [line] = result.lines_about(target)
    assert "internal error" not in line and "Error(" not in line, line
    assert target.read_text() == source
    assert good.read_text() == SLEEPY_FIXED


# --- paths: directories named x.py, symlinks, FIFOs, names ---------------------------------------


def test_directory_named_like_a_python_file(executor_fix: Run, project: Path) -> None:
    package = project / "x.py"
    package.mkdir()
    inner = write(package / "inner.py", SLEEPY)
    (project / "tree" / "y.py").mkdir(parents=True)
    result = executor_fix(package, project / "tree")
    assert result.code == 0, shown(result)
    assert inner.read_text() == SLEEPY_FIXED
    assert shown(result).splitlines()[-1].endswith("(1 file checked)")


def test_symlinks(executor_fix: Run, project: Path) -> None:
    real = write(project / "real.py", SLEEPY)
    link = project / "link.py"
    link.symlink_to(real)
    dangling = project / "dangling.py"
    dangling.symlink_to(project / "gone.py")
    loop_a, loop_b = project / "loop_a.py", project / "loop_b.py"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    result = executor_fix(link, dangling, loop_a)
    assert result.code == 2
    assert link.is_symlink() and real.read_text() == SLEEPY_FIXED
    one_clear_line(result, dangling, "cannot read: No such file or directory")
    one_clear_line(result, loop_a, "cannot read: Too many levels of symbolic links")


def test_missing_path(executor_fix: Run, project: Path) -> None:
    good = write(project / "good.py", SLEEPY)
    result = executor_fix(project / "nowhere.py", good)
    assert result.code == 2
    one_clear_line(result, project / "nowhere.py", "cannot read: No such file or directory")
    assert good.read_text() == SLEEPY_FIXED


def test_odd_file_names(executor_fix: Run, project: Path) -> None:
    names = ["with space.py", "caf\u00e9.py", "-dash.py", os.fsdecode(b"latin\xe9.py")]
    for name in names:
        write(project / name, SLEEPY)
    result = executor_fix("--", ".")
    assert result.code == 0, shown(result)
    for name in names:
        assert (project / name).read_text() == SLEEPY_FIXED, name


def test_fifo_and_device_are_named_not_read(executor_fix: Run, project: Path) -> None:
    fifo = project / "pipe.py"
    os.mkfifo(fifo)
    device = project / "device.py"
    device.symlink_to(os.devnull)  # a character device (/dev/zero would never end)
    good = write(project / "good.py", SLEEPY)
    results: list[Result] = []
    run = threading.Thread(target=lambda: results.append(executor_fix(".")), daemon=True)
    run.start()
    run.join(timeout=2)
    hung = run.is_alive()
    if hung:  # let the reader go: a writer that opens and closes gives it an end of file
        with open(fifo, "wb"):
            pass
        run.join(timeout=10)
    assert not hung, "executor-fix hung on a FIFO"
    result = results[0]
    one_clear_line(result, "./pipe.py", "cannot read: not a regular file")
    one_clear_line(result, "./device.py", "cannot read: not a regular file")
    assert good.read_text() == SLEEPY_FIXED
    assert result.code == 2


# --- files that vanish, change or cannot be written while the run goes on -------------------------


def _during_fix(monkeypatch: pytest.MonkeyPatch, path: Path, action: Callable[[], None]) -> None:
    """Run ``action`` after ``path`` was read and fixed in memory, before anything is written."""
    real_fix_bytes = fix_job.fix_bytes

    def fix_bytes(name: str, data: bytes, job: fix_job.FileJob):  # type: ignore[no-untyped-def]
        outcome = real_fix_bytes(name, data, job)
        if Path(name).resolve() == path.resolve():
            action()
        return outcome

    monkeypatch.setattr(fix_job, "fix_bytes", fix_bytes)


def test_file_that_vanishes_mid_run(
    executor_fix: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vanishing = write(project / "a_vanishing.py", SLEEPY)
    good = write(project / "b_good.py", SLEEPY)
    _during_fix(monkeypatch, vanishing, vanishing.unlink)
    result = executor_fix(vanishing, good)
    assert result.code == 2
    one_clear_line(result, vanishing, "No such file or directory")
    assert not vanishing.exists(), "a vanished file must not come back"
    assert good.read_text() == SLEEPY_FIXED
    assert not list(project.glob(".*.tmp")), "no temporary file left behind"


def test_file_changed_while_being_fixed(
    executor_fix: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = write(project / "edited.py", SLEEPY)
    good = write(project / "good.py", SLEEPY)
    new_content = SLEEPY + "\n\nasync def added_by_the_editor():\n    time.sleep(2)\n"
    _during_fix(monkeypatch, edited, lambda: edited.write_text(new_content))
    result = executor_fix(edited, good)
    assert result.code == 2
    one_clear_line(result, edited, "changed on disk while being fixed; not written")
    assert edited.read_text() == new_content
    assert good.read_text() == SLEEPY_FIXED


def locked_file_is_named_and_left(executor_fix: Run, locked: Path, good: Path, reason: str) -> None:
    """A run over a file it may not read or write, and one it may: one line, the other fixed."""
    try:
        result = executor_fix(locked, good)
    finally:
        locked.chmod(0o644)
    assert result.code == 2
    one_clear_line(result, locked, reason)
    assert locked.read_text() == SLEEPY
    assert good.read_text() == SLEEPY_FIXED


def test_read_only_file(executor_fix: Run, project: Path) -> None:
    locked = write(project / "locked.py", SLEEPY)
    locked.chmod(0o444)
    good = write(project / "good.py", SLEEPY)
    locked_file_is_named_and_left(executor_fix, locked, good, "read-only; not written")


@pytest.mark.parametrize("how", ["chmod 000", "open fails with EACCES"])
def test_unreadable_file(
    executor_fix: Run, project: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    locked = write(project / "locked.py", SLEEPY)
    good = write(project / "good.py", SLEEPY)
    if how == "chmod 000":
        if os.geteuid() == 0:
            pytest.skip("root reads a file whatever its mode: the EACCES case stands in")
        locked.chmod(0)
    else:
        real_open = open

        def refusing_open(path: str, *args: object, **kwargs: object) -> object:
            if Path(path).name == "locked.py":
                raise PermissionError(13, "Permission denied", path)
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(fix_files, "open", refusing_open, raising=False)
    locked_file_is_named_and_left(executor_fix, locked, good, "cannot read: Permission denied")


# The fixer runs again and again in a child process while this process rewrites the file (the way an
# editor saves); each save is read back: it must be there, whole, fixed or not.
FIXER_LOOP = """\
import contextlib, io, os, sys
from flake8_executor.command.cli import main
runs = 0
while not os.path.exists("stop"):
    with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(err):
        main(["-j", "1", "-q", "target.py"])
    runs += 1
    for line in err.getvalue().splitlines():
        if line.startswith("target.py:") and "changed on disk" not in line:
            print(line)
print(f"runs={runs}")
"""


def test_file_written_concurrently(project: Path) -> None:
    def version(number: int) -> str:
        return SLEEPY.replace("time.sleep(1)", f"time.sleep({number})  # save {number}")

    target = write(project / "target.py", version(0))
    fixer = subprocess.Popen(
        [sys.executable, "-c", FIXER_LOOP], cwd=project, stdout=subprocess.PIPE, text=True
    )
    lost, saves = [], 0
    generator = random.Random(7)
    deadline = time.monotonic() + 1.5
    try:
        while time.monotonic() < deadline:
            saves += 1
            target.write_text(version(saves))
            time.sleep(generator.uniform(0.0, 0.02))
            now = target.read_text()
            match = re.search(r"# save (\d+)", now)
            if not match or int(match.group(1)) != saves:
                lost.append((saves, now))
            ast.parse(now)
    finally:
        (project / "stop").touch()
        output, _ = fixer.communicate(timeout=60)
    assert not lost, lost[:3]
    assert fixer.returncode == 0
    assert output.splitlines()[-1].startswith("runs="), output
    assert output.splitlines()[:-1] == [], output  # no message but "changed on disk"
    print(f"{saves} saves, fixer {output.splitlines()[-1]}")


# --- options and configuration --------------------------------------------------------------------

BAD_OPTIONS = {
    "extra-calls empty name": (["--extra-calls", "a.b=io,=io"], "--extra-calls: '=io' is not"),
    "extra-calls bad name": (["--extra-calls", "1bad=io"], "'1bad' is not a dotted Python name"),
    "extra-calls unknown kind": (["--extra-calls", "a.b=slow"], "unknown kind 'slow'"),
    "follow-calls": (["--follow-calls", "maybe"], "--follow-calls: 'maybe' is not yes or no"),
    "target-version": (["--target-version", "py3"], "--target-version: unknown target version"),
    "process-pool statement": (["--process-pool", "pool; x"], "is not a Python expression"),
    "negative jobs": (["-j", "-3"], "-j/--jobs must be at least 1"),
}


@pytest.mark.parametrize("name", list(BAD_OPTIONS))
def test_bad_option_values(executor_fix: Run, project: Path, name: str) -> None:
    args, message = BAD_OPTIONS[name]
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(*args, target)
    assert result.code == 2
    assert result.stderr.startswith("executor-fix: error: ") and message in result.stderr
    assert len(shown(result).splitlines()) == 1, shown(result)
    assert target.read_text() == SLEEPY


def test_option_that_is_not_a_number(executor_fix: Run, project: Path) -> None:
    target = write(project / "app.py", SLEEPY)
    result = executor_fix("-j", "many", target)
    assert result.code == 2  # argparse: its usage, then the one line that says what is wrong
    assert shown(result).splitlines()[-1] == (
        "executor-fix: error: argument -j/--jobs: invalid int value: 'many'"
    )
    assert target.read_text() == SLEEPY


def test_process_pool_expression_is_one_argument(executor_fix: Run, project: Path) -> None:
    # A body read whole: evidently large, so AEX105 reports it (README, Precision).
    source = "import json\n\n\nasync def main(body):\n    return json.loads(body.read())\n"
    target = write(project / "app.py", source)
    result = executor_fix(UNSAFE, "--process-pool", "pools, other", target)
    if result.code == 2:  # rejected: fine, if it says why in one line
        assert len(shown(result).splitlines()) == 1 and target.read_text() == source
        return
    assert "run_in_executor((pools, other), json.loads, body.read())" in target.read_text()


def test_flake8_bad_option_value_is_one_line(tmp_path: Path) -> None:
    write(tmp_path / "app.py", SLEEPY)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--executor-follow-calls=maybe", "app.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert completed.returncode == 2
    assert shown(completed).splitlines() == [
        "flake8-executor: error: --executor-follow-calls: 'maybe' is not yes or no"
    ]


BAD_PYPROJECTS = {
    "not toml": (b"[tool.flake8-executor\nprocess-pool = 'x'\n", "not valid TOML"),
    "not utf-8": (b'[tool.flake8-executor]\nprocess-pool = "\xff"\n', "pyproject.toml"),
    "bom": (b'\xef\xbb\xbf[tool.flake8-executor]\nprocess-pool = "x"\n', "not valid TOML"),
    "table is a number": (b"[tool]\nflake8-executor = 1\n", "is not a table"),
    "unknown key": (b'[tool.flake8-executor]\nprocess_pool = "x"\n', "unknown key 'process_pool'"),
    "value of the wrong type": (b"[tool.flake8-executor]\nprocess-pool = 1\n", "must be a string"),
    "bad value": (b'[tool.flake8-executor]\nfollow-calls = "maybe"\n', "'maybe' is not yes or no"),
    "truncated": (b'[tool.flake8-executor]\nselect = ["AEX1",', "not valid TOML"),
}


@pytest.mark.parametrize("name", list(BAD_PYPROJECTS))
def test_pyproject_that_does_not_parse(executor_fix: Run, project: Path, name: str) -> None:
    text, message = BAD_PYPROJECTS[name]
    write(project / "pyproject.toml", text)
    target = write(project / "app.py", SLEEPY)
    result = executor_fix(target)
    assert result.code == 2, shown(result)
    assert result.stderr.startswith("executor-fix: error: "), result.stderr
    assert message in shown(result) and "pyproject.toml" in shown(result)
    assert len(shown(result).splitlines()) == 1, shown(result)
    assert target.read_text() == SLEEPY


# --- worker processes: a crash costs only its own file --------------------------------------------

# The real command, with one file made to kill its worker process the hard way (a segfault, an
# os._exit) the moment it is handed to the fixer: the pool breaks, and every other file must still
# get its result. Workers are forked, so they inherit the patched function, and the fixer's modules
# (libcst), loaded here by one small fix first: each file retried alone gets a new pool, which
# would otherwise import them again (about a second each).
CRASHING_RUN = """\
import os, signal, sys
from flake8_executor.command import cli
from flake8_executor.command import job
from flake8_executor.fix.pipeline import fix_source
from flake8_executor.config.settings import Settings

fix_source("import time\\nasync def f():\\n    time.sleep(1)\\n", Settings())
real_fix_bytes = job.fix_bytes


def fix_bytes(path, data, file_job):
    if b"CRASH-SEGV" in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"CRASH-EXIT" in data:
        os._exit(3)
    return real_fix_bytes(path, data, file_job)


job.fix_bytes = fix_bytes
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("how", ["CRASH-SEGV", pytest.param("CRASH-EXIT", marks=pytest.mark.slow)])
def test_a_crashed_worker_loses_only_its_own_file(project: Path, how: str) -> None:
    good = [write(project / f"good_{index}.py", SLEEPY) for index in range(5)]
    crashing_source = SLEEPY + f"# {how}\n"
    crashing = write(project / "good_2_crashing.py", crashing_source)
    broken = write(project / "nested.py", nested(600))  # an internal error, not a crash
    # More than a megabyte of source, so that the command uses worker processes at all (it runs a
    # small workload in its own process, where a crash would take the whole run down). One string
    # literal: its size counts, and it takes no time to analyse (120,000 statements took a second,
    # twice when the crash sent the file to be retried alone).
    write(project / "filler.py", 'FILLER = "' + "x" * (1 << 20) + '"\n')
    completed = subprocess.run(
        [sys.executable, "-c", CRASHING_RUN, UNSAFE, "-j", "2", "."],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
    )
    assert completed.returncode == 2, shown(completed)
    assert "Traceback" not in shown(completed)
    crash_lines = [line for line in shown(completed).splitlines() if "crashed" in line]
    assert crash_lines == [
        "./good_2_crashing.py: internal error: the worker process crashed on this file"
    ]
    assert crashing.read_text() == crashing_source
    assert broken.read_text() == nested(600)
    for path in good:
        assert path.read_text() == SLEEPY_FIXED, path
    assert shown(completed).splitlines()[-1] == (
        "executor-fix: 5 files changed, 5 findings fixed, 0 left unfixed, 2 files with errors "
        "(8 files checked)"
    )


# --- the plugin through flake8 over the odd files ------------------------------------------------


def _null_bytes_are_a_syntax_error() -> bool:
    try:
        compile("x\0", "<null byte>", "exec")
    except SyntaxError:
        return True
    except ValueError:
        return False
    return True


def test_flake8_over_the_odd_files(tmp_path: Path) -> None:
    for name, (data, _) in VALID_ODDITIES.items():
        write(tmp_path / f"{name.replace(' ', '_').replace(',', '')}.py", data)
    left_out = {"too many nested parentheses", "too deep indentation"}
    if not _null_bytes_are_a_syntax_error():
        # Before 3.11 compile() raises ValueError for a null byte and flake8 itself crashes on
        # such a file, before any plugin runs: not ours to test.
        left_out |= {name for name, (data, _) in BROKEN.items() if b"\0" in data}
    for name, (data, _) in BROKEN.items():
        if name not in left_out:
            write(tmp_path / f"broken_{name.replace(' ', '_')}.py", data)
    write(tmp_path / "empty.py", b"")
    (tmp_path / "x.py").mkdir()
    (tmp_path / "link.py").symlink_to(tmp_path / "tabs.py")
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=AEX", "-j", "2", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert "Traceback" not in shown(completed), shown(completed)
    assert completed.returncode == 1, shown(completed)
    reported = {line.split(":")[0] for line in completed.stdout.splitlines()}
    expected = {f"./{name.replace(' ', '_').replace(',', '')}.py" for name in VALID_ODDITIES}
    assert expected <= reported, completed.stdout


def test_permissions_are_kept(executor_fix: Run, project: Path) -> None:
    script = write(project / "script.py", SLEEPY)
    script.chmod(0o751)
    assert executor_fix(script).code == 0
    assert stat.S_IMODE(script.stat().st_mode) == 0o751
    assert script.read_text() == SLEEPY_FIXED
