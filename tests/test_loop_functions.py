"""Code that runs on the loop without ``async def``: the loop-callbacks setting in both front ends.

The profiles' own cases (Home Assistant, asyncio callbacks, Tornado) are fixtures
(``fixtures/loop_*.py``, ``fixtures/fix/declined_loop_functions.py``); here the setting is given
the ways users give it: flake8's option, ``executor-fix``'s flag, the pyproject table.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli_runs import Run, shown
from tests.fixture_format import run_flake8

SOURCE = (
    "import time\n\nfrom myfw import on_loop\n\n\n@on_loop\ndef refresh():\n    time.sleep(1)\n"
)


def test_flake8_option(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    assert "AEX101" not in run_flake8("--select=AEX", str(path)).stdout
    result = run_flake8("--select=AEX", "--executor-loop-callbacks=myfw.on_loop", str(path))
    assert f"{path}:8:5: AEX101 time.sleep() blocks the event loop" in result.stdout
    assert "decorated @myfw.on_loop" in result.stdout


def test_flake8_option_names_a_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    result = run_flake8("--executor-loop-callbacks=my-fw.on_loop", str(path))
    assert result.returncode == 2
    assert "--executor-loop-callbacks: 'my-fw.on_loop' is not a dotted Python name" in result.stderr


def test_executor_fix_flag_and_table(executor_fix: Run, project: Path) -> None:
    target = project / "app.py"
    target.write_text(SOURCE, encoding="utf-8")
    assert "AEX101" not in shown(executor_fix("--check", target))
    flagged = executor_fix("--check", "--loop-callbacks", "myfw.on_loop", target)
    assert "8:5: AEX101 not fixed: await cannot be added in a function that is not a coroutine" in (
        shown(flagged)
    )
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nloop-callbacks = ["myfw.on_loop"]\n', encoding="utf-8"
    )
    tabled = executor_fix("--check", target)
    assert "8:5: AEX101 not fixed" in shown(tabled)
    assert target.read_text(encoding="utf-8") == SOURCE
