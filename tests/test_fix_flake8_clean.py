"""Fixes create no flake8 finding: lines the fixes made too long are broken as black would, at the
project's line length (flake8's, else ruff's or black's), and a ``loop`` the fix left unused is
dropped (issue 22, item 7). executor-fix runs on a temporary project, flake8 on what it wrote.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runs import Run

LONG = """\
import asyncio

import requests


async def load(url, headers):
    loop = asyncio.get_running_loop()
    response = await loop.run_in_executor(None, requests.get, url, headers=headers, timeout=30)
    data = requests.post("https://example.com/some/endpoint", json=response.json(), timeout=3)
    return data
"""
# Within 79 columns (flake8's default) and within 88.
LONG_AT_79 = """\
import asyncio

import requests


async def load(url, headers):
    response = await asyncio.to_thread(
        requests.get, url, headers=headers, timeout=30
    )
    data = await asyncio.to_thread(
        requests.post,
        "https://example.com/some/endpoint",
        json=response.json(),
        timeout=3,
    )
    return data
"""
LONG_AT_88 = """\
import asyncio

import requests


async def load(url, headers):
    response = await asyncio.to_thread(requests.get, url, headers=headers, timeout=30)
    data = await asyncio.to_thread(
        requests.post,
        "https://example.com/some/endpoint",
        json=response.json(),
        timeout=3,
    )
    return data
"""


def flake8(project: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *args, "app.py"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("config", "text", "expected"),
    [
        (".flake8", "[flake8]\n", LONG_AT_79),  # flake8's default, 79
        (".flake8", "[flake8]\nmax-line-length = 88\n", LONG_AT_88),
        ("setup.cfg", "[flake8]\nmax_line_length = 88\n", LONG_AT_88),
        ("pyproject.toml", "[tool.ruff]\n", LONG_AT_88),  # ruff's default, 88
        ("pyproject.toml", "[tool.ruff]\nline-length = 79\n", LONG_AT_79),
        ("ruff.toml", "line-length = 79\n", LONG_AT_79),
        ("pyproject.toml", "[tool.black]\nline-length = 79\n", LONG_AT_79),
    ],
)
def test_long_lines_are_broken_at_the_projects_length(
    executor_fix: Run, project: Path, config: str, text: str, expected: str
) -> None:
    if config == "pyproject.toml":
        text = '[project]\nname = "demo"\n\n' + text
    (project / config).write_text(text, encoding="utf-8")
    target = project / "app.py"
    target.write_text(LONG, encoding="utf-8")
    assert executor_fix("app.py").code == 0
    assert target.read_text() == expected
    limit = "79" if expected is LONG_AT_79 else "88"
    assert flake8(project, "--isolated", f"--max-line-length={limit}") == ""
    assert executor_fix("app.py").stdout.decode().startswith("executor-fix: 0 files changed")


def test_without_a_declared_length_lines_are_left_as_written(
    executor_fix: Run, project: Path
) -> None:
    target = project / "app.py"
    target.write_text(LONG, encoding="utf-8")
    assert executor_fix("app.py").code == 0
    fixed = target.read_text()
    assert "    data = await asyncio.to_thread(requests.post, " in fixed
    assert "loop = " not in fixed


def test_only_lines_the_fix_wrote_are_broken(executor_fix: Run, project: Path) -> None:
    (project / ".flake8").write_text("[flake8]\n", encoding="utf-8")
    users = "    print('a line of the user that is longer than seventy-nine columns, left as is')\n"
    target = project / "app.py"
    target.write_text(LONG.replace("    return data\n", users + "    return data\n"))
    executor_fix("app.py")
    assert users in target.read_text()
    assert [line.split()[1] for line in flake8(project, "--isolated").splitlines()] == ["E501"]


UNUSED_LOOP = """\
import asyncio


async def dropped(work):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, work, 1)


async def still_used(work):
    loop = asyncio.get_running_loop()
    loop.call_soon(print)
    return await loop.run_in_executor(None, work, 1)


async def commented(work):
    loop = asyncio.get_running_loop()  # the running loop
    return await loop.run_in_executor(None, work, 1)


async def unused_by_the_user(work):
    loop = asyncio.get_running_loop()
    return work
"""
UNUSED_LOOP_FIXED = """\
import asyncio


async def dropped(work):
    return await asyncio.to_thread(work, 1)


async def still_used(work):
    loop = asyncio.get_running_loop()
    loop.call_soon(print)
    return await asyncio.to_thread(work, 1)


async def commented(work):
    loop = asyncio.get_running_loop()  # the running loop
    return await asyncio.to_thread(work, 1)


async def unused_by_the_user(work):
    loop = asyncio.get_running_loop()
    return work
"""


def test_a_loop_the_fix_left_unused_is_dropped(executor_fix: Run, project: Path) -> None:
    """Only where the fix took away its last use: a user's own unused loop and a line with a
    comment stay."""
    target = project / "app.py"
    target.write_text(UNUSED_LOOP, encoding="utf-8")
    assert executor_fix("--extend-select", "AEX206", "app.py").code == 0
    assert target.read_text() == UNUSED_LOOP_FIXED
    findings = flake8(project, "--isolated", "--select=F841").splitlines()
    assert [line.split(":")[1] for line in findings] == ["15", "20"]  # the two left on purpose
