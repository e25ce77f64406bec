"""One file's trip through the fixer: read, fix, check, then write, diff or only tell.

``process_file`` is what a worker process runs; it never raises for a bad file, it returns a
``FileReport`` naming the problem, so the command can go on with the other files and decide the exit
code from all of them. It does not write: ``write_pending`` does, in the command's own process, once
the report is back. A worker that dies takes the reports of its pool's unfinished chunks with it,
and those files are fixed again alone: had a worker written them already, the second run would find
nothing to fix and the summary would miss them.
"""

from __future__ import annotations

import difflib
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from flake8_executor.command.files import (
    FileError,
    ReadFile,
    decode,
    encode,
    read,
    write_atomic,
)
from flake8_executor.command.requires import needs_newer_python
from flake8_executor.config.settings import Settings
from flake8_executor.fix.errors import BrokenFix, UnparsableSource
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.pipeline import fix_source
from flake8_executor.selection import Selection


class Mode(str, enum.Enum):
    WRITE = "write"  # fix in place
    CHECK = "check"  # only tell whether something would change
    DIFF = "diff"  # print what would change


class Problem(str, enum.Enum):
    """Why a file was not (fully) processed; every problem makes the exit code 2."""

    UNREADABLE = "unreadable"
    UNPARSABLE = "unparsable"
    INTERNAL = "internal"
    UNWRITABLE = "unwritable"


@dataclass(frozen=True)
class FileJob:
    path: str
    settings: Settings
    selection: Selection
    mode: Mode
    unsafe_fixes: bool = False  # apply unsafe fixes too (``--unsafe-fixes``)


@dataclass(frozen=True)
class FileReport:
    path: str
    changed: bool = False
    fixed: list[Outcome] = field(default_factory=list)
    unfixed: list[Outcome] = field(default_factory=list)  # placed in the input's lines
    unfixed_after: list[Outcome] = field(default_factory=list)  # placed in the output's lines
    diff: str = ""
    problem: Problem | None = None
    reason: str = ""  # the one-line reason of the problem
    skipped: str = ""  # why the file was left alone on purpose (a newer Python declared): no error
    error_position: tuple[int, int] | None = None  # line and column (from 1) of a parse error
    # The non-ASCII lines that the findings (and a parse error) are on, by number, in the input and
    # in the output: a format that counts columns in characters or UTF-16 code units needs the
    # line's text, while an ASCII line (most) counts the same in every unit and is left out.
    lines_before: dict[int, str] = field(default_factory=dict)
    lines_after: dict[int, str] = field(default_factory=dict)
    # In write mode, what ``write_pending`` writes: the file as read (its stat, not its bytes) and
    # the fixed bytes; None once written, or when there is nothing to write.
    pending: tuple[ReadFile, bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def error_line(self) -> str:
        """``path:line:col: error: ...`` for a parse error (as compilers say it), else ``path: ...``."""
        if self.error_position is not None:
            line, column = self.error_position
            return f"{self.path}:{line}:{column}: error: {self.reason}"
        return f"{self.path}: {self.reason}"

    @property
    def written(self) -> bool:
        return self.changed and self.problem is None

    def remaining(self, mode: Mode) -> list[Outcome]:
        """The findings left unfixed, placed where the user will look: in the file as it now is."""
        return self.unfixed_after if self._after(mode) else self.unfixed

    def remaining_lines(self, mode: Mode) -> dict[int, str]:
        """The non-ASCII lines of the text that ``remaining(mode)`` places its findings in."""
        return self.lines_after if self._after(mode) else self.lines_before

    def _after(self, mode: Mode) -> bool:
        return mode is Mode.WRITE and self.written


def _lines(text: str) -> list[str]:
    """Lines as Python splits them (str.splitlines() also breaks at form feeds), ends kept."""
    return io.StringIO(text, newline="").readlines()


def non_ascii_lines(text: str, numbers: Iterable[int]) -> dict[int, str]:
    """The lines ``numbers`` (from 1, as ``ast`` counts them) of ``text`` that are not ASCII.

    Most files have no finding, or are ASCII: they cost no split into lines.
    """
    numbers = sorted(set(numbers))
    if not numbers or text.isascii():
        return {}
    lines = _lines(text)
    found = {}
    for number in numbers:
        if 1 <= number <= len(lines) and not lines[number - 1].isascii():
            found[number] = lines[number - 1].rstrip("\r\n")
    return found


def _finding_lines(outcomes: Iterable[Outcome]) -> set[int]:
    return {
        line for outcome in outcomes for line in (outcome.finding.line, outcome.finding.end_line)
    }


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(_lines(before), _lines(after), path, path)
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


def fix_bytes(path: str, data: bytes, job: FileJob) -> tuple[FileReport, bytes]:
    """The report and the bytes to write (the input itself when nothing changes)."""
    try:
        decoded = decode(data)
        skipped = needs_newer_python(decoded.text)
        if skipped is not None:
            return FileReport(path, skipped=skipped), data
        result = fix_source(decoded.text, job.settings, job.selection, job.unsafe_fixes, path)
        changed = result.text != decoded.text
        new_data = encode(result.text, decoded.encoding) if changed else data
    except FileError as error:
        return FileReport(path, problem=Problem.UNREADABLE, reason=str(error)), data
    except UnparsableSource as error:
        report = FileReport(
            path,
            problem=Problem.UNPARSABLE,
            reason=f"cannot parse: {error}",
            error_position=error.position,
            lines_before=non_ascii_lines(
                decoded.text, error.position[:1] if error.position else ()
            ),
        )
        return report, data
    except BrokenFix as error:
        reason = f"internal error, left unchanged: {error}"
        return FileReport(path, problem=Problem.INTERNAL, reason=reason), data
    except (RecursionError, MemoryError):
        # ast copes with nesting that libcst's recursive visitors (or memory) cannot: say so plainly.
        reason = "too deeply nested for the fixer; left unchanged"
        return FileReport(path, problem=Problem.UNPARSABLE, reason=reason), data
    diff = (
        unified_diff(path, decoded.text, result.text) if changed and job.mode is Mode.DIFF else ""
    )
    report = FileReport(
        path,
        changed,
        result.fixed,
        result.unfixed,
        result.unfixed_after,
        diff,
        lines_before=non_ascii_lines(decoded.text, _finding_lines(result.fixed + result.unfixed)),
        lines_after=non_ascii_lines(result.text, _finding_lines(result.unfixed_after)),
    )
    return report, new_data


def process_file(job: FileJob) -> FileReport:
    try:
        original = read(job.path)
    except FileError as error:
        return FileReport(job.path, problem=Problem.UNREADABLE, reason=str(error))
    report, new_data = fix_bytes(job.path, original.data, job)
    if report.changed and job.mode is Mode.WRITE:
        # The stat is what the write checks; the bytes read need not travel back.
        return replace(report, pending=(replace(original, data=b""), new_data))
    return report


def write_pending(report: FileReport) -> FileReport:
    """Write what ``process_file`` left to write (in the command's process), or say why not."""
    if report.pending is None:
        return report
    original, new_data = report.pending
    report = replace(report, pending=None)
    try:
        write_atomic(original, new_data)
    except FileError as error:
        return FileReport(
            report.path,
            unfixed=report.unfixed,
            problem=Problem.UNWRITABLE,
            reason=str(error),
            lines_before=report.lines_before,
        )
    return report


def crashed(job: FileJob, reason: str) -> FileReport:
    return FileReport(job.path, problem=Problem.INTERNAL, reason=reason)
