"""Findings as LSP diagnostics: source ``flake8-executor``, the code, a link to the code's docs.

The message is the one flake8 prints (without the code, which the client shows beside it); every
finding is a warning, as flake8's are to an editor: nothing here stops a program from running.
"""

from __future__ import annotations

import functools
from importlib import metadata

from lsprotocol import types

from flake8_executor.docs import github_anchor, lookup
from flake8_executor.lsp.documents import Analysis, Placed

SOURCE = "flake8-executor"
# Where the README is read when the package names no documentation URL: PyPI shows it.
README_URL = "https://pypi.org/project/flake8-executor/"


@functools.cache
def _readme_url() -> str:
    """The package's ``Documentation`` (else ``Homepage``) URL from its metadata, else PyPI's page."""
    try:
        urls = metadata.metadata("flake8-executor").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return README_URL
    by_label = dict(
        (label.strip().lower(), url.strip())
        for label, _, url in (entry.partition(",") for entry in urls)
    )
    url = by_label.get("documentation") or by_label.get("homepage") or README_URL
    return url.partition("#")[0]  # the code's anchor goes there


@functools.cache
def docs_url(code: str) -> str:
    """The code's section in the README (its heading's anchor, as the README generator writes it)."""
    info = lookup(code)
    return f"{_readme_url()}#{github_anchor(f'{info.code} {info.summary}')}"


def diagnostic(placed: Placed) -> types.Diagnostic:
    finding = placed.finding
    return types.Diagnostic(
        range=placed.range,
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=docs_url(finding.code)),
        source=SOURCE,
    )


def diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    return [diagnostic(placed) for placed in analysis.placed]
