"""Lines and line breaks as CPython and libcst read them, and libcst parses that respect them.

``ast`` and libcst agree on almost every text; where they do not (a form feed in indentation, a lone
carriage return), the fixer takes the slow, whole-module path. These helpers say which texts those
are, where each line starts, and which newline libcst gives the lines it creates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flake8_executor.fix.errors import UnparsableSource

if TYPE_CHECKING:
    import libcst as cst

# The line breaks Python's tokenizer knows; str.splitlines() knows more (form feed, U+2028, ...).
# The first one libcst sees decides the newline of every line it creates.
_NEWLINE = re.compile(r"\r\n?|\n")
# Texts libcst reads otherwise than CPython, where only the whole module reproduces what libcst does
# with it: a form feed in a line's indentation (CPython resets the column there, libcst's tokenizer
# does not, and nests the blocks differently), and a lone carriage return as line break (libcst
# drops it at the end of what it parses).
_OTHERWISE_READ = re.compile(r"(?:\A|[\r\n])[ \t]*\x0c|\r(?!\n)")


def split_lines(text: str) -> list[str]:
    """The text's lines without their line breaks, broken where Python's tokenizer breaks them."""
    return _NEWLINE.split(text)


def default_newline(text: str) -> str:
    """The newline libcst gives the lines it creates: the first one in the text, else ``\\n``."""
    match = _NEWLINE.search(text)
    return match.group(0) if match else "\n"


def read_otherwise_by_libcst(text: str) -> bool:
    """Whether libcst reads the text otherwise than CPython (see ``_OTHERWISE_READ``)."""
    return ("\x0c" in text or "\r" in text) and _OTHERWISE_READ.search(text) is not None


def line_starts(text: str) -> list[int]:
    """The offset where each line begins (line ``n`` at index ``n - 1``), breaking where ``ast`` does."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


def with_final_cr(text: str, code: str) -> str:
    """libcst's code for ``text``, given back the lone carriage return that ended ``text``.

    libcst drops a lone ``\\r`` that ends what it parses (``parse_module("x\\r").code == "x"``),
    and only that one; every other line break it keeps.
    """
    if text.endswith("\r") and not code.endswith(("\r", "\n")):
        return code + "\r"
    return code


def parse_with_newline(text: str, newline: str) -> cst.Module | None:
    """The text as libcst parses it, if it gives new lines the module's newline; else None.

    libcst takes the newline of the lines it creates from the first line break of what it parses;
    a fragment, or a text a rewrite changed, must agree with the module, or the result would not be
    the module's.
    """
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    return module if module.default_newline == newline else None


def parse_module(text: str) -> cst.Module:
    """The whole text as libcst parses it; ``UnparsableSource`` where it cannot."""
    # libcst takes half a second to import: only files with something to fix pay for it.
    import libcst as cst

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        position = (error.raw_line, error.raw_column + 1)
        raise UnparsableSource(f"libcst cannot parse it: {error.message}", position) from None
