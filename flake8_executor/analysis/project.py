"""Across modules: the project's own modules, summarised once, and what their names turn out to be.

A file's helpers may live in other modules of the project (``from ..clients.partner import fetch``,
``billing.charge(...)``, ``repo = Repo(); repo.load()``). ``Project`` answers, for an absolute name:
which function of which module it is (through re-exports in ``__init__.py`` and other imports), or
which blocking method of a tracked object (``clients.http.get`` with ``http = requests.Session()``),
and what each such function reaches, composing the modules' summaries (``analysis/summary.py``)
with the same ``Composer`` as a file's own helpers. Cycles between modules are cycles of the graph.

A module is read and summarised at most once per process while its file is unchanged (its size and
modification time): a batch run (flake8, ``executor-fix``) sees the project as it was when it read
it, the language server checks every module read so far before each analysis (``refresh_projects``),
so it never answers from a stale summary, and the on-disk cache (``analysis/cache.py``) spares the
parse in the next process. A module that cannot be read or
parsed contributes nothing.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from typing import Any

from flake8_executor.analysis.cache import SummaryCache
from flake8_executor.analysis.callgraph import CALL, ITERATE, Composer, Reach, Step
from flake8_executor.analysis.lookup import method_entry
from flake8_executor.analysis.modules import ModuleFile, SourceTree, module_of_file
from flake8_executor.analysis.resolve import ImportedInstance, ObjectType
from flake8_executor.analysis.summary import ModuleSummary, summarize
from flake8_executor.catalog import CALLS, Entry
from flake8_executor.settings import Settings

# Re-exports followed before giving up (``a`` imports from ``b`` which imports from ``a``...).
MAX_HOPS = 16

FUNCTION, BLOCKING, GENERATOR = "function", "blocking", "generator"
# ("function", module name, name in the module), ("blocking", Kind, "requests.Session.get"), or
# ("generator", module name, name in the module): iterating what a generator function returns.
Target = tuple[str, Any, str]


class Project(Composer):
    """The modules found under one list of import roots, for one set of settings."""

    def __init__(
        self, roots: Sequence[str], settings: Settings, cache: SummaryCache | None
    ) -> None:
        super().__init__(None)
        self.tree = SourceTree(roots)
        self._settings = settings
        self._calls = {**CALLS, **settings.extra_calls} if settings.extra_calls else CALLS
        self._cache = cache
        self._summaries: dict[str, tuple[tuple[int, int] | None, ModuleSummary | None]] = {}
        self._checked: set[str] = set()
        self._targets: dict[str, Target | None] = {}
        self._types: dict[str, ObjectType | None] = {}
        self.parsed = 0  # modules parsed by this process (the cache test reads it)

    def begin_file(self) -> None:
        """A new file is analysed: a module it reads for the first time is checked on disk."""
        self._checked.clear()

    def refresh(self) -> None:
        """Check every module read so far on disk; forget what any change may have changed.

        A batch run sees the project as it was when it started; a long-lived process (the
        language server) calls this before each analysis, so that an edited helper is read again
        even when no summary of its module is asked for directly (what its callers reach is
        remembered).
        """
        changed = False
        for path, (signature, _summary) in list(self._summaries.items()):
            try:
                stat = os.stat(path)
                now: tuple[int, int] | None = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                now = None
            if now != signature:
                del self._summaries[path]
                changed = True
        if changed:
            self._forget()
        self._checked.clear()

    # -- summaries -------------------------------------------------------------------------------

    def summary(self, module: ModuleFile) -> ModuleSummary | None:
        path = module.path
        if path in self._checked:
            return self._summaries[path][1]
        self._checked.add(path)
        try:
            stat = os.stat(path)
            signature: tuple[int, int] | None = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            signature = None
        known = self._summaries.get(path)
        if known is not None and known[0] == signature:
            return known[1]
        if known is not None:
            self._forget()  # a module changed: what its importers reach may have changed too
        summary = self._read(module, signature) if signature is not None else None
        self._summaries[path] = (signature, summary)
        return summary

    def _read(self, module: ModuleFile, signature: tuple[int, int]) -> ModuleSummary | None:
        cache = self._cache
        if cache is not None:
            stored = cache.load(module.path, signature)
            if stored is not None and stored.get("name") == module.name:
                try:
                    return ModuleSummary.from_json(stored)
                except (KeyError, TypeError, ValueError):
                    pass
        try:
            with open(module.path, "rb") as file:
                tree = ast.parse(file.read(), module.path)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        self.parsed += 1
        try:
            summary = summarize(tree, module.name, module.package, self._settings)
        except RecursionError:
            return None
        if cache is not None:
            cache.store(module.path, signature, summary.to_json())
        return summary

    def _forget(self) -> None:
        self._memo.clear()
        self._targets.clear()
        self._types.clear()

    # -- names -----------------------------------------------------------------------------------

    def target(self, name: str, hops: int = 0) -> Target | None:
        """What an absolute name called as a function is: a function of a module, or a blocking
        method of a tracked object (``None``: not the project's, or nothing that blocks)."""
        targets = self._targets
        if name in targets:
            return targets[name]
        targets[name] = None  # a re-export cycle ends here
        found = self._target(name, hops)
        targets[name] = found
        return found

    def _target(self, name: str, hops: int) -> Target | None:
        split = self.tree.split(name)
        if split is None:
            entry = self._calls.get(name)  # a catalog callable re-exported by a project module
            return (
                (BLOCKING, entry.kind, name)
                if entry is not None and _unconditional(entry)
                else None
            )
        module, rest = split
        summary = self.summary(module)
        if summary is None:
            return None
        qualified = ".".join(rest)
        if qualified in summary.functions:
            return (FUNCTION, module.name, qualified)
        if hops < MAX_HOPS and rest[0] in summary.imports:
            return self.target(".".join([summary.imports[rest[0]], *rest[1:]]), hops + 1)
        owner = self._owner(summary, rest[:-1], hops)
        if isinstance(owner, str):
            found = method_entry(owner, rest[-1])
            if found is not None and _unconditional(found[1]):
                return (BLOCKING, found[1].kind, found[0])
        elif isinstance(owner, ImportedInstance) and hops < MAX_HOPS:
            return self.target(f"{owner.name}.{rest[-1]}", hops + 1)
        return None

    def object_type(self, name: str, hops: int = 0) -> ObjectType | None:
        """The tracked type of an object another module defines (``app.clients.http``)."""
        types = self._types
        if name in types:
            return types[name]
        types[name] = None
        split = self.tree.split(name)
        found: ObjectType | None = None
        if split is not None:
            module, rest = split
            summary = self.summary(module)
            if summary is not None:
                found = self._owner(summary, rest, hops)
        types[name] = found
        return found

    def _owner(self, summary: ModuleSummary, path: list[str], hops: int) -> ObjectType | None:
        if not path:
            return None
        key = ".".join(path)
        if key in summary.objects:
            return summary.objects[key]
        if hops < MAX_HOPS and path[0] in summary.imports:
            return self.object_type(".".join([summary.imports[path[0]], *path[1:]]), hops + 1)
        if len(path) >= 2:
            owner = self._owner(summary, path[:-1], hops)
            if isinstance(owner, ImportedInstance) and hops < MAX_HOPS:
                return self.object_type(f"{owner.name}.{path[-1]}", hops + 1)
        return None

    def derives_from(self, name: str, targets: frozenset[str], depth: int = 0) -> bool:
        """The project's class ``name`` has one of ``targets`` among its bases, at any depth
        (through re-exports and the project's own base classes)."""
        if depth > MAX_HOPS:
            return False
        split = self.tree.split(name)
        if split is None:
            return False
        module, rest = split
        summary = self.summary(module)
        if summary is None:
            return False
        qualified = ".".join(rest)
        if qualified not in summary.bases:
            if rest[0] in summary.imports:
                redirect = ".".join([summary.imports[rest[0]], *rest[1:]])
                return redirect in targets or self.derives_from(redirect, targets, depth + 1)
            return False
        return any(
            base in targets or (base != name and self.derives_from(base, targets, depth + 1))
            for base in summary.bases[qualified]
        )

    # -- composition -----------------------------------------------------------------------------

    def canonical(self, key: Any) -> Any:
        if isinstance(key, tuple):
            return self.generator(key[1]) if key[0] == ITERATE else key
        return self.target(key)

    def generator(self, name: str) -> Target | None:
        """``(ITERATE, name)``: the generator function ``name`` is, when it is one."""
        target = self.target(name)
        if target is None or target[0] != FUNCTION:
            return None
        module = self.tree.find(target[1])
        summary = self.summary(module) if module is not None else None
        if summary is None or target[2] not in summary.generators:
            return None
        return (GENERATOR, target[1], target[2])

    def steps(self, key: Any) -> Sequence[Step] | None:
        how, where, name = key
        if how == BLOCKING:
            return [(CALL, (where, name))]
        module = self.tree.find(where)
        summary = self.summary(module) if module is not None else None
        if summary is None:
            return None
        return (summary.generators if how == GENERATOR else summary.functions).get(name)

    def reach(self, key: Any, depth: int = 0) -> tuple[Reach, bool]:
        target = self.canonical(key)
        if target is None:
            return {}, True
        if target[0] == BLOCKING:
            return {target[1]: (target[2],)}, True  # the catalog name alone ends the chain
        return super().reach(target, depth)

    def display(self, key: Any) -> str:
        _how, module, name = key
        return f"{module.rpartition('.')[2]}.{name}"


def _unconditional(entry: Entry) -> bool:
    """A callable that blocks whatever its arguments: a call seen only by name may be judged."""
    return not entry.needs_args and entry.data_arg < 0 and entry.blocking_flag is None


class FileContext:
    """The project a file belongs to, and the module it is."""

    __slots__ = ("module", "project")

    def __init__(self, project: Project, module: ModuleFile) -> None:
        self.project = project
        self.module = module


_PROJECTS: dict[tuple[Any, ...], Project] = {}


def default_roots(project_dir: str | None) -> tuple[str, ...]:
    """With no ``source-roots``: the project's directory, and its ``src/`` in a src layout."""
    if project_dir is None:
        return ()
    src = os.path.join(project_dir, "src")
    return (project_dir, src) if os.path.isdir(src) else (project_dir,)


def context_for(path: str | None, settings: Settings) -> FileContext | None:
    """The project context of the file at ``path``; ``None`` when imports are not followed or the
    file is no importable module (stdin without a name, ``my-script.py``)."""
    if path is None or not settings.follow_imports:
        return None
    located = module_of_file(path, settings.source_roots)
    if located is None:
        return None
    module, root = located
    roots = (root, *(settings.source_roots or default_roots(settings.project_dir)))
    settings_key = repr(sorted((name, repr(entry)) for name, entry in settings.extra_calls.items()))
    key = (roots, settings_key, settings.cache_dir, settings.target_version)
    project = _PROJECTS.get(key)
    if project is None:
        cache = SummaryCache(settings.cache_dir, settings_key) if settings.cache_dir else None
        project = _PROJECTS[key] = Project(roots, settings, cache)
    project.begin_file()
    return FileContext(project, module)


def refresh_projects() -> None:
    """Before an analysis in a long-lived process: read again every module changed on disk."""
    for project in _PROJECTS.values():
        project.refresh()
