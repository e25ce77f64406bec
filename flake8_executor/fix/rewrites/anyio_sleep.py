"""AEX101 in an anyio module: ``time.sleep(x)`` -> ``await anyio.sleep(x)`` (asyncio.sleep fails
under trio, one of anyio's back ends)."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.ANYIO_SLEEP, order=50, needs_coroutine=True, drops_callable=True)
def anyio_sleep(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``time.sleep(x)`` / ``sleep(x)`` -> ``anyio.sleep(x)``, arguments as written."""
    return Rewritten(call.with_changes(func=ctx.anyio_attr("sleep")), True)
