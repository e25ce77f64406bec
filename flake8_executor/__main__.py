"""``python -m flake8_executor``: the same command as ``executor-fix``."""

from __future__ import annotations

import sys

from flake8_executor.command.cli import main

if __name__ == "__main__":
    sys.exit(main())
