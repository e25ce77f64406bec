"""Small helpers the rules share: how a call is shown in a message, and a finding's span."""

from __future__ import annotations

import ast

from flake8_executor.findings import Finding, FixAction, ImportOrigin


def source(node: ast.AST) -> str:
    """The expression as a user would write it (normalised by ``ast.unparse``)."""
    return ast.unparse(node)


def shown_call(func: ast.expr) -> str:
    """``rq.get()``: the call as the user wrote it."""
    return f"{source(func)}()"


def resolved_prefix(func: ast.expr, qualified: str | None) -> str:
    """``"requests.get: "`` when the name as written (``rq.get``) is not the resolved one."""
    if qualified and qualified != source(func):
        return f"{qualified}: "
    return ""


def finding_at(
    node: ast.expr,
    code: str,
    message: str,
    *,
    qualified: str | None = None,
    kind: str | None = None,
    fix: FixAction | None = None,
    unfixable: str | None = None,
    import_origin: ImportOrigin | None = None,
) -> Finding:
    """A finding spanning ``node`` (the node a fix would replace)."""
    return Finding(
        code=code,
        line=node.lineno,
        col=node.col_offset,
        end_line=node.end_lineno or node.lineno,
        end_col=node.end_col_offset or node.col_offset,
        message=message,
        callable=qualified,
        kind=kind,
        fix=fix,
        unfixable=unfixable if fix is not None else None,
        import_origin=import_origin,
    )
