"""The flake8 adapter: options in, the engine's findings out as flake8 tuples.

flake8 hands us the ``ast`` tree it already parsed; the plugin never parses again and never imports
libcst. Everything it reports comes from ``flake8_executor.engine.analyze``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from typing import Any

from flake8_executor import __version__
from flake8_executor.engine import analyze
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.settings import SUPPORTED_TARGETS, Settings, build_settings


class ExecutorChecker:
    """flake8 entry point ``AEX``."""

    name = "flake8-executor"
    version = __version__
    settings = Settings()

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        self.tree = tree
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--executor-extra-calls",
            default="",
            parse_from_config=True,
            comma_separated_list=False,
            help="More blocking callables, as qualified.name=kind pairs separated by commas "
            "(kinds: io, sleep, subprocess, file, cpu-releases-gil, cpu-holds-gil, stdin).",
        )
        option_manager.add_option(
            "--executor-process-pool",
            default="",
            parse_from_config=True,
            help="An expression naming your process pool (e.g. app.state.pool); executor-fix uses "
            "it to rewrite AEX105 calls.",
        )
        option_manager.add_option(
            "--executor-target-version",
            default="",
            parse_from_config=True,
            help=f"The oldest Python the code runs on ({', '.join(SUPPORTED_TARGETS)}); below py39 "
            "advice uses run_in_executor instead of asyncio.to_thread. Default: py39.",
        )
        option_manager.add_option(
            "--executor-follow-calls",
            default="yes",
            parse_from_config=True,
            help="Report calls of helpers defined in the same module that reach blocking calls "
            "(yes or no). Default: yes.",
        )
        option_manager.extend_default_ignore(list(OFF_BY_DEFAULT))

    @classmethod
    def parse_options(cls, options: Any) -> None:
        try:
            cls.settings = build_settings(
                extra_calls=options.executor_extra_calls,
                process_pool=options.executor_process_pool,
                target_version=options.executor_target_version,
                follow_calls=options.executor_follow_calls,
            )
        except ValueError as error:
            # flake8 has no hook for a plugin's option errors; a traceback would bury the reason.
            print(f"flake8-executor: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not isinstance(self.tree, ast.Module):
            return
        for finding in analyze(self.tree, self.settings, "".join(self.lines)):
            yield finding.line, finding.col, finding.text, type(self)
