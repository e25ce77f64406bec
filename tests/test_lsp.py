"""``executor-lsp`` driven by a real LSP client (pytest-lsp) over stdio.

One server serves the module's tests (starting one costs a second or two), each test on documents
of its own; the tests that need other settings or another client start their own. Every edit the
server sends is applied to the text and compared with what the fixer makes of it: the quick fix for
one finding with ``apply_findings`` of that finding (and, for a file with one finding, with the real
``executor-fix -``), fix-all with ``fix_source``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_lsp",
    reason="pytest-lsp is not installed (the test extra has it on Python 3.10 and later: its last "
    "release for 3.9 does not work with pygls 2)",
)

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from flake8_executor.config.settings import Settings
from flake8_executor.docs import explain
from flake8_executor.engine import analyze_source
from flake8_executor.fix.pipeline import apply_findings, fix_source
from flake8_executor.lsp.actions import FIX_ALL
from flake8_executor.selection import Selection
from tests.lsp_client import SERVER, TIMEOUT, Published, document_edit, initialize_params
from tests.lsp_text import apply_edits, utf16_units

pytestmark = pytest.mark.asyncio(loop_scope="module")

# The call on line 7 follows text whose UTF-8, UTF-16 and character counts all differ.
MIXED = """\
import time

import requests


async def main(url):
    time.sleep(1)
    label = "café ☕ 😀"; data = requests.get(url)
    time.sleep(2)  # noqa: AEX101
    return data
"""
ONE_FINDING = "import requests\n\n\nasync def main(url):\n    return requests.get(url)\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own, so that no pyproject.toml above the tests' files is read."""
    root = tmp_path_factory.mktemp("workspace")
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", loop_scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.published = Published()  # type: ignore[attr-defined]
    lsp_client.published.watch(lsp_client)  # type: ignore[attr-defined]
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        initialize_params(workspace)
    )
    yield
    await lsp_client.shutdown_session()


async def open_document(
    client: LanguageClient, path: Path, text: str, version: int = 1
) -> list[types.Diagnostic]:
    published: Published = client.published  # type: ignore[attr-defined]
    since = len(published.received)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(path.as_uri(), "python", version, text)
        )
    )
    return await published.wait(path.as_uri(), version, since)


async def change_document(
    client: LanguageClient, path: Path, text: str, version: int
) -> list[types.Diagnostic]:
    published: Published = client.published  # type: ignore[attr-defined]
    since = len(published.received)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(version=version, uri=path.as_uri()),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text)],
        )
    )
    return await published.wait(path.as_uri(), version, since)


async def actions_at(
    client: LanguageClient, path: Path, at: types.Range, only: list[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(path.as_uri()),
            range=at,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


def _fixed_alone(text: str, code: str, line: int) -> str:
    """What the fixer makes of ``text`` with only the finding of ``code`` on ``line`` (1-based)."""
    (finding,) = [f for f in analyze_source(text) if f.code == code and f.line == line]
    return apply_findings(text, [finding], Settings()).text


async def test_initialize_announces_the_features(client: LanguageClient) -> None:
    capabilities = client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert capabilities.hover_provider
    sync = capabilities.text_document_sync
    assert sync.open_close and sync.save and sync.change == types.TextDocumentSyncKind.Incremental
    assert list(capabilities.code_action_provider.code_action_kinds) == ["quickfix", FIX_ALL]
    assert capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)


async def test_diagnostics_on_open_with_utf16_ranges(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "mixed.py"
    diagnostics = await open_document(client, path, MIXED)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("AEX101", 6), ("AEX100", 7)]
    sleep, fetch = diagnostics
    assert sleep.range == _range(6, 4, 17)
    line = MIXED.splitlines()[7]
    start = line.index("requests.get")
    end = line.index(")") + 1
    # UTF-16 columns: the emoji counts two, é and ☕ one each (UTF-8 would count 2, 3 and 4).
    assert fetch.range == _range(7, utf16_units(line[:start]), utf16_units(line[:end]))
    assert fetch.range.start.character == start + 1
    for diagnostic in diagnostics:
        assert diagnostic.source == "flake8-executor"
        assert diagnostic.severity == types.DiagnosticSeverity.Warning
        # No link: no published page is sure to exist (hover shows the code's page instead).
        assert diagnostic.code_description is None
    assert fetch.message.startswith("requests.get() blocks the event loop")


async def test_quick_fix_is_the_fixers_edit_for_that_finding(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "quick.py"
    diagnostics = await open_document(client, path, MIXED)
    for diagnostic in diagnostics:
        cursor = types.Range(diagnostic.range.start, diagnostic.range.start)
        (action,) = await actions_at(client, path, cursor, only=["quickfix"])
        assert action.kind == "quickfix"
        assert action.diagnostics and action.diagnostics[0].code == diagnostic.code
        change = document_edit(action)
        assert change.text_document.version == 1
        fixed = apply_edits(MIXED, change.edits)
        assert fixed == _fixed_alone(MIXED, str(diagnostic.code), diagnostic.range.start.line + 1)
    titles = [
        action.title for d in diagnostics for action in await actions_at(client, path, d.range)
    ]
    assert "Sleep without blocking: await asyncio.sleep(...) (AEX101)" in titles
    assert "Run in a thread: await asyncio.to_thread(requests.get, ...) (AEX100)" in titles
    # Away from the findings there is nothing to fix but the whole file.
    elsewhere = await actions_at(client, path, _range(9, 4, 4))
    assert [action.kind for action in elsewhere] == [FIX_ALL]


async def test_quick_fix_equals_executor_fix_on_a_file(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "one.py"
    (diagnostic,) = await open_document(client, path, ONE_FINDING)
    (action,) = await actions_at(client, path, diagnostic.range, only=["quickfix"])
    fixed = apply_edits(ONE_FINDING, document_edit(action).edits)
    command = subprocess.run(
        [sys.executable, "-m", "flake8_executor", "-"],
        input=ONE_FINDING.encode(),
        capture_output=True,
        cwd=workspace,
        timeout=TIMEOUT,
        check=False,
    )
    assert command.returncode == 0, command.stderr
    assert fixed == command.stdout.decode() != ONE_FINDING


async def test_fix_all(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "all.py"
    await open_document(client, path, MIXED)
    (action,) = await actions_at(client, path, _range(0, 0, 0), only=["source.fixAll"])
    assert action.title == "Fix all safe AEX findings in this file"
    assert action.kind == FIX_ALL
    fixed = apply_edits(MIXED, document_edit(action).edits)
    assert fixed == fix_source(MIXED, Settings()).text
    assert "await asyncio.to_thread(requests.get, url)" in fixed
    assert "time.sleep(2)  # noqa: AEX101" in fixed


async def test_change_updates_diagnostics_and_the_edits_version(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "change.py"
    assert len(await open_document(client, path, ONE_FINDING)) == 1
    (old,) = await actions_at(client, path, _range(4, 11, 11), only=["quickfix"])
    assert document_edit(old).text_document.version == 1
    two = ONE_FINDING + "\n\nasync def again():\n    requests.post('x')\n"
    # Keystrokes: only the last version's findings count (the others' runs are cancelled).
    diagnostics = await change_document(client, path, two, 2)
    assert [d.range.start.line for d in diagnostics] == [4, 8]
    (new,) = await actions_at(client, path, _range(8, 4, 4), only=["quickfix"])
    # The edit names the version it was computed for: a client holding another refuses it.
    assert document_edit(new).text_document.version == 2
    assert await change_document(client, path, "import requests\n", 3) == []
    # Keystrokes in a row: one run, for the last text.
    published: Published = client.published  # type: ignore[attr-defined]
    since = len(published.received)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(version=4, uri=path.as_uri()),
            content_changes=[types.TextDocumentContentChangeWholeDocument(ONE_FINDING)],
        )
    )
    assert len(await change_document(client, path, two, 5)) == 2
    assert [p.version for p in published.received[since:] if p.uri == path.as_uri()] == [5]
    # Saving publishes at once (and reads pyproject.toml again).
    since = len(published.received)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(path.as_uri()))
    )
    assert len(await published.wait(path.as_uri(), 5, since)) == 2


async def test_a_document_that_does_not_parse(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "broken.py"
    broken = "import requests\n\nasync def main(url:\n    return requests.get(url)\n"
    assert await open_document(client, path, broken) == []
    assert await actions_at(client, path, _range(3, 11, 11)) == []
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), types.Position(3, 12))
    )
    assert hover is None
    # A file on disk the client never opened is not the server's business.
    never = workspace / "never_opened.py"
    never.write_text(ONE_FINDING, encoding="utf-8")
    assert await actions_at(client, never, _range(4, 11, 11)) == []
    # Fixed, it is reported again: the server survived.
    assert len(await change_document(client, path, ONE_FINDING, 2)) == 1


async def test_hover_shows_the_codes_docs(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "hover.py"
    (diagnostic,) = await open_document(client, path, ONE_FINDING)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), diagnostic.range.start)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == explain("AEX100")
    assert "## Why is this bad?" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), types.Position(0, 0))
    )
    assert nothing is None


async def test_noqa_and_pyproject_settings(client: LanguageClient, workspace: Path) -> None:
    project = workspace / "ignoring"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.flake8-executor]\nignore = ["AEX101"]\n', encoding="utf-8"
    )
    diagnostics = await open_document(client, project / "app.py", MIXED)
    assert [d.code for d in diagnostics] == ["AEX100"]
    text = "import requests\n\n\nasync def main(url):\n    return requests.get(url)  # noqa\n"
    assert await open_document(client, workspace / "noqa.py", text) == []


async def test_opt_in_codes_and_per_file_ignores(client: LanguageClient, workspace: Path) -> None:
    """As flake8 and executor-fix: AEX206 only when named in full; per-file-ignores by glob."""
    both = (
        "import asyncio\nimport time\n\n\nasync def main(f):\n    time.sleep(1)\n"
        "    return await asyncio.get_running_loop().run_in_executor(None, f, 1)\n"
    )
    for name, table, codes in (
        ("prefix", 'select = ["AEX"]', ["AEX101"]),
        ("named", 'extend-select = ["AEX206"]', ["AEX101", "AEX206"]),
        ("per-file", 'extend-select = ["AEX206"]\nper-file-ignores = "app.py:AEX101"', ["AEX206"]),
    ):
        project = workspace / f"opt-in-{name}"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            f"[tool.flake8-executor]\n{table}\n", encoding="utf-8"
        )
        diagnostics = await open_document(client, project / "app.py", both)
        assert sorted(str(d.code) for d in diagnostics) == codes, name


async def test_a_helper_in_another_module_is_read_from_disk(
    client: LanguageClient, workspace: Path
) -> None:
    """The buffer is the call site; the helper's module is read from disk, and read again when
    it changes there (the next version of the buffer sees the edit)."""
    package = workspace / "crossing"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    helpers = package / "helpers.py"
    helpers.write_text("import time\n\n\ndef nap():\n    time.sleep(1)\n", encoding="utf-8")
    text = "from .helpers import nap\n\n\nasync def main():\n    nap()\n"
    diagnostics = await open_document(client, package / "routes.py", text)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("AEX101", 4)]
    assert "via helpers.nap -> time.sleep" in diagnostics[0].message
    helpers.write_text("def nap():\n    return None\n", encoding="utf-8")
    assert await change_document(client, package / "routes.py", text + "\n", 2) == []


async def test_initialization_options_utf8_positions_and_exit(workspace: Path) -> None:
    """Settings from the client win over pyproject.toml; UTF-8 columns when the client asks;
    fix-all resolved when picked, and only for the version it was offered for; a clean shutdown
    and exit (exit code 0)."""
    client = await SERVER.start()
    try:
        published = Published()
        published.watch(client)
        client.published = published  # type: ignore[attr-defined]
        options = {
            "flake8-executor": {"select": ["AEX100"], "target-version": "py310", "colour": "blue"}
        }
        result = await asyncio.wait_for(
            client.initialize_session(
                initialize_params(workspace, options, ["utf-8"], resolve=True)
            ),
            TIMEOUT,
        )
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        # A setting it does not know is said once; the others are used.
        assert [message.type for message in client.messages] == [types.MessageType.Warning]
        assert "unknown setting 'colour'" in client.messages[0].message
        path = workspace / "options.py"
        (fetch,) = await open_document(client, path, MIXED)
        line = MIXED.splitlines()[7]
        start = len(line[: line.index("requests.get")].encode("utf-8"))
        assert fetch.range.start == types.Position(7, start)
        (action,) = await actions_at(client, path, fetch.range, only=["quickfix"])
        assert (
            action.title == "Run in a thread: await asyncio.to_thread(requests.get, ...) (AEX100)"
        )
        fixed = apply_edits(MIXED, document_edit(action).edits, lambda text: len(text.encode()))
        assert "data = await asyncio.to_thread(requests.get, url)" in fixed
        # Unasked kinds: the quick fix, and fix-all without its edit until it is resolved.
        quick, lazy = await actions_at(client, path, fetch.range)
        assert quick.title == action.title and lazy.kind == FIX_ALL and lazy.edit is None
        resolved = await client.code_action_resolve_async(lazy)
        settings = Settings(target_version=(3, 10))
        expected = fix_source(MIXED, settings, Selection(select=("AEX100",))).text
        utf8 = lambda text: len(text.encode())  # noqa: E731
        assert apply_edits(MIXED, document_edit(resolved).edits, utf8) == expected
        await change_document(client, path, MIXED + "\n", 2)
        stale = await client.code_action_resolve_async(lazy)
        assert stale.edit is None
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        assert client._server is not None
        assert client._server.returncode == 0
    finally:
        # Bounded: a failed assertion above must fail the test, not leave the suite waiting.
        await asyncio.wait_for(client.stop(), TIMEOUT)
