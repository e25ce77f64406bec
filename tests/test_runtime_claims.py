"""The messages say some mistakes fail or block at run time: these tests run the programs to prove it.

Each test writes a tiny program, runs it with this Python and checks what really happens (the
TypeError, the pickling error, the blocked event loop), then runs the real flake8 on the same file and
checks that the finding is reported on the line that misbehaves, and nothing else of ours.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.fixture_format import reported_findings, run_flake8

KEYWORDS_PROGRAM = """\
import asyncio


def scale(value, factor=1):
    return value * factor


async def main():
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, scale, 2, factor=3)


print(asyncio.run(main()))
"""

LAMBDA_PROGRAM = """\
import asyncio
from concurrent.futures import ProcessPoolExecutor


async def square(pool: ProcessPoolExecutor, n):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, lambda: n * n)


def main():
    with ProcessPoolExecutor(max_workers=1) as pool:
        print(asyncio.run(square(pool, 7)))


if __name__ == "__main__":
    main()
"""

# Leaving the with block calls pool.shutdown(wait=True), which waits for the submitted work on the
# event loop thread: the heartbeat task cannot run until the work is done. Only lower bounds are
# checked (a loaded machine makes the gap longer, never shorter), so the test is deterministic.
WITH_POOL_PROGRAM = """\
import asyncio
import json
import time
from concurrent.futures import ProcessPoolExecutor

WORK_SECONDS = 0.5


def spin(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass
    return seconds


async def heartbeat(beats, stop):
    while not stop.is_set():
        beats.append(time.monotonic())
        await asyncio.sleep(0.01)


async def main():
    loop = asyncio.get_running_loop()
    beats, stop = [], asyncio.Event()
    ticker = asyncio.create_task(heartbeat(beats, stop))
    await asyncio.sleep(0.05)
    with ProcessPoolExecutor(max_workers=1) as pool:
        work = loop.run_in_executor(pool, spin, WORK_SECONDS)
        submitted = time.monotonic()
    left = time.monotonic()
    await asyncio.sleep(0.05)
    stop.set()
    await ticker
    await work
    gaps = [later - earlier for earlier, later in zip(beats, beats[1:])]
    print(json.dumps({"exit_seconds": left - submitted, "longest_gap": max(gaps)}))


if __name__ == "__main__":
    asyncio.run(main())
"""


def write_program(directory: Path, name: str, source: str) -> Path:
    path = directory / name
    path.write_text(source, encoding="utf-8")
    return path


def run_program(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
        timeout=60,
    )


def line_of(source: str, fragment: str) -> int:
    """The 1-based line of the one line of ``source`` that contains ``fragment``."""
    lines = [n for n, line in enumerate(source.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def our_findings(path: Path) -> set[tuple[int, str]]:
    result = run_flake8(str(path))
    assert "Traceback" not in result.stderr, result.stderr
    return reported_findings(result.stdout)


def test_keyword_arguments_to_run_in_executor_raise_type_error(tmp_path: Path) -> None:
    path = write_program(tmp_path, "keywords.py", KEYWORDS_PROGRAM)

    result = run_program(path)

    assert result.returncode != 0, result.stdout
    assert "TypeError" in result.stderr, result.stderr
    assert "unexpected keyword argument 'factor'" in result.stderr, result.stderr
    line = line_of(KEYWORDS_PROGRAM, "factor=3")
    assert our_findings(path) == {(line, "AEX200")}


def test_the_partial_form_advised_by_aex200_runs(tmp_path: Path) -> None:
    fixed = KEYWORDS_PROGRAM.replace(
        "import asyncio\n", "import asyncio\nimport functools\n", 1
    ).replace("None, scale, 2, factor=3", "None, functools.partial(scale, 2, factor=3)")
    path = write_program(tmp_path, "keywords_fixed.py", fixed)

    result = run_program(path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "6"
    assert our_findings(path) == set()


def test_lambda_sent_to_a_process_pool_cannot_be_pickled(tmp_path: Path) -> None:
    path = write_program(tmp_path, "lambda_pool.py", LAMBDA_PROGRAM)

    result = run_program(path)

    assert result.returncode != 0, result.stdout
    stderr = result.stderr
    # 3.13 says it from pickle's lookup of the name: "Can't get local object '...<lambda>'".
    markers = ("PicklingError", "Can't pickle", "cannot pickle", "Can't get local object")
    assert any(marker in stderr for marker in markers), stderr
    line = line_of(LAMBDA_PROGRAM, "lambda: n * n")
    assert our_findings(path) == {(line, "AEX201")}


def test_the_module_level_function_advised_by_aex201_runs(tmp_path: Path) -> None:
    fixed = LAMBDA_PROGRAM.replace(
        "async def square(",
        textwrap.dedent(
            """\
            def multiply(a, b):
                return a * b


            async def square("""
        ),
    ).replace("lambda: n * n", "functools.partial(multiply, n, n)")
    fixed = fixed.replace("import asyncio\n", "import asyncio\nimport functools\n", 1)
    path = write_program(tmp_path, "lambda_pool_fixed.py", fixed)

    result = run_program(path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "49"
    assert our_findings(path) == set()


def test_with_process_pool_in_a_coroutine_blocks_the_event_loop(tmp_path: Path) -> None:
    path = write_program(tmp_path, "with_pool.py", WITH_POOL_PROGRAM)

    result = run_program(path)

    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    # The work takes 0.5 s; leaving the with block waited for it, and nothing else ran meanwhile.
    assert measured["exit_seconds"] >= 0.4, measured
    assert measured["longest_gap"] >= 0.4, measured
    line = line_of(WITH_POOL_PROGRAM, "with ProcessPoolExecutor(")
    assert our_findings(path) == {(line, "AEX203")}
