"""Files in and out without harm: decoding as Python does, and atomic writes.

A source file is decoded the way the interpreter would (PEP 263 cookie, BOM) and encoded back the same
way, so bytes that no fix touched come out identical: line endings are never translated, a BOM stays.
A file is written only when its text changed, through a temporary file in the same directory and
``os.replace``, with the original's mode bits; a file that is read-only, or that changed on disk while
it was being fixed, is left alone.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass


class FileError(Exception):
    """A file that cannot be read, decoded or written; ``str()`` is a one-line reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8-sig" when the file starts with a BOM, so encoding restores it


_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 and UTF-32: NUL bytes, yet text
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x0b\x1b")


def looks_binary(data: bytes, decodes: bool = True) -> bool:
    """A NUL byte in the first 8 KiB (git's test), or, for bytes that do not decode, many controls.

    Binary data named ``.py`` (a compiled file, an image) must be called what it is, not an invalid
    encoding declaration.
    """
    head = data[:8192]
    if head.startswith(_WIDE_BOMS):
        return False
    if b"\0" in head:
        return True
    if decodes or not head:
        return False
    controls = sum(
        1 for byte in head if (byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F
    )
    return controls * 10 >= len(head)


def decode(data: bytes) -> Decoded:
    if looks_binary(data):
        raise FileError("not a text file")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding in the coding cookie
        if looks_binary(data, decodes=False):
            raise FileError("not a text file") from None
        raise FileError(f"cannot decode: {error}") from None
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as error:
        if looks_binary(data, decodes=False):
            raise FileError("not a text file") from None
        raise FileError(
            f"cannot decode as {encoding}: {error.reason} at byte {error.start}"
        ) from None


def encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        raise FileError(f"cannot encode the fixed text as {encoding}: {error.reason}") from None


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error)


@dataclass(frozen=True)
class ReadFile:
    """A file's bytes and the stat taken before reading, to detect a change before writing."""

    data: bytes
    real_path: str
    mtime_ns: int
    size: int


def read(path: str) -> ReadFile:
    real_path = os.path.realpath(path)  # write through symlinks instead of replacing them
    try:
        before = os.stat(real_path)
        if not stat.S_ISREG(before.st_mode):
            # A FIFO would block the read forever, a device never end: only plain files are code.
            raise FileError("cannot read: not a regular file")
        with open(real_path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise FileError(f"cannot read: {_os_reason(error)}") from None
    return ReadFile(data, real_path, before.st_mtime_ns, before.st_size)


def write_atomic(original: ReadFile, data: bytes) -> None:
    """Replace the file's content with ``data``, keeping its mode, or raise ``FileError``."""
    try:
        now = os.stat(original.real_path)
    except OSError as error:
        raise FileError(f"cannot write: {_os_reason(error)}") from None
    if (now.st_mtime_ns, now.st_size) != (original.mtime_ns, original.size):
        raise FileError("changed on disk while being fixed; not written")
    if not now.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        original.real_path, os.W_OK
    ):
        raise FileError("read-only; not written")
    directory, name = os.path.split(original.real_path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise FileError(f"cannot write: {_os_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if hasattr(os, "chown") and (now.st_uid, now.st_gid) != _owner(temporary):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temporary, now.st_uid, now.st_gid)
        os.chmod(temporary, stat.S_IMODE(now.st_mode))  # after chown, which may clear set-id bits
        os.replace(temporary, original.real_path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FileError(f"cannot write: {_os_reason(error)}") from None


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid
