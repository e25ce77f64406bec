"""The fenced blocks of README and ``docs/``, found by their language and first line, for the tests
that run them as a user would copy them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fixture_format import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"


def blocks(page: Path, language: str) -> list[str]:
    """Every block of ``language`` in ``page``, without its fences."""
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def block(page: Path, language: str, first_line: str, containing: str = "") -> str:
    """The one block of ``language`` whose first line is ``first_line`` (and that holds
    ``containing``): a test fails when the docs lose it or gain a second one."""
    found = [
        text
        for text in blocks(page, language)
        if text.splitlines()[0] == first_line and containing in text
    ]
    assert len(found) == 1, f"{page.name}: {len(found)} {language} blocks start {first_line!r}"
    return found[0]


def commands(shell: str) -> list[str]:
    """The commands of a shell block: its lines that are not comments, without trailing comments."""
    found = []
    for line in shell.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found
