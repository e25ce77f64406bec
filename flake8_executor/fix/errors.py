"""Why a text cannot be fixed: the input does not parse, or (a bug) the output would not."""

from __future__ import annotations


class UnparsableSource(Exception):
    """The input is not Python the parsers accept; ``str()`` is the reason.

    ``position`` is the line and column (both from 1) where the parser stopped, when it says; the
    command then prints ``path:line:col: error: ...`` as compilers do, so editors can jump there.
    """

    def __init__(self, reason: str, position: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.position = position


class BrokenFix(Exception):
    """The rewritten text does not parse: a bug in the fixer, and the file must be left alone."""
