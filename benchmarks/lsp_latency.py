"""How long ``executor-lsp`` makes an editor wait, on a 2,000-line file: a real client over stdio.

Measured from the client's side (request or notification sent -> answer received), so the numbers
include the protocol's JSON both ways:

- ``didOpen -> diagnostics``: the file opened, its findings published;
- ``didChange -> diagnostics``: an edit, then the findings again, less the debounce pause;
- ``code action (quick fix)``: the actions at one finding (the fixer run on that finding alone);
- ``code action, kinds unset``: what an editor asks at each cursor move (the quick fix, and the
  fix-all action without its edit);
- ``fix-all: codeAction/resolve``: the fix-all action's edit (the fixer on the whole file, every
  pass), computed when the user picks it.

The first code action of a server imports libcst (half a second or more): it is reported apart, as
``cold``. Run: ``python benchmarks/lsp_latency.py [--repeat N] [--lines N]`` (needs the lsp extra).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from flake8_executor.lsp.actions import FIX_ALL
from flake8_executor.lsp.server import DEBOUNCE

# One block of a service module: ordinary code around one blocking call (a finding every block).
BLOCK = '''\


async def handler_{n}(request, session):
    """Serve request {n}: validate, fetch, shape the answer."""
    payload = await request.json()
    if not payload.get("id"):
        raise ValueError("missing id")
    items = [item for item in payload.get("items", []) if item]
    total = sum(len(str(item)) for item in items)
    response = requests.get(f"https://example.com/{{payload['id']}}", timeout=5)
    data = response.json()
    result = {{"id": payload["id"], "total": total, "data": data}}
    for key in sorted(result):
        if key.startswith("_"):
            del result[key]
    await session.commit()
    return result
'''
HEADER = "import asyncio\n\nimport requests\n"
# As VS Code and Neovim announce: actions' edits may come later, from codeAction/resolve.
CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    )
)


def module(lines: int) -> str:
    """A module of about ``lines`` lines, one AEX100 finding every 19 lines."""
    text = HEADER
    n = 0
    while text.count("\n") < lines:
        text += BLOCK.format(n=n)
        n += 1
    return text


class Timer:
    def __init__(self) -> None:
        self.rows: dict[str, list[float]] = {}

    def add(self, row: str, seconds: float) -> None:
        self.rows.setdefault(row, []).append(seconds * 1000)


async def run(repeat: int, lines: int) -> Timer:
    text = module(lines)
    timer = Timer()
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()
    client = LanguageClient("lsp-latency", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    async def diagnostics_of(uri: str, version: int) -> list[types.Diagnostic]:
        while True:
            params = await asyncio.wait_for(published.get(), 60)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)

    await client.start_io(sys.executable, "-m", "flake8_executor.lsp.main")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "pyproject.toml").write_text('[project]\nname = "bench"\n', encoding="utf-8")
        await client.initialize_async(
            types.InitializeParams(capabilities=CAPABILITIES, root_uri=root.as_uri())
        )
        client.initialized(types.InitializedParams())
        for round_ in range(repeat):
            uri = (root / f"service_{round_}.py").as_uri()
            start = time.perf_counter()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
            )
            diagnostics = await diagnostics_of(uri, 1)
            timer.add("didOpen -> diagnostics", time.perf_counter() - start)
            middle = diagnostics[len(diagnostics) // 2]
            for only, row in (
                (["quickfix"], "code action (quick fix)"),
                (None, "code action, kinds unset (quick fix, fix-all unresolved)"),
            ):
                start = time.perf_counter()
                actions = await client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=types.TextDocumentIdentifier(uri),
                        range=middle.range,
                        context=types.CodeActionContext(diagnostics=[], only=only),
                    )
                )
                elapsed = time.perf_counter() - start
                assert actions, f"no {only} action"
                cold = round_ == 0 and only is not None
                timer.add(f"{row} (cold: imports libcst)" if cold else row, elapsed)
            (unresolved,) = [action for action in actions if action.kind == FIX_ALL]
            start = time.perf_counter()
            resolved = await client.code_action_resolve_async(unresolved)
            timer.add("fix-all: codeAction/resolve", time.perf_counter() - start)
            assert resolved.edit is not None
            start = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(version=2, uri=uri),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text + "\n")],
                )
            )
            await diagnostics_of(uri, 2)
            timer.add(
                "didChange -> diagnostics, less the debounce",
                time.perf_counter() - start - DEBOUNCE,
            )
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
            )
        timer.findings = len(diagnostics)  # type: ignore[attr-defined]
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return timer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="documents opened (default 5)")
    parser.add_argument("--lines", type=int, default=2000, help="lines per document (default 2000)")
    args = parser.parse_args()
    timer = asyncio.run(run(args.repeat, args.lines))
    print(f"{args.lines} lines, {timer.findings} findings, {args.repeat} rounds")  # type: ignore[attr-defined]
    print("| step | median ms | min ms | max ms |\n|---|---|---|---|")
    for row, values in timer.rows.items():
        print(
            f"| {row} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
