"""The in-process rows of the benchmark: ``ast.parse`` of every file, or the engine on every file.

Run as a fresh subprocess per measurement (by ``run.py``), so each timing includes interpreter
start-up and imports exactly like a real tool invocation would, and so its peak RSS is its own.

- ``parse``: read each file as bytes and ``ast.parse`` it: the floor every AST-based tool pays.
- ``engine``: the same, plus decoding the text and ``flake8_executor.engine.analyze(tree, Settings(),
  text)``: what the flake8 plugin adds per file, without flake8's own per-file work (tokenizing,
  logical lines, noqa). The text lets the engine's pre-check skip files that cannot have a finding.

Prints one JSON line to stdout: ``{"files": N, "findings": {"AEX100": k, ...}, "errors": N,
"first_errors": [...]}``. A file on which the engine raises counts as an error and the loop goes on
(a crash on real code is worth seeing in the table, not a reason to lose the row); failing to import
the engine exits 3 with the reason on stderr, which the table shows as ``n/a (error: ...)``.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import Counter
from typing import Any, Callable


def _engine() -> Callable[[ast.AST, str], Any]:
    from flake8_executor.config.settings import Settings
    from flake8_executor.engine import analyze

    settings = Settings()
    return lambda tree, source: analyze(tree, settings, source)


def main() -> int:
    mode, file_list = sys.argv[1], sys.argv[2]
    with open(file_list, encoding="utf-8") as handle:
        files = [line.rstrip("\n") for line in handle if line.strip()]
    analyze: Callable[[ast.AST, str], Any] | None = None
    if mode == "engine":
        try:
            analyze = _engine()
        except Exception as error:  # ImportError while the engine is being written, etc.
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            return 3
    elif mode != "parse":
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    findings: Counter[str] = Counter()
    errors: list[str] = []
    for path in files:
        with open(path, "rb") as handle:
            source = handle.read()
        try:
            tree = ast.parse(source, filename=path)
            if analyze is not None:
                # As both front ends call it: with the text, so the engine's pre-check can skip
                # files that cannot have a finding (flake8 hands plugins the lines it decoded).
                text = source.decode("utf-8", errors="surrogateescape")
                for finding in analyze(tree, text) or ():
                    findings[str(getattr(finding, "code", "?"))] += 1
        except Exception as error:
            errors.append(f"{path}: {type(error).__name__}: {error}")
    summary = {
        "files": len(files),
        "findings": dict(sorted(findings.items())),
        "errors": len(errors),
        "first_errors": errors[:5],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
