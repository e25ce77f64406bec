"""The settings a document is analysed and fixed with in the language server: ``executor-fix``'s, for
the file's project.

They come from where ``executor-fix`` takes them: ``[tool.flake8-executor]`` in the pyproject.toml
nearest the document (``config.pyproject``), with the client's ``initializationOptions`` (or
``workspace/didChangeConfiguration`` settings) in the place of the command line's flags: the same
keys as the table, and they win over it. Both go through the command line's own checks
(``command.cli``), so a value means in the editor what it means in a terminal.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flake8_executor.command import cli
from flake8_executor.config import pyproject as project_config
from flake8_executor.config.keys import OPTION_KEYS, SECTION
from flake8_executor.config.settings import Settings
from flake8_executor.selection import Selection


@dataclass(frozen=True)
class ClientOptions:
    """The client's settings, checked for their keys and types (``ProjectConfig`` checks them)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # one line each, for the user: what was ignored and why

    @classmethod
    def from_client(cls, raw: object) -> ClientOptions:
        if raw is None:
            return cls()
        if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
            raw = raw[SECTION]
        if not isinstance(raw, Mapping):
            return cls(problems=(f"settings ignored: expected a table of {SECTION} settings",))
        values: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in raw.items():
            if key not in OPTION_KEYS:
                problems.append(f"unknown setting {key!r} (known: {', '.join(OPTION_KEYS)})")
            elif value is None:
                continue
            elif isinstance(value, (str, bool)) or (
                isinstance(value, list) and all(isinstance(item, str) for item in value)
            ):
                values[key] = value
            else:
                problems.append(f"setting {key} must be a string or a list of strings")
        return cls(values, tuple(problems))


@dataclass(frozen=True)
class Configured:
    """What one document is checked with; ``problem`` is why the defaults were taken instead."""

    settings: Settings = field(default_factory=Settings)
    selection: Selection = field(default_factory=Selection)
    problem: str | None = None


def _as_flags(options: ClientOptions) -> argparse.Namespace:
    """The client's settings where ``executor-fix`` has its flags (None: not given)."""
    given = project_config.ProjectConfig(values=dict(options.values))
    return argparse.Namespace(
        **{key.replace("-", "_"): given.text(key) for key in OPTION_KEYS},
    )


def configure(path: str | None, options: ClientOptions) -> Configured:
    """The settings for a document at ``path`` (a directory for a document with no file)."""
    try:
        where = [path or os.getcwd()]
        project = project_config.load(project_config.find_pyproject(where))
        flags = _as_flags(options)
        # The one configuration (config/resolve.py): the client's settings stand for the flags.
        settings = cli._settings(flags, project, project_config.start_directory(where))
        selection = cli._selection(flags, project)
        return Configured(settings, selection.for_path(path) if path else selection)
    except (cli.UsageError, project_config.ConfigError) as error:
        # Flags' names in the command line's messages are the client's settings here.
        return Configured(problem=str(error).replace(" --", " ").removeprefix("--"))
