"""Fix one module's text: the engine finds, the selection filters, libcst rewrites, ``ast`` checks.

This is the whole fixer for one file, without any file handling, so stdin, files and tests share it.
Work is skipped as early as possible: a file with no fixable finding is never parsed by libcst.

One fix can make another possible (moving keywords into ``functools.partial`` leaves a
``run_in_executor(None, partial(...))`` that AEX206 turns into ``asyncio.to_thread``), so the fixed
text is analysed again, and fixed again, until nothing changes: a second run of the command then has
nothing left to do. The re-analysis doubles as the check that the output parses.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from flake8_executor.engine import analyze
from flake8_executor.findings import Finding
from flake8_executor.fix.locate import finding_span
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.selection import Selection, file_is_skipped, silenced_by_noqa
from flake8_executor.settings import Settings

# The line breaks Python's tokenizer knows; str.splitlines() knows more (form feed, U+2028, ...).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Fixes enable others only in short chains (AEX200 or AEX202, then AEX206); this bounds a loop that
# a bug could make endless.
MAX_PASSES = 4


class UnparsableSource(Exception):
    """The input is not Python the parsers accept; ``str()`` is the reason with its line."""


class BrokenFix(Exception):
    """The rewritten text does not parse: a bug in the fixer, and the file must be left alone."""


@dataclass(frozen=True)
class Applied:
    """One pass: the text after it, and what became of each finding it was given."""

    text: str
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass(frozen=True)
class FixedSource:
    """The result of all passes.

    ``unfixed`` is placed in the input's lines and columns, ``unfixed_after`` in the output's (the
    same problems, as flake8 would report them once the output is written).
    """

    text: str
    fixed: list[Outcome] = field(default_factory=list)
    unfixed: list[Outcome] = field(default_factory=list)
    unfixed_after: list[Outcome] = field(default_factory=list)


def _syntax_error_reason(error: SyntaxError) -> str:
    where = f"line {error.lineno}" if error.lineno else "unknown line"
    if error.lineno and error.offset:
        where += f", column {error.offset}"
    return f"{error.msg} ({where})"


def parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise UnparsableSource(_syntax_error_reason(error)) from None
    except ValueError as error:  # "source code string cannot contain null bytes"
        raise UnparsableSource(str(error)) from None


def wanted_findings(
    text: str, tree: ast.Module, settings: Settings, selection: Selection
) -> tuple[list[str], list[Finding]]:
    lines = _LINE_BREAK.split(text)
    if file_is_skipped(lines):
        return lines, []
    findings = [
        finding
        for finding in analyze(tree, settings)
        if selection.wants(finding.code) and not silenced_by_noqa(finding, lines)
    ]
    return lines, findings


def fix_source(text: str, settings: Settings, selection: Selection | None = None) -> FixedSource:
    """The fixed text and what became of every selected finding.

    Raises ``UnparsableSource`` for input that does not parse and ``BrokenFix`` when a pass's result
    would not parse.
    """
    selection = selection or Selection()
    lines, findings = wanted_findings(text, parse(text), settings, selection)
    applied = apply_findings(text, findings, settings, lines)
    fixed = [outcome for outcome in applied.outcomes if outcome.fixed]
    unfixed = [outcome for outcome in applied.outcomes if not outcome.fixed]
    unfixed_after = unfixed
    passes = 1
    while applied.text != text:
        text = applied.text
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError) as error:
            raise BrokenFix(f"the fixed code would not parse: {error}") from None
        if passes == MAX_PASSES:
            break
        passes += 1
        lines, findings = wanted_findings(text, tree, settings, selection)
        applied = apply_findings(text, findings, settings, lines)
        fixed.extend(outcome for outcome in applied.outcomes if outcome.fixed)
        unfixed_after = [outcome for outcome in applied.outcomes if not outcome.fixed]
    return FixedSource(text, fixed, unfixed, unfixed_after)


def _position(outcome: Outcome) -> tuple[int, int, str]:
    return outcome.finding.line, outcome.finding.col, outcome.finding.code


def apply_findings(
    text: str, findings: list[Finding], settings: Settings, lines: list[str] | None = None
) -> Applied:
    """One pass: apply the fixable ``findings`` (already selected) to ``text``, report the rest."""
    left = [Outcome(f, f.unfixable or "no automatic fix") for f in findings if not f.fixable]
    fixable = [finding for finding in findings if finding.fixable]
    if not fixable:
        return Applied(text, left)
    # libcst takes half a second to import: only files with something to fix pay for it.
    import libcst as cst

    from flake8_executor.fix.transform import apply_fixes

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        reason = f"{error.message} (line {error.raw_line}, column {error.raw_column + 1})"
        raise UnparsableSource(f"libcst cannot parse it: {reason}") from None
    lines = lines if lines is not None else _LINE_BREAK.split(text)
    new_module, outcomes = apply_fixes(
        module, [(finding_span(finding, lines), finding) for finding in fixable], settings
    )
    return Applied(new_module.code, sorted([*outcomes, *left], key=_position))
