"""AEX202: ``run_in_executor(process_pool, io_call, ...)`` -> ``run_in_executor(None, io_call, ...)``."""

from __future__ import annotations

import libcst as cst

from flake8_executor.fix.rewrites.arguments import is_plain_positional
from flake8_executor.fix.rewrites.base import Declined, RewriteContext, Rewritten, rewrite
from flake8_executor.fixes import Fix, NotFixed


@rewrite(Fix.EXECUTOR_TO_NONE, order=10, needs_coroutine=False)
def executor_to_none(call: cst.Call, ctx: RewriteContext) -> Rewritten:
    """``run_in_executor(process_pool, io_call, ...)`` -> ``run_in_executor(None, io_call, ...)``."""
    if not call.args or not is_plain_positional(call.args[0]):
        raise Declined(NotFixed.EXECUTOR_NOT_POSITIONAL)
    first = call.args[0].with_changes(value=cst.Name("None"))
    return Rewritten(call.with_changes(args=[first, *call.args[1:]]), False)
