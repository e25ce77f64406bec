"""The pinned benchmark corpus: real asyncio-heavy source from PyPI sdists plus CPython's ``asyncio``.

Why pinned: timings and finding counts are only comparable between runs (and between machines) when
every tool sees byte-identical input, so each sdist is named by exact version *and* sha256, and the
archive is checked after download. Why sdists rather than wheels: a wheel of a compiled project
(aiohttp, asyncpg) carries no more Python than the sdist, and the issue asks for source.

What is kept of each sdist: only the ``.py`` files of its import package(s) (``aiohttp/``,
``django/``, ...), not ``tests/``, ``docs/``, ``docs_src/``, ``examples/``, ``scripts/`` or
``setup.py``. Test suites are excluded because what we want to time is the code users ship and lint
for blocking calls, and because they would double the size (and the run time) of the corpus. Test
suites that live *inside* a package are excluded by name (``tornado/test``); library modules that
merely have "test" in their path are kept (``django/test`` is Django's test framework, shipped code).

Every kept file must parse with the running interpreter's ``ast``: a file that does not (newer syntax
than this Python) is dropped and listed, so that no tool is timed on a file the floor cannot parse.

Downloads go through pip, the ordinary client: ``pip download --no-deps --no-binary NAME NAME==VER``.
``--no-binary NAME`` rather than ``:all:`` because ``:all:`` also applies to the isolated build
environment pip creates to read an sdist's metadata, which then builds setuptools and Cython from
source: measured here, 2 min 45 s for aiohttp + asyncpg instead of 8 s.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CACHE = Path("~/.cache/flake8-executor-bench").expanduser()
# Bump when the selection rules change, so an old extracted corpus is not silently reused.
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class Pin:
    """One sdist of the corpus: exact version, the archive's sha256, and what of it is kept."""

    name: str
    version: str
    sha256: str
    packages: tuple[str, ...]  # import package directories, relative to the sdist's top directory
    exclude: tuple[str, ...] = ()  # directories inside those packages that are test suites

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.version}"


# Latest releases on PyPI when the corpus was pinned (all support CPython 3.11).
PINS: tuple[Pin, ...] = (
    Pin(
        "aiogram",
        "3.31.0",
        "f2c5064fe52d88898c86af62261c405440a014216e45dd99b2c6555a5602ce30",
        ("aiogram",),
    ),
    Pin(
        "aiohttp",
        "3.14.5",
        "5558a7f5a05af9ecf744af91e5baefc436f93c9333e656c27ec253f9a6bbe178",
        ("aiohttp",),
    ),
    Pin(
        "asyncpg",
        "0.32.0",
        "45e64e56714d888330b884aad1dfb363d0bf43fb343e3d1a8968525f3bade478",
        ("asyncpg",),
    ),
    Pin(
        "discord.py",
        "2.7.1",
        "24d5e6a45535152e4b98148a9dd6b550d25dc2c9fb41b6d670319411641249da",
        ("discord",),
    ),
    Pin(
        "django",
        "5.2.19",
        "ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1",
        ("django",),
    ),
    Pin(
        "fastapi",
        "0.165.0",
        "dd94d4128319c1e1d50535ab023ab698f850a4d2822f0e181747b46f4ff3c0ab",
        ("fastapi",),
    ),
    Pin(
        "httpx",
        "0.28.1",
        "75e98c5f16b0f35b567856f597f06ff2270a374470a5c2392242528e3e3e42fc",
        ("httpx",),
    ),
    Pin(
        "motor",
        "3.7.1",
        "27b4d46625c87928f331a6ca9d7c51c2f518ba0e270939d395bc1ddc89d64526",
        ("motor",),
    ),
    Pin(
        "sanic",
        "25.12.1",
        "7b51bf608e4030f06a6c002cd08fed2872e4936527e63c9a8a97d5cd06a2b47f",
        ("sanic",),
    ),
    Pin(
        "starlette",
        "1.10.0",
        "b8399098d4c1e3522734f7235dc79b1fc967f96cf139c81e0fa30479e0685f9b",
        ("starlette",),
    ),
    Pin(
        "tornado",
        "6.6.1",
        "28e6311402af59c8b02e3fa0f5e7d8eb465b25081381803b127d97e6a4395d5a",
        ("tornado",),
        exclude=("tornado/test",),
    ),
    Pin(
        "uvicorn",
        "0.54.0",
        "a2e33cbfaa0306f8e6b0c13e0cb89d7d7a2da3e62b90c66e18c33d9807b28620",
        ("uvicorn",),
    ),
)

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


class CorpusError(RuntimeError):
    """The corpus could not be built (download failed, hash mismatch, unknown archive)."""


@dataclass
class Project:
    """One project of the built corpus, with what was kept of it."""

    name: str
    version: str
    source: str  # "pypi sdist <file> sha256 <hash>" or "stdlib of CPython x.y.z (<path>)"
    files: list[str] = field(default_factory=list)  # paths relative to the corpus root
    lines: int = 0
    bytes: int = 0
    dropped: list[str] = field(default_factory=list)  # kept by the rules but unparseable here


@dataclass
class Corpus:
    """The files every tool is timed on, in a fixed order, relative to ``root``."""

    root: Path
    projects: list[Project]
    python: str  # the interpreter whose ast decides parseability (and whose asyncio is included)
    description: str

    @property
    def files(self) -> list[str]:
        """All files in a fixed pseudo-random order: sorted by the sha256 of their path.

        So that ``--corpus-limit N`` (the first N files) is an unbiased sample of the whole corpus,
        each project represented in proportion to its size, and the same sample on every machine.
        """
        every = [path for project in self.projects for path in project.files]
        return sorted(every, key=lambda path: hashlib.sha256(path.encode()).hexdigest())


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _archive_for(pin: Pin, directory: Path) -> Path | None:
    """The sdist of ``pin`` in ``directory``: pip names it ``discord_py-2.7.1.tar.gz`` and so on."""
    if not directory.is_dir():
        return None
    for path in sorted(directory.iterdir()):
        for suffix in ARCHIVE_SUFFIXES:
            if path.name.endswith(suffix):
                stem = path.name[: -len(suffix)]
                dist, _, version = stem.rpartition("-")
                if _norm(dist) == _norm(pin.name) and version == pin.version:
                    return path
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pin: Pin, sdists: Path) -> Path:
    """Fetch the sdist with pip unless a copy with the pinned hash is already cached."""
    archive = _archive_for(pin, sdists)
    if archive is not None and _sha256(archive) == pin.sha256:
        return archive
    if archive is not None:
        archive.unlink()  # a stale or truncated copy: fetch it again
    sdists.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        pin.name,
        "--disable-pip-version-check",
        "--quiet",
        "-d",
        str(sdists),
        f"{pin.name}=={pin.version}",
    ]
    print(f"  downloading {pin.slug}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise CorpusError(f"pip download {pin.slug} failed: {' | '.join(tail)}")
    archive = _archive_for(pin, sdists)
    if archive is None:
        raise CorpusError(f"pip download {pin.slug} saved no sdist in {sdists}")
    actual = _sha256(archive)
    if actual != pin.sha256:
        raise CorpusError(f"{archive.name}: sha256 {actual} does not match the pinned {pin.sha256}")
    return archive


def _members(archive: Path) -> Iterator[tuple[str, bytes]]:
    """(path inside the archive, content) of every regular ``.py`` file, tar or zip."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.filename.endswith(".py"):
                    yield info.filename, zf.read(info)
        return
    with tarfile.open(archive) as tf:
        for member in tf:
            if member.isfile() and member.name.endswith(".py"):
                handle = tf.extractfile(member)
                if handle is not None:
                    yield member.name, handle.read()


def _selected(pin: Pin, inner: str) -> bool:
    """Whether ``inner`` (path below the sdist's top directory) is package source we keep."""
    parts = inner.split("/")
    if ".." in parts or not parts:
        return False
    if not any(inner.startswith(package + "/") for package in pin.packages):
        return False
    return not any(inner.startswith(excluded + "/") for excluded in pin.exclude)


def _parses(source: bytes) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _store(project: Project, root: Path, relative: str, content: bytes) -> None:
    """Write one kept file (or record it as dropped when this Python cannot parse it)."""
    if not _parses(content):
        project.dropped.append(relative)
        return
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    project.files.append(relative)
    project.lines += content.count(b"\n")
    project.bytes += len(content)


def _extract(pin: Pin, archive: Path, root: Path) -> Project:
    project = Project(
        pin.name, pin.version, f"pypi sdist {archive.name} sha256 {pin.sha256[:16]}..."
    )
    for name, content in _members(archive):
        top, _, inner = name.partition("/")
        if top and _selected(pin, inner):
            _store(project, root, f"{pin.slug}/{inner}", content)
    if not project.files:
        raise CorpusError(f"{archive.name}: no .py files under {', '.join(pin.packages)}")
    return project


def _stdlib_asyncio(root: Path) -> Project:
    """CPython's own ``asyncio`` package, copied from the running interpreter's stdlib."""
    source_dir = Path(asyncio.__file__).resolve().parent
    version = platform.python_version()
    project = Project(
        "cpython-asyncio",
        version,
        f"stdlib of {platform.python_implementation()} {version} ({source_dir})",
    )
    for path in sorted(source_dir.rglob("*.py")):
        relative = path.relative_to(source_dir).as_posix()
        if "__pycache__" in relative:
            continue
        _store(project, root, f"cpython-asyncio-{version}/asyncio/{relative}", path.read_bytes())
    return project


def _project_to_json(project: Project) -> dict[str, object]:
    return dict(project.__dict__)


def build_pinned(cache: Path, pins: tuple[Pin, ...] = PINS) -> Corpus:
    """Download (once) and extract (once) the pinned corpus under ``cache``; reuse it after that.

    The extracted tree is keyed by a hash of the pins, the layout version and the Python version,
    so changing any of them builds a fresh tree instead of mixing old and new files.
    """
    key_source = json.dumps(
        [LAYOUT_VERSION, platform.python_version(), [p.__dict__ for p in pins]], sort_keys=True
    )
    key = hashlib.sha256(key_source.encode()).hexdigest()[:12]
    root = cache / "corpus" / key
    manifest = root / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text())
        projects = [Project(**entry) for entry in data["projects"]]
        return Corpus(root, projects, data["python"], "pinned")
    tmp = cache / "corpus" / f"{key}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    projects: list[Project] = []
    for pin in pins:
        archive = download(pin, cache / "sdists")
        projects.append(_extract(pin, archive, tmp))
    projects.append(_stdlib_asyncio(tmp))
    python = f"{platform.python_implementation()} {platform.python_version()}"
    (tmp / "manifest.json").write_text(
        json.dumps(
            {"python": python, "projects": [_project_to_json(p) for p in projects]}, indent=1
        )
    )
    shutil.rmtree(root, ignore_errors=True)
    os.replace(tmp, root)  # atomic: a half-built tree is never taken for a finished one
    return Corpus(root, projects, python, "pinned")


def from_directory(directory: Path) -> Corpus:
    """Use the ``.py`` files under a given directory as they are (for the smoke test, offline).

    Files this Python cannot parse are dropped and listed, as for the pinned corpus.
    """
    root = directory.resolve()
    project = Project(root.name, "-", f"directory {root}")
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in Path(relative).parts):
            continue
        content = path.read_bytes()
        if _parses(content):
            project.files.append(relative)
            project.lines += content.count(b"\n")
            project.bytes += len(content)
        else:
            project.dropped.append(relative)
    if not project.files:
        raise CorpusError(f"no parseable .py files under {root}")
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return Corpus(root, [project], python, f"directory {root}")
