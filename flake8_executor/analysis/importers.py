"""Who imports a module of the project: the other direction of the project graph.

``analysis/project.py`` follows a file's imports down to the modules it calls; some fix decisions
need the modules that import *it*: a module with no framework import of its own that a trio module
imports runs under trio; an import a fix leaves unused here may be what another module imports
from this one; a coroutine's callers may hold a lock or a timeout around it. The index is built
once per project, on the first such question, by reading the import lines of every ``.py`` file
under the project's roots (a line scan, not a parse: it runs only for files that have a fix
whose answer depends on it, and errs towards finding an importer, which only keeps a fix back).
Each root is read once per process: a long-lived process (the language server) does not see an
import added to another module after that.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from flake8_executor.analysis.modules import absolute_import

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
_FROM = re.compile(r"[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)?|[^#\n;]*)", re.S)
_IMPORT = re.compile(r"[ \t]*import[ \t]+([^#\n;]+)")
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
        self._parts = [_root_files(root) for root in roots]

    def importers(self, module: str) -> list[ImportingModule]:
        """The modules that import ``module`` (``import m``, ``from m import x``, or ``from
        package import m`` for a submodule), each once however many roots hold it. Only the files
        whose import lines name the module's last part are parsed."""
        last = module.rpartition(".")[2].encode()
        found: dict[str, ImportingModule] = {}
        for part in self._parts:
            for lines in part:
                if last not in lines.text:
                    continue
                importer = lines.parsed()
                if importer is not None and module in importer.modules:
                    found.setdefault(os.path.realpath(importer.path), importer)
        return list(found.values())


class _ImportLines:
    """A file's import lines as found in its bytes, parsed on the first question that names them."""

    __slots__ = ("_parsed", "path", "root", "text")

    def __init__(self, path: str, root: str, text: bytes) -> None:
        self.path = path
        self.root = root
        self.text = text
        self._parsed: ImportingModule | bool | None = False

    def parsed(self) -> ImportingModule | None:
        if self._parsed is False:
            self._parsed = _parse(self.path, self.text)
        return self._parsed  # type: ignore[return-value]


# root -> the import lines of each file under it: each directory is read once per process (the
# projects of a batch run, one per import root, share the directories they both cover).
_ROOTS: dict[str, list[_ImportLines]] = {}


def _root_files(root: str) -> list[_ImportLines]:
    files = _ROOTS.get(root)
    if files is None:
        files = _ROOTS[root] = []
        for path in _python_files((root,)):
            found = _read_once(path, root)
            if found is not None:
                files.append(found)
    return files


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


# path -> (size, mtime, its import lines).
_READ: dict[str, tuple[int, int, _ImportLines | None]] = {}


def _read_once(path: str, root: str) -> _ImportLines | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a FIFO or a device named *.py: opening it could block for ever
    known = _READ.get(path)
    if known is not None and known[:2] == (info.st_size, info.st_mtime_ns):
        return known[2]
    found = _read(path, root) if info.st_size <= _MAX_BYTES else None
    _READ[path] = (info.st_size, info.st_mtime_ns, found)
    return found


def _read(path: str, root: str) -> _ImportLines | None:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return None
    if b"import" not in data:
        return None
    # A parenthesised list over several lines is kept whole (up to its closing parenthesis).
    lines = [match.group(0) for match in _IMPORT_LINE.finditer(data)]
    return _ImportLines(path, root, b"\0".join(lines)) if lines else None


def _parse(path: str, text: bytes) -> ImportingModule | None:
    located = _module_name(path)
    if located is None:
        return None
    name, package = located
    found = ImportingModule(name, path)
    for raw in text.split(b"\0"):
        line = raw.decode("utf-8", "replace")
        statement = _FROM.match(line)
        if statement is None:
            _import_line(line, found)
        else:
            _from_line(statement, package, found)
    return _compact(found)


def _compact(found: ImportingModule) -> ImportingModule:
    """The same sets with their strings interned, rebuilt at their final size.

    A common last name (``const``, ``util``) has nearly every file's import lines parsed, and each
    parse is kept: on Home Assistant's 6,000 files that was 49 MiB, half of a flake8 run's memory,
    most of it the same dotted names (``homeassistant.core.HomeAssistant``) once per file; interned
    and rebuilt, 35 MiB.
    """
    intern = sys.intern
    found.modules = {intern(name) for name in found.modules}
    found.roots = {intern(name) for name in found.roots}
    found.names = {
        intern(source): {intern(name) for name in names} for source, names in found.names.items()
    }
    return found


# Lines that start an import statement, found in the bytes (no decoding of the rest of the file).
_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from|import)[ \t](?:[^\n(]*\([^)]*\)?|[^\n]*)", re.M)


def _import_line(line: str, found: ImportingModule) -> None:
    match = _IMPORT.match(line)
    if match is None:
        return
    for part in match.group(1).split(","):
        name = part.split(" as ")[0].strip()
        if name and all(piece.isidentifier() for piece in name.split(".")):
            found.modules.add(name)
            found.roots.add(name.partition(".")[0])


def _from_line(statement: re.Match[str], package: str, found: ImportingModule) -> None:
    source = absolute_import(statement.group(1), package)
    if not source:
        return
    found.roots.add(source.partition(".")[0])
    names = found.names.setdefault(source, set())
    found.modules.add(source)
    listed = re.sub(r"#[^\n]*", "", statement.group(2)).strip("() \t\r\n\\")
    for part in listed.replace("\n", ",").split(","):
        name = part.strip().split(" as ")[0].strip().rstrip("\\").strip()
        if name == "*" or name.isidentifier():
            names.add(name)
            if name != "*":
                found.modules.add(f"{source}.{name}")  # ``from pkg import submodule``


# directory -> its package's dotted name ("" outside any package), once per directory.
_PACKAGES: dict[str, str | None] = {}


def _package_of(directory: str) -> str | None:
    """The dotted name of the package a directory is ("" when it is none; None when it cannot be
    imported: a package inside a directory whose name is not an identifier)."""
    if directory in _PACKAGES:
        return _PACKAGES[directory]
    result: str | None = ""
    parent_directory = os.path.dirname(directory)
    if os.path.isfile(os.path.join(directory, "__init__.py")):
        name = os.path.basename(directory)
        parent = _package_of(parent_directory) if parent_directory != directory else ""
        result = None
        if name.isidentifier() and parent is not None:
            result = f"{parent}.{name}" if parent else name
    _PACKAGES[directory] = result
    return result


def _module_name(path: str) -> tuple[str, str] | None:
    """(the module's dotted name, the package its relative imports start from)."""
    directory, file = os.path.split(os.path.abspath(path))
    package = _package_of(directory)
    if package is None:
        return None
    stem = file[:-3]
    if stem == "__init__":
        return (package, package) if package else None
    if not stem.isidentifier():
        return None
    return (f"{package}.{stem}" if package else stem), package


_INDEXES: weakref.WeakKeyDictionary[object, ImportIndex] = weakref.WeakKeyDictionary()


def index_for(project: object, roots: tuple[str, ...]) -> ImportIndex:
    """The project's index, made on the first question and kept as long as the project."""
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
