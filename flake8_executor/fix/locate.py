"""From an ``ast`` finding's span to the key of a libcst node's position.

``ast`` counts columns in UTF-8 bytes, libcst's ``PositionProvider`` in characters; on an ASCII line
they agree, elsewhere the byte offset is converted through the line's text. Both exclude the
parentheses around an expression, so ``(requests.get(u)).json()`` matches on the inner call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from libcst.metadata import CodeRange

from flake8_executor.findings import Finding

Span = tuple[int, int, int, int]  # start line, start column, end line, end column (characters)


def char_column(lines: Sequence[str], line: int, byte_col: int) -> int:
    """``ast``'s UTF-8 byte column on ``line`` as a character index into it."""
    if not 1 <= line <= len(lines):
        return byte_col
    text = lines[line - 1]
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def finding_span(finding: Finding, lines: Sequence[str]) -> Span:
    """The finding's span in libcst's terms (``lines`` are the source's lines, ends kept or not)."""
    return (
        finding.line,
        char_column(lines, finding.line, finding.col),
        finding.end_line,
        char_column(lines, finding.end_line, finding.end_col),
    )


def node_span(position: CodeRange) -> Span:
    return (position.start.line, position.start.column, position.end.line, position.end.column)
