"""Which files ``executor-fix`` touches: the user's code, never an environment or a tool's folder.

A directory walk skips, as ruff's does and more:

- the default excludes (``DEFAULT_EXCLUDES``: version control, virtual environments under their usual
  names, ``site-packages``, build output, the caches of the usual tools), which ``exclude`` replaces
  and ``extend-exclude`` adds to (globs matched against a base name or an absolute path, flake8's
  rule);
- any directory holding a ``pyvenv.cfg``: a virtual environment whatever its name (``env/``, the
  Python tutorial's name, holds installed packages that the fixer must never rewrite);
- what git ignores: every ``.gitignore`` from the repository's root down to the file, and
  ``.git/info/exclude`` (``pathspec``'s gitignore semantics; outside a git repository, as git and
  ruff, none).

A path named on the command line is checked even when it matches (ruff's rule: naming it is asking
for it), unless ``--force-exclude``: then the path and the directories it is in, below the
project's root, are judged as the walk would judge them, and a skipped path is reported as such.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch

import pathspec

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".env",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "env",
    "node_modules",
    "site-packages",
    "venv",
)
VENV_MARKER = "pyvenv.cfg"


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """flake8's rule: a pattern matches the base name, or the absolute path."""
    name = os.path.basename(os.path.normpath(path))
    absolute = os.path.abspath(path)
    return any(fnmatch(name, pattern) or fnmatch(absolute, pattern) for pattern in patterns)


def normalize_patterns(patterns: Iterable[str], base: str) -> list[str]:
    """Patterns naming a path (``src/gen``) are made absolute from ``base``; names stay names."""
    normalized = []
    for raw in patterns:
        pattern = raw.strip().rstrip("/")
        if not pattern:
            continue
        if "/" in pattern or os.sep in pattern:
            pattern = os.path.abspath(os.path.join(base, pattern))
        normalized.append(pattern)
    return normalized


_Specs = tuple[tuple[str, pathspec.PathSpec], ...]


@dataclass
class Finder:
    """Decides what is excluded; reads each directory's ``.gitignore`` once per run."""

    patterns: Sequence[str]
    respect_gitignore: bool = True
    _specs: dict[str, _Specs | None] = field(default_factory=dict)

    def excluded(self, path: str, is_dir: bool) -> bool:
        """Whether the walk skips ``path`` (its parents are not looked at)."""
        if is_excluded(path, self.patterns):
            return True
        absolute = os.path.abspath(path)
        if is_dir and os.path.isfile(os.path.join(absolute, VENV_MARKER)):
            return True
        return self.respect_gitignore and self._gitignored(absolute, is_dir)

    def force_excluded(self, path: str, root: str) -> bool:
        """The path or a directory it is in, below ``root``, is excluded: ``--force-exclude``.

        pre-commit names each file, so a file in an excluded directory (``migrations/0001.py``) is
        only skipped when its directories are judged too, as ruff and black do.
        """
        absolute = os.path.abspath(path)
        root = os.path.abspath(root)
        is_dir = os.path.isdir(absolute)
        while True:
            if self.excluded(absolute, is_dir):
                return True
            parent = os.path.dirname(absolute)
            if parent in (absolute, root) or os.path.commonpath([parent, root]) != root:
                return False
            absolute, is_dir = parent, True

    def walk(self, directory: str) -> Iterator[str]:
        for root, dirnames, filenames in os.walk(directory):
            dirnames[:] = sorted(
                name for name in dirnames if not self.excluded(os.path.join(root, name), True)
            )
            for name in sorted(filenames):
                path = os.path.join(root, name)
                if name.endswith(".py") and not self.excluded(path, False):
                    yield path

    def _gitignored(self, path: str, is_dir: bool) -> bool:
        """git's answer: the deepest ``.gitignore`` with a matching line decides (``!`` re-includes)."""
        specs = self._specs_for(os.path.dirname(path))
        if not specs:
            return False
        for base, spec in reversed(specs):
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            result = spec.check_file(relative + "/" if is_dir else relative)
            if result.include is not None:
                return bool(result.include)
        return False

    def _specs_for(self, directory: str) -> _Specs | None:
        """The ignore files that apply in ``directory``, outermost first; None outside a repo."""
        if directory in self._specs:
            return self._specs[directory]
        if os.path.exists(os.path.join(directory, ".git")):
            inherited: _Specs | None = _read_spec(
                directory, os.path.join(".git", "info", "exclude")
            )
        else:
            parent = os.path.dirname(directory)
            inherited = None if parent == directory else self._specs_for(parent)
        specs = None if inherited is None else inherited + _read_spec(directory, ".gitignore")
        self._specs[directory] = specs
        return specs


def _read_spec(directory: str, name: str) -> _Specs:
    try:
        with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:  # none (the usual case), or a directory of that name
        return ()
    return ((directory, pathspec.GitIgnoreSpec.from_lines(lines)),)


@dataclass(frozen=True)
class Discovered:
    files: list[str]
    skipped: list[str]  # named on the command line, excluded by --force-exclude


def discover(
    paths: Iterable[str],
    finder: Finder,
    force_exclude_root: str | None = None,
) -> Discovered:
    """The files to fix, in a stable order: named files as given, directories walked for ``*.py``.

    A named path is always taken, unless ``force_exclude_root`` is given (``--force-exclude``) and
    the path or a directory it is in, below that root, is excluded.
    """
    seen: set[str] = set()
    files: list[str] = []
    skipped: list[str] = []
    for path in paths:
        if force_exclude_root is not None and finder.force_excluded(path, force_exclude_root):
            skipped.append(path)
            continue
        found: Iterable[str] = finder.walk(path) if os.path.isdir(path) else [path]
        for file_path in found:  # a missing file is reported when it is read
            key = os.path.realpath(file_path)  # a file named twice, or through a link, once
            if key not in seen:
                seen.add(key)
                files.append(file_path)
    return Discovered(files, skipped)
