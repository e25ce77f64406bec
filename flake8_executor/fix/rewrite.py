"""Step 2 of a pass, the rewrite: libcst applies the planned fixes, and nothing else changes.

The result is the rewritten text and one ``Outcome`` per finding, which says what the rewrite asks
of the imports (settled next, once, by ``imports.settle``). libcst costs about a millisecond per
five lines, so it is given only the statements around the findings (``fragments``) when that is
certain to give the same text as the whole module; otherwise, and always for a text libcst reads
otherwise than CPython, the whole module.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding
from flake8_executor.fix import fragments
from flake8_executor.fix.imports import module_aliases
from flake8_executor.fix.locate import finding_span
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.text import (
    default_newline,
    line_starts,
    parse_module,
    parse_with_newline,
    read_otherwise_by_libcst,
    with_final_cr,
)

# The rewritten text and what became of each finding.
Rewritten = tuple[str, list[Outcome]]


def rewrite(
    text: str, tree: ast.Module | None, lines: list[str], fixable: list[Finding], settings: Settings
) -> Rewritten:
    """``fixable`` applied to ``text``: in fragments when they give the whole module's result."""
    rewritten = None
    if tree is not None:
        rewritten = in_fragments(text, tree, lines, fixable, settings)
    if rewritten is None:
        rewritten = whole_module(text, tree, lines, fixable, settings)
    return rewritten


def whole_module(
    text: str, tree: ast.Module | None, lines: list[str], fixable: list[Finding], settings: Settings
) -> Rewritten:
    """libcst on the whole module: the reference behaviour, and the fallback of the fragments.

    ``tree`` is None only for a text ``ast`` cannot parse, given by a caller other than
    ``fix_source``: libcst's parser then reports it, or the text has no imports ``ast`` could read.
    """
    from flake8_executor.fix import transform

    module = parse_module(text)
    module_tree = tree if tree is not None else ast.Module(body=[], type_ignores=[])
    module, outcomes = transform.apply_fixes(
        module,
        [(finding_span(finding, lines), finding) for finding in fixable],
        settings,
        module_aliases(module_tree),
    )
    return with_final_cr(text, module.code), outcomes


def in_fragments(
    text: str, tree: ast.Module, lines: list[str], fixable: list[Finding], settings: Settings
) -> Rewritten | None:
    """``whole_module``'s result with libcst on the fragments around the findings only.

    Each fragment goes through ``transform.apply_fixes`` behind a lead that recreates its frame
    (``fragments.plan``), with the module's aliases; the rewrite must leave the lead as it was.
    None when the fragments cannot be trusted to give exactly the whole module's result.
    """
    if read_otherwise_by_libcst(text):
        return None
    plan = fragments.plan(tree, lines, fixable)
    if plan is None:
        return None
    return _rewrite_fragments(text, lines, plan, settings, module_aliases(tree))


def _rewrite_fragments(
    text: str,
    lines: list[str],
    plan: list[fragments.Fragment],
    settings: Settings,
    aliases: Mapping[str, str],
) -> Rewritten | None:
    from flake8_executor.fix import transform

    newline = default_newline(text)
    starts = line_starts(text)
    pieces: list[str] = []
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
        outcomes.extend(fragment_outcomes)
        done = end
    pieces.append(text[done:])
    return "".join(pieces), outcomes
