"""One configuration for both front ends: where each setting comes from, and which source wins.

The flake8 plugin and ``executor-fix`` must never disagree about a file (``flake8`` passing where
``executor-fix --check`` fails), so both resolve their settings here, with the same precedence:

1. the command line (``--executor-*`` for flake8; the fixer's flags);
2. ``[tool.flake8-executor]`` in the nearest ``pyproject.toml`` (``command/config.py`` reads it);
3. the ``executor-*`` keys of flake8's config file (``setup.cfg``, ``tox.ini``, ``.flake8``, found
   as flake8 finds it).

A target version set nowhere is inferred from the Python the project declares: ``requires-python``,
else ``python_requires`` in ``setup.cfg``, else a literal ``python_requires=`` in ``setup.py`` (read
with ``ast``, never run), in the nearest directory that has any of the three files. No import of
libcst here: the plugin loads this module.
"""

from __future__ import annotations

import ast
import configparser
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flake8_executor.command.config import ProjectConfig, infer_target_version
from flake8_executor.settings import Settings, build_settings, parse_bool, parse_paths

# The settings of ``Settings``, by their key in pyproject.toml (flake8: ``executor-`` + key).
SETTING_KEYS = (
    "extra-calls",
    "process-pool",
    "target-version",
    "follow-calls",
    "follow-imports",
    "source-roots",
    "cache",
)
# The directory, under the project's, where module summaries are cached (``cache = false``: none).
CACHE_DIRECTORY = ".flake8-executor-cache"
CACHE_DIR_VARIABLE = "FLAKE8_EXECUTOR_CACHE_DIR"


@dataclass(frozen=True)
class Value:
    text: str
    source: str  # where it was read, as an error names it: "--target-version", "x in setup.cfg"


@dataclass(frozen=True)
class Resolved:
    settings: Settings
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from


def flake8_config_values(
    config: str | None = None, extra: Sequence[str] = (), isolated: bool = False
) -> dict[str, Value]:
    """The ``executor-*`` keys of the ``[flake8]`` section flake8 itself would read.

    ``config``, ``extra`` and ``isolated`` are flake8's ``--config``, ``--append-config`` and
    ``--isolated``; the fixer passes none of them and so reads what flake8 finds from the cwd.
    """
    from flake8.options import config as flake8_config

    if isolated:
        return {}
    try:
        parser, _directory = flake8_config.load_config(config, list(extra), isolated=False)
    except Exception:  # flake8 reports a bad --config itself; the fixer must not fail on it
        return {}
    if not parser.has_section("flake8"):
        return {}
    where = config
    if where is None:
        find = getattr(flake8_config, "_find_config_file", None)
        where = find(os.path.abspath(".")) if find else None
    place = os.path.relpath(where) if where else "flake8's config"
    values: dict[str, Value] = {}
    for key in SETTING_KEYS:
        for name in (f"executor-{key}", f"executor_{key.replace('-', '_')}"):
            if parser.has_option("flake8", name):
                text = parser.get("flake8", name)
                values[key] = Value(text.replace("\n", " ").strip(), f"{name} in {place}")
                break
    return values


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


def declared_python(start: str, project: ProjectConfig) -> Value | None:
    """The project's declared Python range and the file that says it, searched from ``start``."""
    directory = os.path.abspath(start)
    while True:
        pyproject = os.path.join(directory, "pyproject.toml")
        setup_cfg = os.path.join(directory, "setup.cfg")
        setup_py = os.path.join(directory, "setup.py")
        if any(os.path.isfile(path) for path in (pyproject, setup_cfg, setup_py)):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    if project.requires_python and project.path and os.path.dirname(project.path) == directory:
        return Value(project.requires_python, f"requires-python in {project.path}")
    for path, read in ((setup_cfg, _setup_cfg_requires), (setup_py, _setup_py_requires)):
        if os.path.isfile(path):
            requires = read(path)
            if requires:
                return Value(requires, f"python_requires in {path}")
    return None


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
    elsewhere = os.environ.get(CACHE_DIR_VARIABLE)
    return os.path.abspath(elsewhere) if elsewhere else os.path.join(home, CACHE_DIRECTORY)


def resolve(
    command_line: Mapping[str, str | None],
    project: ProjectConfig,
    flake8_values: Mapping[str, Value],
    start: str | None,
    flag_prefix: str = "--",
) -> Resolved:
    """The ``Settings`` both front ends use; a ``ValueError`` names the source of a bad value.

    ``start`` is where the search for the declared Python begins; ``None`` skips it (flake8's
    ``--isolated``). ``flag_prefix`` spells the flags in messages: ``--executor-`` for flake8.
    """
    chosen = gather(command_line, project, flake8_values, flag_prefix)
    if "target-version" not in chosen and start is not None:
        declared = declared_python(start, project)
        inferred = infer_target_version(declared.text) if declared else None
        if declared and inferred:
            chosen["target-version"] = Value(inferred, declared.source)
    # The project's directory: that of its pyproject.toml, else where the run starts.
    home = project.directory if project.path else os.path.abspath(start or os.curdir)
    try:
        settings = build_settings(
            extra_calls=chosen["extra-calls"].text if "extra-calls" in chosen else "",
            process_pool=chosen["process-pool"].text if "process-pool" in chosen else "",
            target_version=chosen["target-version"].text if "target-version" in chosen else "",
            follow_calls=chosen["follow-calls"].text if "follow-calls" in chosen else True,
            follow_imports=chosen["follow-imports"].text if "follow-imports" in chosen else True,
            source_roots=_source_roots(chosen.get("source-roots"), project),
            cache_dir=_cache_dir(chosen.get("cache"), home),
            project_dir=home,
        )
    except ValueError as error:
        option, _, reason = str(error).partition(": ")
        key = option[len("--executor-") :] if option.startswith("--executor-") else ""
        source = chosen[key].source if key in chosen else option
        raise ValueError(f"{source}: {reason}") from None
    return Resolved(settings, {key: value.source for key, value in chosen.items()})
