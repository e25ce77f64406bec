"""One configuration for both front ends: where each setting comes from, and which source wins.

The flake8 plugin and ``executor-fix`` must never disagree about a file (``flake8`` passing where
``executor-fix --check`` fails), so both resolve their settings here, with the same precedence:

1. the command line (``--executor-*`` for flake8; the fixer's flags);
2. ``[tool.flake8-executor]`` in the nearest ``pyproject.toml`` (``config/pyproject.py`` reads it);
3. the ``executor-*`` keys of flake8's config file (``setup.cfg``, ``tox.ini``, ``.flake8``, found
   as flake8 finds it: ``config/flake8_file.py``).

The target version is the one setting that is resolved per file (``config/targets.py``): one run
may cover several projects. No import of libcst here: the plugin loads this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from flake8_executor.config.cache_dirs import CACHE_DIR_VARIABLE, cache_directory, project_root
from flake8_executor.config.keys import FLAKE8_LINE_LENGTH, SETTING_KEYS
from flake8_executor.config.pyproject import ProjectConfig
from flake8_executor.config.settings import Settings, build_settings, parse_bool, parse_paths
from flake8_executor.config.targets import TargetVersions
from flake8_executor.config.value import Value


@dataclass(frozen=True)
class Resolved:
    settings: Settings  # for the start directory
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from
    # Each file's target version, which may differ from the start directory's (another project).
    targets: TargetVersions | None = None


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
