"""``[tool.flake8-executor]`` and ``requires-python`` from the nearest ``pyproject.toml``.

The table holds the same settings as the flake8 options, under the flag names of ``executor-fix``
(``keys``); flags given on the command line win (``resolve``). ``tomllib`` is standard from 3.11;
on 3.9 and 3.10 ``tomli`` is used when installed, and without it the file is skipped with a note
rather than misread.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flake8_executor.config.keys import KEYS, TABLE
from flake8_executor.config.settings import SUPPORTED_TARGETS


class ConfigError(Exception):
    """A pyproject.toml that cannot be used; ``str()`` is a one-line reason naming the file."""


@dataclass(frozen=True)
class ProjectConfig:
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # the table, keys as written
    requires_python: str | None = None
    note: str | None = None  # said on stderr: why the file was not read
    # line-length of [tool.ruff], else [tool.black] (88, their default, when the table has none).
    line_length: int | None = None

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path) if self.path else os.getcwd()

    def text(self, key: str) -> str | None:
        """A string setting; a TOML list is joined with commas (``select = ["AEX1", "AEX2"]``)."""
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return str(value) if not isinstance(value, bool) else ("yes" if value else "no")

    def items(self, key: str) -> list[str]:
        text = self.text(key)
        return [item.strip() for item in text.split(",") if item.strip()] if text else []

    def target_version(self) -> str | None:
        """``target-version`` if set, else the oldest Python ``requires-python`` allows."""
        return self.text("target-version") or infer_target_version(self.requires_python)


def _load_toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        import tomli  # type: ignore[import-not-found]
    except ImportError:
        return None
    return tomli


def start_directory(paths: Sequence[str]) -> str:
    """The common directory of the paths (the cwd for stdin), where the searches start."""
    directories = [
        os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
        for path in paths
        if path != "-"
    ] or [os.getcwd()]
    try:
        return os.path.commonpath(directories)
    except ValueError:  # paths on different drives
        return os.getcwd()


def find_pyproject(paths: Sequence[str]) -> str | None:
    """The nearest ``pyproject.toml`` above the paths' common directory (the cwd for stdin)."""
    directory = start_directory(paths)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load(path: str | None) -> ProjectConfig:
    if path is None:
        return ProjectConfig()
    toml = _load_toml()
    if toml is None:
        return ProjectConfig(note=f"{path} not read: install tomli to read it on Python < 3.11")
    try:
        with open(path, "rb") as file:
            document = toml.load(file)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except toml.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: it is not UTF-8") from None
    project = document.get("project")
    requires = project.get("requires-python") if isinstance(project, dict) else None
    table = (
        document.get("tool", {}).get(TABLE, {}) if isinstance(document.get("tool"), dict) else {}
    )
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] is not a table")
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(
                f"{path}: [tool.{TABLE}]: unknown key {key!r} (known: {', '.join(KEYS)})"
            )
        if key == "per-file-ignores" and isinstance(value, dict):  # ruff's form: glob = [codes]
            if not all(
                isinstance(codes, str)
                or (isinstance(codes, list) and all(isinstance(code, str) for code in codes))
                for codes in value.values()
            ):
                raise ConfigError(
                    f"{path}: [tool.{TABLE}]: per-file-ignores must map globs to lists of codes"
                )
            continue
        if not isinstance(value, (str, bool, list)) or (
            isinstance(value, list) and not all(isinstance(item, str) for item in value)
        ):
            raise ConfigError(
                f"{path}: [tool.{TABLE}]: {key} must be a string or a list of strings"
            )
    return ProjectConfig(
        path,
        dict(table),
        requires if isinstance(requires, str) else None,
        line_length=_formatter_line_length(document, os.path.dirname(path), toml),
    )


FORMATTER_DEFAULT_LINE_LENGTH = 88  # ruff's and black's


def _formatter_line_length(document: dict[str, Any], directory: str, toml: Any) -> int | None:
    """ruff's ``line-length`` (``ruff.toml``/``.ruff.toml`` beside, else ``[tool.ruff]``), else
    black's (``[tool.black]``); their default when the table is there without one."""
    tools = document.get("tool") if isinstance(document.get("tool"), dict) else {}
    tables: list[Any] = []
    for name in ("ruff.toml", ".ruff.toml"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as file:
                    tables.append(toml.load(file))
            except (OSError, ValueError):
                pass
            break
    tables += [tools.get("ruff"), tools.get("black")]
    for table in tables:
        if isinstance(table, dict):
            value = table.get("line-length", FORMATTER_DEFAULT_LINE_LENGTH)
            return value if isinstance(value, int) and value > 0 else None
    return None


_LOWER_BOUND = re.compile(r"(>=|~=|==|>)\s*3\.(\d+)")


def infer_target_version(requires_python: str | None) -> str | None:
    """``">=3.8,<4"`` -> ``"py38"``: the oldest minor version allowed, clamped to what we support."""
    if not requires_python:
        return None
    minors = [int(match.group(2)) for match in _LOWER_BOUND.finditer(requires_python)]
    if not minors:
        return None
    oldest = min(int(target[3:]) for target in SUPPORTED_TARGETS)
    newest = max(int(target[3:]) for target in SUPPORTED_TARGETS)
    return f"py3{max(oldest, min(newest, min(minors)))}"
