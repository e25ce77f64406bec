"""AEX204: ``asyncio.to_thread(f)`` dropped as a statement -> ``await asyncio.to_thread(f)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.AWAIT_DROPPED, order=85, needs_coroutine=True)
def await_dropped(node: cst.BaseExpression, ctx: RewriteContext) -> Rewritten:
    """The call as written; the transformer puts the ``await`` in front of it."""
    return Rewritten(node, True)
