"""Fix one module's text: passes of plan -> rewrite -> imports -> verify, until nothing changes.

This is the whole fixer for one file, without any file handling, so stdin, files, the language
server and tests share it. Each pass runs each step once:

1. plan (``plan.py``): the engine's findings, filtered by the selection and ``# noqa``, split into
   those to rewrite and those left with a reason (no fix; unsafe without ``--unsafe-fixes``);
2. rewrite (``rewrite.py``): libcst applies the rewrites (``rewrites/``, through ``transform.py``),
   on the statements around the findings when that gives the whole module's result;
3. imports (``imports.settle``): what the rewrites need is imported, what they freed is removed;
4. verify: the output must parse, or the file is left alone (``BrokenFix``).

Work is skipped as early as possible: a file with no fixable finding is never parsed by libcst.
One fix can make another possible (moving keywords into ``functools.partial`` leaves a
``run_in_executor(None, partial(...))`` that AEX206 turns into ``asyncio.to_thread``), so the fixed
text is planned and fixed again, until nothing changes: a second run of the command then has
nothing left to do.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding
from flake8_executor.fix import imports, rewrite
from flake8_executor.fix.errors import BrokenFix
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.plan import parse, plan, wanted_findings
from flake8_executor.fix.text import default_newline, split_lines
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Selection

# Fixes enable others only in short chains (AEX200 or AEX202, then AEX206); this bounds a loop that
# a bug could make endless.
MAX_PASSES = 4


@dataclass(frozen=True)
class Applied:
    """One pass: the text after it, and what became of each finding it was given.

    ``tree`` is the text's ``ast`` (None only for an input ``ast`` cannot read), so the next pass
    need not parse it again.
    """

    text: str
    outcomes: list[Outcome] = field(default_factory=list)
    tree: ast.Module | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FixedSource:
    """The result of all passes.

    ``fixed`` and ``unfixed`` are placed in the input's lines and columns, as flake8 reported them
    before the run; ``unfixed_after`` holds the same problems as ``unfixed`` in the output's (as
    flake8 would report them once the output is written).
    """

    text: str
    fixed: list[Outcome] = field(default_factory=list)
    unfixed: list[Outcome] = field(default_factory=list)
    unfixed_after: list[Outcome] = field(default_factory=list)


def _parse_fixed(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError) as error:
        raise BrokenFix(f"the fixed code would not parse: {error}") from None


def fix_source(
    text: str,
    settings: Settings,
    selection: Selection | None = None,
    unsafe_fixes: bool = False,
    path: str | None = None,
) -> FixedSource:
    """The fixed text and what became of every selected finding.

    Safe fixes only, unless ``unsafe_fixes``: an unsafe one is reported as available instead.
    Raises ``UnparsableSource`` for input that does not parse and ``BrokenFix`` when a pass's result
    would not parse.
    """
    selection = selection or Selection()
    tree = parse(text)
    lines, findings = wanted_findings(text, tree, settings, selection, path)
    original_text = text
    applied = _tidied(text, apply_findings(text, findings, settings, lines, tree, unsafe_fixes))
    fixed = [outcome for outcome in applied.outcomes if outcome.fixed]
    first_unfixed = [outcome for outcome in applied.outcomes if not outcome.fixed]
    unfixed_after = first_unfixed
    passes = 1
    original = split_lines(text)
    to_input: Callable[[Finding], Finding] | None = None
    while applied.text != text:
        text, tree = applied.text, applied.tree
        if passes == MAX_PASSES:
            break
        passes += 1
        written = written_lines(original, split_lines(text))
        lines, findings = wanted_findings(
            text, tree, settings, selection, path, follow_up(selection, written)
        )
        applied = apply_findings(text, findings, settings, lines, tree, unsafe_fixes)
        applied = _tidied(original_text, applied)
        # A follow-up is part of the fix that wrote its line: neither reported nor left.
        applied = replace(
            applied,
            outcomes=[o for o in applied.outcomes if selection.wants(o.finding.code)],
        )
        # A later pass sees the text as earlier passes left it: its findings are named by the
        # input's lines, as flake8 reported them before the run, and each once.
        to_input = input_lines(original, lines if lines is not None else split_lines(text))
        seen = {_position(outcome) for outcome in fixed}
        for outcome in applied.outcomes:
            if outcome.fixed:
                moved = replace(outcome, finding=to_input(outcome.finding))
                if _position(moved) not in seen:
                    seen.add(_position(moved))
                    fixed.append(moved)
        unfixed_after = [outcome for outcome in applied.outcomes if not outcome.fixed]
    unfixed = first_unfixed
    if to_input is not None:
        unfixed = _left(first_unfixed, fixed, unfixed_after, to_input)
    result = FixedSource(text, fixed, unfixed, unfixed_after)
    return _fitted(original_text, result, settings, selection, path)


def _tidied(original: str, applied: Applied) -> Applied:
    """The pass's text without what its fixes left unused (``unused_loop``), so that a fix leaves
    no F841 behind; the next pass sees it as it will be written."""
    if applied.text == original or "get_running_loop" not in applied.text:
        return applied
    from flake8_executor.fix.unused_loop import drop_unused_loops

    tree = applied.tree if applied.tree is not None else _parse_fixed(applied.text)
    text = drop_unused_loops(original, applied.text, tree)
    return applied if text == applied.text else replace(applied, text=text, tree=_parse_fixed(text))


def _fitted(
    original: str, fixed: FixedSource, settings: Settings, selection: Selection, path: str | None
) -> FixedSource:
    """The lines the fixes made longer than the project's line length broken as black would
    (``line_length``), once every pass is done, so that a fix creates no E501; the findings left
    are placed in the text as it will be written."""
    if settings.line_length is None or fixed.text == original:
        return fixed
    from flake8_executor.fix.line_length import break_long_lines

    written = written_lines(split_lines(original), split_lines(fixed.text))
    text = break_long_lines(fixed.text, written, settings.line_length)
    if text == fixed.text:
        return fixed
    tree = _parse_fixed(text)
    lines, findings = wanted_findings(text, tree, settings, selection, path)
    left = [
        outcome
        for outcome in apply_findings(text, findings, settings, lines, tree, False).outcomes
        if not outcome.fixed
    ]
    return replace(fixed, text=text, unfixed_after=left)


def written_lines(original: list[str], current: list[str]) -> frozenset[int]:
    """The lines of ``current`` (from 1) that earlier passes wrote: not in ``original``."""
    matcher = difflib.SequenceMatcher(None, original, current, autojunk=False)
    return frozenset(
        line + 1
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
        for line in range(j1, j2)
    )


def follow_up(selection: Selection, written: frozenset[int]) -> Callable[[Finding], bool]:
    """Findings of an opt-in code on a line a fix wrote: fixed as part of that fix.

    AEX200's ``run_in_executor(None, functools.partial(f, k=v))`` and AEX202's move to ``None``
    write what AEX206 flags; where AEX206's own fix applies (awaited, the asyncio framework, a
    target with ``asyncio.to_thread``), the fix writes ``asyncio.to_thread(f, k=v)`` instead, so
    that the tool never writes code it would flag once AEX206 is selected. Not when the user
    ruled the code out by name or prefix (``ignore``).
    """

    def wanted(finding: Finding) -> bool:
        return (
            finding.code in OFF_BY_DEFAULT
            and not written.isdisjoint(range(finding.line, finding.end_line + 1))
            and finding.fixable
            and not finding.unsafe
            and not selection.rules_out(finding.code)
        )

    return wanted


def _left(
    first: list[Outcome],
    fixed: list[Outcome],
    last: list[Outcome],
    to_input: Callable[[Finding], Finding],
) -> list[Outcome]:
    """Every finding left unfixed after several passes, named where flake8 reported it in the input.

    Those of the first pass, less any a later pass fixed; and those only a later pass found (a fix
    made them: flake8 reports them after the run), at their input lines. A finding of the first
    pass that a later one no longer sees is still named: it was not fixed.
    """
    done = {_position(outcome) for outcome in fixed}
    left = [outcome for outcome in first if _position(outcome) not in done]
    earlier: dict[tuple[str, int], int] = {}
    for outcome in left:
        key = (outcome.finding.code, outcome.finding.line)
        earlier[key] = earlier.get(key, 0) + 1
    for outcome in last:
        moved = replace(outcome, finding=to_input(outcome.finding))
        key = (moved.finding.code, moved.finding.line)
        if earlier.get(key):
            earlier[key] -= 1  # the first pass's finding, named above
        elif _position(moved) not in done:
            left.append(moved)
    return sorted(left, key=_position)


def input_lines(original: list[str], current: list[str]) -> Callable[[Finding], Finding]:
    """Place a finding of ``current`` (a pass's text) on the line of ``original`` it comes from.

    Lines the passes left alone map one to one; a line a pass rewrote or inserted maps to the
    first input line of the change it belongs to (the statement flake8 reported).
    """
    matcher = difflib.SequenceMatcher(None, original, current, autojunk=False)
    starts: list[tuple[int, int, int, bool]] = []  # (current start, original start, size, equal)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        starts.append((j1, i1, j2 - j1, tag == "equal"))

    def place(finding: Finding) -> Finding:
        index = finding.line - 1
        for start, origin, size, equal in starts:
            if start <= index < start + max(size, 1):
                line = origin + (index - start if equal else 0) + 1
                break
        else:
            return finding
        line = max(1, min(line, len(original)))
        shift = line - finding.line
        return replace(finding, line=line, end_line=finding.end_line + shift)

    return place


def _position(outcome: Outcome) -> tuple[int, int, str]:
    return outcome.finding.line, outcome.finding.col, outcome.finding.code


def apply_findings(
    text: str,
    findings: list[Finding],
    settings: Settings,
    lines: list[str] | None = None,
    tree: ast.Module | None = None,
    unsafe_fixes: bool = True,
) -> Applied:
    """One pass over ``findings`` (already selected): plan, rewrite, imports, verify.

    ``lines`` and ``tree`` are the text's, when the caller has them already. Unsafe fixes are
    applied only with ``unsafe_fixes`` (the default here: a caller that names the findings to
    apply has chosen them; ``fix_source`` passes the user's choice). Raises ``BrokenFix`` when the
    output of a text ``ast`` reads would not parse.
    """
    planned = plan(findings, unsafe_fixes)
    if not planned.fixable:
        return Applied(text, planned.left, tree)
    lines = lines if lines is not None else split_lines(text)
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None  # libcst's parser on the whole module reports it
    new_text, outcomes = rewrite.rewrite(text, tree, lines, planned.fixable, settings)
    new_text, new_tree = imports.settle(new_text, outcomes, default_newline(text))
    if new_text == text:
        new_tree = tree
    elif new_tree is None and tree is not None:
        new_tree = verify(new_text)
    return Applied(new_text, sorted([*outcomes, *planned.left], key=_position), new_tree)


def verify(text: str) -> ast.Module:
    """Step 4 of a pass: the output's ``ast``; ``BrokenFix`` (a bug: the file is left alone)
    when it does not parse."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError) as error:
        raise BrokenFix(f"the fixed code would not parse: {error}") from None


def _apply_to_module(
    text: str, tree: ast.Module | None, lines: list[str], fixable: list[Finding], settings: Settings
) -> Applied:
    """The rewrite and imports steps with libcst on the whole module (the reference)."""
    new_text, outcomes = rewrite.whole_module(text, tree, lines, fixable, settings)
    new_text, _ = imports.settle(new_text, outcomes, default_newline(text))
    return Applied(new_text, outcomes)


def _apply_in_fragments(
    text: str, tree: ast.Module, lines: list[str], fixable: list[Finding], settings: Settings
) -> Applied | None:
    """The rewrite and imports steps with libcst on fragments only; None where they cannot be
    trusted (tests compare the two ways)."""
    rewritten = rewrite.in_fragments(text, tree, lines, fixable, settings)
    if rewritten is None:
        return None
    new_text, outcomes = rewritten
    new_text, _ = imports.settle(new_text, outcomes, default_newline(text))
    return Applied(new_text, outcomes)
