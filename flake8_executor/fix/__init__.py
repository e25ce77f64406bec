"""The fixer: rewrite with libcst what the engine found and marked fixable.

``pipeline.fix_source`` fixes one module's text in passes, each pass four steps, each once:
``plan`` (the findings to rewrite, the others with their reason), ``rewrite`` (libcst applies the
rewrites of ``rewrites/``, one module each, through ``transform``, on the ``fragments`` around the
findings where that gives the whole module's result), ``imports`` (added and removed once for the
module) and a check that the output parses. ``text``, ``locate`` and ``outcome`` are what the steps
share; ``errors`` the two ways a text cannot be fixed. Files, settings and workers are the
command's (``flake8_executor.command``), which imports this package; nothing here imports it back.

This ``__init__`` imports nothing, so that importing one module of the package loads only what that
module needs (the plan step never loads libcst).
"""
