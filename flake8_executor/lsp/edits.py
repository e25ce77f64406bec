"""The fixer's output as text edits: the lines that changed, found with ``difflib``.

A fix touches a call and perhaps the import block; sending the whole document back would make the
editor replace every line (losing marks, folds and the cursor's place), so the edits cover only the
runs of lines that differ. They are whole lines: positions at a line's start need no column, so
no unit conversion can go wrong, except at the end of a last line that has no line break.
"""

from __future__ import annotations

import difflib
import re

from lsprotocol import types

from flake8_executor.lsp.positions import Units

# LSP's line breaks, which are Python's (``fix.text``); each piece keeps its own.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def pieces(text: str) -> list[str]:
    """The text's lines with their line breaks; joined, they are the text."""
    return _LINE.findall(text)


def _end_of(lines: list[str], index: int, units: Units) -> types.Position:
    """The position before line ``index``: the end of the text when it is past the last line."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return types.Position(index, 0)
    return types.Position(len(lines) - 1, units(lines[-1]))


def _common_ends(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many lines the texts share at their start, and then at their end."""
    shortest = min(len(before), len(after))
    head = 0
    while head < shortest and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < shortest - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return head, tail


def text_edits(old: str, new: str, units: Units) -> list[types.TextEdit]:
    """Edits that turn ``old`` into ``new``, in document order, none overlapping.

    The lines both texts start and end with are set aside first: a fix changes a few lines, and
    ``difflib`` then compares only the stretch between the first and the last of them.
    """
    before, after = pieces(old), pieces(new)
    head, tail = _common_ends(before, after)
    matcher = difflib.SequenceMatcher(
        None, before[head : len(before) - tail], after[head : len(after) - tail]
    )
    edits = []
    for tag, start, stop, new_start, new_stop in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            types.TextEdit(
                range=types.Range(
                    _end_of(before, head + start, units), _end_of(before, head + stop, units)
                ),
                new_text="".join(after[head + new_start : head + new_stop]),
            )
        )
    return edits
