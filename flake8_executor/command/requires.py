"""A file's own ``requires-python`` (PEP 723 script metadata), and whether a Python satisfies it.

A file that declares it needs a newer Python than the one running ``executor-fix`` may use syntax
this interpreter cannot parse (``match``, ``except*``, PEP 695 generics): the fixer skips it with a
note instead of reporting a parse error, as ``uv run`` refuses such a script. The block is the
standard one::

    # /// script
    # requires-python = ">=3.12"
    # ///

Only the specifier operators of PEP 440 that a Python range uses are understood; a specifier that
cannot be read counts as satisfied (the file is then processed, and a real parse error reported).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

_BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")
_CLAUSE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?\s*$")


def declared_requires_python(text: str) -> str | None:
    """``requires-python`` of the file's ``# /// script`` block, if it has one."""
    if "# /// script" not in text:
        return None
    for match in _BLOCK.finditer(text):
        if match.group("type") != "script":
            continue
        content = "".join(
            line[2:] if line.startswith("# ") else line[1:]
            for line in match.group("content").splitlines(keepends=True)
        )
        found = re.search(r"""(?m)^requires-python\s*=\s*["']([^"']*)["']""", content)
        return found.group(1) if found else None
    return None


def _padded(version: Sequence[int], length: int) -> tuple[int, ...]:
    return tuple(version[:length]) + (0,) * max(0, length - len(version))


def _clause_allows(operator: str, wanted: tuple[int, ...], star: bool, running: tuple[int, ...]):
    if star:  # ==3.12.* / !=3.12.*: compare the given parts only
        same = tuple(running[: len(wanted)]) == wanted
        return same if operator == "==" else not same
    length = max(len(wanted), 3)
    have, want = _padded(running, length), _padded(wanted, length)
    if operator == "~=":  # ~=3.10 means >=3.10, ==3.*
        prefix = wanted[:-1] if len(wanted) > 1 else wanted
        return have >= want and tuple(running[: len(prefix)]) == prefix
    return {
        "==": have == want,
        "===": have == want,
        "!=": have != want,
        "<=": have <= want,
        ">=": have >= want,
        "<": have < want,
        ">": have > want,
    }[operator]


def allows(specifier: str, running: Sequence[int] | None = None) -> bool:
    """Whether the Python ``running`` (default: this one) is in ``specifier`` (``">=3.10,<4"``)."""
    version = tuple(running if running is not None else sys.version_info[:3])
    for clause in specifier.split(","):
        if not clause.strip():
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            return True  # unreadable: let the parser decide
        operator, number, star = match.groups()
        wanted = tuple(int(part) for part in number.split("."))
        if not _clause_allows(operator, wanted, bool(star), version):
            return False
    return True


def needs_newer_python(text: str) -> str | None:
    """Why the file is skipped on this Python (its declared range excludes it), else ``None``."""
    declared = declared_requires_python(text)
    if declared is None or allows(declared):
        return None
    running = ".".join(str(part) for part in sys.version_info[:3])
    return f"skipped: needs Python {declared} (its script metadata), this is {running}"
