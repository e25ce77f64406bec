"""``executor-fix --clean``: remove the caches, as ``ruff clean`` does.

The project's cache (``.flake8-executor-cache/`` at the project's root found from the working
directory, or where ``FLAKE8_EXECUTOR_CACHE_DIR`` puts it) and the user's cache directory for the
tool, when they exist. A directory is removed only when it is evidently ours: it has the cache's
name, or the ``CACHEDIR.TAG`` the cache writes; a ``FLAKE8_EXECUTOR_CACHE_DIR`` pointing at anything
else is named and left alone.
"""

from __future__ import annotations

import os
import shutil

from flake8_executor.config.cache_dirs import (
    CACHE_DIRECTORY,
    USER_CACHE_NAME,
    cache_directory,
    user_cache_directory,
)

TAG = "CACHEDIR.TAG"


def _ours(directory: str) -> bool:
    names = {os.path.basename(directory), os.path.basename(os.path.dirname(directory))}
    if names & {CACHE_DIRECTORY, USER_CACHE_NAME}:  # Windows: ...\flake8-executor\Cache
        return True
    try:
        with open(os.path.join(directory, TAG), encoding="utf-8") as file:
            return "flake8-executor" in file.read()
    except OSError:
        return False


def clean(start: str) -> tuple[list[str], list[str]]:
    """Remove the caches; the lines saying what was removed, and the errors."""
    said: list[str] = []
    errors: list[str] = []
    user = user_cache_directory()
    for directory in dict.fromkeys([cache_directory(start), user]):
        if not os.path.isdir(directory):
            continue
        if not _ours(directory):
            errors.append(f"{directory}: not removed: not a flake8-executor cache")
            continue
        try:
            shutil.rmtree(directory)
        except OSError as error:
            errors.append(f"{directory}: not removed: {error.strerror or error}")
            continue
        said.append(f"removed {directory}")
    return said, errors
