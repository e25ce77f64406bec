"""``executor-fix --output-format``: the run's findings for tools, not people.

- ``json``: one object, ``findings`` holding one record per finding (path, line, column, code,
  message, and ``fix``: ``"fixed"``, ``"unsafe"`` (an unsafe fix, applied only with
  ``--unsafe-fixes``) or ``"unfixed"`` (declined, or no fix), with the ``reason`` when not fixed), ``errors``
  one per file that could not be handled, ``skipped`` the files left alone on purpose.
- ``sarif``: SARIF 2.1.0, as GitHub code scanning uploads it (one run, the codes as rules).
- ``github``: GitHub Actions workflow commands, ``::warning file=...,line=...::``, one per finding
  still in the code (left unfixed, or with ``--check``/``--diff`` one that would be fixed) and
  ``::error`` per file that could not be handled.

In write mode a fixed finding is already gone from the file; in ``--check``/``--diff`` mode "fixed"
means "would be fixed". A fixed finding is placed in the input's lines, an unfixed one where the
user will look (the file as it is after the run).
Columns count from 1, in UTF-8 bytes of the line as flake8 counts them; the same as characters on
the ASCII lines code mostly has.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

from flake8_executor import __version__, docs
from flake8_executor.command.job import FileReport, Mode
from flake8_executor.fix.outcome import Outcome

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _outcomes(report: FileReport, mode: Mode) -> Iterator[tuple[Outcome, str]]:
    """Each finding of the file with its fix state: ``"fixed"``, ``"unsafe"`` or ``"unfixed"``."""
    if report.problem is None:
        for outcome in report.fixed:
            yield outcome, "fixed"
    for outcome in report.remaining(mode):
        yield outcome, "unsafe" if outcome.unsafe else "unfixed"


def records(reports: Sequence[FileReport], mode: Mode) -> list[dict[str, Any]]:
    """One JSON-ready record per finding, in the files' order then the findings'."""
    found = []
    for report in reports:
        for outcome, state in _outcomes(report, mode):
            finding = outcome.finding
            found.append(
                {
                    "path": report.path,
                    "line": finding.line,
                    "column": finding.col + 1,
                    "end_line": finding.end_line,
                    "end_column": finding.end_col + 1,
                    "code": finding.code,
                    "message": finding.message,
                    "fix": state,
                    "reason": outcome.reason,
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
            "help": {"text": docs.explain(code)},
            "defaultConfiguration": {"level": "warning", "enabled": CODES[code].default_on},
        }
        for code in codes
    ]
    results = []
    for record in records(reports, mode):
        region = {
            "startLine": record["line"],
            "startColumn": record["column"],
            "endLine": record["end_line"],
            "endColumn": record["end_column"],
        }
        results.append(
            {
                "ruleId": record["code"],
                "ruleIndex": codes.index(record["code"]),
                "level": "note" if record["fix"] == "fixed" else "warning",
                "message": {"text": f"{record['code']} {record['message']}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": _uri(record["path"]),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": region,
                        }
                    }
                ],
                "properties": {"fix": record["fix"], "reason": record["reason"]},
            }
        )
    notifications = []
    for report in reports:
        if report.problem is None:
            continue
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(report.path)}}
        if report.error_position is not None:
            line, column = report.error_position
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
    for record in records(reports, mode):
        if record["fix"] == "fixed" and mode is Mode.WRITE:
            continue  # gone from the file
        properties = (
            f"file={_escape_property(record['path'])},line={record['line']},"
            f"col={record['column']},endLine={record['end_line']},"
            f"title={_escape_property(record['code'])}"
        )
        why = (
            f" (not fixed: {record['reason']})" if record["reason"] else " (executor-fix fixes it)"
        )
        message = f"{record['code']} {record['message']}{why}"
        lines.append(f"::warning {properties}::{_escape_data(message)}")
    for report in reports:
        if report.problem is None:
            continue
        where = f"file={_escape_property(report.path)}"
        if report.error_position is not None:
            where += f",line={report.error_position[0]},col={report.error_position[1]}"
        lines.append(f"::error {where}::{_escape_data(report.reason)}")
    return "".join(line + "\n" for line in lines)


def render(output_format: str, reports: Sequence[FileReport], mode: Mode) -> str:
    render_as = {"json": to_json, "sarif": to_sarif, "github": to_github}[output_format]
    return render_as(reports, mode)
