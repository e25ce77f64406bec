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
so it never answers from a stale summary (a file whose mtime is as recent as the read is checked by
its content too: a same-size edit within the mtime's granularity is seen), and the on-disk cache
(``analysis/cache.py``) spares the parse in the next process. A module that cannot be read or
parsed contributes nothing.

Installed packages (``analysis/environment.py``) are followed the same way, lazily: a module is read
only when a call of the project reaches a name in it, no deeper than ``MAX_INSTALLED_DEPTH`` calls
from the project's call site, and its summary is cached per distribution and version in the user's
cache directory. Their coroutines are summarised too: ``await lib.call()`` runs the library's
``async def`` on the loop, and what it blocks on is reported at the project's ``await``. Installed
code is parsed by the running interpreter: a module in newer syntax is skipped (noted in the log,
flake8's ``-v``).
"""

from __future__ import annotations

import ast
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

from flake8_executor import catalog
from flake8_executor.analysis.cache import SummaryCache, content_digest
from flake8_executor.analysis.callgraph import AWAIT, CALL, ITERATE, Composer, Reach, Step
from flake8_executor.analysis.conditions import Signature
from flake8_executor.analysis.dependencies import WHOLE_PROJECT, Dependency, Pending, expand
from flake8_executor.analysis.lookup import method_entry
from flake8_executor.analysis.modules import ModuleFile, SourceTree, module_of_file
from flake8_executor.analysis.resolve import ImportedInstance, ObjectType
from flake8_executor.analysis.state_index import state_assignments
from flake8_executor.analysis.summary import ModuleSummary, summarize
from flake8_executor.catalog import CALLS, Entry
from flake8_executor.config.settings import Settings
from flake8_executor.stdlib_modules import STDLIB_MODULES

LOG = logging.getLogger("flake8.executor")

# Re-exports followed before giving up (``a`` imports from ``b`` which imports from ``a``...).
MAX_HOPS = 16
# How many calls deep from the project's call site installed code is followed: an SDK's method,
# its helpers, their helpers; not the whole dependency tree.
MAX_INSTALLED_DEPTH = 6
# Two stats this close to the read cannot tell an edit from none (file systems keep mtimes in
# steps of up to 2 s): such a module is checked by its content.
MTIME_GRANULARITY_NS = 2_000_000_000

FUNCTION, HOOK, BLOCKING = "function", "hook", "blocking"
COROUTINE, GENERATOR = "coroutine", "generator"
# ("function" or "coroutine", module name, name in the module), ("hook", ...) for the
# ``__post_init__`` a generated ``__init__`` calls (the call's arguments are not its parameters),
# ("generator", module name, name in the module): iterating what a generator function returns,
# or ("blocking", Kind, "requests.Session.get").
Target = tuple[str, Any, str]


def _catalog_roots() -> frozenset[str]:
    """Top-level packages the catalog describes (``requests``, ``redis``...): never read."""
    names = [*CALLS, *catalog.CONSTRUCTORS, *catalog.ANY_METHOD]
    names += [owner for owner, _method in catalog.METHODS]
    return frozenset(
        name.partition(".")[0]
        for name in names
        if "." in name and name.partition(".")[0] not in STDLIB_MODULES
    )


CATALOG_ROOTS = _catalog_roots()


class _Known:
    """A module as last read: its stat, its summary, its content hash, when it was read."""

    __slots__ = ("digest", "read_at", "signature", "summary")

    def __init__(
        self,
        signature: tuple[int, int] | None,
        summary: ModuleSummary | None,
        digest: str | None,
        read_at: int,
    ) -> None:
        self.signature = signature
        self.summary = summary
        self.digest = digest
        self.read_at = read_at

    def unchanged(self, path: str, signature: tuple[int, int] | None) -> bool:
        if signature != self.signature:
            return False
        if signature is None or signature[1] < self.read_at - MTIME_GRANULARITY_NS:
            return True
        try:  # modified as late as it was read: only the content can tell
            with open(path, "rb") as file:
                return content_digest(file.read()) == self.digest
        except OSError:
            return False


class Project(Composer):
    """The modules found under one list of import roots, for one set of settings."""

    def __init__(
        self,
        roots: Sequence[str],
        settings: Settings,
        cache: SummaryCache | None,
        site: Sequence[str] = (),
        installed_cache: str | None = None,
        settings_key: str = "",
    ) -> None:
        super().__init__(None)
        self.tree = SourceTree(roots, site, CATALOG_ROOTS)
        self._settings = settings
        self._calls = {**CALLS, **settings.extra_calls} if settings.extra_calls else CALLS
        self._cache = cache
        self._installed_cache = installed_cache
        self._settings_key = settings_key
        self._distribution_caches: dict[tuple[str, str | None], SummaryCache] = {}
        self._packages: dict[str, str] = {}  # a displayed installed function -> its package
        self._summaries: dict[str, _Known] = {}
        self._checked: set[str] = set()
        self._targets: dict[str, Target | None] = {}
        self._types: dict[str, ObjectType | None] = {}
        # What each remembered answer read (``analysis/dependencies.py``): a file that reuses the
        # answer depends on it too. "t": targets, "y": object types; reaches by memo key.
        self.recorder = self.tree.recorder
        self._answers_read: dict[str, dict[str, frozenset[Dependency]]] = {"t": {}, "y": {}}
        self._reach_read: dict[Any, frozenset[Dependency]] = {}
        self._valid: dict[Any, bool] = {}
        # An attribute name -> the files that may assign it on an application's state.
        self._state_index: dict[str, list[str]] | None = None
        self._state_types: dict[str, ObjectType | None] = {}
        self.parsed = 0  # modules parsed by this process (the cache test reads it)

    def begin_file(self) -> None:
        """A new file is analysed: a module it reads for the first time is checked on disk, and
        what its analysis reads is recorded from here (``end_file``)."""
        self._checked.clear()
        self.recorder.begin()

    def end_file(self) -> dict[str, list[Any]] | None:
        """What the file's analysis read outside the file, as ``valid`` checks it in a later
        process: each module whose summary was read (path, stat, content hash, when it was read,
        its name and, installed, its distribution and version: an upgrade is read again) and each
        dotted name looked up as a module (the path found, or ``None``). ``None``: it read what
        every file of the project says, so its findings are not kept."""
        modules: list[Any] = []
        names: list[Any] = []
        read = expand(self.recorder.end(), self._answers_read)
        if WHOLE_PROJECT in read:
            return None
        for dependency in read:
            if isinstance(dependency, str):
                names.append([dependency, self.tree.found(dependency)])
                continue
            known = self._summaries.get(dependency.path)
            if known is not None:
                signature = list(known.signature) if known.signature is not None else None
                owner = list(dependency.distribution) if dependency.distribution else None
                modules.append(
                    [
                        dependency.path,
                        signature,
                        known.digest,
                        known.read_at,
                        dependency.name,
                        owner,
                    ]
                )
        modules.sort()
        names.sort(key=lambda pair: pair[0])
        return {"modules": modules, "names": names}

    def valid(self, read: dict[str, Any]) -> bool:
        """Whether everything a file's analysis read (``end_file``, in an earlier process) is as
        it was: each module unchanged on disk, each name still the same module (or none). Each
        module and name is checked once per process: a batch run sees the project as it was."""
        answers = self._valid
        try:
            for path, signature, digest, read_at, name, owner in read["modules"]:
                answer = answers.get(path)
                if answer is None:
                    stamp = tuple(signature) if signature is not None else None
                    known = _Known(stamp, None, digest, read_at)  # type: ignore[arg-type]
                    found = self.tree.find(name)
                    answer = answers[path] = (
                        found is not None
                        and found.path == path
                        and found.distribution == (tuple(owner) if owner else None)
                        and known.unchanged(path, _signature(path))
                    )
                if not answer:
                    return False
            for name, path in read["names"]:
                key = ("name", name)
                answer = answers.get(key)
                if answer is None:
                    found = self.tree.find(name)
                    answer = answers[key] = (found.path if found is not None else None) == path
                if not answer:
                    return False
        except (KeyError, TypeError, ValueError):
            return False
        return True

    def refresh(self) -> None:
        """Check every module read so far on disk; forget what any change may have changed.

        A batch run sees the project as it was when it started; a long-lived process (the
        language server) calls this before each analysis, so that an edited helper is read again
        even when no summary of its module is asked for directly (what its callers reach is
        remembered).
        """
        changed = False
        for path, known in list(self._summaries.items()):
            if not known.unchanged(path, _signature(path)):
                del self._summaries[path]
                changed = True
        if changed:
            self._forget()
        self._state_index = None  # a module not read yet may have started assigning
        self._state_types.clear()
        self._checked.clear()

    # -- summaries -------------------------------------------------------------------------------

    def summary(self, module: ModuleFile) -> ModuleSummary | None:
        self.recorder.note(module)
        path = module.path
        if path in self._checked:
            return self._summaries[path].summary
        self._checked.add(path)
        signature = _signature(path)
        known = self._summaries.get(path)
        if known is not None and known.unchanged(path, signature):
            return known.summary
        if known is not None:
            self._forget()  # a module changed: what its importers reach may have changed too
        read_at = time.time_ns()
        summary, digest = self._read(module, signature) if signature is not None else (None, None)
        self._summaries[path] = _Known(signature, summary, digest, read_at)
        return summary

    def _cache_for(self, module: ModuleFile) -> SummaryCache | None:
        """The project's cache, or the user's cache of the module's distribution and version."""
        distribution = module.distribution
        if distribution is None:
            return self._cache
        if self._installed_cache is None:
            return None
        cache = self._distribution_caches.get(distribution)
        if cache is None:
            cache = SummaryCache(self._installed_cache, self._settings_key, distribution)
            self._distribution_caches[distribution] = cache
        return cache

    def _read(
        self, module: ModuleFile, signature: tuple[int, int]
    ) -> tuple[ModuleSummary | None, str | None]:
        try:
            with open(module.path, "rb") as file:
                data = file.read()
        except OSError:
            return None, None
        digest = content_digest(data)
        cache = self._cache_for(module)
        if cache is not None:
            stored = cache.load(module.path, signature, digest)
            if stored is not None and stored.get("name") == module.name:
                try:
                    return ModuleSummary.from_json(stored), digest
                except (KeyError, TypeError, ValueError, IndexError):
                    pass
        try:
            tree = ast.parse(data, module.path)
        except SyntaxError as error:
            if module.installed:
                LOG.info(
                    "flake8-executor: %s (%s) skipped: this Python cannot parse it (%s); run the "
                    "tool with the project's Python",
                    module.path,
                    module.package_label,
                    error.msg,
                )
            return None, digest
        except (ValueError, RecursionError, MemoryError):
            return None, digest
        self.parsed += 1
        try:
            summary = summarize(
                tree, module.name, module.package, self._settings, coroutines=module.installed
            )
        except RecursionError:
            return None, digest
        if cache is not None:
            cache.store(module.path, signature, digest, summary.to_json())
        return summary, digest

    def _forget(self) -> None:
        self._memo.clear()
        self._targets.clear()
        self._types.clear()
        for table in self._answers_read.values():
            table.clear()
        self._reach_read.clear()
        self._state_types.clear()

    # -- names -----------------------------------------------------------------------------------

    def target(self, name: str, hops: int = 0) -> Target | None:
        """What an absolute name called as a function is: a function of a module, or a blocking
        method of a tracked object (``None``: not the project's, or nothing that blocks)."""
        targets = self._targets
        if name in targets:
            self._reuse("t", name)
            return targets[name]
        targets[name] = None  # a re-export cycle ends here
        self.recorder.push()
        try:
            found = self._target(name, hops)
        finally:
            self._answers_read["t"][name] = self.recorder.pop()
        targets[name] = found
        return found

    def _located(self, name: str) -> tuple[ModuleFile, ModuleSummary, list[str]] | None:
        """``app.billing.charge`` -> the module ``app.billing``, its summary, ``["charge"]``."""
        split = self.tree.split(name)
        if split is None:
            return None
        summary = self.summary(split[0])
        return (split[0], summary, split[1]) if summary is not None else None

    def _reuse(self, table: str, name: str) -> None:
        """A remembered answer is used: what it read counts for this file too (once worked out)."""
        read = self._answers_read[table].get(name)
        if read is None:
            self.recorder.note(Pending((table, name)))
        else:
            self.recorder.merge(read)

    def _target(self, name: str, hops: int) -> Target | None:
        entry = self._calls.get(name)  # a catalog callable, maybe re-exported by a module
        if entry is not None:
            return (BLOCKING, entry.kind, name) if _unconditional(entry) else None
        located = self._located(name)
        if located is None:
            return None
        module, summary, rest = located
        qualified = ".".join(rest)
        if qualified in summary.functions:
            return (FUNCTION, module.name, qualified)
        if qualified in summary.coroutines:
            return (COROUTINE, module.name, qualified)
        if qualified in summary.classes:  # ``Client(...)``: its constructor
            post_init = summary.classes[qualified][1]
            if post_init is not None:
                found = self.target(f"{name}.{post_init}", hops + 1)
                return (HOOK, found[1], found[2]) if found and found[0] == FUNCTION else None
            return self.target(f"{name}.__init__", hops + 1)
        if len(rest) == 2 and rest[0] in summary.classes:  # a method a base defines
            for base in summary.classes[rest[0]][0]:
                if base is None or hops >= MAX_HOPS:
                    return None
                found = self.target(f"{base}.{rest[1]}", hops + 1)
                if found is not None:
                    return found
            return None
        if hops < MAX_HOPS and rest[0] in summary.imports:
            return self.target(".".join([summary.imports[rest[0]], *rest[1:]]), hops + 1)
        owner = self._returned(summary, rest[:-1]) or self._owner(summary, rest[:-1], hops)
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
            self._reuse("y", name)
            return types[name]
        types[name] = None
        self.recorder.push()
        try:
            located = self._located(name)
            found = self._owner(located[1], located[2], hops) if located is not None else None
        finally:
            self._answers_read["y"][name] = self.recorder.pop()
        types[name] = found
        return found

    def returned_type(self, name: str) -> ObjectType | None:
        """What calling a function of another module returns, when its summary says."""
        target = self.target(name)
        if target is None or target[0] != FUNCTION:
            return None
        module = self.tree.find(target[1])
        summary = self.summary(module) if module is not None else None
        return summary.returns.get(target[2]) if summary is not None else None

    @staticmethod
    def _returned(summary: ModuleSummary, path: list[str]) -> ObjectType | None:
        """``make.get`` stands for a method of what ``make()`` returns (an ``ImportedInstance``
        names what was called): the function's return type, when its summary has one."""
        return summary.returns.get(".".join(path))

    def _owner(self, summary: ModuleSummary, path: list[str], hops: int) -> ObjectType | None:
        if not path:
            return None
        key = ".".join(path)
        if key in summary.objects:
            return summary.objects[key]
        if hops < MAX_HOPS and path[0] in summary.imports:
            return self.object_type(".".join([summary.imports[path[0]], *path[1:]]), hops + 1)
        if len(path) >= 2:
            owner = self._returned(summary, path[:-1]) or self._owner(summary, path[:-1], hops)
            if isinstance(owner, ImportedInstance) and hops < MAX_HOPS:
                return self.object_type(f"{owner.name}.{path[-1]}", hops + 1)
        return None

    def application_state(self, attribute: str) -> ObjectType | None:
        """The type of an application's ``state.<attribute>`` (``request.app.state.engine`` in a
        router that neither assigns it nor imports the application): what the project's modules
        assign to it, when they all assign one type (``state_index``: the candidates)."""
        self.recorder.note(WHOLE_PROJECT)
        types = self._state_types
        if attribute in types:
            return types[attribute]
        if self._state_index is None:
            self._state_index = state_assignments(self.tree.roots)
        found: ObjectType | None = None
        for path in self._state_index.get(attribute, ()):
            located = module_of_file(path, self._settings.source_roots)
            summary = self.summary(located[0]) if located is not None else None
            if summary is None or attribute not in summary.app_state:
                continue  # not an application's state after all (``request.state.x``)
            assigned = summary.app_state[attribute]
            if assigned is None or (found is not None and assigned != found):
                found = None  # of no known type, or two types: not known
                break
            found = assigned
        types[attribute] = found
        return found

    def derives_from(self, name: str, targets: frozenset[str], depth: int = 0) -> bool:
        """The project's class ``name`` has one of ``targets`` among its bases, at any depth
        (through re-exports and the project's own base classes)."""
        if depth > MAX_HOPS:
            return False
        located = self._located(name)
        if located is None:
            return False
        _module, summary, rest = located
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
        """A name called (a function, or a catalog callable), ``(AWAIT, name)`` awaited (a
        coroutine of an installed package: calling a coroutine function runs none of it), or
        ``(ITERATE, name)``: what a generator function returns, iterated."""
        if isinstance(key, tuple):
            if key[0] == ITERATE:
                return self.generator(key[1])
            if key[0] != AWAIT:
                return key
            target = self.target(key[1])
            if target is None or target[0] != COROUTINE:
                return None
            module = self.tree.find(target[1])
            return target if module is not None and module.installed else None
        target = self.target(key)
        return None if target is None or target[0] == COROUTINE else target

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

    def is_property(self, key: Any) -> bool:
        target = self.canonical(key)
        if target is None or target[0] != FUNCTION:
            return False
        module = self.tree.find(target[1])
        summary = self.summary(module) if module is not None else None
        return summary is not None and target[2] in summary.properties

    def signature(self, key: Any) -> Signature | None:
        target = self.canonical(key)
        if target is None or target[0] not in (FUNCTION, COROUTINE):
            return None
        module = self.tree.find(target[1])
        summary = self.summary(module) if module is not None else None
        return summary.signatures.get(target[2]) if summary is not None else None

    def steps(self, key: Any) -> Sequence[Step] | None:
        how, where, name = key
        if how == BLOCKING:
            return [(CALL, (where, name))]
        module = self.tree.find(where)
        summary = self.summary(module) if module is not None else None
        if summary is None:
            return None
        if how == COROUTINE:
            return summary.coroutines.get(name)
        return (summary.generators if how == GENERATOR else summary.functions).get(name)

    def reach(self, key: Any, depth: int = 0, offloaded: bool = False) -> tuple[Reach, bool]:
        target = self.canonical(key)
        if target is None:
            return {}, True
        if target[0] == BLOCKING:
            return {target[1]: ((target[2],), ())}, True  # the catalog name alone ends the chain
        if depth > MAX_INSTALLED_DEPTH:
            module = self.tree.find(target[1])
            if module is not None and module.installed:
                return {}, False
        memo_key = (target, offloaded)
        if memo_key in self._memo:
            self.recorder.merge(self._reach_read.get(memo_key, frozenset()))
            return self._memo[memo_key], True
        self.recorder.push()
        try:
            found = super().reach(target, depth, offloaded)
        finally:
            read = self.recorder.pop()
        if memo_key in self._memo:
            self._reach_read[memo_key] = read
        return found

    def display(self, key: Any) -> str:
        _how, module_name, name = key
        module = self.tree.find(module_name)
        if module is not None and module.installed:
            shown = f"{module_name}.{name}"
            self._packages[shown] = module.package_label
            return shown
        return f"{module_name.rpartition('.')[2]}.{name}"

    def package_in(self, chain: Sequence[str]) -> str | None:
        for link in chain:
            package = self._packages.get(link)
            if package is not None:
                return package
        return None


def _signature(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


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
    key = (
        roots,
        settings_key,
        settings.cache_dir,
        settings.target_version,
        settings.site_packages,
        settings.installed_cache_dir,
    )
    project = _PROJECTS.get(key)
    if project is None:
        cache = SummaryCache(settings.cache_dir, settings_key) if settings.cache_dir else None
        project = _PROJECTS[key] = Project(
            roots,
            settings,
            cache,
            settings.site_packages,
            settings.installed_cache_dir,
            settings_key,
        )
    project.begin_file()
    return FileContext(project, module)


def refresh_projects() -> None:
    """Before an analysis in a long-lived process: read again every module changed on disk."""
    for project in _PROJECTS.values():
        project.refresh()
