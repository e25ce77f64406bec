"""Regenerate README.md's codes table and per-code sections from the rules' docs.

Run it after changing a rule's ``Docs`` or a ``Code``'s summary or fix; only the part between
README's two marker comments is rewritten (``flake8_executor.docs.updated_readme``). ``--check``
writes nothing and exits 1 when README is out of date, as the test suite does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from flake8_executor.docs import updated_readme

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if README is out of date"
    )
    parser.add_argument("--readme", type=Path, default=README, help="default: %(default)s")
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    try:
        wanted = updated_readme(current)
    except ValueError as error:
        print(f"{args.readme}: {error}", file=sys.stderr)
        return 2
    if wanted == current:
        return 0
    if args.check:
        print(
            f"{args.readme} is out of date: run python scripts/generate_readme.py", file=sys.stderr
        )
        return 1
    args.readme.write_text(wanted, encoding="utf-8")
    print(f"{args.readme} updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
