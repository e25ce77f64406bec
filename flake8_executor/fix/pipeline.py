"""Fix one module's text: the engine finds, the selection filters, libcst rewrites, ``ast`` checks.

This is the whole fixer for one file, without any file handling, so stdin, files and tests share it.
Work is skipped as early as possible: a file with no fixable finding is never parsed by libcst, and
a file with some has libcst parse only the statements around them (``fragments``), falling back to
the whole module where that is not certain to give the same result.

One fix can make another possible (moving keywords into ``functools.partial`` leaves a
``run_in_executor(None, partial(...))`` that AEX206 turns into ``asyncio.to_thread``), so the fixed
text is analysed again, and fixed again, until nothing changes: a second run of the command then has
nothing left to do. The re-analysis doubles as the check that the output parses.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from flake8_executor.engine import analyze
from flake8_executor.findings import Finding
from flake8_executor.fix import fragments, imports
from flake8_executor.fix.locate import finding_span
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.text import (
    default_newline,
    line_starts,
    parse_with_newline,
    read_otherwise_by_libcst,
    split_lines,
    with_final_cr,
)
from flake8_executor.fixes import NotFixed
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Noqa, Selection, file_is_skipped
from flake8_executor.settings import Settings

# Fixes enable others only in short chains (AEX200 or AEX202, then AEX206); this bounds a loop that
# a bug could make endless.
MAX_PASSES = 4


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


if TYPE_CHECKING:
    import libcst as cst


@dataclass(frozen=True)
class Applied:
    """One pass: the text after it, and what became of each finding it was given.

    ``tree`` is the text's ``ast`` when the pass parsed it anyway, so the next pass need not.
    """

    text: str
    outcomes: list[Outcome] = field(default_factory=list)
    tree: ast.Module | None = field(default=None, compare=False, repr=False)


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
    unfixed = [outcome for outcome in applied.outcomes if not outcome.fixed]
    unfixed_after = unfixed
    passes = 1
    original = split_lines(text)
    while applied.text != text:
        text = applied.text
        tree = applied.tree if applied.tree is not None else _parse_fixed(text)
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
    return applied if text == applied.text else replace(applied, text=text, tree=None)


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
    """One pass: apply the fixable ``findings`` (already selected) to ``text``, report the rest.

    ``lines`` and ``tree`` are the text's, when the caller has them already. Unsafe fixes are
    applied only with ``unsafe_fixes`` (the default here: a caller that names the findings to
    apply has chosen them; ``fix_source`` passes the user's choice).
    """
    left = [Outcome(f, f.unfixable or NotFixed.NO_FIX) for f in findings if not f.fixable]
    left += [
        Outcome(f, NotFixed.UNSAFE.format(why=f.unsafe), unsafe=True)
        for f in findings
        if f.fixable and f.unsafe and not unsafe_fixes
    ]
    fixable = [f for f in findings if f.fixable and (unsafe_fixes or not f.unsafe)]
    if not fixable:
        return Applied(text, left)
    lines = lines if lines is not None else split_lines(text)
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None  # libcst's parser on the whole module reports it
    applied = None
    if tree is not None:
        applied = _apply_in_fragments(text, tree, lines, fixable, settings)
    if applied is None:
        applied = _apply_to_module(text, tree, lines, fixable, settings)
    return Applied(applied.text, sorted([*applied.outcomes, *left], key=_position), applied.tree)


def _parse_module(text: str) -> cst.Module:
    # libcst takes half a second to import: only files with something to fix pay for it.
    import libcst as cst

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        position = (error.raw_line, error.raw_column + 1)
        raise UnparsableSource(f"libcst cannot parse it: {error.message}", position) from None


def _apply_to_module(
    text: str, tree: ast.Module | None, lines: list[str], fixable: list[Finding], settings: Settings
) -> Applied:
    """libcst on the whole module: the reference behaviour, and the fallback of the fragments.

    ``tree`` is None only for a text ``ast`` cannot parse, given by a caller other than
    ``fix_source``: libcst's parser then reports it, or the text has no imports ``ast`` could read.
    """
    from flake8_executor.fix import transform

    module = _parse_module(text)
    module_tree = tree if tree is not None else ast.Module(body=[], type_ignores=[])
    module, outcomes = transform.apply_fixes(
        module,
        [(finding_span(finding, lines), finding) for finding in fixable],
        settings,
        imports.module_aliases(module_tree),
    )
    to_add = imports.imports_to_add(module_tree, outcomes)
    if to_add:
        placed = _placed(module.code, to_add, module.default_newline)
        module = (
            _parse_module(placed) if placed is not None else imports.add_imports(module, to_add)
        )
    to_remove = imports.removable(text, imports.imports_freed(outcomes), tree)
    if to_remove:
        module = imports.remove_unused_imports(module, to_remove)
    return Applied(with_final_cr(text, module.code), outcomes)


def _placed(
    text: str, names: list[str], newline: str, tree: ast.Module | None = None
) -> str | None:
    """``imports.insert_imports`` on a text, parsing it when its tree is not at hand."""
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
    return imports.insert_imports(text, tree, names, newline)


def _apply_in_fragments(
    text: str, tree: ast.Module, lines: list[str], fixable: list[Finding], settings: Settings
) -> Applied | None:
    """``_apply_to_module``'s result with libcst on the fragments around the findings only.

    None when the fragments cannot be trusted to give exactly that result: the caller then takes
    the whole module.
    """
    if read_otherwise_by_libcst(text):
        return None
    plan = fragments.plan(tree, lines, fixable)
    if plan is None:
        return None
    newline = default_newline(text)
    starts = line_starts(text)
    aliases = imports.module_aliases(tree)
    rewritten = _rewrite_fragments(text, lines, plan, starts, newline, settings, aliases)
    if rewritten is None:
        return None
    new_text, outcomes, growth = rewritten
    to_add = imports.imports_to_add(tree, outcomes)
    if to_add:
        placed = _placed(new_text, to_add, newline)
        if placed is None:
            # libcst's AddImportsVisitor on the head: up to the statement after the imports.
            stop = imports.import_block_stop(tree, lines)
            cut = None
            if stop is not None:
                if any(fragment.first < stop <= fragment.last for fragment in plan):
                    return None
                cut = starts[stop - 1] + sum(grown for last, grown in growth if last < stop)
            placed = imports.add_on_head(new_text, cut, to_add, newline)
            if placed is None:
                return None
        new_text = placed
    to_remove = imports.imports_freed(outcomes)
    new_tree = None
    if to_remove:
        try:
            new_tree = ast.parse(new_text)
        except (SyntaxError, ValueError):
            return None  # a broken rewrite: the whole module gives it, and the check reports it
        if not imports.removal_changes_nothing(new_tree, to_remove):
            removed = imports.remove_on_head(new_text, new_tree, to_remove, newline)
            if removed is None:
                return None
            new_text, new_tree = removed, None
    return Applied(new_text, outcomes, new_tree)


def _rewrite_fragments(
    text: str,
    lines: list[str],
    plan: list[fragments.Fragment],
    starts: list[int],
    newline: str,
    settings: Settings,
    aliases: dict[str, str],
) -> tuple[str, list[Outcome], list[tuple[int, int]]] | None:
    """The text with every fragment rewritten, the outcomes, and what each fragment grew by.

    Each fragment goes through ``transform.apply_fixes`` behind a lead that recreates its frame
    (``fragments.plan``), with the module's aliases; the rewrite must leave the lead as it was, or
    the fragment is not trusted (None). The growth is (last line, characters added) per fragment.
    """
    from flake8_executor.fix import transform

    pieces: list[str] = []
    growth: list[tuple[int, int]] = []
    outcomes: list[Outcome] = []
    done = 0
    for fragment in plan:
        lead = fragment.header + newline
        begin = starts[fragment.first - 1]
        end = starts[fragment.last] if fragment.last < len(starts) else len(text)
        module = parse_with_newline(lead + text[begin:end], newline)
        if module is None:
            return None
        shift = fragment.first - 2  # the fragment's first line follows the lead's one line
        spans = []
        for finding in fragment.findings:
            line, col, end_line, end_col = finding_span(finding, lines)
            spans.append(((line - shift, col, end_line - shift, end_col), finding))
        module, fragment_outcomes = transform.apply_fixes(module, spans, settings, aliases)
        code = module.code
        if not code.startswith(lead):
            return None
        pieces += [text[done:begin], code[len(lead) :]]
        growth.append((fragment.last, len(code) - len(lead) - (end - begin)))
        outcomes.extend(fragment_outcomes)
        done = end
    pieces.append(text[done:])
    return "".join(pieces), outcomes, growth
