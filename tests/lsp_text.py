"""Edits applied to a text as an editor applies them: each range read in the negotiated units, all
against the original text. Shared by the language server's tests, with and without a client.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from flake8_executor.lsp.edits import pieces


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
