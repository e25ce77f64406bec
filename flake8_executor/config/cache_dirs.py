"""Where the caches go: the project's (at its root, or where ``FLAKE8_EXECUTOR_CACHE_DIR`` puts it)
and the user's, for what belongs to no project."""

from __future__ import annotations

import os
import sys

# The directory, under the project's, where module summaries are cached (``cache = false``: none).
CACHE_DIRECTORY = ".flake8-executor-cache"
CACHE_DIR_VARIABLE = "FLAKE8_EXECUTOR_CACHE_DIR"
USER_CACHE_NAME = "flake8-executor"


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
