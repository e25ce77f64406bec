"""Who imports a module of the project: the other direction of the project graph.

``analysis/project.py`` follows a file's imports down to the modules it calls; some fix decisions
need the modules that import *it*: a module with no framework import of its own that a trio module
imports runs under trio; an import a fix leaves unused here may be what another module imports
from this one; a coroutine's callers may hold a lock or a timeout around it. The index is built
once per project, on the first such question, by reading the import lines of every ``.py`` file
under the project's roots (a line scan, not a parse: it runs only for files that have a fix
whose answer depends on it, and errs towards finding an importer, which only keeps a fix back).
It lives as long as its ``Project``: a long-lived process (the language server) does not see an
import added to another module after the index was built.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from flake8_executor.analysis.modules import absolute_import, module_of_file

# Directories no project module lives in (as executor-fix's discovery skips them).
_SKIPPED = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        "node_modules",
        ".eggs",
        "site-packages",
    }
)
_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^#\n;]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^#\n;]+)", re.M)
# Files larger than this are not read for their imports (generated code, data).
_MAX_BYTES = 2_000_000


@dataclass
class ImportingModule:
    """One module's imports: the modules (absolute), the names taken from each, its top-level
    packages, and its path."""

    name: str
    path: str
    modules: set[str] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=dict)  # module -> names ("*" for all)
    roots: set[str] = field(default_factory=set)


class ImportIndex:
    """Every module under the project's roots, by the modules it imports."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.by_module: dict[str, list[ImportingModule]] = {}
        seen: set[str] = set()
        for path in _python_files(roots):
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            found = _read(path, roots)
            if found is None:
                continue
            for module in found.modules:
                self.by_module.setdefault(module, []).append(found)

    def importers(self, module: str) -> list[ImportingModule]:
        """The modules that import ``module`` (``import m``, ``from m import x``, or ``from
        package import m`` for a submodule)."""
        return self.by_module.get(module, [])


def _python_files(roots: tuple[str, ...]) -> Iterator[str]:
    for root in roots:
        for directory, directories, files in os.walk(root):
            directories[:] = [
                name
                for name in directories
                if name not in _SKIPPED
                and not name.startswith(".")
                and not os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))
            ]
            for name in files:
                if name.endswith(".py"):
                    yield os.path.join(directory, name)


def _read(path: str, roots: tuple[str, ...]) -> ImportingModule | None:
    try:
        if os.path.getsize(path) > _MAX_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return None
    if "import" not in text:
        return None
    located = module_of_file(path, roots)
    if located is None:
        return None
    module = located[0]
    found = ImportingModule(module.name, path)
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            name = part.split(" as ")[0].strip()
            if name and all(piece.isidentifier() for piece in name.split(".")):
                found.modules.add(name)
                found.roots.add(name.partition(".")[0])
    for match in _FROM.finditer(text):
        source = absolute_import(match.group(1), module.package)
        if not source:
            continue
        found.roots.add(source.partition(".")[0])
        names = found.names.setdefault(source, set())
        found.modules.add(source)
        for part in match.group(2).strip("() \t\n\\").replace("\n", ",").split(","):
            name = part.strip().split(" as ")[0].strip().rstrip("\\").strip()
            if name == "*" or name.isidentifier():
                names.add(name)
                if name != "*":
                    found.modules.add(f"{source}.{name}")  # ``from pkg import submodule``
    return found


_INDEXES: weakref.WeakKeyDictionary[object, ImportIndex] = weakref.WeakKeyDictionary()


def index_for(project: object, roots: tuple[str, ...]) -> ImportIndex:
    """The project's index, built on the first question and kept as long as the project."""
    index = _INDEXES.get(project)
    if index is None:
        index = _INDEXES[project] = ImportIndex(roots)
    return index


def importers_of(context: object) -> list[ImportingModule]:
    """The project's modules that import the file of ``context`` (a ``FileContext``), or none
    when imports are not followed."""
    project = getattr(context, "project", None)
    module = getattr(context, "module", None)
    if project is None or module is None:
        return []
    index = index_for(project, project.tree.roots)
    return [found for found in index.importers(module.name) if found.name != module.name]


def imports_name(importer: ImportingModule, module: str, name: str) -> bool:
    """``from module import name`` (or ``*``) in the importer."""
    names = importer.names.get(module, set())
    return name in names or "*" in names
