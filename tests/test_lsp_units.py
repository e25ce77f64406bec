"""The language server's parts without a client: edits, positions, titles, settings, the extra.

Fast checks of what the pytest-lsp tests (``test_lsp.py``) see only through a few documents.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("lsprotocol", reason="the lsp tests need the test extra (pygls, lsprotocol)")

from flake8_executor.config.lsp import ClientOptions, Configured, configure
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source
from flake8_executor.lsp import actions
from flake8_executor.lsp.actions import fixed_text
from flake8_executor.lsp.documents import Analysis, analyze_document
from flake8_executor.lsp.edits import pieces, text_edits
from flake8_executor.lsp.positions import char_column
from flake8_executor.lsp.titles import call_source, fix_title
from tests.lsp_text import apply_edits, utf16_units


def test_without_the_extra_one_line_and_exit_2() -> None:
    blocked = (
        "import sys; sys.modules['pygls'] = None; "
        "from flake8_executor.lsp.main import main; sys.exit(main([]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "executor-lsp: error: the language server needs pygls and lsprotocol; "
        'install them with: pip install "pygls>=2.0,<3" "lsprotocol>=2025.0.0"'
    ]


def _message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_stdio_is_accepted_as_most_clients_pass_it() -> None:
    """``executor-lsp --stdio`` answers ``initialize`` over stdio, and exits when told to."""
    requests = b"".join(
        _message(payload)
        for payload in (
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "flake8_executor.lsp.main", "--stdio"],
        input=requests,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    answers = [
        json.loads(body)
        for body in re.split(rb"Content-Length: \d+\r\n(?:[^\r\n]+\r\n)*\r\n", run.stdout)
        if body.strip()
    ]
    [initialized] = [answer for answer in answers if answer.get("id") == 1]
    assert initialized["result"]["serverInfo"]["name"] == "executor-lsp"


def test_the_plugin_imports_neither_libcst_nor_pygls() -> None:
    check = (
        "import sys, flake8_executor.plugin, flake8_executor.engine; "
        "print(sorted(m for m in ('libcst', 'pygls', 'lsprotocol') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=True
    )
    assert run.stdout.strip() == "[]"


LINES = ["", "a\n", "b\r\n", "c\r", "é😀\n", "d", "a\n"]


def _texts() -> list[str]:
    return sorted({"".join(combo) for combo in itertools.product(LINES, repeat=3)})


def test_edits_turn_one_text_into_another() -> None:
    texts = _texts()
    for old, new in itertools.product(texts[::7], texts[::5]):
        edits = text_edits(old, new, utf16_units)
        assert apply_edits(old, edits) == new, (old, new)
        assert (edits == []) == (old == new)
        for edit in edits:
            # Whole lines, except at the end of a last line without a line break.
            assert edit.range.start.character == 0 or edit.range.start.line == len(pieces(old)) - 1


def test_edits_touch_only_the_lines_that_changed() -> None:
    old = "".join(f"line {n}\n" for n in range(2000))
    new = old.replace("line 5\n", "import asyncio\nline 5\n").replace("line 1500\n", "x\n")
    edits = text_edits(old, new, utf16_units)
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (5, 5, "import asyncio\n"),
        (1500, 1501, "x\n"),
    ]


def test_char_column_of_utf8_byte_columns() -> None:
    line = 'x = "é😀"; f()'
    assert char_column(line, len(line.encode()) - 3) == len(line) - 3
    assert char_column(line, 0) == 0
    assert char_column("abc", 10) == 3


@pytest.mark.parametrize(
    ("source", "title"),
    [
        (
            "import requests as rq\nasync def f(u):\n    rq.get(u)\n",
            "Run in a thread: await asyncio.to_thread(rq.get, ...) (AEX100)",
        ),
        (
            "import time\nasync def f():\n    time.sleep(\n        1)\n",
            "Sleep without blocking: await asyncio.sleep(...) (AEX101)",
        ),
        (
            "import asyncio\nasync def f():\n    asyncio.get_event_loop()\n",
            "Use asyncio.get_running_loop() (AEX205)",
        ),
        (
            "import asyncio\nasync def f(ex, g):\n"
            "    await asyncio.get_running_loop().run_in_executor(ex, g, k=1)\n",
            "Pass the keywords with functools.partial(g, ...) (AEX200)",
        ),
        (
            "import time\nasync def f(d):\n    time.sleep(d)\n",
            "Sleep without blocking: await asyncio.sleep(...) (AEX101, unsafe: time.sleep() raises"
            " on a negative value, asyncio.sleep() returns at once; the value is not a"
            " non-negative literal)",
        ),
        (
            "import asyncio\nasync def f(g):\n    asyncio.to_thread(g)\n",
            "Await it: await asyncio.to_thread(g, ...) (AEX204, unsafe: the dropped coroutine never"
            " ran: awaited, the work now runs, and the coroutine waits for it)",
        ),
    ],
)
def test_titles_say_what_the_fix_does_with_the_users_names(source: str, title: str) -> None:
    (finding,) = analyze_source(source)
    lines = source.splitlines()
    assert fix_title(finding, call_source(lines, finding), Settings()) == title


def test_client_options_are_checked_and_win_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nselect = ["AEX1"]\ntarget-version = "py38"\n', encoding="utf-8"
    )
    document = str(tmp_path / "app.py")
    from_project = configure(document, ClientOptions())
    assert from_project.selection.select == ("AEX1",)
    assert from_project.settings.target_version == (3, 8)
    options = ClientOptions.from_client({"flake8-executor": {"target-version": "py311"}})
    assert configure(document, options).settings.target_version == (3, 11)
    odd = ClientOptions.from_client({"colour": "blue", "select": 3, "ignore": ["AEX2"]})
    assert dict(odd.values) == {"ignore": ["AEX2"]}
    assert len(odd.problems) == 2
    bad = configure(document, ClientOptions.from_client({"target-version": "py2"}))
    assert bad.problem is not None and bad.problem.startswith("target-version: ")
    assert bad.settings == Settings()


def _analysis(source: str) -> Analysis:
    return analyze_document("file:///app.py", 1, source, Configured(), utf16_units)


def test_no_action_for_a_fix_that_fails_or_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    fetch = _analysis("import requests\n\n\nasync def main(u):\n    return requests.get(u)\n")
    (placed,) = fetch.placed
    assert fixed_text(fetch, placed) is not None

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in a rewrite")

    monkeypatch.setattr(actions, "apply_findings", broken)
    monkeypatch.setattr(actions, "fix_source", broken)
    assert actions.code_actions(fetch, placed.range, None, utf16_units) == []
    monkeypatch.undo()
    # Reported, never fixed: the body of the with would still block.
    opened = _analysis("async def main(p):\n    with open(p) as f:\n        return f.read()\n")
    assert [p.finding.code for p in opened.placed] == ["AEX103"]
    assert actions.code_actions(opened, opened.placed[0].range, None, utf16_units) == []


def test_an_unparsable_text_has_no_findings() -> None:
    broken = _analysis("async def main(:\n    requests.get(u)\n")
    assert broken.placed == () and broken.problem is not None
