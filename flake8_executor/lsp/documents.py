"""One document's analysis at one version: the findings ``executor-fix`` would act on, placed.

Diagnostics, code actions and hover all read the same ``Analysis``, made once per version of the
buffer's text (never the file on disk), so the quick fixes offered are for exactly the findings shown.
The findings are the fixer's own selection (``fix.plan.wanted_findings``): ``select``/``ignore``
and ``# noqa`` as flake8 applies them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from lsprotocol import types

from flake8_executor.config.lsp import Configured
from flake8_executor.findings import Finding
from flake8_executor.fix.errors import UnparsableSource
from flake8_executor.fix.plan import parse, wanted_findings
from flake8_executor.fix.text import split_lines
from flake8_executor.lsp.positions import Units, finding_range


@dataclass(frozen=True)
class Placed:
    """A finding and its range in the client's units."""

    finding: Finding
    range: types.Range


@dataclass(frozen=True)
class Analysis:
    """The findings of one version of a document; ``problem`` says why there are none to show."""

    uri: str
    version: int | None
    text: str
    configured: Configured
    lines: list[str]
    tree: ast.Module | None
    placed: tuple[Placed, ...] = ()
    problem: str | None = None  # the text does not parse: no diagnostics until it does
    path: str | None = None  # the document's file: helpers in other modules are read from disk


def analyze_document(
    uri: str,
    version: int | None,
    text: str,
    configured: Configured,
    units: Units,
    path: str | None = None,
) -> Analysis:
    """Parse and analyse ``text``; a text that does not parse has no findings (and no crash)."""
    lines = split_lines(text)
    try:
        tree = parse(text)
    except UnparsableSource as error:
        return Analysis(uri, version, text, configured, lines, None, problem=str(error), path=path)
    _, findings = wanted_findings(text, tree, configured.settings, configured.selection, path)
    placed = tuple(Placed(finding, finding_range(finding, lines, units)) for finding in findings)
    return Analysis(uri, version, text, configured, lines, tree, placed, path=path)
