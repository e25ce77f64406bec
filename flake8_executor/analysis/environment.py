"""The analysed environment: where the installed packages the project calls are, and whose they are.

A coroutine that calls ``client.update()`` of an installed SDK blocks when the SDK does; the call
graph follows such calls into the environment the project runs in, found as mypy finds it
(``--python-executable``), in this order:

1. ``--executor-python PATH`` / ``python = "PATH"``: that interpreter is asked for its ``sys.path``
   once per process (a subprocess; the answer is remembered); a virtual environment's directory
   is read as in 2;
2. ``$VIRTUAL_ENV``;
3. a ``.venv/`` or ``venv/`` holding a ``pyvenv.cfg`` at the project's root;
4. the interpreter running the tool (``PYTHONPATH`` counts).

Only the ``site-packages``-like directories count: the standard library is the catalog's and is
never read. A top-level module is owned by the distribution whose ``*.dist-info`` lists it
(``top_level.txt``, else its ``RECORD``), read with ``importlib.metadata`` against these directories
(not the running interpreter's): its name and version key the shared cache of installed summaries.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence

# Asks an interpreter where it imports from, and where its standard library is (left out).
_PROBE = (
    "import json, sys, sysconfig; p = sysconfig.get_paths(); "
    "print(json.dumps([sys.path, [p['stdlib'], p['platstdlib']]]))"
)
_ASKED: dict[str, tuple[str, ...]] = {}


class InterpreterError(ValueError):
    """An interpreter that cannot be asked; ``str()`` is one line for the user."""


def ask_interpreter(python: str) -> tuple[str, ...]:
    """The installed-package directories of the interpreter ``python`` (asked once per process)."""
    known = _ASKED.get(python)
    if known is not None:
        return known
    try:
        done = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={key: value for key, value in os.environ.items() if key != "PYTHONHOME"},
        )
        path, stdlib = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        raise InterpreterError(f"{python}: cannot ask it for its sys.path ({error})") from None
    found = _site_directories(path, stdlib)
    _ASKED[python] = found
    return found


def _site_directories(path: Iterable[str], stdlib: Sequence[str]) -> tuple[str, ...]:
    """The entries of a ``sys.path`` that are directories outside the standard library."""
    skip = [os.path.normcase(os.path.abspath(directory)) for directory in stdlib if directory]
    kept = []
    for entry in path:
        if not entry or not os.path.isdir(entry):
            continue  # the script's directory (""), zip files, missing entries
        absolute = os.path.abspath(entry)
        folded = os.path.normcase(absolute)
        in_stdlib = any(folded == base or folded.startswith(base + os.sep) for base in skip)
        if in_stdlib and "site-packages" not in folded and "dist-packages" not in folded:
            continue  # the standard library and lib-dynload
        kept.append(absolute)
    return tuple(dict.fromkeys(kept))


def venv_site_packages(venv: str) -> tuple[str, ...]:
    """The ``site-packages`` of a virtual environment's directory, with the paths its ``.pth``
    files add (editable installs)."""
    found = sorted(glob.glob(os.path.join(venv, "lib", "python3*", "site-packages")))
    found += [path for path in (os.path.join(venv, "Lib", "site-packages"),) if os.path.isdir(path)]
    return _with_pth(found)


def _with_pth(directories: Sequence[str]) -> tuple[str, ...]:
    result = [os.path.abspath(directory) for directory in directories]
    for directory in directories:
        try:
            names = sorted(name for name in os.listdir(directory) if name.endswith(".pth"))
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(directory, name), encoding="utf-8") as file:
                    lines = file.read().splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for line in lines:
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                added = os.path.normpath(os.path.join(directory, line))
                if os.path.isdir(added):
                    result.append(added)
    return tuple(dict.fromkeys(result))


def find_environment(python: str | None, project_dir: str | None) -> tuple[str, ...]:
    """The installed-package directories of the analysed environment (the module docstring's order)."""
    if python:
        if os.path.isfile(os.path.join(python, "pyvenv.cfg")):
            return venv_site_packages(python)  # a virtual environment's directory named
        return ask_interpreter(python)
    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env and os.path.isdir(virtual_env):
        return venv_site_packages(virtual_env)
    if project_dir:
        for name in (".venv", "venv"):
            venv = os.path.join(project_dir, name)
            if os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
                return venv_site_packages(venv)
    paths = sysconfig.get_paths()
    # The first entry is the running script's directory (or the cwd, for ``-m``): not installed.
    entries = sys.path if getattr(sys.flags, "safe_path", False) else sys.path[1:]
    return _site_directories(entries, [paths["stdlib"], paths["platstdlib"]])


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


class Distributions:
    """Which installed distribution owns a top-level module, for one list of directories.

    Read only when an installed module is first reached, and then once: a distribution named like
    the module is tried first (most are), the ``top_level.txt`` or ``RECORD`` of the others only
    when that fails.
    """

    def __init__(self, directories: Sequence[str]) -> None:
        self.directories = tuple(directories)
        self._by_name: dict[str, list[tuple[str, str, object]]] | None = None
        self._owners: dict[str, tuple[str, str] | None] = {}
        self._scanned = False

    def owner(self, top: str) -> tuple[str, str] | None:
        """``(name, version)`` of the distribution that installs module ``top``, or ``None``."""
        owners = self._owners
        if top in owners:
            return owners[top]
        by_name = self._distributions()
        for name, version, dist in by_name.get(_normalized(top), ()):
            if top in _top_levels(dist):
                owners[top] = (name, version)
                return owners[top]
        if not self._scanned:
            self._scanned = True
            for candidates in by_name.values():
                for name, version, dist in candidates:
                    for module in _top_levels(dist):
                        owners.setdefault(module, (name, version))
        return owners.setdefault(top, None)

    def _distributions(self) -> dict[str, list[tuple[str, str, object]]]:
        if self._by_name is None:
            from importlib import metadata

            self._by_name = {}
            for dist in metadata.distributions(path=list(self.directories)):
                try:
                    name = dist.metadata["Name"]
                    version = dist.version
                except Exception:  # a broken dist-info names nothing
                    continue
                if name and version:
                    self._by_name.setdefault(_normalized(name), []).append((name, version, dist))
        return self._by_name


def _top_levels(dist: object) -> frozenset[str]:
    """The top-level modules a distribution installs: ``top_level.txt``, else its ``RECORD``."""
    try:
        text = dist.read_text("top_level.txt")  # type: ignore[attr-defined]
        if text:
            return frozenset(line.strip() for line in text.splitlines() if line.strip())
        files = dist.files or ()  # type: ignore[attr-defined]
    except Exception:
        return frozenset()
    tops = set()
    for file in files:
        parts = file.parts
        if (
            not parts
            or parts[0].endswith((".dist-info", ".data"))
            or parts[0] in ("..", "__pycache__")
        ):
            continue
        first = parts[0]
        if len(parts) == 1:
            if not first.endswith(".py"):
                continue
            first = first[:-3]
        if first.isidentifier():
            tops.add(first)
    return frozenset(tops)
