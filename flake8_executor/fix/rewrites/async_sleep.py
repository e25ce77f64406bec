"""AEX101: ``time.sleep(x)`` -> ``await asyncio.sleep(x)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.base import RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix


@rewrite(Fix.ASYNC_SLEEP, order=50, needs_coroutine=True, drops_callable=True)
def async_sleep(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``time.sleep(x)`` / ``sleep(x)`` -> ``asyncio.sleep(x)``, arguments as written."""
    return Rewritten(call.with_changes(func=ctx.asyncio_attr("sleep")), True)
