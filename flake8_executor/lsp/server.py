"""The pygls server: the protocol's notifications and requests, wired to the modules that answer them.

Kept thin: it holds the open documents' latest analyses, the client's settings and the pending
debounced runs, and leaves detecting to the engine and rewriting to the fixer. It never writes a
file: fixes go back to the editor as edits, for it to apply or refuse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from flake8_executor import __version__
from flake8_executor.config.keys import OPTION_KEYS, SECTION
from flake8_executor.config.lsp import ClientOptions, configure
from flake8_executor.engine import refresh_modules
from flake8_executor.lsp import actions
from flake8_executor.lsp.diagnostics import diagnostics
from flake8_executor.lsp.documents import Analysis, analyze_document
from flake8_executor.lsp.hover import hover
from flake8_executor.lsp.positions import Units

logger = logging.getLogger(__name__)

NAME = "executor-lsp"
# Typing fires a change per keystroke; the findings wait for a pause this long (seconds).
DEBOUNCE = 0.3


class ExecutorServer(LanguageServer):
    """The server's state: the client's settings, each open document's analysis, pending runs."""

    def __init__(self) -> None:
        super().__init__(NAME, __version__)
        self.options = ClientOptions()
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.problems_shown: set[str] = set()

    @property
    def resolves_edits(self) -> bool:
        """Whether the client asks ``codeAction/resolve`` for an action's missing edit."""
        try:
            support = self.client_capabilities.text_document.code_action.resolve_support
        except AttributeError:  # a capability the client left out
            return False
        return support is not None and "edit" in support.properties

    @property
    def units(self) -> Units:
        """The client's measure of a string: UTF-16 code units unless it negotiated another."""
        return self.workspace.position_codec.client_num_units

    def set_options(self, raw: object) -> None:
        self.options = ClientOptions.from_client(raw)
        for problem in self.options.problems:
            self.warn(f"{NAME}: {problem}")

    def warn(self, message: str) -> None:
        """Tell the user once (not on every keystroke) about a setting that was not used."""
        if message not in self.problems_shown:
            logger.warning(message)
            self.problems_shown.add(message)
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=message)
            )

    def analysis(self, uri: str) -> Analysis | None:
        """The analysis of the document's current text, made now unless it is made already."""
        if uri not in self.workspace.text_documents:
            return None  # never opened: pygls would read the file, and only buffers are checked
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        known = self.analyses.get(uri)
        if known is not None and known.version == version and known.text == text:
            return known
        document_path = uris.to_fs_path(uri)
        path = document_path or self.workspace.root_path
        configured = configure(path, self.options)
        if configured.problem is not None:
            self.warn(f"{NAME}: default settings used: {configured.problem}")
        refresh_modules()  # a helper in another module may have changed on disk meanwhile
        made = analyze_document(uri, version, text, configured, self.units, document_path)
        if made.problem is not None:
            logger.info("%s: no diagnostics: %s", uri, made.problem)
        self.analyses[uri] = made
        return made

    def safe_analysis(self, uri: str) -> Analysis | None:
        """The analysis of a document that parses; None otherwise, or when analysing fails."""
        try:
            analysis = self.analysis(uri)
        except Exception:
            logger.exception("analysing %s failed", uri)
            return None
        return analysis if analysis is not None and analysis.problem is None else None

    def publish(self, uri: str) -> None:
        """Send the findings of the document's current text (none while it does not parse)."""
        self.cancel_pending(uri)
        try:
            analysis = self.analysis(uri)
        except Exception:
            logger.exception("analysing %s failed", uri)
            return
        if analysis is None:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics(analysis), version=analysis.version
            )
        )

    def publish_later(self, uri: str) -> None:
        """Publish once the user pauses: a newer change cancels the run this one scheduled."""
        self.cancel_pending(uri)
        self.pending[uri] = asyncio.ensure_future(self._publish_after_pause(uri))

    async def _publish_after_pause(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE)
        self.pending.pop(uri, None)
        self.publish(uri)

    def cancel_pending(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None and task is not _current_task():
            task.cancel()

    def forget(self, uri: str) -> None:
        self.cancel_pending(uri)
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def republish_all(self) -> None:
        self.analyses.clear()
        for uri in list(self.workspace.text_documents):
            self.publish(uri)


def _current_task() -> asyncio.Task[None] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # not called from a coroutine
        return None


def _client_settings(raw: object) -> object | None:
    """Our part of ``workspace/didChangeConfiguration``'s settings, None when it has none."""
    if isinstance(raw, Mapping) and (SECTION in raw or not set(raw).isdisjoint(OPTION_KEYS)):
        return raw
    return None


def build_server() -> ExecutorServer:
    server = ExecutorServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ExecutorServer, params: types.InitializeParams) -> None:
        ls.set_options(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ExecutorServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: ExecutorServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ExecutorServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith("/pyproject.toml"):
            ls.republish_all()  # the settings may have changed for every document
            return
        ls.analyses.pop(params.text_document.uri, None)  # re-read the settings too
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ExecutorServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: ExecutorServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = _client_settings(params.settings)
        if settings is not None:
            ls.set_options(settings)
            ls.republish_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(actions.KINDS), resolve_provider=True),
    )
    def code_action(
        ls: ExecutorServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        analysis = ls.safe_analysis(params.text_document.uri)
        if analysis is None:
            return None
        found = actions.code_actions(
            analysis, params.range, params.context.only, ls.units, ls.resolves_edits
        )
        return found or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: ExecutorServer, params: types.CodeAction) -> types.CodeAction:
        data = params.data if isinstance(params.data, dict) else {}
        analysis = ls.safe_analysis(str(data.get("uri", "")))
        if analysis is None or params.kind != actions.FIX_ALL:
            return params
        return actions.resolve_fix_all(analysis, params, ls.units) or params

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ExecutorServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.safe_analysis(params.text_document.uri)
        if analysis is None:
            return None
        return hover(analysis, params.position)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ExecutorServer, params: None) -> None:
        for uri in list(ls.pending):
            ls.cancel_pending(uri)

    return server
