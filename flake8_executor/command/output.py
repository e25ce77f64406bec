"""``executor-fix --output-format``: the run's findings for tools, not people.

- ``json``: one object, ``findings`` holding one record per finding (path, line, column, code,
  message, and ``fix``: ``"fixed"``, ``"unsafe"`` (an unsafe fix, applied only with
  ``--unsafe-fixes``) or ``"unfixed"`` (declined, or no fix), with the ``reason`` when not fixed), ``errors``
  one per file that could not be handled, ``skipped`` the files left alone on purpose.
- ``sarif``: SARIF 2.1.0, as GitHub code scanning uploads it (one run, the codes as rules).
- ``concise``: one line per finding still in the code, as flake8 prints it
  (``path:line:col: CODE message``): for teams that run no flake8, in a pre-commit hook or CI log.
- ``github``: GitHub Actions workflow commands, ``::warning file=...,line=...::``, one per finding
  still in the code (left unfixed, or with ``--check``/``--diff`` one that would be fixed) and
  ``::error`` per file that could not be handled.

In write mode a fixed finding is already gone from the file; in ``--check``/``--diff`` mode "fixed"
means "would be fixed". A fixed finding is placed in the input's lines, an unfixed one where the
user will look (the file as it is after the run).

Columns count from 1, in the unit each consumer reads (``columns.py``); all three agree on ASCII
lines. JSON (like the text summary) gives a finding's column as flake8 prints it for the same
finding, in UTF-8 bytes, so the two front ends can be matched; SARIF counts UTF-16 code units and
says so (``run.columnKind``: SARIF's readers disagree about the default, and GitHub code scanning
reads CodeQL's ``utf16CodeUnits``); GitHub annotations count characters, as GitHub shows the line.
A parse error's column is the parser's, in characters (UTF-16 code units in SARIF).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flake8_executor import __version__, docs
from flake8_executor.columns import char_column, utf16_length
from flake8_executor.command.job import FileReport, Mode
from flake8_executor.fix.outcome import Outcome

FORMATS = ("text", "concise", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class _Placed:
    """A finding with its fix state and the non-ASCII lines of the text it is placed in."""

    report: FileReport
    outcome: Outcome
    state: str  # "fixed", "unsafe" or "unfixed"
    lines: dict[int, str]

    def column(self, line: int, byte_column: int, units: Callable[[str], int]) -> int:
        """A byte column of the finding's text (from 0) as ``units`` count it, from 1."""
        text = self.lines.get(line)
        if text is None:  # an ASCII line: a byte is a character is a code unit
            return byte_column + 1
        return units(text[: char_column(text, byte_column)]) + 1


def _placed(reports: Sequence[FileReport], mode: Mode) -> Iterator[_Placed]:
    """Each finding, in the files' order then the findings', with its fix state."""
    for report in reports:
        if report.problem is None:
            for outcome in report.fixed:
                yield _Placed(report, outcome, "fixed", report.lines_before)
        lines = report.remaining_lines(mode)
        for outcome in report.remaining(mode):
            yield _Placed(report, outcome, "unsafe" if outcome.unsafe else "unfixed", lines)


def records(reports: Sequence[FileReport], mode: Mode) -> list[dict[str, Any]]:
    """One JSON-ready record per finding, columns as flake8 prints them (UTF-8 bytes, from 1)."""
    found = []
    for placed in _placed(reports, mode):
        finding = placed.outcome.finding
        found.append(
            {
                "path": placed.report.path,
                "line": finding.line,
                "column": finding.col + 1,
                "end_line": finding.end_line,
                "end_column": finding.end_col + 1,
                "code": finding.code,
                "message": finding.message,
                "fix": placed.state,
                "reason": placed.outcome.reason,
            }
        )
    return found


def _error_record(report: FileReport) -> dict[str, Any]:
    line, column = report.error_position or (None, None)
    return {"path": report.path, "line": line, "column": column, "message": report.reason}


def to_json(reports: Sequence[FileReport], mode: Mode) -> str:
    document = {
        "tool": "executor-fix",
        "version": __version__,
        "mode": mode.value,
        "findings": records(reports, mode),
        "errors": [_error_record(report) for report in reports if report.problem is not None],
        "skipped": [
            {"path": report.path, "reason": report.skipped} for report in reports if report.skipped
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _uri(path: str) -> str:
    """A path relative to the working directory, with ``/``: what code scanning maps to the repo."""
    relative = os.path.relpath(path) if os.path.isabs(path) else os.path.normpath(path)
    return relative.replace(os.sep, "/")


def to_sarif(reports: Sequence[FileReport], mode: Mode) -> str:
    from flake8_executor.rules.registry import CODES

    codes = sorted(CODES)
    rules = [
        {
            "id": code,
            "name": CODES[code].summary,
            "shortDescription": {"text": CODES[code].summary},
            # The code's page, as docs/codes/ holds it; no helpUri: the package is not published,
            # so no address of its docs is sure to exist.
            "help": {"text": docs.explain(code), "markdown": docs.explain(code)},
            "defaultConfiguration": {
                "level": CODES[code].severity,
                "enabled": CODES[code].default_on,
            },
        }
        for code in codes
    ]
    results = []
    for placed in _placed(reports, mode):
        finding = placed.outcome.finding
        region = {
            "startLine": finding.line,
            "startColumn": placed.column(finding.line, finding.col, utf16_length),
            "endLine": finding.end_line,
            "endColumn": placed.column(finding.end_line, finding.end_col, utf16_length),
        }
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": codes.index(finding.code),
                # The code's severity, fixable or not: a fixed TypeError was still a TypeError.
                "level": CODES[finding.code].severity,
                "message": {"text": finding.text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": _uri(placed.report.path),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": region,
                        }
                    }
                ],
                "properties": {"fix": placed.state, "reason": placed.outcome.reason},
            }
        )
    notifications = []
    for report in reports:
        if report.problem is None:
            continue
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(report.path)}}
        if report.error_position is not None:
            line, column = report.error_position  # characters, from 1
            text = report.lines_before.get(line, "")
            column = utf16_length(text[: column - 1]) + 1 if text else column
            location["region"] = {"startLine": line, "startColumn": max(column, 1)}
        notifications.append(
            {
                "level": "error",
                "message": {"text": report.reason},
                "locations": [{"physicalLocation": location}],
            }
        )
    root = os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "executor-fix",
                        "fullName": "executor-fix (flake8-executor)",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + root}},
                "columnKind": "utf16CodeUnits",
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(reports: Sequence[FileReport], mode: Mode) -> str:
    """Annotations for the findings still in the code and the files with errors."""
    lines = []
    for placed in _placed(reports, mode):
        if placed.state == "fixed" and mode is Mode.WRITE:
            continue  # gone from the file
        finding = placed.outcome.finding
        properties = (
            f"file={_escape_property(placed.report.path)},line={finding.line},"
            f"col={placed.column(finding.line, finding.col, len)},endLine={finding.end_line},"
            f"title={_escape_property(finding.code)}"
        )
        reason = placed.outcome.reason
        why = f" (not fixed: {reason})" if reason else " (executor-fix fixes it)"
        lines.append(f"::warning {properties}::{_escape_data(finding.text + why)}")
    for report in reports:
        if report.problem is None:
            continue
        where = f"file={_escape_property(report.path)}"
        if report.error_position is not None:
            where += f",line={report.error_position[0]},col={report.error_position[1]}"
        lines.append(f"::error {where}::{_escape_data(report.reason)}")
    return "".join(line + "\n" for line in lines)


def to_concise(reports: Sequence[FileReport], mode: Mode) -> str:
    """flake8's default format for the findings still in the code (a fixed one is gone in write
    mode); the column in UTF-8 bytes from 1, as flake8 prints it."""
    lines = []
    for placed in _placed(reports, mode):
        if placed.state == "fixed" and mode is Mode.WRITE:
            continue
        finding = placed.outcome.finding
        lines.append(f"{placed.report.path}:{finding.line}:{finding.col + 1}: {finding.text}")
    return "".join(line + "\n" for line in lines)


def render(output_format: str, reports: Sequence[FileReport], mode: Mode) -> str:
    render_as = {
        "concise": to_concise,
        "json": to_json,
        "sarif": to_sarif,
        "github": to_github,
    }[output_format]
    return render_as(reports, mode)
