"""The one list of configuration keys: the pyproject table's, which are also ``executor-fix``'s flags
(``--key``), the flake8 plugin's options (``--executor-key``, the settings only), the language
server's settings, and the rows of the generated ``docs/configuration.md``.

A new key is added here first: the table's reader (``pyproject``), the precedence (``resolve``), the
language server and ``docs/configuration.md`` take it from these lists; each front end declares its
flag for it with its help (``command/cli.py``, ``plugin.py``).
"""

from __future__ import annotations

TABLE = "flake8-executor"
# The settings of ``Settings``, by their key in pyproject.toml (flake8: ``executor-`` + key); the
# table also holds what only a front end reads (the fixer's unsafe-fixes and exclude, the codes).
SETTING_KEYS = (
    "extra-calls",
    "process-pool",
    "target-version",
    "follow-calls",
    "follow-imports",
    "source-roots",
    "cache",
    "python",
    "loop-callbacks",
)
# The codes to act on (flake8's and ruff's names) and the files to walk (ruff's).
CODE_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores")
FILE_KEYS = ("exclude", "extend-exclude")
KEYS = (*SETTING_KEYS, "unsafe-fixes", *CODE_KEYS, *FILE_KEYS)

# The language server's settings (``config/lsp.py``): ``initializationOptions`` may hold the keys
# themselves or one table named like the pyproject's. ``exclude`` picks files for a run over
# directories: an open document is always checked.
SECTION = TABLE
OPTION_KEYS = tuple(key for key in KEYS if key not in FILE_KEYS)

# flake8's own keys that executor-fix and the language server honour, so that they act on exactly
# the findings flake8 reports (select only for the opt-in codes it names in full:
# ``codes.resolve_selection``).
FLAKE8_CODE_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores")
FLAKE8_LINE_LENGTH = "max-line-length"
