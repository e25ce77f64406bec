"""The rules, each a small function over what the engine's walk recorded.

A call rule takes a ``CallSite`` and the file's ``FileState`` and yields findings; a with rule takes a
``WithItemSite``. The engine runs every rule listed here; adding a rule is adding it to a tuple.
"""

from __future__ import annotations

from flake8_executor.rules.blocking import blocking_call
from flake8_executor.rules.executors import executor_call, executor_with_item

CALL_RULES = (blocking_call, executor_call)
WITH_RULES = (executor_with_item,)

__all__ = ["CALL_RULES", "WITH_RULES"]
