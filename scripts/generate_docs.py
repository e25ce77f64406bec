"""Regenerate the reference in ``docs/`` and README's codes table from the code that defines them.

Written whole: one page per code (``docs/codes/AEX100.md``...), from the rules' ``Docs``, and the
codes' index (``docs/codes/README.md``). Written between two marker comments of a hand-written
page: README's codes table, the catalog in ``docs/catalog.md`` (from ``catalog.py``), and the
tables of every setting and flag in ``docs/configuration.md`` (from the one list of the table's
keys, flake8's options as the plugin declares them, and ``executor-fix``'s argument parser).

Run it after changing a rule's docs, the catalog, a setting or a flag. ``--check`` writes nothing
and exits 1 when a page is out of date (or a page of a code that no longer exists is left), as the
test suite does.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flake8_executor import docs
from flake8_executor.command import cli
from flake8_executor.config import keys
from flake8_executor.plugin import ExecutorChecker
from flake8_executor.rules.registry import CODES

ROOT = Path(__file__).resolve().parent.parent


class _RecordedOptions:
    """Stands in for flake8's option manager: keeps what the plugin declares."""

    def __init__(self) -> None:
        self.help: dict[str, str] = {}

    def add_option(self, name: str, **kwargs: Any) -> None:
        self.help[name] = " ".join(str(kwargs.get("help", "")).split())

    def extend_default_ignore(self, codes: Sequence[str]) -> None:
        pass


def _flag_help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """An action's help as ``--help`` prints it (``%(default)s`` filled in), on one line."""
    formatter = parser._get_formatter()
    return " ".join(formatter._expand_help(action).split())  # type: ignore[attr-defined]


def _flags(action: argparse.Action) -> str:
    names = ", ".join(f"`{name}`" for name in action.option_strings) or f"`{action.metavar}`"
    if action.option_strings and action.nargs != 0 and action.metavar:
        names += f" `{action.metavar}`"
    return names


# Keys that no flag of either front end describes.
KEY_MEANINGS = {
    "per-file-ignores": "codes not to report or fix in the files a glob matches, as flake8's "
    'per-file-ignores: a table of globs and lists of codes, or flake8\'s string ("tests/*:AEX101")',
}


def configuration_keys() -> str:
    """Every key of ``[tool.flake8-executor]``, with the flags that set it and what it means."""
    recorded = _RecordedOptions()
    ExecutorChecker.add_options(recorded)
    parser = cli.build_parser()
    by_flag = {name: action for action in parser._actions for name in action.option_strings}
    rows = [
        "| key | `executor-fix` | flake8 | language server | meaning |",
        "|---|---|---|---|---|",
    ]
    for key in keys.KEYS:
        fixer = by_flag.get(f"--{key}")
        spelled = f"--{key}"
        if fixer is not None and fixer.help == argparse.SUPPRESS:
            # A yes/no flag kept for flake8's spelling: --help names its --no- form.
            fixer, spelled = by_flag.get(f"--no-{key}"), f"--no-{key}"
        flake8_option = f"--executor-{key}"
        meaning = (
            recorded.help.get(flake8_option)
            or (_flag_help(parser, fixer) if fixer else "")
            or KEY_MEANINGS.get(key, "")
        )
        rows.append(
            "| "
            + " | ".join(
                [
                    f"`{key}`",
                    f"`{spelled}`" if fixer else "",
                    f"`{flake8_option}`" if flake8_option in recorded.help else "",
                    "yes" if key in keys.OPTION_KEYS else "",
                    docs._cell(meaning),
                ]
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def fixer_flags() -> str:
    """Every flag of ``executor-fix``, as its ``--help`` describes it."""
    parser = cli.build_parser()
    rows = ["| flag | meaning |", "|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue  # --help itself, and the flags --help does not show
        rows.append(f"| {docs._cell(_flags(action))} | {docs._cell(_flag_help(parser, action))} |")
    return "\n".join(rows) + "\n"


# README's tour: the module it shows, the commands run on it, what they print.
TOUR_HEADING = "## A 30-second tour"
TOUR_COMMANDS = (("flake8", "app.py"), ("executor-fix", "app.py"))


def tour_module(readme: str) -> str:
    """The first Python block after README's tour heading."""
    found = re.search(r"```python\n(.*?)```", readme[readme.index(TOUR_HEADING) :], re.DOTALL)
    if found is None:
        raise ValueError(f"README.md: no python block after {TOUR_HEADING!r}")
    return found.group(1)


def tour(readme: str) -> str:
    """What the tour's commands print on its module, and the module they leave: run for real, in
    a project of its own (this repository's configuration must not apply)."""
    module = tour_module(readme)
    shown = []
    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory)
        (project / "pyproject.toml").write_text('[project]\nname = "tour"\n', encoding="utf-8")
        (project / "app.py").write_text(module, encoding="utf-8")
        for tool, *args in TOUR_COMMANDS:
            program = "flake8" if tool == "flake8" else "flake8_executor"
            result = subprocess.run(
                [sys.executable, "-m", program, *args],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=120,
            )
            shown.append(f"$ {tool} {' '.join(args)}\n{result.stdout}")
        fixed = (project / "app.py").read_text(encoding="utf-8")
    return (
        "```console\n" + "".join(shown) + "```\n\n"
        "`app.py` now reads:\n\n```python\n" + fixed + "```\n"
    )


def generated(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` and the text it must hold."""
    pages = {root / "docs" / "codes" / f"{code}.md": docs.code_page(code) for code in CODES}
    pages[root / "docs" / "codes" / "README.md"] = docs.codes_index()
    parts = {
        root / "README.md": [
            ("tour", tour((root / "README.md").read_text(encoding="utf-8"))),
            ("codes", docs.readme_table()),
        ],
        root / "docs" / "catalog.md": [("catalog", docs.catalog_sections())],
        root / "docs" / "configuration.md": [
            ("keys", configuration_keys()),
            ("executor-fix flags", fixer_flags()),
        ],
    }
    for path, replacements in parts.items():
        text = path.read_text(encoding="utf-8")
        for name, part in replacements:
            try:
                text = docs.updated_part(text, name, part)
            except ValueError as error:
                raise ValueError(f"{path.relative_to(root)}: {error}") from None
        pages[path] = text
    return pages


def stale(root: Path) -> list[Path]:
    """Pages of codes that no rule declares any more."""
    return sorted(
        path for path in (root / "docs" / "codes").glob("AEX*.md") if path.stem not in CODES
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a page is out of date"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="default: %(default)s")
    args = parser.parse_args(argv)
    root: Path = args.root
    try:
        wanted = generated(root)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    changed = [
        path
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    removed = stale(root)
    if not changed and not removed:
        return 0
    names = ", ".join(str(path.relative_to(root)) for path in [*changed, *removed])
    if args.check:
        print(f"out of date: {names}; run python scripts/generate_docs.py", file=sys.stderr)
        return 1
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path], encoding="utf-8")
    for path in removed:
        path.unlink()
    print(f"updated: {names}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
