"""The on-disk cache of module summaries (``.flake8-executor-cache/``), as ruff and mypy keep theirs.

An entry is one JSON file per module file, named by a hash of its path and stamp, holding the file's size and
modification time, a hash of its content, the tool's version, the Python that parsed it and the
settings that shape a summary (``--executor-extra-calls``): any difference and the entry is ignored
and rewritten. The content hash is checked on every load (hashing a module costs a few microseconds,
parsing it milliseconds): an edit that keeps the size within the file system's mtime granularity
is still seen. Installed packages' summaries live in the user's cache directory, one directory per
distribution and version (``installed/<name>-<version>/``), shared by every project: the version is
in the stamp, so an upgrade is read again. Writes
go to a temporary file in the same directory, then ``os.replace``: a reader (another of flake8's
``-j`` workers) sees the old entry or the new one, never half of one. The cache is an optimisation:
a directory that cannot be created or written, or an entry that cannot be read, costs a parse and
nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from typing import Any

from flake8_executor import __version__

# What a cached summary depends on besides its file: a new release or Python reads it again.
# 2: content hashes, installed summaries; 3: sized CPU steps on parameters, helpers that return a
# body, and time.sleep(0) no step; 4: guards, arguments, signatures, classes' bases, returns,
# properties; 5: generators' body steps; 6: applications' state (``app.state.engine``); 7: a
# wait given a zero timeout (``thread.join(timeout=0)``) no step, a parameter given its default in
# the body (``if tz is None: tz = ...``) still guards, guards and signatures of installed
# coroutines, arguments of the coroutines they await; 8: what a module assigns to any
# application's state (the project-wide index of ``app.state.x``); 9: ``ZoneInfo(key)`` guarded
# on its key (a key the framework loaded is no step); 10: abstract methods, whose steps are their
# overrides in the module; 11: httpx's clients, guarded on their ``verify`` parameter.
FORMAT = 11

_GITIGNORE = "# Created by flake8-executor automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by flake8-executor.\n"
)


def content_digest(data: bytes) -> str:
    """What a cached entry is checked against: the file's bytes, hashed."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def user_cache_dir() -> str:
    """``$XDG_CACHE_HOME/flake8-executor``, else ``~/.cache/flake8-executor`` (as pip and ruff)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "flake8-executor")


def _safe(text: str) -> str:
    return "".join(char if char.isalnum() or char in "._-" else "_" for char in text)


class SummaryCache:
    """Module summaries stored under one directory (with ``distribution``: that distribution's
    version's subdirectory of an installed-packages cache)."""

    def __init__(
        self, directory: str, settings_key: str, distribution: tuple[str, str | None] | None = None
    ) -> None:
        self.directory = directory
        self._stamp: list[Any] = [FORMAT, __version__, list(sys.version_info[:2]), settings_key]
        self._entries = os.path.join(directory, "summaries")
        if distribution is not None:
            name, version = distribution
            self._stamp.append([name, version])
            self._entries = os.path.join(
                directory, "installed", _safe(f"{name}-{version or 'unversioned'}")
            )
        self._ready: bool | None = None

    def _entry_path(self, path: str) -> str:
        return entry_path(self._entries, path, self._stamp)

    def load(self, path: str, signature: tuple[int, int], digest: str) -> dict[str, Any] | None:
        """The stored summary of ``path`` if it was made from this very file (its stat and its
        content), else ``None``."""
        entry = read_entry(
            self._entry_path(path),
            {
                "stamp": self._stamp,
                "path": os.path.abspath(path),
                "signature": list(signature),
                "digest": digest,
            },
        )
        if entry is None:
            return None
        summary = entry.get("summary")
        return summary if isinstance(summary, dict) else None

    def store(
        self, path: str, signature: tuple[int, int], digest: str, summary: dict[str, Any]
    ) -> None:
        """Write the entry atomically; any failure leaves the cache as it was."""
        if not self._prepare():
            return
        entry = {
            "stamp": self._stamp,
            "path": os.path.abspath(path),
            "signature": list(signature),
            "digest": digest,
            "summary": summary,
        }
        write_atomically(self._entry_path(path), entry)

    def _prepare(self) -> bool:
        """Create the directory with its ``.gitignore`` and ``CACHEDIR.TAG`` once per process."""
        if self._ready is None:
            self._ready = prepare_directory(self.directory)
        return self._ready


def entry_path(entries: str, path: str, stamp: list[Any]) -> str:
    """Where the entry of ``path`` lives under ``entries``. The stamp is in the name too: two
    Pythons or settings keep an entry each, not one in turn."""
    key = repr((os.path.abspath(path), stamp))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return os.path.join(entries, digest[:2], digest + ".json")


def read_entry(target: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON entry at ``target`` when it holds each of ``expected``'s values, else ``None``
    (none there, unreadable, or made from another file, tool or setting)."""
    try:
        with open(target, encoding="utf-8") as file:
            entry = json.load(file)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or any(entry.get(k) != v for k, v in expected.items()):
        return None
    return entry


def prepare_directory(directory: str) -> bool:
    """Create a cache directory with its ``.gitignore`` and ``CACHEDIR.TAG`` (``False``: it
    cannot be)."""
    try:
        os.makedirs(directory, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", _GITIGNORE)):
            marker = os.path.join(directory, name)
            if not os.path.exists(marker):
                with open(marker, "w", encoding="utf-8") as file:
                    file.write(text)
    except OSError:
        return False
    return True


# Directories this process has made (or found): an entry's directory is made once, not per write.
_MADE: set[str] = set()


def write_atomically(target: str, entry: dict[str, Any]) -> None:
    """``entry`` as JSON at ``target``, through a temporary file and ``os.replace``: a reader sees
    the old entry or the new one, never half of one; a failure leaves the old one. The temporary
    file is named for this process and thread (flake8's ``-j`` workers write side by side)."""
    directory = os.path.dirname(target)
    text = json.dumps(entry, separators=(",", ":"))
    temporary = f"{target}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        if directory not in _MADE:
            os.makedirs(directory, exist_ok=True)
            _MADE.add(directory)
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
