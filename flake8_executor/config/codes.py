"""The codes ``executor-fix`` and the language server act on, from the same three sources as the
settings (``resolve``): the command line (or the client's settings), the pyproject table, and
flake8's config file."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flake8_executor.config.pyproject import ProjectConfig
from flake8_executor.config.value import Value
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Selection, checked_codes, parse_per_file_ignores


def _codes(value: Value | None, ours_only: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [item.strip() for item in value.text.replace("\n", ",").split(",")]
    if ours_only:  # flake8's lists name every plugin's codes: ours are judged, theirs not
        return checked_codes(
            [item for item in items if item.upper().startswith("AEX")], value.source
        )
    return checked_codes(items, value.source)


def resolve_selection(
    command_line: Mapping[str, str | None],
    project: ProjectConfig,
    flake8_values: Mapping[str, Value],
    flag_prefix: str = "--",
) -> Selection:
    """The codes executor-fix (and the language server) act on, from the three sources.

    ``select`` and ``ignore``: the flag, else the table, else (``ignore`` only) flake8's config.
    ``extend-select``, ``extend-ignore`` and ``per-file-ignores`` add up over the sources, as
    flake8 and ruff add a command line's ``--extend-*`` to the configured ones. flake8's ``select``
    is not taken as such (a ``select = E,F,W`` there would turn every AEX code off for flake8
    only by accident of how flake8 was configured), but an opt-in code it names in full counts as
    named. A ``ValueError`` names the source of a bad value.
    """

    def source(key: str) -> tuple[Value | None, Value | None]:
        flag = command_line.get(key)
        table = project.text(key)
        return (
            Value(flag, f"{flag_prefix}{key}") if flag is not None else None,
            Value(table, f"{key} in {project.path}") if table is not None else None,
        )

    select_flag, select_table = source("select")
    ignore_flag, ignore_table = source("ignore")
    select = select_flag or select_table
    ignore = ignore_flag or ignore_table
    extend_select = [*_codes(source("extend-select")[0]), *_codes(source("extend-select")[1])]
    extend_select += _codes(flake8_values.get("extend-select"), ours_only=True)
    extend_select += [
        code
        for code in _codes(flake8_values.get("select"), ours_only=True)
        if code in OFF_BY_DEFAULT
    ]
    extend_ignore = [*_codes(source("extend-ignore")[0]), *_codes(source("extend-ignore")[1])]
    extend_ignore += _codes(flake8_values.get("extend-ignore"), ours_only=True)
    per_file = []
    client_per_file = command_line.get("per-file-ignores")  # the language server's client
    if client_per_file is not None:
        per_file.append(
            parse_per_file_ignores(client_per_file, os.getcwd(), f"{flag_prefix}per-file-ignores")
        )
    table_per_file = project.values.get("per-file-ignores")
    if table_per_file is not None:
        per_file.append(
            parse_per_file_ignores(
                table_per_file, project.directory, f"per-file-ignores in {project.path}"
            )
        )
    flake8_per_file = flake8_values.get("per-file-ignores")
    if flake8_per_file is not None:
        # flake8 takes its globs from the directory it was started in (its config's, as run).
        per_file.append(
            parse_per_file_ignores(flake8_per_file.text, os.getcwd(), flake8_per_file.source)
        )
    return Selection(
        _codes(select) if select is not None else None,
        _codes(ignore) if ignore is not None else _codes(flake8_values.get("ignore"), True),
        tuple(extend_select),
        tuple(extend_ignore),
        tuple(per_file),
    )
