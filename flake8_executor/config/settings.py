"""The options both front ends share, parsed and checked in one place.

flake8 reads them from its command line and config files (``--executor-*``), ``executor-fix`` from
``[tool.flake8-executor]`` in ``pyproject.toml`` and its own flags; both build a ``Settings``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flake8_executor.catalog import Entry, parse_extra_calls
from flake8_executor.profiles import parse_loop_callbacks

# The oldest Python that asyncio.to_thread exists on; below it fixes use run_in_executor + partial.
TO_THREAD_SINCE = (3, 9)
SUPPORTED_TARGETS = tuple(f"py3{minor}" for minor in range(8, 15))
DEFAULT_TARGET = (3, 9)


@dataclass(frozen=True)
class Settings:
    extra_calls: dict[str, Entry] = field(default_factory=dict)
    process_pool: str | None = None  # an expression the fixer may use for AEX105 rewrites
    target_version: tuple[int, int] = DEFAULT_TARGET
    follow_calls: bool = True  # report helpers that reach blocking calls (the call graph)
    follow_imports: bool = True  # ... wherever they are in the project (analysis/project.py)
    source_roots: tuple[str, ...] = ()  # configured directories imports are searched from
    project_dir: str | None = None  # the project's directory: with its src/, the default roots
    cache_dir: str | None = None  # where module summaries are cached; None: in memory only
    # The analysed environment's installed-package directories (``analysis/environment.py``);
    # empty: installed packages are not followed.
    site_packages: tuple[str, ...] = ()
    # Where installed packages' summaries are cached, shared by projects; None: in memory only.
    installed_cache_dir: str | None = None
    # The project's line length (flake8's, else ruff's or black's): the fixer breaks a line it made
    # longer than this. None: the project declares none, and lines are left as written.
    line_length: int | None = None
    # Decorators and registration functions whose functions run on the event loop (profiles.py).
    loop_callbacks: tuple[str, ...] = ()

    @property
    def has_to_thread(self) -> bool:
        return self.target_version >= TO_THREAD_SINCE


def parse_target_version(value: str) -> tuple[int, int]:
    """``py311`` -> ``(3, 11)``; a ``ValueError`` names the accepted values."""
    match = re.fullmatch(r"py3(\d{1,2})", value.strip().lower())
    if not match or value.strip().lower() not in SUPPORTED_TARGETS:
        raise ValueError(
            f"unknown target version {value!r} (expected one of {', '.join(SUPPORTED_TARGETS)})"
        )
    return (3, int(match.group(1)))


def parse_process_pool(value: str) -> str | None:
    """An expression such as ``app.state.pool``; it must parse as a Python expression."""
    import ast

    value = value.strip()
    if not value:
        return None
    try:
        ast.parse(value, mode="eval")
    except SyntaxError:
        raise ValueError(f"{value!r} is not a Python expression") from None
    return value


def parse_bool(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in {"yes", "true", "on", "1"}:
        return True
    if lowered in {"no", "false", "off", "0"}:
        return False
    raise ValueError(f"{value!r} is not yes or no")


def parse_paths(value: str | Sequence[str], base: str) -> tuple[str, ...]:
    """``src, lib`` (or a TOML list) -> absolute directories, relative ones taken from ``base``."""
    items = value.replace("\n", ",").split(",") if isinstance(value, str) else list(value)
    paths = []
    for item in items:
        item = item.strip()
        if item:
            paths.append(os.path.normpath(os.path.join(base, os.path.expanduser(item))))
    return tuple(dict.fromkeys(paths))


def _environment(
    python: str | None, project_dir: str | None, follow_imports: str | bool
) -> tuple[str, ...]:
    """The installed-package directories to follow calls into (none when imports are not)."""
    from flake8_executor.analysis.environment import InterpreterError, find_environment

    if not parse_bool(follow_imports):
        return ()
    if python is not None and not os.path.exists(python):
        raise ValueError(f"{python}: no such interpreter")
    try:
        return find_environment(python, project_dir)
    except InterpreterError as error:
        raise ValueError(str(error)) from None


def build_settings(
    extra_calls: str = "",
    process_pool: str = "",
    target_version: str = "",
    follow_calls: str | bool = True,
    follow_imports: str | bool = True,
    source_roots: tuple[str, ...] = (),
    cache_dir: str | None = None,
    project_dir: str | None = None,
    python: str | None = None,
    installed_cache_dir: str | None = None,
    line_length: int | None = None,
    loop_callbacks: str = "",
) -> Settings:
    """Check every option; a ``ValueError`` carries a one-line message naming the option."""
    checks = (
        ("--executor-extra-calls", lambda: parse_extra_calls(extra_calls or "")),
        ("--executor-process-pool", lambda: parse_process_pool(process_pool or "")),
        (
            "--executor-target-version",
            lambda: parse_target_version(target_version) if target_version else DEFAULT_TARGET,
        ),
        ("--executor-follow-calls", lambda: parse_bool(follow_calls)),
        ("--executor-follow-imports", lambda: parse_bool(follow_imports)),
        ("--executor-source-roots", lambda: source_roots),
        ("--executor-project-dir", lambda: project_dir),
        ("--executor-cache", lambda: cache_dir),
        ("--executor-python", lambda: _environment(python, project_dir, follow_imports)),
        ("--executor-cache", lambda: installed_cache_dir),
        ("--executor-line-length", lambda: line_length),
        ("--executor-loop-callbacks", lambda: parse_loop_callbacks(loop_callbacks or "")),
    )
    values = []
    for option, check in checks:
        try:
            values.append(check())
        except ValueError as error:
            raise ValueError(f"{option}: {error}") from None
    return Settings(*values)
