"""One configuration for both front ends: where each setting comes from, and which source wins.

The flake8 plugin and ``executor-fix`` must never disagree about a file (``flake8`` passing where
``executor-fix --check`` fails), so both resolve their settings here, with the same precedence:

1. the command line (``--executor-*`` for flake8; the fixer's flags);
2. ``[tool.flake8-executor]`` in the nearest ``pyproject.toml`` (``config/pyproject.py`` reads it);
3. the ``executor-*`` keys of flake8's config file (``setup.cfg``, ``tox.ini``, ``.flake8``, found
   as flake8 finds it).

The target version is the one setting that is resolved per file (``TargetVersions``): one run may
cover several projects. Set nowhere on the command line, it is the ``target-version`` of the
pyproject.toml nearest the file, else the run's own setting, else inferred from the Python that
file's project declares: ``requires-python``, else ``python_requires`` in ``setup.cfg``, else a
literal ``python_requires=`` in ``setup.py`` (read with ``ast``, never run), in the nearest
directory that has any of the three files. No import of libcst here: the plugin loads this module.
"""

from __future__ import annotations

import ast
import configparser
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from flake8_executor.config.keys import SETTING_KEYS
from flake8_executor.config.pyproject import ProjectConfig, infer_target_version, load
from flake8_executor.config.settings import (
    DEFAULT_TARGET,
    Settings,
    build_settings,
    parse_bool,
    parse_paths,
    parse_target_version,
)
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Selection, checked_codes, parse_per_file_ignores

# The directory, under the project's, where module summaries are cached (``cache = false``: none).
CACHE_DIRECTORY = ".flake8-executor-cache"
CACHE_DIR_VARIABLE = "FLAKE8_EXECUTOR_CACHE_DIR"
USER_CACHE_NAME = "flake8-executor"


@dataclass(frozen=True)
class Value:
    text: str
    source: str  # where it was read, as an error names it: "--target-version", "x in setup.cfg"


@dataclass(frozen=True)
class Resolved:
    settings: Settings  # for the start directory
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from
    # Each file's target version, which may differ from the start directory's (another project).
    targets: TargetVersions | None = None


def _flake8_section(
    config: str | None, extra: Sequence[str], isolated: bool
) -> tuple[configparser.RawConfigParser, str] | None:
    """The config flake8 itself would read, with a name for messages; None without a [flake8]."""
    from flake8.options import config as flake8_config

    if isolated:
        return None
    try:
        parser, _directory = flake8_config.load_config(config, list(extra), isolated=False)
    except Exception:  # flake8 reports a bad --config itself; the fixer must not fail on it
        return None
    if not parser.has_section("flake8"):
        return None
    where = config
    if where is None:
        find = getattr(flake8_config, "_find_config_file", None)
        where = find(os.path.abspath(".")) if find else None
    return parser, os.path.relpath(where) if where else "flake8's config"


def _read_keys(
    section: tuple[configparser.RawConfigParser, str] | None,
    keys: Sequence[str],
    prefix: str = "",
    raw: bool = False,
) -> dict[str, Value]:
    """``keys`` of the ``[flake8]`` section, spelled with dashes or underscores, as flake8 reads
    them; ``raw`` keeps the line breaks (``per-file-ignores`` is a list of lines)."""
    if section is None:
        return {}
    parser, place = section
    values: dict[str, Value] = {}
    for key in keys:
        for name in (f"{prefix}{key}", f"{prefix}{key}".replace("-", "_")):
            if parser.has_option("flake8", name):
                text = parser.get("flake8", name)
                text = text.strip() if raw else text.replace("\n", " ").strip()
                values[key] = Value(text, f"{name} in {place}")
                break
    return values


def flake8_config_values(
    config: str | None = None, extra: Sequence[str] = (), isolated: bool = False
) -> dict[str, Value]:
    """The ``executor-*`` keys of the ``[flake8]`` section flake8 itself would read.

    ``config``, ``extra`` and ``isolated`` are flake8's ``--config``, ``--append-config`` and
    ``--isolated``; the fixer passes none of them and so reads what flake8 finds from the cwd.
    """
    return _read_keys(_flake8_section(config, extra, isolated), SETTING_KEYS, "executor-")


# flake8's own keys that executor-fix and the language server honour, so that they act on exactly
# the findings flake8 reports (select only for the opt-in codes it names in full; see below).
FLAKE8_CODE_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores")
FLAKE8_LINE_LENGTH = "max-line-length"


FLAKE8_DEFAULT_LINE_LENGTH = "79"


def flake8_code_values() -> dict[str, Value]:
    """flake8's ``select``/``ignore``/... and ``max-line-length`` from the config it would read
    (its default, 79, when there is a ``[flake8]`` section without one)."""
    section = _flake8_section(None, (), False)
    values = _read_keys(section, (*FLAKE8_CODE_KEYS[:-1], FLAKE8_LINE_LENGTH))
    values.update(_read_keys(section, ("per-file-ignores",), raw=True))
    if section is not None and FLAKE8_LINE_LENGTH not in values:
        values[FLAKE8_LINE_LENGTH] = Value(FLAKE8_DEFAULT_LINE_LENGTH, "flake8's default")
    return values


def line_length(project: ProjectConfig, flake8_values: Mapping[str, Value]) -> int | None:
    """The length the fixer keeps its new lines within: flake8's ``max-line-length`` when flake8
    is configured (its 79 by default), else ruff's or black's ``line-length`` from the
    pyproject.toml, else None (nothing declared: lines are left as the fix wrote them)."""
    value = flake8_values.get(FLAKE8_LINE_LENGTH)
    if value is not None:
        try:
            length = int(value.text)
        except ValueError:
            raise ValueError(f"{value.source}: {value.text!r} is not a number") from None
        return length if length > 0 else None
    return project.line_length


def _codes(value: Value | None, ours_only: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [item.strip() for item in value.text.replace("\n", ",").split(",")]
    if ours_only:  # flake8's lists name every plugin's codes: ours are judged, theirs not
        return checked_codes(
            [item for item in items if item.upper().startswith("AEX")], value.source
        )
    return checked_codes(items, value.source)


def resolve_selection(
    command_line: Mapping[str, str | None],
    project: ProjectConfig,
    flake8_values: Mapping[str, Value],
    flag_prefix: str = "--",
) -> Selection:
    """The codes executor-fix (and the language server) act on, from the three sources.

    ``select`` and ``ignore``: the flag, else the table, else (``ignore`` only) flake8's config.
    ``extend-select``, ``extend-ignore`` and ``per-file-ignores`` add up over the sources, as
    flake8 and ruff add a command line's ``--extend-*`` to the configured ones. flake8's ``select``
    is not taken as such (a ``select = E,F,W`` there would turn every AEX code off for flake8
    only by accident of how flake8 was configured), but an opt-in code it names in full counts as
    named. A ``ValueError`` names the source of a bad value.
    """

    def source(key: str) -> tuple[Value | None, Value | None]:
        flag = command_line.get(key)
        table = project.text(key)
        return (
            Value(flag, f"{flag_prefix}{key}") if flag is not None else None,
            Value(table, f"{key} in {project.path}") if table is not None else None,
        )

    select_flag, select_table = source("select")
    ignore_flag, ignore_table = source("ignore")
    select = select_flag or select_table
    ignore = ignore_flag or ignore_table
    extend_select = [*_codes(source("extend-select")[0]), *_codes(source("extend-select")[1])]
    extend_select += _codes(flake8_values.get("extend-select"), ours_only=True)
    extend_select += [
        code
        for code in _codes(flake8_values.get("select"), ours_only=True)
        if code in OFF_BY_DEFAULT
    ]
    extend_ignore = [*_codes(source("extend-ignore")[0]), *_codes(source("extend-ignore")[1])]
    extend_ignore += _codes(flake8_values.get("extend-ignore"), ours_only=True)
    per_file = []
    client_per_file = command_line.get("per-file-ignores")  # the language server's client
    if client_per_file is not None:
        per_file.append(
            parse_per_file_ignores(client_per_file, os.getcwd(), f"{flag_prefix}per-file-ignores")
        )
    table_per_file = project.values.get("per-file-ignores")
    if table_per_file is not None:
        per_file.append(
            parse_per_file_ignores(
                table_per_file, project.directory, f"per-file-ignores in {project.path}"
            )
        )
    flake8_per_file = flake8_values.get("per-file-ignores")
    if flake8_per_file is not None:
        # flake8 takes its globs from the directory it was started in (its config's, as run).
        per_file.append(
            parse_per_file_ignores(flake8_per_file.text, os.getcwd(), flake8_per_file.source)
        )
    return Selection(
        _codes(select) if select is not None else None,
        _codes(ignore) if ignore is not None else _codes(flake8_values.get("ignore"), True),
        tuple(extend_select),
        tuple(extend_ignore),
        tuple(per_file),
    )


def _setup_cfg_requires(path: str) -> str | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if parser.has_option("options", "python_requires"):
        return parser.get("options", "python_requires").strip() or None
    return None


def _setup_py_requires(path: str) -> str | None:
    """``python_requires=">=3.9"`` given as a literal to any call in setup.py; never runs the file."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "python_requires" and isinstance(keyword.value, ast.Constant):
                    value = keyword.value.value
                    return value if isinstance(value, str) else None
    return None


def _declared_here(directory: str, project: ProjectConfig | None) -> Value | None:
    """What the project files of ``directory`` declare: ``requires-python`` (``project``, the
    directory's pyproject.toml as read), else ``python_requires`` in setup.cfg, else in setup.py."""
    if project is not None and project.requires_python and project.path:
        return Value(project.requires_python, f"requires-python in {project.path}")
    for name, read in (("setup.cfg", _setup_cfg_requires), ("setup.py", _setup_py_requires)):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            requires = read(path)
            if requires:
                return Value(requires, f"python_requires in {path}")
    return None


@dataclass(frozen=True)
class _Place:
    """What the project files nearest a directory say about the target version."""

    table_target: Value | None  # target-version in the nearest pyproject.toml's table
    declared: Value | None  # the Python the nearest directory with project files declares


_NOWHERE = _Place(None, None)


class TargetVersions:
    """The target version of each file, as ruff finds a file's nearest configuration.

    A run covers files of several projects (``executor-fix a/ b/``, flake8 over a monorepo), and
    each project declares its own oldest Python: a fix that is right for a py312 project
    (``asyncio.to_thread``) is wrong for a py38 one next to it. So the target version is looked up
    per file, in this order:

    1. the command line (``--target-version``, ``--executor-target-version``): every file;
    2. ``target-version`` in ``[tool.flake8-executor]`` of the pyproject.toml nearest the file;
    3. ``configured``: the run's own setting (its pyproject table, then flake8's config file);
    4. the Python the nearest directory with a pyproject.toml, setup.cfg or setup.py declares:
       ``requires-python``, else ``python_requires`` (setup.py read with ``ast``, never run);
    5. the default (py39).

    Each directory is looked up once per run (``_places``), and each pyproject.toml read once.
    With ``search`` false (flake8's ``--isolated``) no project file is read: 1, 3, 5 only.
    """

    def __init__(
        self,
        flag: Value | None,
        configured: Value | None,
        run_project: ProjectConfig | None = None,
        search: bool = True,
    ) -> None:
        self.flag = flag
        self.configured = configured
        self.search = search
        self._projects: dict[str, ProjectConfig] = {}
        if run_project is not None and run_project.path:
            self._projects[os.path.abspath(run_project.path)] = run_project
        self._places: dict[str, _Place] = {}
        self._settings: dict[tuple[int, str], Settings] = {}

    def for_directory(self, directory: str) -> Value | None:
        """The target version of the files in ``directory`` and where it was read (None: default)."""
        if self.flag is not None:
            return self.flag
        if not self.search:
            return self.configured
        place = self._place(os.path.abspath(directory))
        if place.table_target is not None:
            return place.table_target
        if self.configured is not None:
            return self.configured
        if place.declared is not None:
            inferred = infer_target_version(place.declared.text)
            if inferred:
                return Value(inferred, place.declared.source)
        return None

    def settings_for(self, settings: Settings, path: str) -> Settings:
        """``settings`` with the target version of the file at ``path`` (``-``: the cwd).

        A ``ValueError`` names the source of a bad value; a ``ConfigError`` a pyproject.toml that
        cannot be read.
        """
        directory = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        key = (id(settings), directory)
        cached = self._settings.get(key)
        if cached is not None:
            return cached
        value = self.for_directory(directory)
        try:
            target = parse_target_version(value.text) if value else DEFAULT_TARGET
        except ValueError as error:
            raise ValueError(f"{value.source}: {error}") from None  # type: ignore[union-attr]
        chosen = (
            settings
            if target == settings.target_version
            else replace(settings, target_version=target)
        )
        self._settings[key] = chosen
        return chosen

    def _project(self, path: str) -> ProjectConfig:
        project = self._projects.get(path)
        if project is None:
            project = self._projects[path] = load(path)
        return project

    def _place(self, directory: str) -> _Place:
        """The nearest project files' say for ``directory``, filling the cache on the way up."""
        unknown: list[str] = []
        place = _NOWHERE
        while True:
            cached = self._places.get(directory)
            if cached is not None:
                place = cached
                break
            unknown.append(directory)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for directory in reversed(unknown):  # from the top down: each inherits its parent's
            pyproject = os.path.join(directory, "pyproject.toml")
            project = self._project(pyproject) if os.path.isfile(pyproject) else None
            table_target = place.table_target
            if project is not None:
                text = project.text("target-version")
                table_target = Value(text, f"target-version in {pyproject}") if text else None
            declared = place.declared
            if project is not None or any(
                os.path.isfile(os.path.join(directory, name)) for name in ("setup.cfg", "setup.py")
            ):
                declared = _declared_here(directory, project)
            place = self._places[directory] = _Place(table_target, declared)
        return place


def gather(
    command_line: Mapping[str, str | None],
    project: ProjectConfig,
    flake8_values: Mapping[str, Value],
    flag_prefix: str = "--",
) -> dict[str, Value]:
    """Each setting's value from the first source that has it, in the one order of precedence."""
    chosen: dict[str, Value] = {}
    for key in SETTING_KEYS:
        flag = command_line.get(key)
        table = project.text(key)
        if flag is not None:
            chosen[key] = Value(flag, f"{flag_prefix}{key}")
        elif table is not None:
            chosen[key] = Value(table, f"{key} in {project.path}")
        elif key in flake8_values:
            chosen[key] = flake8_values[key]
    return chosen


def _source_roots(value: Value | None, project: ProjectConfig) -> tuple[str, ...]:
    """The configured roots, relative to the pyproject.toml that names them, else to the cwd
    (none configured: ``analysis/project.py`` uses the project's directory and its ``src/``)."""
    if value is None:
        return ()
    base = project.directory if project.path and value.source.endswith(project.path) else os.curdir
    return parse_paths(value.text, os.path.abspath(base))


ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".flake8", "tox.ini", ".git")


def project_root(start: str) -> str:
    """The nearest directory at or above ``start`` holding a project file or ``.git``; else
    ``start`` itself."""
    start = os.path.abspath(start)
    directory = start
    while True:
        if any(os.path.exists(os.path.join(directory, name)) for name in ROOT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return start
        directory = parent


def cache_directory(start: str) -> str:
    """Where the summaries of the project around ``start`` are cached (``_cache_dir``'s rule)."""
    elsewhere = os.environ.get(CACHE_DIR_VARIABLE)
    return (
        os.path.abspath(elsewhere)
        if elsewhere
        else os.path.join(project_root(start), CACHE_DIRECTORY)
    )


def user_cache_directory() -> str:
    """The user's cache directory for this tool, where summaries that belong to no project (the
    installed packages') are kept: platformdirs' rule (``$XDG_CACHE_HOME`` or ``~/.cache`` on
    Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser(r"~\AppData\Local")
        return os.path.join(base, USER_CACHE_NAME, "Cache")
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~/Library/Caches"), USER_CACHE_NAME)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, USER_CACHE_NAME)


def _cache_dir(value: Value | None, home: str) -> str | None:
    """``<project>/.flake8-executor-cache`` unless the cache is turned off; the environment
    variable ``FLAKE8_EXECUTOR_CACHE_DIR`` moves it (as ``MYPY_CACHE_DIR`` and ``RUFF_CACHE_DIR``
    do theirs)."""
    if value is not None:
        try:
            on = parse_bool(value.text)
        except ValueError:
            raise ValueError(f"--executor-cache: {value.text!r} is not yes or no") from None
        if not on:
            return None
    return cache_directory(home)


def _installed_cache_dir(value: Value | None) -> str | None:
    """Where installed packages' summaries go: beside the project's when
    ``FLAKE8_EXECUTOR_CACHE_DIR`` moves it, else the user's cache directory; none with the cache
    off."""
    from flake8_executor.analysis.cache import user_cache_dir

    if value is not None and not parse_bool(value.text):
        return None
    elsewhere = os.environ.get(CACHE_DIR_VARIABLE)
    return os.path.abspath(elsewhere) if elsewhere else user_cache_dir()


def _python(value: Value | None, project: ProjectConfig) -> str | None:
    """The interpreter of the analysed environment, relative to the pyproject.toml that names it,
    else to the cwd; a bare name (``python3.12``) is looked up on ``PATH``."""
    if value is None or not value.text.strip():
        return None
    text = os.path.expanduser(value.text.strip())
    if os.sep not in text and "/" not in text:
        import shutil

        return shutil.which(text) or text
    base = project.directory if project.path and value.source.endswith(project.path) else os.curdir
    return os.path.normpath(os.path.join(os.path.abspath(base), text))


def resolve(
    command_line: Mapping[str, str | None],
    project: ProjectConfig,
    flake8_values: Mapping[str, Value],
    start: str | None,
    flag_prefix: str = "--",
) -> Resolved:
    """The ``Settings`` both front ends use; a ``ValueError`` names the source of a bad value.

    ``start`` is the directory the settings are for (where the search for the declared Python
    begins); ``None`` skips the search (flake8's ``--isolated``). ``flag_prefix`` spells the flags
    in messages: ``--executor-`` for flake8. A file elsewhere gets its own target version from
    ``Resolved.targets``.
    """
    chosen = gather(command_line, project, flake8_values, flag_prefix)
    flag = command_line.get("target-version")
    configured = chosen.get("target-version")
    targets = TargetVersions(
        Value(flag, f"{flag_prefix}target-version") if flag is not None else None,
        configured if flag is None else None,
        project,
        search=start is not None,
    )
    target = targets.for_directory(start) if start is not None else configured
    if target is not None:
        chosen["target-version"] = target
    # The project's directory: that of its pyproject.toml, else where the run starts.
    home = project.directory if project.path else os.path.abspath(start or os.curdir)
    # The cache goes to the project's root, never into a package (no pyproject.toml: the nearest
    # directory with another project file, as ruff finds its root).
    cache_home = project_root(start or os.curdir)
    try:
        settings = build_settings(
            extra_calls=chosen["extra-calls"].text if "extra-calls" in chosen else "",
            process_pool=chosen["process-pool"].text if "process-pool" in chosen else "",
            target_version=chosen["target-version"].text if "target-version" in chosen else "",
            follow_calls=chosen["follow-calls"].text if "follow-calls" in chosen else True,
            follow_imports=chosen["follow-imports"].text if "follow-imports" in chosen else True,
            source_roots=_source_roots(chosen.get("source-roots"), project),
            cache_dir=_cache_dir(chosen.get("cache"), cache_home),
            project_dir=home,
            python=_python(chosen.get("python"), project),
            installed_cache_dir=_installed_cache_dir(chosen.get("cache")),
            loop_callbacks=chosen["loop-callbacks"].text if "loop-callbacks" in chosen else "",
        )
    except ValueError as error:
        option, _, reason = str(error).partition(": ")
        key = option[len("--executor-") :] if option.startswith("--executor-") else ""
        source = chosen[key].source if key in chosen else option
        raise ValueError(f"{source}: {reason}") from None
    return Resolved(settings, {key: value.source for key, value in chosen.items()}, targets)
