"""Columns in the units each consumer counts, from the engine's UTF-8 byte columns.

``ast`` gives ``col_offset`` in UTF-8 bytes and flake8 prints it as it is (plus one), so a finding's
column is a byte count; people, GitHub's annotations and most tools count characters (code points),
and SARIF viewers and LSP clients count UTF-16 code units. The three agree on ASCII lines, which is
most lines of code, and differ after an ``é`` (two bytes, one code point, one unit) or an emoji (four
bytes, one code point, two units). No import beyond the standard library: the command, its output
formats and the language server all convert with these.
"""

from __future__ import annotations


def char_column(line: str, byte_column: int) -> int:
    """The character index of a UTF-8 byte column of ``line`` (clamped to the line)."""
    if line.isascii():
        return min(byte_column, len(line))
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes: two for a character outside the BMP (an emoji)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
