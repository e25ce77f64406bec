"""What the language server's client tests share: the server's command, the client's capabilities,
waiting for diagnostics. The client is pytest-lsp's (a real LSP client over the server's stdin and
stdout); edits are applied with ``lsp_text``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

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


def document_edit(action: types.CodeAction) -> types.TextDocumentEdit:
    """The one versioned document edit of an action (the server always sends documentChanges)."""
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return change
