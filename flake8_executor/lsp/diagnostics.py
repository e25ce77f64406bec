"""Findings as LSP diagnostics: source ``flake8-executor`` and the code, as flake8 shows them.

The message is the one flake8 prints (without the code, which the client shows beside it); every
finding is a warning, as flake8's are to an editor: nothing here stops a program from running.

No ``codeDescription``: the package is not published, so no address of its docs is sure to exist,
and a link that leads nowhere is worse than none. Hovering a finding shows the code's page
(``hover.py``), the text of ``docs/codes/``.
"""

from __future__ import annotations

from lsprotocol import types

from flake8_executor.lsp.documents import Analysis, Placed

SOURCE = "flake8-executor"


def diagnostic(placed: Placed) -> types.Diagnostic:
    finding = placed.finding
    return types.Diagnostic(
        range=placed.range,
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        source=SOURCE,
    )


def diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    return [diagnostic(placed) for placed in analysis.placed]
