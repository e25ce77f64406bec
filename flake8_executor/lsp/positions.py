"""Where a finding is, in the client's terms: ``ast``'s UTF-8 byte columns to LSP positions.

The engine reports columns in UTF-8 bytes (as ``ast`` and flake8 count them); LSP counts in the
units negotiated at initialization, UTF-16 code units unless the client offers another. Lines are
broken where Python's tokenizer breaks them (``\\n``, ``\\r\\n``, ``\\r``), which are exactly LSP's
line breaks. ``units`` is the client's measure of a string (pygls's ``client_num_units``), so this
module knows no encoding but UTF-8.
"""

from __future__ import annotations

from typing import Callable

from lsprotocol import types

from flake8_executor.columns import char_column
from flake8_executor.findings import Finding

Units = Callable[[str], int]


def position(lines: list[str], line: int, byte_column: int, units: Units) -> types.Position:
    """The LSP position of ``ast``'s 1-based ``line`` and byte column."""
    index = min(max(line - 1, 0), len(lines) - 1)
    text = lines[index]
    return types.Position(index, units(text[: char_column(text, byte_column)]))


def finding_range(finding: Finding, lines: list[str], units: Units) -> types.Range:
    """The span of the node the finding's fix would replace (the whole call)."""
    return types.Range(
        position(lines, finding.line, finding.col, units),
        position(lines, finding.end_line, finding.end_col, units),
    )


def _key(at: types.Position) -> tuple[int, int]:
    return at.line, at.character


def overlaps(span: types.Range, other: types.Range) -> bool:
    """Whether two ranges share a position, ends included: a cursor at either end of a call is on it."""
    return _key(span.start) <= _key(other.end) and _key(other.start) <= _key(span.end)
