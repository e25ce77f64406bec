"""Step 1 of a pass, the plan: which findings to rewrite, and which to report as left, and why.

The engine finds (the same findings flake8 reports, each with the fix its rule planned); the user's
selection and ``# noqa`` filter them as flake8 would; a fix is applied when the finding has one and
it is safe, or unsafe and ``--unsafe-fixes`` was given. Everything else is an ``Outcome`` already,
with its reason. Nothing here imports libcst: a file with nothing to fix never pays for it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.findings import Finding
from flake8_executor.fix.errors import UnparsableSource
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.text import split_lines
from flake8_executor.fixes import NotFixed
from flake8_executor.selection import Noqa, Selection, file_is_skipped


def _syntax_error(error: SyntaxError) -> UnparsableSource:
    if error.lineno:
        return UnparsableSource(error.msg, (error.lineno, error.offset or 1))
    return UnparsableSource(f"{error.msg} (unknown line)")


def parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise _syntax_error(error) from None
    except ValueError as error:  # "source code string cannot contain null bytes"
        raise UnparsableSource(str(error)) from None
    except (RecursionError, MemoryError):
        raise UnparsableSource("too deeply nested to parse") from None


def wanted_findings(
    text: str,
    tree: ast.Module,
    settings: Settings,
    selection: Selection,
    path: str | None = None,
    also: Callable[[Finding], bool] | None = None,
) -> tuple[list[str] | None, list[Finding]]:
    """The findings to act on, and the text's lines when there are any (None when not split).

    ``path`` is where the text lives (or would): the engine follows helpers into the project's
    other modules from there. ``also`` takes findings the selection leaves out (``follow_up``).
    """
    # With the text, the engine skips files that cannot have a finding without walking them.
    findings = analyze(tree, settings, text, path)
    if not findings:
        return None, []
    lines = split_lines(text)
    if file_is_skipped(lines):
        return lines, []
    findings = [
        finding
        for finding in findings
        if selection.wants(finding.code) or (also is not None and also(finding))
    ]
    if findings:
        noqa = Noqa(text)
        findings = [finding for finding in findings if not noqa.silences(finding)]
    return lines, findings


@dataclass(frozen=True)
class Plan:
    """The findings to rewrite, and the outcomes of the others (no fix, or an unsafe one left)."""

    fixable: list[Finding] = field(default_factory=list)
    left: list[Outcome] = field(default_factory=list)


def plan(findings: list[Finding], unsafe_fixes: bool) -> Plan:
    """Split selected findings: those with a fix to apply, and the rest with their reason."""
    left = [Outcome(f, f.unfixable or NotFixed.NO_FIX) for f in findings if not f.fixable]
    left += [
        Outcome(f, NotFixed.UNSAFE.format(why=f.unsafe), unsafe=True)
        for f in findings
        if f.fixable and f.unsafe and not unsafe_fixes
    ]
    fixable = [f for f in findings if f.fixable and (unsafe_fixes or not f.unsafe)]
    return Plan(fixable, left)
