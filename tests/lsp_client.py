"""What the language server's tests share: starting a client, waiting for diagnostics, applying edits.

The client is pytest-lsp's (a real LSP client over the server's stdin and stdout). Edits are applied
here as an editor would: each range read in the negotiated units, all against the original text.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from flake8_executor.lsp.edits import pieces

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "flake8_executor.lsp.main"])
# Generous: the machine is shared, and a first fix imports libcst. A hang still ends the test.
TIMEOUT = 30.0


@dataclass
class Published:
    """Every ``publishDiagnostics`` the client received, in order."""

    received: list[types.PublishDiagnosticsParams] = field(default_factory=list)

    def watch(self, client: LanguageClient) -> None:
        features = client.protocol.fm.features
        show = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

        def record(params: types.PublishDiagnosticsParams) -> Any:
            self.received.append(params)
            return show(params)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record

    async def wait(self, uri: str, version: int | None, since: int = 0) -> list[types.Diagnostic]:
        """The diagnostics of ``uri`` at ``version`` published after the first ``since`` ones."""

        async def poll() -> list[types.Diagnostic]:
            while True:
                for params in self.received[since:]:
                    if params.uri == uri and params.version == version:
                        return list(params.diagnostics)
                await asyncio.sleep(0.01)

        return await asyncio.wait_for(poll(), TIMEOUT)


def initialize_params(
    root: Path,
    options: object = None,
    encodings: Sequence[str] | None = None,
    resolve: bool = False,
) -> types.InitializeParams:
    """A client that takes documentChanges; ``resolve``: one that resolves actions' edits later."""
    return types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=encodings)
            if encodings
            else None,
            workspace=types.WorkspaceClientCapabilities(
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
            ),
            text_document=types.TextDocumentClientCapabilities(
                code_action=types.CodeActionClientCapabilities(
                    resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                )
            )
            if resolve
            else None,
        ),
        root_uri=root.as_uri(),
        initialization_options=options,
    )


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def offset(text: str, at: types.Position, units: Callable[[str], int] = utf16_units) -> int:
    """The string index of an LSP position in ``text``, reading columns in ``units``."""
    lines = pieces(text)
    start = sum(len(line) for line in lines[: at.line])
    line = lines[at.line].rstrip("\r\n") if at.line < len(lines) else ""
    for index in range(len(line) + 1):
        if units(line[:index]) >= at.character:
            return start + index
    return start + len(line)


def apply_edits(
    text: str, edits: Sequence[types.TextEdit], units: Callable[[str], int] = utf16_units
) -> str:
    """The text once ``edits`` (ranges in the original text, none overlapping) are applied."""
    spans = sorted(
        (
            (offset(text, edit.range.start, units), offset(text, edit.range.end, units), edit)
            for edit in edits
        ),
        key=lambda span: span[:2],
    )
    out, done = [], 0
    for start, end, edit in spans:
        assert start >= done, "overlapping edits"
        out += [text[done:start], edit.new_text]
        done = end
    out.append(text[done:])
    return "".join(out)


def document_edit(action: types.CodeAction) -> types.TextDocumentEdit:
    """The one versioned document edit of an action (the server always sends documentChanges)."""
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return change
