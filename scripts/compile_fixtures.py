"""Compile every fixed fixture output with every installed Python its target version allows.

The fixer promises output that compiles on the target version (spec section 5), and its own checks
run on the Python that runs it: an ``await`` in a nested comprehension parses on 3.11 and is a
SyntaxError on 3.10, whatever the fixer's own parser says. This asks each real interpreter instead.

The outputs are the fixture pairs' expected files (``fixtures/fix/NAME.fixed.py``, and ``NAME.py``
itself where the fixer must leave a file alone): ``tests/test_fix_fixtures.py`` checks that they are
exactly what ``executor-fix`` writes. A fixture's target version is the ``--target-version`` of its
``# args:`` header, else py39 (the fixtures declare no Python). Each output is compiled by every
Python from its target version up to 3.13 that is on the machine (pyenv's versions, then PATH; the
same search as ``scripts/matrix.py``), in one child process per interpreter, so the step takes about
a second. It needs only the standard library; CI runs it from ``.ci/run``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# A sibling script, not a package: importable once its folder is on the path.
from matrix import find_interpreter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix"
DEFAULT_TARGET = (3, 9)
# Older than the supported range (3.9 to 3.13) on purpose: a py38 fixture is compiled by 3.8 too.
VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
MINIMUM = 3  # interpreters that must be found: fewer proves little about "every target"

# Run by each interpreter: compile the files named on stdin, print one line per failure.
_COMPILE = """\
import json, sys
for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as file:
            compile(file.read(), path, "exec", dont_inherit=True)
    except SyntaxError as error:
        print(f"{path}:{error.lineno}:{error.offset}: {error.msg}")
"""


def target_of(fixture: Path) -> tuple[int, int]:
    """The ``--target-version`` of the fixture's ``# args:`` header, else the default."""
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# args:"):
            args = shlex.split(line.removeprefix("# args:"))
            for index, arg in enumerate(args):
                value = None
                if arg == "--target-version" and index + 1 < len(args):
                    value = args[index + 1]
                elif arg.startswith("--target-version="):
                    value = arg.partition("=")[2]
                if value:
                    return (3, int(value.lower().removeprefix("py3")))
    return DEFAULT_TARGET


def outputs() -> dict[Path, tuple[int, int]]:
    """Each fixture's expected output and its target version."""
    found = {}
    for case in sorted(FIXTURES.glob("*.py")):
        if case.name.endswith(".fixed.py"):
            continue
        fixed = case.with_name(case.stem + ".fixed.py")
        found[fixed if fixed.exists() else case] = target_of(case)
    return found


def compile_with(interpreter: str, paths: Sequence[Path]) -> list[str]:
    """The failures of ``paths`` compiled by ``interpreter`` (empty: all compile)."""
    completed = subprocess.run(
        [interpreter, "-I", "-c", _COMPILE],
        input=json.dumps([str(path) for path in paths]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    failures = completed.stdout.splitlines()
    if completed.returncode != 0:
        failures.append(f"{interpreter} failed: {completed.stderr.strip()[-500:]}")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        action="append",
        metavar="PATH",
        help="compile with these interpreters only (repeatable); default: every version found",
    )
    parser.add_argument("--minimum", type=int, default=MINIMUM, help="fewest interpreters to use")
    args = parser.parse_args(argv)
    interpreters: dict[tuple[int, int], str] = {}
    for given in args.python or []:
        probe = subprocess.run(
            [given, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        )
        major, minor = map(int, probe.stdout.split())
        interpreters[(major, minor)] = given
    if not args.python:
        for version in VERSIONS:
            found = find_interpreter(version)
            if found:
                interpreters[tuple(map(int, version.split(".")))] = found  # type: ignore[index]
    files = outputs()
    failures: list[str] = []
    for version, interpreter in sorted(interpreters.items()):
        wanted = [path for path, target in files.items() if target <= version]
        problems = compile_with(interpreter, wanted)
        name = ".".join(map(str, version))
        print(f"compile-fixtures: Python {name}: {len(wanted)} outputs, {len(problems)} failed")
        failures += [f"  Python {name}: {problem}" for problem in problems]
    if failures:
        print("compile-fixtures: FAILED\n" + "\n".join(failures))
        return 1
    if len(interpreters) < args.minimum:
        print(f"compile-fixtures: FAILED: {len(interpreters)} Pythons found, {args.minimum} needed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
