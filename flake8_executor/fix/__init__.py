"""``executor-fix``'s machinery: rewrite with libcst what the engine found and marked fixable.

``source`` fixes one module's text; ``files`` reads and writes files safely; ``config`` reads
``[tool.flake8-executor]``; ``workers`` spreads files over processes; ``cli`` (one level up) ties
them to the command line.
"""

from __future__ import annotations

from flake8_executor.fix.selection import Selection
from flake8_executor.fix.source import BrokenFix, FixedSource, UnparsableSource, fix_source

__all__ = ["BrokenFix", "FixedSource", "Selection", "UnparsableSource", "fix_source"]
