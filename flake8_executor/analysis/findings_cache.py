"""A file's findings kept for the next flake8 run, as ruff keeps its diagnostics.

The module summaries' cache (``analysis/cache.py``) spares a run the parse of every module a file's
calls reach; the file itself is still walked and every rule still runs. For flake8 on an unchanged
tree that work is most of what the plugin costs, so each file's findings are kept too, under the
project's cache directory (``findings/``), keyed by the file's path and stamped with what they
depend on:

- the file's text (a hash of what flake8 read, so an unsaved editor buffer on stdin is its own key);
- the settings, the tool's version and the hash of its own code (a development checkout changes
  without a new version), the Python's version;
- what the analysis read outside the file (``analysis/dependencies.py``): every module whose
  summary it used, checked by stat (and by content when the stat is as recent as the read), and
  every dotted name looked up as a module, which must still be the same file, or still none.

Any difference and the file is analysed again and the entry rewritten. Only the flake8 plugin uses
it: ``executor-fix`` and the language server need the fixes, which the entry does not hold.
"""

from __future__ import annotations

import hashlib
import os
import sys
from typing import Any

from flake8_executor import __version__
from flake8_executor.analysis.cache import (
    FORMAT,
    entry_path,
    prepare_directory,
    read_entry,
    write_atomically,
)
from flake8_executor.analysis.project import Project
from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding

_CODE_STAMP: list[str] = []


def code_stamp() -> str:
    """A hash of the stat of every module of the tool: an edited engine reads nothing stale."""
    if not _CODE_STAMP:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        digest = hashlib.blake2b(digest_size=16)
        for directory, directories, files in sorted(os.walk(package)):
            directories.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(directory, name)
                    try:
                        stat = os.stat(path)
                    except OSError:
                        continue
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        _CODE_STAMP.append(digest.hexdigest())
    return _CODE_STAMP[0]


class FindingsCache:
    """The kept findings of the files analysed with one set of settings, under ``directory``."""

    def __init__(self, directory: str, settings: Settings) -> None:
        self.directory = directory
        self._stamp = [
            FORMAT,
            __version__,
            code_stamp(),
            list(sys.version_info[:2]),
            repr(settings),
        ]
        self._ready: bool | None = None

    def _entry_path(self, path: str) -> str:
        return entry_path(os.path.join(self.directory, "findings"), path, self._stamp)

    def load(self, path: str, text_digest: str, project: Project | None) -> list[Finding] | None:
        """The findings kept for this very text of ``path`` whose reads are all unchanged."""
        expected = {"stamp": self._stamp, "path": os.path.abspath(path), "digest": text_digest}
        entry = read_entry(self._entry_path(path), expected)
        if entry is None:
            return None
        read = entry.get("read")
        if read is not None and (project is None or not project.valid(read)):
            return None
        try:
            return [Finding(*fields) for fields in entry["findings"]]
        except (KeyError, TypeError):
            return None

    def store(
        self,
        path: str,
        text_digest: str,
        findings: list[Finding],
        read: dict[str, Any] | None,
    ) -> None:
        """Keep the findings and what they depend on; a failure keeps nothing."""
        if self._ready is None:
            self._ready = prepare_directory(self.directory)
        if not self._ready:
            return
        entry = {
            "stamp": self._stamp,
            "path": os.path.abspath(path),
            "digest": text_digest,
            "read": read,
            "findings": [
                [
                    finding.code,
                    finding.line,
                    finding.col,
                    finding.end_line,
                    finding.end_col,
                    finding.message,
                    finding.callable,
                    finding.kind,
                ]
                for finding in findings
            ],
        }
        write_atomically(self._entry_path(path), entry)


_CACHES: dict[tuple[str, str], FindingsCache] = {}


def findings_cache(settings: Settings) -> FindingsCache | None:
    """The cache for these settings (``None``: summaries are not cached, so neither are findings)."""
    if settings.cache_dir is None:
        return None
    key = (settings.cache_dir, repr(settings))
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = FindingsCache(settings.cache_dir, settings)
    return cache
