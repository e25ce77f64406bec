"""``executor-fix``: the command line around the fixer (spec section 5).

It gathers settings (flags over ``[tool.flake8-executor]`` over defaults), finds the files, fixes them
in worker processes (in this one for a small workload), and reports what was fixed and what was not
and why, on stdout (as ruff; errors on stderr). Exit codes follow ``ruff check --fix``
(``EXIT_CODES``): 0 when no finding remains; 1 when findings remain (the unfixed ones in write mode,
any with ``--check``/``--diff``); 2 for a usage or configuration error, or a file that could not be
read, parsed or written (the others are still processed). ``--exit-zero`` and
``--exit-non-zero-on-fix`` tune the first two as in ruff. ``--explain CODE`` and ``--list-codes``
print the codes' docs (``docs.py``) instead, and need no PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from flake8_executor import __version__, docs
from flake8_executor.command import output
from flake8_executor.command.discovery import (
    DEFAULT_EXCLUDES,
    Finder,
    discover,
    normalize_patterns,
)
from flake8_executor.command.job import (
    FileJob,
    FileReport,
    Mode,
    crashed,
    fix_bytes,
    process_file,
    write_pending,
)
from flake8_executor.command.workers import run_all
from flake8_executor.config import codes, flake8_file, keys, resolve
from flake8_executor.config import pyproject as project_config
from flake8_executor.config.cache_dirs import CACHE_DIRECTORY
from flake8_executor.config.settings import SUPPORTED_TARGETS, Settings, parse_bool
from flake8_executor.fix.outcome import Outcome
from flake8_executor.rules.registry import OFF_BY_DEFAULT
from flake8_executor.selection import Selection

PROG = "executor-fix"
STDIN = "-"
STDIN_NAME = "<stdin>"
EXCLUDED = "skipped: excluded"


EXIT_CODES = (
    "exit codes: 0 no finding remains (all fixed, or none); 1 findings remain: left unfixed in "
    "write mode, any finding with --check or --diff (--exit-zero: 0; --exit-non-zero-on-fix: also "
    "1 when a file was changed); 2 a usage or configuration error, or a file that could not be "
    "read, parsed or written (named on stderr; the other files are still processed)"
)


class UsageError(Exception):
    """A bad flag or configuration value; ``str()`` is the one-line message."""


class _PrintAndExit(argparse.Action):
    """An option that prints (a code's docs, the list of codes) and exits, as ``--version`` does:
    while the arguments are read, so no PATH is needed. ``text`` makes what to print from the
    option's value (None for an option that takes none)."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        text: Callable[[str | None], str],
        nargs: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(option_strings, dest, nargs=nargs, default=argparse.SUPPRESS, **kwargs)
        self.text = text

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        try:
            text = self.text(values if isinstance(values, str) else None)
        except docs.UnknownCode as error:
            parser.exit(2, f"{PROG}: error: {error}\n")
        print(text)
        parser.exit(0)


class _CleanAndExit(argparse.Action):
    """``--clean``: like ``--version``, answered while the arguments are read (no PATH)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        from flake8_executor.command.clean import clean

        removed, errors = clean(os.getcwd())
        for line in removed:
            print(f"{PROG}: {line}")
        for line in errors:
            print(f"{PROG}: error: {line}", file=sys.stderr)
        if not removed and not errors:
            print(f"{PROG}: no cache to remove")
        parser.exit(2 if errors else 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Rewrite blocking calls in asyncio code (flake8-executor's findings) where it "
        "is safe: asyncio.to_thread, asyncio.sleep, asyncio.wrap_future, functools.partial, "
        "get_running_loop. Settings also come from [tool.flake8-executor] in the nearest "
        f"pyproject.toml (keys: {', '.join(keys.KEYS)}); flags win. The --executor-* "
        "spellings of flake8's options work too.",
        epilog=EXIT_CODES,
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or directories; - for stdin"
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 while a finding remains (fixable or not)",
    )
    parser.add_argument(
        "--select",
        metavar="CODES",
        help="comma-separated codes or prefixes to fix, replacing the default codes (an opt-in "
        "code such as AEX206 only when named in full)",
    )
    parser.add_argument(
        "--extend-select",
        metavar="CODES",
        help="codes or prefixes to fix in addition to select (or the default codes); an opt-in "
        "code (AEX206) is on only when named in full here or in --select",
    )
    parser.add_argument(
        "--ignore", metavar="CODES", help="comma-separated codes or prefixes not to fix"
    )
    parser.add_argument(
        "--extend-ignore", metavar="CODES", help="codes or prefixes not to fix, besides ignore"
    )
    parser.add_argument(
        "--exclude",
        metavar="GLOB,...",
        help="files and directories to skip, replacing the default list ("
        + ", ".join(DEFAULT_EXCLUDES)
        + "); directories holding a pyvenv.cfg and what .gitignore ignores are skipped too",
    )
    parser.add_argument(
        "--extend-exclude",
        metavar="GLOB,...",
        help="files and directories to skip, in addition to exclude",
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--target-version",
        "--executor-target-version",
        metavar="PY",
        help=f"oldest Python the code runs on ({', '.join(SUPPORTED_TARGETS)}); default: from "
        "requires-python, else py39",
    )
    parser.add_argument(
        "--process-pool",
        "--executor-process-pool",
        metavar="EXPR",
        help="an expression naming your process pool (e.g. app.state.pool) for AEX105 fixes",
    )
    parser.add_argument(
        "--extra-calls",
        "--executor-extra-calls",
        metavar="NAME=KIND,...",
        help="more blocking callables, e.g. mylib.fetch=io",
    )
    parser.add_argument(
        "--no-follow-calls",
        dest="follow_calls",
        action="store_const",
        const="no",
        help="do not report helpers that reach blocking calls",
    )
    parser.add_argument(
        "--no-follow-imports",
        dest="follow_imports",
        action="store_const",
        const="no",
        help="do not follow helpers into the project's other modules",
    )
    # flake8's spellings, with a yes/no value (as in its config files).
    parser.add_argument(
        "--follow-calls", "--executor-follow-calls", metavar="yes|no", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--follow-imports", "--executor-follow-imports", metavar="yes|no", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--source-roots",
        "--executor-source-roots",
        metavar="DIR,...",
        help="directories the project's absolute imports are found in (default: the project's "
        "directory and its src/)",
    )
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_const",
        const="no",
        help=f"do not read or write the cache of module summaries "
        f"({CACHE_DIRECTORY}/ at the project's root)",
    )
    parser.add_argument("--cache", "--executor-cache", metavar="yes|no", help=argparse.SUPPRESS)
    parser.add_argument(
        "--python",
        "--executor-python",
        metavar="PATH",
        help="the interpreter of the environment whose installed packages calls are followed "
        "into (default: $VIRTUAL_ENV, else .venv/ or venv/ at the project's root, else the "
        "Python running executor-fix)",
    )
    parser.add_argument(
        "--loop-callbacks",
        "--executor-loop-callbacks",
        metavar="NAME,...",
        help="decorators and registration functions whose functions run on the event loop",
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="also apply unsafe fixes: usually right, but they can change behaviour (each says "
        "why in the summary); default: from unsafe-fixes in [tool.flake8-executor], else no",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings remain (errors still exit 2)",
    )
    parser.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when a file was changed, even if no finding remains",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="report only errors, unfixed findings and totals"
    )
    parser.add_argument(
        "--output-format",
        choices=output.FORMATS,
        default="text",
        help="text (default): the summary on stdout (stderr with --diff or -); concise "
        "(flake8's path:line:col: CODE message, for the findings still in the code), json, "
        "sarif (2.1.0) or github (Actions annotations): every finding on stdout, and only "
        "errors and totals on stderr",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the real path of the code read from - (for editors): names it in messages, and the "
        "configuration, target version and excludes are found from its place",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the excludes to files named on the command line too, and to the directories "
        "they are in (for pre-commit, which names every file)",
    )
    parser.add_argument(
        "--clean",
        action=_CleanAndExit,
        nargs=0,
        help=f"remove the project's cache ({CACHE_DIRECTORY}/ at the root found "
        "from the working directory) and the user's cache for the tool, as ruff clean; then exit",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # Like --version, these answer during parsing, before argparse asks for a PATH.
    parser.add_argument(
        "--explain",
        metavar="CODE",
        action=_PrintAndExit,
        text=lambda code: docs.explain(str(code)),
        help="print what CODE means, why it matters, an example and the fix; then exit",
    )
    parser.add_argument(
        "--list-codes",
        action=_PrintAndExit,
        nargs=0,
        text=lambda _: docs.list_codes(),
        help="print every code with its summary, whether it is on by default and its fix; then exit",
    )
    return parser


def _resolved(
    args: argparse.Namespace, config: project_config.ProjectConfig, start: str
) -> resolve.Resolved:
    """Flags, then the pyproject table, then flake8's config (``config/resolve.py``, as the plugin)."""
    flags = {key: getattr(args, key.replace("-", "_")) for key in keys.SETTING_KEYS}
    try:
        resolved = resolve.resolve(flags, config, flake8_file.flake8_config_values(), start)
        # Only the fixer writes lines: the line length it keeps them within.
        length = resolve.line_length(config, flake8_file.flake8_code_values())
    except ValueError as error:
        raise UsageError(str(error)) from None
    if length is None:
        return resolved
    return dataclasses.replace(
        resolved, settings=dataclasses.replace(resolved.settings, line_length=length)
    )


def _settings(
    args: argparse.Namespace, config: project_config.ProjectConfig, start: str
) -> Settings:
    """The settings for the files in ``start`` (``_resolved``)."""
    return _resolved(args, config, start).settings


def _per_file(resolved: resolve.Resolved, path: str) -> Settings:
    """The run's settings with the target version of ``path``'s own project."""
    if resolved.targets is None:
        return resolved.settings
    try:
        return resolved.targets.settings_for(resolved.settings, path)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _selection(args: argparse.Namespace, config: project_config.ProjectConfig) -> Selection:
    """Flags, the table and flake8's config (``codes.resolve_selection``)."""
    flags = {key: getattr(args, key.replace("-", "_"), None) for key in keys.CODE_KEYS}
    try:
        return codes.resolve_selection(flags, config, flake8_file.flake8_code_values())
    except ValueError as error:
        raise UsageError(str(error)) from None


def _only_opt_in_note(selection: Selection) -> str | None:
    """``select = ["AEX206"]`` means only AEX206 (flake8's and ruff's rule); say so, since it is
    more often meant as "also AEX206"."""
    if selection.select and all(code in OFF_BY_DEFAULT for code in selection.select):
        named = ", ".join(selection.select)
        return (
            f"select names only {named}, so every other code is off; to add "
            f"{'it' if len(selection.select) == 1 else 'them'} to the default codes, use "
            "extend-select"
        )
    return None


def _unsafe_fixes(args: argparse.Namespace, config: project_config.ProjectConfig) -> bool:
    """``--unsafe-fixes``, else ``unsafe-fixes`` in the pyproject table, else no (as ruff)."""
    if args.unsafe_fixes:
        return True
    value = config.values.get("unsafe-fixes")
    if value is None:
        return False
    try:
        return parse_bool(value)
    except ValueError as error:
        raise UsageError(f"unsafe-fixes in {config.path}: {error}") from None


def _excludes(args: argparse.Namespace, config: project_config.ProjectConfig) -> list[str]:
    """``exclude`` replaces the defaults (the flag over the table), ``extend-exclude`` adds (both)."""
    cwd = os.getcwd()
    if args.exclude is not None:
        patterns = normalize_patterns(args.exclude.split(","), cwd)
    elif "exclude" in config.values:
        patterns = normalize_patterns(config.items("exclude"), config.directory)
    else:
        patterns = list(DEFAULT_EXCLUDES)
    patterns += normalize_patterns(config.items("extend-exclude"), config.directory)
    if args.extend_exclude:
        patterns += normalize_patterns(args.extend_exclude.split(","), cwd)
    return patterns


def _fix_stdin(job: FileJob, stdout: TextIO, excluded: bool = False) -> FileReport:
    data = sys.stdin.buffer.read()
    if excluded:  # --force-exclude and an excluded --stdin-filename: pass the code through
        if job.mode is Mode.WRITE:
            stdout.flush()
            getattr(stdout, "buffer", stdout).write(data)
        return FileReport(job.path, skipped=EXCLUDED)
    report, new_data = fix_bytes(job.path, data, job)
    if job.mode is Mode.WRITE:
        stdout.flush()
        # On an error the input goes through unchanged: a filter must not swallow the code.
        getattr(stdout, "buffer", stdout).write(new_data)
    return report


def _where(report: FileReport, outcome: Outcome) -> str:
    """``path:line:col`` as flake8 prints it (columns from 1)."""
    return f"{report.path}:{outcome.finding.line}:{outcome.finding.col + 1}"


def summarize(
    reports: Sequence[FileReport], mode: Mode, quiet: bool, findings: bool = True
) -> list[str]:
    """The report's lines: errors, each fixed and unfixed finding (unless not ``findings``), and
    the totals (``split_report`` sends the errors to stderr)."""
    lines: list[str] = []
    changed = fixed = unfixed = unsafe = errors = 0
    verb = "fixed" if mode is Mode.WRITE else "would be fixed"
    skipped = 0
    for report in reports:
        if report.skipped:
            skipped += 1
            lines.append(f"{report.path}: {report.skipped}")
            continue
        if report.problem is not None:
            errors += 1
            lines.append(report.error_line)
        for outcome in report.fixed if report.problem is None else []:
            fixed += 1
            if findings and not quiet:
                lines.append(f"{_where(report, outcome)}: {outcome.finding.code} {verb}")
        # Named by their lines in the input, as the fixed ones are, in every mode: in write mode
        # the output's lines would put a fixed and an unfixed finding at one place.
        for outcome in report.unfixed:
            unfixed += 1
            unsafe += outcome.unsafe
            if findings:
                lines.append(
                    f"{_where(report, outcome)}: {outcome.finding.code} not fixed: {outcome.reason}"
                )
        changed += report.written
    files_verb = "changed" if mode is Mode.WRITE else "would change"
    totals = [
        f"{changed} file{'s' * (changed != 1)} {files_verb}",
        f"{fixed} finding{'s' * (fixed != 1)} {verb}",
        f"{unfixed} left unfixed",
    ]
    if errors:
        totals.append(f"{errors} file{'s' * (errors != 1)} with errors")
    if skipped:
        totals.append(f"{skipped} skipped")
    lines.append(
        f"{PROG}: {', '.join(totals)} ({len(reports)} file{'s' * (len(reports) != 1)} checked)"
    )
    if unsafe:
        lines.append(
            f"{PROG}: {unsafe} of them ha{'ve' if unsafe != 1 else 's'} an unsafe fix, not applied:"
            " review the reasons above, then run again with --unsafe-fixes to apply"
            f" {'them' if unsafe != 1 else 'it'}"
        )
    return lines


# Below this much source, worker processes cost more than they save: forking them, importing libcst
# in each, and sending the reports back take longer than reading, parsing and analysing a megabyte
# (a few tenths of a second).
IN_PROCESS_BYTES = 1 << 20
# Chunks per worker: enough that a worker which drew the big files does not finish last by far.
CHUNKS_PER_WORKER = 8
MAX_CHUNK = 64


def worker_plan(paths: Sequence[str], processes: int) -> tuple[int, int]:
    """How many processes to use on these files, and how many files to send a worker at a time.

    One process (this one) for a small workload; otherwise chunks of files, so that the thousands of
    files with nothing to fix do not each cost a round trip to a worker.
    """
    if processes <= 1 or len(paths) <= 1:
        return 1, 1
    total = 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # reported when the worker reads it
        if total >= IN_PROCESS_BYTES:
            break
    else:
        return 1, 1
    chunk_size = -(-len(paths) // (processes * CHUNKS_PER_WORKER))
    return processes, max(1, min(chunk_size, MAX_CHUNK))


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Read from stdin, the code is placed where --stdin-filename says: its config, its excludes.
    named = [
        args.stdin_filename if path == STDIN and args.stdin_filename else path
        for path in args.paths
    ]
    config = project_config.load(project_config.find_pyproject(named))
    if config.note:
        print(f"{PROG}: note: {config.note}", file=stderr)
    resolved = _resolved(args, config, project_config.start_directory(named))
    selection = _selection(args, config)
    note = _only_opt_in_note(selection)
    if note:
        print(f"{PROG}: note: {note}", file=stderr)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("-j/--jobs must be at least 1")
    mode = Mode.DIFF if args.diff else Mode.CHECK if args.check else Mode.WRITE
    machine = args.output_format != "text"
    if machine and (mode is Mode.DIFF or (STDIN in args.paths and mode is Mode.WRITE)):
        used = "--diff" if mode is Mode.DIFF else "the fixed code read from -"
        raise UsageError(f"--output-format={args.output_format} needs stdout, which {used} uses")
    if args.stdin_filename and STDIN not in args.paths:
        raise UsageError("--stdin-filename names the code read from -, and no - was given")
    finder = Finder(_excludes(args, config))
    root = config.directory if args.force_exclude else None
    found = discover([path for path in args.paths if path != STDIN], finder, root)
    file_paths = found.files
    unsafe_fixes = _unsafe_fixes(args, config)
    # Each file with its own project's target version (looked up once per directory).
    jobs = [
        FileJob(path, _per_file(resolved, path), selection.for_path(path), mode, unsafe_fixes)
        for path in file_paths
    ]
    processes, chunk_size = worker_plan(file_paths, args.jobs or os.cpu_count() or 1)
    reports = [FileReport(path, skipped=EXCLUDED) for path in found.skipped]
    reports += [
        write_pending(report)
        for report in run_all(jobs, process_file, processes, crashed, chunk_size)
    ]
    if STDIN in args.paths:
        name = args.stdin_filename or STDIN_NAME
        # As a named file: checked unless --force-exclude and its place is excluded.
        excluded = root is not None and args.stdin_filename is not None
        excluded = excluded and finder.force_excluded(args.stdin_filename, root)
        settings = _per_file(resolved, args.stdin_filename or STDIN)
        job = FileJob(name, settings, selection.for_path(name), mode, unsafe_fixes)
        reports.append(_fix_stdin(job, stdout, excluded))
    for report in reports:
        if report.diff:
            stdout.write(report.diff)
    if machine:
        stdout.write(output.render(args.output_format, reports, mode))
    stdout.flush()
    # As ruff: the report on stdout, errors on stderr; stdout carrying code (a diff, the fixed
    # code read from -) or a machine format's document leaves the report to stderr too.
    code_on_stdout = mode is Mode.DIFF or (STDIN in args.paths and mode is Mode.WRITE)
    report_to = stderr if machine or code_on_stdout else stdout
    errors = {report.error_line for report in reports if report.problem is not None}
    errors |= {f"{report.path}: {report.skipped}" for report in reports if report.skipped}
    for line in summarize(reports, mode, args.quiet, findings=not machine):
        stream = stderr if line in errors else report_to
        print(_printable(line, stream), file=stream)
    stdout.flush()
    return exit_code(reports, mode, args.exit_zero, args.exit_non_zero_on_fix)


def _printable(line: str, stream: TextIO) -> str:
    """A path that is not valid in the file system's encoding (a surrogate escape) written as
    stderr writes it, ``\\udce9``, rather than failing on stdout, whose errors are strict."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except UnicodeEncodeError:
        return line.encode(encoding, "backslashreplace").decode(encoding)
    return line


def exit_code(
    reports: Sequence[FileReport], mode: Mode, exit_zero: bool, exit_non_zero_on_fix: bool
) -> int:
    """``EXIT_CODES``: as ``ruff check --fix``, so that a hook or a CI step fails while a finding
    is left, whether or not the fixer could fix it."""
    if any(report.problem is not None for report in reports):
        return 2
    if exit_zero:
        return 0
    if any(report.remaining(mode) for report in reports):
        return 1
    if mode is not Mode.WRITE and any(report.fixed for report in reports):
        return 1  # a finding that would be fixed is still in the code
    if exit_non_zero_on_fix and any(report.written for report in reports):
        return 1
    return 0


# Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = 20_000


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """Fewer cyclic garbage collections while the files are processed (undone afterwards).

    Parsing a file builds hundreds of thousands of ``ast`` nodes, and the default threshold runs a
    collection every 700 of them, each scanning the young objects and, every hundred collections,
    everything alive: about an eighth of the run's time on the benchmark corpus, for trees that are
    freed by reference counting the moment a file is done (they hold no cycles). Freezing what
    exists at the start (the imported modules) also keeps full collections from scanning it, and
    keeps forked workers from touching, and so copying, the memory they share with this process.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with batch_gc():
            return run(args, sys.stdout, sys.stderr)
    except (UsageError, project_config.ConfigError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130  # files are written atomically: an interrupted run leaves none half-written
