"""What the tools are configured with, and where each value comes from: one home for both front
ends and the language server.

- ``keys``: the one list of keys the pyproject table, the flags, the language server and the
  generated docs share;
- ``settings``: the ``Settings`` value the engine and the fixer run with, and its parsing;
- ``pyproject``: ``[tool.flake8-executor]`` and ``requires-python`` of the nearest pyproject.toml;
- ``flake8_file``: the keys of flake8's own config file (``setup.cfg``, ``tox.ini``, ``.flake8``);
- ``value``: a value as read, with the place it was read from;
- ``resolve``: which source wins, for every setting (the one precedence of both front ends);
- ``codes``: which codes ``executor-fix`` and the language server act on, from the same sources;
- ``targets``: the target version of each file, from its own project;
- ``cache_dirs``: where the summaries' caches go;
- ``lsp``: the language server client's settings, in the place of the command line's flags.

Nothing here imports libcst, and nothing but ``lsp`` imports a front end: the flake8 plugin loads
these modules (``tests/test_layout.py`` checks both).
"""
