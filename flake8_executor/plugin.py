"""The flake8 adapter: options in, the engine's findings out as flake8 tuples.

flake8 hands us the ``ast`` tree it already parsed; the plugin never parses again and never imports
libcst. Everything it reports comes from ``flake8_executor.engine.analyze``.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from collections.abc import Iterator
from typing import Any

from flake8_executor import __version__
from flake8_executor.config import codes, flake8_file, keys, resolve
from flake8_executor.config import pyproject as project_config
from flake8_executor.config.settings import SUPPORTED_TARGETS, Settings
from flake8_executor.config.targets import TargetVersions
from flake8_executor.engine import analyze
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Selection, is_opted_in, unknown_codes


class ExecutorChecker:
    """flake8 entry point ``AEX``."""

    name = "flake8-executor"
    version = __version__
    settings = Settings()
    # Each file's target version, when no flag names one for every file (None: --isolated).
    targets: TargetVersions | None = None
    # select/ignore/... of [tool.flake8-executor]: they narrow what flake8 reports, as in
    # executor-fix (flake8 applies its own options itself).
    table_selection: Selection = Selection()
    # The opt-in codes named in full in flake8's select/extend-select or the table's.
    opted_in: frozenset[str] = frozenset()

    def __init__(self, tree: ast.AST, lines: list[str], filename: str = "-") -> None:
        self.tree = tree
        self.lines = lines
        # The file's place: its project's Python, which module it is, where the others are.
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--executor-extra-calls",
            default=None,
            comma_separated_list=False,
            help="More blocking callables, as qualified.name=kind pairs separated by commas "
            "(kinds: io, sleep, subprocess, file, stat, cpu-releases-gil, cpu-holds-gil, stdin, "
            "thread-wait).",
        )
        option_manager.add_option(
            "--executor-process-pool",
            default=None,
            help="An expression naming your process pool (e.g. app.state.pool); executor-fix uses "
            "it to rewrite AEX105 calls.",
        )
        option_manager.add_option(
            "--executor-target-version",
            default=None,
            help=f"The oldest Python the code runs on ({', '.join(SUPPORTED_TARGETS)}); below py39 "
            "advice uses run_in_executor instead of asyncio.to_thread. Default: py39.",
        )
        option_manager.add_option(
            "--executor-follow-calls",
            default=None,
            help="Report calls of helpers defined in the same module that reach blocking calls "
            "(yes or no). Default: yes.",
        )
        option_manager.add_option(
            "--executor-follow-imports",
            default=None,
            help="Follow helpers into the project's other modules (yes or no). Default: yes.",
        )
        option_manager.add_option(
            "--executor-source-roots",
            default=None,
            help="Directories the project's absolute imports are found in, separated by commas. "
            "Default: the project's directory and its src/.",
        )
        option_manager.add_option(
            "--executor-cache",
            default=None,
            help="Cache module summaries and each file's findings in .flake8-executor-cache/ "
            "(yes or no). Default: yes.",
        )
        option_manager.add_option(
            "--executor-python",
            default=None,
            help="The interpreter of the environment whose installed packages calls are followed "
            "into (asked once for its sys.path). Default: $VIRTUAL_ENV, else .venv/ or venv/ at "
            "the project's root, else the Python running flake8.",
        )
        option_manager.add_option(
            "--executor-loop-callbacks",
            default=None,
            help="Decorators and registration functions (qualified names, separated by commas) "
            "whose functions run on the event loop, as Home Assistant's @callback does.",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Settings as ``executor-fix`` resolves them (``config/resolve.py``): flags, then
        ``[tool.flake8-executor]``, then the ``executor-*`` keys of flake8's config file.

        The options are not parsed from flake8's config by flake8 itself (``parse_from_config`` is
        off) so that a flag can be told from a config value: the pyproject table stands between them.
        """
        isolated = bool(getattr(options, "isolated", False))
        paths = _paths(options)
        try:
            project = project_config.ProjectConfig()
            if not isolated:
                project = project_config.load(project_config.find_pyproject(paths))
            flags = {
                key: getattr(options, "executor_" + key.replace("-", "_"), None)
                for key in keys.SETTING_KEYS
            }
            flake8_values = flake8_file.flake8_config_values(
                getattr(options, "config", None),
                getattr(options, "append_config", None) or [],
                isolated,
            )
            # --isolated: no project file is read, not even for the declared Python.
            start = None if isolated else project_config.start_directory(paths)
            resolved = resolve.resolve(
                flags, project, flake8_values, start, flag_prefix="--executor-"
            )
            cls.settings = resolved.settings
            cls.targets = None if isolated else resolved.targets
            table = codes.resolve_selection({}, project, {}, flag_prefix="--executor-")
            flake8_named = [
                code
                for code in (
                    *(getattr(options, "select", None) or []),
                    *(getattr(options, "extend_select", None) or []),
                )
                if code.upper().startswith("AEX")
            ]
            # A code flake8 selects by a longer prefix than the table ignores stays, as flake8
            # itself decides between its select and ignore (and executor-fix between its own).
            cls.table_selection = dataclasses.replace(
                table, extend_select=(*table.extend_select, *flake8_named)
            )
            named = [*flake8_named, *table.selected]
            cls.opted_in = frozenset(code for code in OFF_BY_DEFAULT if is_opted_in(code, named))
        except (ValueError, project_config.ConfigError) as error:
            # flake8 has no hook for a plugin's option errors; a traceback would bury the reason.
            print(f"flake8-executor: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        for warning in unknown_code_warnings(options):
            print(f"flake8-executor: warning: {warning}", file=sys.stderr)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not isinstance(self.tree, ast.Module):
            return
        selection = self.table_selection.for_path(self.filename)
        settings = self._file_settings()
        for finding in analyze(
            self.tree, settings, "".join(self.lines), self.filename, fixes=False
        ):
            if finding.code in OFF_BY_DEFAULT and finding.code not in self.opted_in:
                continue  # opt-in, as flake8-bugbear's B9xx: --select=AEX leaves it off
            if selection.rules_out(finding.code):
                continue
            yield finding.line, finding.col, finding.text, type(self)

    def _file_settings(self) -> Settings:
        """The settings with this file's target version: the project it belongs to may declare
        another Python than the one flake8 was started in (as ``executor-fix`` reads it)."""
        targets = self.targets
        if targets is None:
            return self.settings
        try:
            return targets.settings_for(self.settings, self.filename)
        except (ValueError, project_config.ConfigError) as error:
            print(f"flake8-executor: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None


def _paths(options: Any) -> list[str]:
    """The files flake8 was given; for stdin, the place ``--stdin-display-name`` names."""
    paths = list(getattr(options, "filenames", None) or ["."])
    display = getattr(options, "stdin_display_name", "stdin")
    if paths == ["-"] and display not in (None, "", "stdin"):
        return [display]
    return paths


def unknown_code_warnings(options: Any) -> list[str]:
    """One line per flake8 option that names ``AEX`` codes or prefixes that no code matches.

    Other plugins' codes are theirs to judge: only names starting with ``AEX`` are checked.
    """
    warnings = []
    for name in ("select", "extend_select", "ignore", "extend_ignore"):
        values = getattr(options, name, None) or []
        ours = [value for value in values if value.upper().startswith("AEX")]
        unknown = unknown_codes(ours)
        if unknown:
            flag = "--" + name.replace("_", "-")
            warnings.append(f"{flag}: unknown code{'s' * (len(unknown) > 1)} {', '.join(unknown)}")
    return warnings
