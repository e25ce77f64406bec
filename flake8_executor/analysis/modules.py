"""Where the project's own modules are: a file's dotted name, and the file behind a dotted name.

Python finds ``app.clients.partner`` on ``sys.path``; a linter has no ``sys.path`` to ask, so it
searches what Python would have there for the project: the directory above a file's top package
(walking up through directories with ``__init__.py``; a lone script's own directory) and the source
roots (``source-roots``, by default the project's directory and its ``src/``), where namespace
packages without ``__init__.py`` are found too. Only a name whose file is found there is the
project's; the standard library is never looked for. After the roots, the analysed environment's
installed packages are searched (``analysis/environment.py``): a module found there is read only
when a call reaches it, and is owned by its distribution (name and version). A top-level name the
catalog knows (``requests``, ``redis``...) is the catalog's and is never read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from flake8_executor.analysis.dependencies import Recorder
from flake8_executor.analysis.environment import Distributions
from flake8_executor.stdlib_modules import STDLIB_MODULES


class ModuleFile:
    """One module of the project: its dotted name and its file."""

    __slots__ = ("distribution", "is_package", "name", "path")

    def __init__(
        self,
        name: str,
        path: str,
        is_package: bool,
        distribution: tuple[str, str | None] | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.is_package = is_package  # an ``__init__.py``: relative imports start from itself
        # An installed module: its distribution's name and version (None: no dist-info owns it).
        self.distribution = distribution

    @property
    def installed(self) -> bool:
        return self.distribution is not None

    @property
    def package_label(self) -> str:
        """How messages name the installed package: its distribution's name."""
        return self.distribution[0] if self.distribution is not None else self.name

    @property
    def package(self) -> str:
        """What ``from . import x`` is relative to."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def module_of_file(path: str, source_roots: Sequence[str] = ()) -> tuple[ModuleFile, str] | None:
    """The module a file is, and the directory its top package lives in (an import root).

    Under a configured source root the name is the path below it (namespace packages included);
    elsewhere it is the chain of packages with ``__init__.py`` above the file. ``None`` for a name that is not
    a dotted identifier (``my-script.py``): nothing can import it.
    """
    path = os.path.abspath(path)
    directory, filename = os.path.split(path)
    stem, extension = os.path.splitext(filename)
    if extension not in (".py", ".pyi"):
        return None
    is_package = stem == "__init__"
    for root in sorted(source_roots, key=len, reverse=True):
        root = os.path.abspath(root)
        if directory == root or directory.startswith(root + os.sep):
            relative = os.path.relpath(directory, root)
            parts = [] if relative == "." else relative.split(os.sep)
            if not is_package:
                parts.append(stem)
            if parts and all(part.isidentifier() for part in parts):
                return ModuleFile(".".join(parts), path, is_package), root
    parts = [] if is_package else [stem]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.append(package)
        if not directory or directory == os.path.dirname(directory):
            break
    parts.reverse()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ModuleFile(".".join(parts), path, is_package), directory


def absolute_import(name: str, package: str | None) -> str | None:
    """``..clients.fetch`` seen from package ``app.api`` -> ``app.clients.fetch``.

    The walk records a relative import with its leading dots; ``None`` when it climbs above the
    top package or the file is in no package.
    """
    if not name.startswith("."):
        return name
    if not package:
        return None
    rest = name.lstrip(".")
    level = len(name) - len(rest)
    parts = package.split(".")
    if level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, rest]) if rest else ".".join(base)


class SourceTree:
    """Finds module files under a fixed list of import roots, then in the installed packages'
    directories (``site``); each answer is remembered."""

    def __init__(
        self,
        roots: Sequence[str],
        site: Sequence[str] = (),
        catalog_roots: frozenset[str] = frozenset(),
    ) -> None:
        self.roots = tuple(dict.fromkeys(os.path.abspath(root) for root in roots))
        self.site = tuple(path for path in dict.fromkeys(site) if path not in self.roots)
        self._catalog_roots = catalog_roots
        self._distributions = Distributions(self.site) if self.site else None
        self._found: dict[str, ModuleFile | None] = {}
        # Notes each name looked up (``analysis/dependencies.py``): a file added later changes it.
        self.recorder = Recorder()

    def find(self, name: str) -> ModuleFile | None:
        """The file for a dotted module name: the project's, else an installed package's;
        ``None`` for the standard library, a name the catalog knows, or no file."""
        self.recorder.note(name)
        found = self._found
        if name in found:
            return found[name]
        result = None
        parts = name.split(".")
        if parts[0] not in STDLIB_MODULES and all(part.isidentifier() for part in parts):
            result = _find_under(self.roots, name, parts)
            if result is None and self.site and parts[0] not in self._catalog_roots:
                result = _find_under(self.site, name, parts)
                if result is not None and self._distributions is not None:
                    owner = self._distributions.owner(parts[0])
                    result.distribution = owner if owner is not None else (parts[0], None)
        found[name] = result
        return result

    def found(self, name: str) -> str | None:
        """The path ``find`` gave for ``name`` in this process (``None``: no module)."""
        module = self._found.get(name)
        return module.path if module is not None else None

    def split(self, qualified: str) -> tuple[ModuleFile, list[str]] | None:
        """``app.billing.charge`` -> (the module ``app.billing``, ``["charge"]``): the longest
        prefix that is a project module, and the attribute path below it."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.find(".".join(parts[:cut]))
            if module is not None:
                return module, parts[cut:]
        return None


def _find_under(roots: Sequence[str], name: str, parts: list[str]) -> ModuleFile | None:
    for root in roots:
        base = os.path.join(root, *parts)
        package = os.path.join(base, "__init__.py")
        if os.path.isfile(package):
            return ModuleFile(name, package, True)
        if os.path.isfile(base + ".py"):
            return ModuleFile(name, base + ".py", False)
    return None
