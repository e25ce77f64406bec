"""Run flake8 with only the named plugins loaded, on files listed in a file.

Why this exists: flake8 runs *every* installed plugin on every file and applies ``--select`` only to
what gets reported. In a virtualenv with flake8-async and flake8-executor installed, the commands
``flake8 --select=E999``, ``--select=AEX`` and ``--select=ASYNC`` all run pyflakes, pycodestyle,
mccabe, flake8-async and flake8-executor, and cost the same: comparing them measures nothing. So each
flake8 row of the benchmark loads exactly the plugins it is about (none for the floor), by filtering
what ``flake8.plugins.finder.find_plugins`` discovers, and then runs flake8's own ``main`` unchanged.

It also reads the file list from a file, so any number of files goes to one flake8 process with no
ARG_MAX limit (and no per-chunk start-up cost in the timing).

If flake8-executor is wanted but not installed (no ``AEX`` entry point, e.g. in CI before
``pip install -e .``), its entry point is added by hand; the module is then imported from the
repository, which ``run.py`` puts first on ``PYTHONPATH``.

Usage: ``child_flake8.py --plugins NAME[,NAME] --files LIST [--cache-dir DIR|fresh]
[--drop-findings] -- ARGS...``
(``ARGS``: flake8's); ``NAME`` is a
distribution name (``pyflakes``, ``pycodestyle``, ``mccabe``, ``flake8-async``, ``flake8-executor``)
or ``none``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import sys
import tempfile
from typing import Any

EXECUTOR_DIST = "flake8-executor"
EXECUTOR_ENTRY_POINT = ("AEX", "flake8_executor.plugin:ExecutorChecker", "flake8.extension")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _install_filter(wanted: frozenset[str]) -> None:
    """Replace ``find_plugins`` by a version that keeps report formatters and ``wanted`` checkers."""
    from flake8.plugins import finder

    original = finder.find_plugins

    def find_plugins(cfg: Any, opts: Any) -> list[Any]:
        found = original(cfg, opts)
        kept = [
            plugin
            for plugin in found
            if plugin.entry_point.group == "flake8.report" or _norm(plugin.package) in wanted
        ]
        # One entry point per (package, name): an editable install can be seen twice.
        unique = {(p.package, p.entry_point.name, p.entry_point.group): p for p in kept}
        kept = sorted(unique.values())
        have = {_norm(plugin.package) for plugin in kept}
        if EXECUTOR_DIST in wanted and EXECUTOR_DIST not in have:
            entry_point = importlib.metadata.EntryPoint(*EXECUTOR_ENTRY_POINT)
            kept.append(finder.Plugin(EXECUTOR_DIST, "repo", entry_point))
            kept.sort()
        return kept

    finder.find_plugins = find_plugins  # parse_args calls it as finder.find_plugins(...)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugins", required=True)
    parser.add_argument("--files", required=True)
    parser.add_argument(
        "--cache-dir",
        help="flake8-executor's summary cache here (FLAKE8_EXECUTOR_CACHE_DIR); 'fresh': an empty "
        "directory made for this run and removed after it (a cold cache)",
    )
    parser.add_argument(
        "--drop-findings",
        action="store_true",
        help="remove the findings kept in --cache-dir first: summaries warm, every file analysed",
    )
    parser.add_argument("flake8_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    fresh = None
    if args.cache_dir == "fresh":
        fresh = args.cache_dir = tempfile.mkdtemp(prefix="flake8-executor-cold-")
    if args.cache_dir:
        os.environ["FLAKE8_EXECUTOR_CACHE_DIR"] = args.cache_dir
        if args.drop_findings:
            shutil.rmtree(os.path.join(args.cache_dir, "findings"), ignore_errors=True)
    # run.py puts the repository on PYTHONPATH for this process's imports (already on sys.path
    # now); the interpreter that --executor-python names is asked for its sys.path in a child that
    # would inherit it, and the repository would count as installed packages of the analysed one.
    os.environ.pop("PYTHONPATH", None)
    wanted = frozenset(
        _norm(name) for name in args.plugins.split(",") if name.strip() and name != "none"
    )
    _install_filter(wanted)
    with open(args.files, encoding="utf-8") as handle:
        files = [line.rstrip("\n") for line in handle if line.strip()]
    flake8_args = [a for a in args.flake8_args if a != "--"]

    from flake8.main.cli import main as flake8_main

    try:
        return flake8_main([*flake8_args, *files])
    finally:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
