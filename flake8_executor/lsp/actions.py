"""Code actions: a quick fix per fixable finding under the cursor, and fix-all for the file.

Every edit is the fixer's output: a quick fix is ``apply_findings`` with that one finding (one
pass: its imports included, its output checked), fix-all is ``fix_source`` (every pass, as
``executor-fix`` on the file). The output becomes line edits (``edits``) inside a
``WorkspaceEdit`` whose ``documentChanges`` carry the document's version: a client whose buffer has
moved on since must refuse the edit rather than apply it to text it was not computed for. A fix
that declines, fails or does not parse is simply not offered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lsprotocol import types

from flake8_executor.fix.pipeline import apply_findings, fix_source
from flake8_executor.lsp.diagnostics import diagnostic
from flake8_executor.lsp.documents import Analysis, Placed
from flake8_executor.lsp.edits import text_edits
from flake8_executor.lsp.positions import Units, overlaps
from flake8_executor.lsp.titles import FIX_ALL_TITLE, call_source, fix_title

logger = logging.getLogger(__name__)

QUICK_FIX = types.CodeActionKind.QuickFix.value
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.flake8-executor"  # editors run it on save
KINDS = [QUICK_FIX, FIX_ALL]


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for actions of ``kind``: ``only`` lists kinds or their prefixes."""
    if not only:
        return True
    return any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def fixed_text(analysis: Analysis, placed: Placed) -> str | None:
    """The text once the fixer has applied this one finding; None when it does not apply."""
    try:
        applied = apply_findings(
            analysis.text,
            [placed.finding],
            analysis.configured.settings,
            analysis.lines,
            analysis.tree,
        )
    except Exception:  # a fix whose output would not parse (``BrokenFix``) is a bug: logged
        logger.exception("the fix of %s failed", placed.finding)
        return None
    if not all(outcome.fixed for outcome in applied.outcomes) or applied.text == analysis.text:
        return None
    return applied.text


def all_fixed_text(analysis: Analysis) -> str | None:
    """The text once ``executor-fix`` has fixed the whole file; None when nothing changes."""
    if not any(placed.finding.fixable for placed in analysis.placed):
        return None
    try:
        configured = analysis.configured
        fixed = fix_source(
            analysis.text, configured.settings, configured.selection, path=analysis.path
        )
    except Exception:
        logger.exception("fixing %s failed", analysis.uri)
        return None
    return fixed.text if fixed.text != analysis.text else None


def workspace_edit(analysis: Analysis, new_text: str, units: Units) -> types.WorkspaceEdit:
    """The edit from the analysed version to ``new_text``, valid for that version only."""
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=analysis.uri, version=analysis.version
                ),
                edits=list(text_edits(analysis.text, new_text, units)),
            )
        ]
    )


def quick_fixes(analysis: Analysis, at: types.Range, units: Units) -> list[types.CodeAction]:
    """One action per fixable finding whose range meets ``at``, in document order."""
    actions = []
    for placed in analysis.placed:
        if not placed.finding.fixable or not overlaps(placed.range, at):
            continue
        new_text = fixed_text(analysis, placed)
        if new_text is None:
            continue
        title = fix_title(
            placed.finding,
            call_source(analysis.lines, placed.finding),
            analysis.configured.settings,
        )
        actions.append(
            types.CodeAction(
                title=title,
                kind=QUICK_FIX,
                diagnostics=[diagnostic(placed)],
                edit=workspace_edit(analysis, new_text, units),
                is_preferred=True,
            )
        )
    return actions


def fix_all(analysis: Analysis, units: Units, lazy: bool) -> types.CodeAction | None:
    """The fix-all action; ``lazy``: without its edit, for the client to ask ``resolve_fix_all``.

    Fixing a whole file takes a fixer run over all its findings, and clients ask for actions at
    every cursor move: a client that can resolve actions pays for it only when the user picks it.
    """
    if not any(p.finding.fixable and not p.finding.unsafe for p in analysis.placed):
        return None  # fix-all applies safe fixes only, as executor-fix does by default
    action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL)
    if lazy:
        action.data = {"uri": analysis.uri, "version": analysis.version}
        return action
    return resolve_fix_all(analysis, action, units)


def resolve_fix_all(
    analysis: Analysis, action: types.CodeAction, units: Units
) -> types.CodeAction | None:
    """``action`` with the edit that fixes the whole file; None when nothing changes.

    A lazy action names the version it was offered for: if the document has changed since, it is
    returned without an edit (the user asks again, on the new text).
    """
    data = action.data if isinstance(action.data, dict) else {}
    if "version" in data and data["version"] != analysis.version:
        logger.info("fix-all for version %s not resolved: the document changed", data["version"])
        return None
    new_text = all_fixed_text(analysis)
    if new_text is None:
        return None
    action.edit = workspace_edit(analysis, new_text, units)
    return action


def code_actions(
    analysis: Analysis,
    at: types.Range,
    only: Sequence[str] | None,
    units: Units,
    lazy: bool = False,
) -> list[types.CodeAction]:
    """The actions for a request: quick fixes at ``at`` and fix-all, those of the kinds asked.

    ``lazy``: the client resolves actions, so fix-all comes without its edit (``fix_all``).
    """
    actions = quick_fixes(analysis, at, units) if wanted(QUICK_FIX, only) else []
    if wanted(FIX_ALL, only):
        action = fix_all(analysis, units, lazy)
        if action is not None:
            actions.append(action)
    return actions
