"""The fixer: rewrite with libcst what the engine found and marked fixable.

``pipeline`` fixes one module's text (passes until nothing changes); ``fragments`` cuts out the
statements libcst must see; ``transform`` applies the rewrites (``rewrites/``, one module each) at
the findings' positions; ``imports`` settles the imports once per module; ``text`` and ``locate``
know lines and positions. Files, settings and workers are the command's (``flake8_executor.command``).
"""

from __future__ import annotations

from flake8_executor.fix.pipeline import BrokenFix, FixedSource, UnparsableSource, fix_source

__all__ = ["BrokenFix", "FixedSource", "UnparsableSource", "fix_source"]
