"""Every rewrite, one module each, registered by ``base.rewrite`` for its ``fixes.Fix``.

Importing this package imports each rewrite module once, which registers it; ``REWRITES`` is then the
complete table the transformer dispatches on (a test checks that every ``Fix`` has its rewrite).
"""

from __future__ import annotations

from flake8_executor.fix.rewrites import (  # noqa: F401  (imported to register their rewrites)
    anyio_sleep,
    anyio_to_thread,
    async_sleep,
    await_dropped,
    executor_to_none,
    get_running_loop,
    keywords_to_partial,
    lambda_to_partial,
    process_pool,
    run_in_executor_to_thread,
    run_in_threadpool,
    to_thread,
    wait_for,
    wrap_future,
)
from flake8_executor.fix.rewrites.base import REGISTERED, Declined, Registered, RewriteContext
from flake8_executor.fixes import Fix

REWRITES: dict[Fix, Registered] = dict(REGISTERED)

__all__ = ["REWRITES", "Declined", "Registered", "RewriteContext"]
