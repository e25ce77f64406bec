"""Hover on a finding: its code's docs, the text ``executor-fix --explain`` prints (``docs.explain``).

The docs are markdown already (headings, python code blocks), which editors render in hovers.
"""

from __future__ import annotations

from lsprotocol import types

from flake8_executor.docs import explain
from flake8_executor.lsp.documents import Analysis
from flake8_executor.lsp.positions import overlaps


def hover(analysis: Analysis, at: types.Position) -> types.Hover | None:
    """The docs of every code reported at ``at`` (each once), or None when nothing is there."""
    point = types.Range(at, at)
    found = [placed for placed in analysis.placed if overlaps(placed.range, point)]
    codes = list(dict.fromkeys(placed.finding.code for placed in found))
    if not codes:
        return None
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown,
            value="\n\n---\n\n".join(explain(code) for code in codes),
        ),
        range=found[0].range,
    )
