"""Benchmark flake8-executor against the ``ast.parse`` floor, flake8's floor, flake8-async and ruff.

Usage: ``python benchmarks/run.py [--repeat 5] [--corpus-limit 300] [--only parse,engine,...]``.
See ``benchmarks/README.md`` for what each row measures and why it is measured that way.

Every measurement is a fresh subprocess (start-up and imports included, as a user pays them), timed
with a wall clock in this process; its peak RSS and CPU time come from GNU time (see
``measure.py`` for why not ``getrusage``/``wait4`` here). The tools take
turns: repetition 1 runs every row once, then repetition 2, and so on, each repetition starting one
row later than the previous one, so that a slow drift of the machine (thermal, another process,
the page cache) spreads over all rows instead of landing on one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import DEFAULT_CACHE, Corpus, CorpusError, build_pinned, from_directory  # noqa: E402
from measure import (  # noqa: E402
    Run,
    Stats,
    chunk_arguments,
    run_command_chunks,
    rusage_method,
    summarize,
)

# The default sample of the pinned corpus. One pass of flake8-async over all 2,243 files takes about
# 10 minutes on the reference machine (it parses every file with libcst and is superlinear in file
# size), so a default run over everything at 5 repetitions would take about an hour. 300 files of
# the hash-ordered corpus keep the whole default run to a few minutes; --corpus-limit 0 takes all.
DEFAULT_CORPUS_LIMIT = 300
# And so that flake8-async (about 70 s per pass over those 300 files) is measured twice, not five
# times: a row stops being repeated once it has taken this long in total. The table shows n.
DEFAULT_ROW_BUDGET = 120.0
FINDING_LINE = re.compile(r"^.+?:\d+:\d+: (?P<code>[A-Z]+[0-9]+)\b", re.MULTILINE)
FIX_SUMMARY = re.compile(r"^executor-fix: (?P<summary>.+)$", re.MULTILINE)


@dataclass
class Context:
    """What every tool's command needs: the corpus, the file list and the environment."""

    corpus: Corpus
    files: list[str]  # relative to corpus.root, which is the working directory of every command
    file_list: Path  # the same list, one path a line, for the tools that read a list
    env: dict[str, str]
    python: str = sys.executable
    # The Home Assistant rows' tree (``--ha-dir``), its file list, and the interpreter of the
    # environment its requirements are installed in (``--ha-python``).
    ha: Corpus | None = None
    ha_file_list: Path | None = None
    ha_python: str | None = None


@dataclass(frozen=True)
class Tool:
    """One row of the table.

    ``commands`` returns the command chunks to run, or a string saying why the row is n/a.
    ``ok_codes`` are the exit codes of a successful run (1 means "findings" for some tools).
    """

    key: str
    label: str
    commands: Callable[[Context], list[list[str]] | str]
    findings: Callable[[Run], tuple[str, str]]  # (for the table, per-code detail)
    ok_codes: frozenset[int] = frozenset({0})
    flake8_row: bool = False
    default: bool = True
    warm_up: bool = False  # run once, untimed, before the first repetition (a warm cache)
    floor: str = "flake8-floor"  # the row its "/ flake8 floor" ratio divides by
    on_ha: bool = False  # runs on the Home Assistant tree (``--ha-dir``), not the corpus


@dataclass
class Row:
    """The measurements of one tool, or why there are none."""

    tool: Tool
    commands: list[list[str]] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    unavailable: str | None = None
    notes: list[str] = field(default_factory=list)
    findings: tuple[str, str] = ("", "")
    finding_variants: set[tuple[str, str]] = field(default_factory=set)
    cwd: Path | None = None  # where its commands run (default: the corpus root)


# --- finding counters -------------------------------------------------------------------------


def _count_codes(text: str) -> Counter[str]:
    return Counter(match.group("code") for match in FINDING_LINE.finditer(text))


def _by_prefix(codes: Counter[str]) -> tuple[str, str]:
    """(``AEX 74``, ``AEX100 3, AEX103 20, ...``): totals per code prefix, then each code.

    The first goes in the table, the second in the per-code list under it.
    """
    if not codes:
        return "0", ""
    prefixes: Counter[str] = Counter()
    for code, count in codes.items():
        prefixes[re.sub(r"[0-9]+$", "", code)] += count
    totals = ", ".join(f"{prefix} {total}" for prefix, total in sorted(prefixes.items()))
    detail = ", ".join(f"{code} {count}" for code, count in sorted(codes.items()))
    return totals, detail


def _findings_from_lines(run: Run) -> tuple[str, str]:
    return _by_prefix(_count_codes(run.stdout))


def _findings_from_json(run: Run) -> tuple[str, str]:
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return "?", ""
    data = json.loads(lines[-1])
    total, detail = _by_prefix(Counter(data.get("findings", {})))
    if data.get("errors"):
        total += f"; {data['errors']} files raised"
        detail += f"; raised on: {' / '.join(data['first_errors'])}"
    return total, detail


def _no_findings(run: Run) -> tuple[str, str]:
    del run
    return "-", ""


def _fix_summary(run: Run) -> tuple[str, str]:
    """executor-fix's own closing line (``N files would change, ...``), and its codes."""
    text = run.stdout + "\n" + run.stderr  # it reports on stderr; stdout is for "-" (stdin)
    matches = FIX_SUMMARY.findall(text)
    fixable = Counter(re.findall(r": (AEX[0-9]+) would be fixed$", text, re.MULTILINE))
    unfixable = Counter(re.findall(r": (AEX[0-9]+) not fixed", text, re.MULTILINE))
    detail = "would fix " + (_by_prefix(fixable)[1] or "none")
    detail += "; would not fix " + (_by_prefix(unfixable)[1] or "none")
    if matches:
        return matches[-1].strip(), detail
    tail = (run.stderr or run.stdout).strip().splitlines()
    return (tail[-1][:120] if tail else "?"), detail


# --- commands ---------------------------------------------------------------------------------


def _loop(mode: str) -> Callable[[Context], list[list[str]] | str]:
    def commands(ctx: Context) -> list[list[str]] | str:
        return [[ctx.python, str(HERE / "child_loop.py"), mode, str(ctx.file_list)]]

    return commands


def _flake8(
    plugins: str,
    select: str,
    needs: str | None = None,
    cache: str | None = None,
    extra: tuple[str, ...] = (),
    ha: bool = False,
) -> Callable[[Context], list[list[str]] | str]:
    """flake8 through ``child_flake8.py``, which loads only ``plugins`` (see its docstring).

    ``cache``: ``"fresh"`` gives each run an empty cache (cold), ``"warm"`` one directory kept for
    every run of the row (warmed by an untimed run first: summaries and each file's findings),
    ``"summaries"`` the same with the kept findings removed before each run (every file analysed
    again, from warm summaries: the cost after a change of settings or of the tool, and what an
    edited module costs each file that depends on it). ``ha``: on the Home Assistant
    tree, with its environment as the analysed one when flake8-executor is loaded.
    """

    def commands(ctx: Context) -> list[list[str]] | str:
        if importlib.util.find_spec("flake8") is None:
            return "flake8 not installed"
        if needs is not None and importlib.util.find_spec(needs) is None:
            return f"{needs} not installed"
        file_list = ctx.file_list
        options = list(extra)
        if ha:
            if ctx.ha is None or ctx.ha_file_list is None:
                return "needs --ha-dir"
            file_list = ctx.ha_file_list
            if plugins != "none":
                if ctx.ha_python is None:
                    return "needs --ha-python"
                options.append(f"--executor-python={ctx.ha_python}")
        where = []
        if cache is not None:
            warm = f"{cache}-cache{'-ha' if ha else ''}"
            directory = "fresh" if cache == "fresh" else str(ctx.file_list.parent / warm)
            where = ["--cache-dir", directory]
            if cache == "summaries":
                where.append("--drop-findings")
        return [
            [
                ctx.python,
                str(HERE / "child_flake8.py"),
                "--plugins",
                plugins,
                "--files",
                str(file_list),
                *where,
                "--",
                "-j1",
                "--isolated",  # no setup.cfg/tox.ini/.flake8 of the corpus or of this repository
                "--exit-zero",  # so that a non-zero exit always means the run failed
                f"--select={select}",
                *options,
            ]
        ]

    return commands


def _ruff_binary() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


def _ruff(ctx: Context) -> list[list[str]] | str:
    ruff = _ruff_binary()
    if ruff is None:
        return "ruff not installed"
    prefix = [
        ruff,
        "check",
        "--isolated",  # no pyproject.toml/ruff.toml: the same rules wherever the corpus lives
        "--select",
        "ASYNC",
        "--no-cache",
        "--output-format",
        "concise",
        "--exit-zero",
    ]
    return chunk_arguments(prefix, ctx.files, ctx.env)


def executor_fix_command(env: dict[str, str]) -> list[str] | None:
    """How to run ``executor-fix`` here, or None while it does not exist yet.

    The console script beside this interpreter first (an installed checkout), then one on PATH,
    then ``python -m flake8_executor`` from the repository (present before ``pip install``).
    """
    beside = Path(sys.executable).parent / "executor-fix"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("executor-fix")
    if found:
        return [found]
    probe = subprocess.run(
        [sys.executable, "-m", "flake8_executor", "--help"],
        capture_output=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    if probe.returncode == 0:
        return [sys.executable, "-m", "flake8_executor"]
    return None


def _fix(jobs: int) -> Callable[[Context], list[list[str]] | str]:
    def commands(ctx: Context) -> list[list[str]] | str:
        command = executor_fix_command(ctx.env)
        if command is None:
            return "executor-fix not found (no console script, no python -m flake8_executor)"
        return chunk_arguments([*command, "--check", "-j", str(jobs)], ctx.files, ctx.env)

    return commands


TOOLS: tuple[Tool, ...] = (
    Tool("parse", "ast.parse, every file (floor)", _loop("parse"), _no_findings),
    Tool("engine", "engine: ast.parse + analyze()", _loop("engine"), _findings_from_json),
    Tool(
        "flake8-floor",
        "flake8 -j1 --select=E999, no plugins (flake8 floor)",
        _flake8("none", "E999"),
        _findings_from_lines,
        flake8_row=True,
    ),
    Tool(
        "flake8-aex",
        "flake8 -j1 --select=AEX, plugin flake8-executor, cold cache",
        _flake8("flake8-executor", "AEX", cache="fresh"),
        _findings_from_lines,
        flake8_row=True,
    ),
    Tool(
        "flake8-aex-warm",
        "flake8 -j1 --select=AEX, plugin flake8-executor, warm cache",
        _flake8("flake8-executor", "AEX", cache="warm"),
        _findings_from_lines,
        flake8_row=True,
        warm_up=True,
    ),
    Tool(
        "flake8-aex-summaries",
        "flake8 -j1 --select=AEX, plugin flake8-executor, warm summaries, every file analysed",
        _flake8("flake8-executor", "AEX", cache="summaries"),
        _findings_from_lines,
        flake8_row=True,
        default=False,
        warm_up=True,
    ),
    Tool(
        "flake8-aex-local",
        "flake8 -j1 --select=AEX --executor-follow-imports=no",
        _flake8("flake8-executor", "AEX", extra=("--executor-follow-imports=no",)),
        _findings_from_lines,
        flake8_row=True,
        default=False,
    ),
    Tool(
        "flake8-async",
        "flake8 -j1 --select=ASYNC, plugin flake8-async",
        _flake8("flake8-async", "ASYNC", needs="flake8_async"),
        _findings_from_lines,
        flake8_row=True,
    ),
    Tool(
        "ruff",
        "ruff check --select ASYNC --no-cache",
        _ruff,
        _findings_from_lines,
    ),
    Tool(
        "fix-j1",
        "executor-fix --check -j 1",
        _fix(1),
        _fix_summary,
        ok_codes=frozenset({0, 1}),
    ),
    Tool(
        "fix-j2",
        "executor-fix --check -j 2",
        _fix(2),
        _fix_summary,
        ok_codes=frozenset({0, 1}),
    ),
    # Not in the default run (each costs about 3x the flake8 floor): what AEX adds to the flake8
    # run users actually have, with pyflakes, pycodestyle and mccabe loaded.
    Tool(
        "flake8-stock-floor",
        "flake8 -j1 --select=E,F,W,C90, plugins pyflakes+pycodestyle+mccabe",
        _flake8("pyflakes,pycodestyle,mccabe", "E,F,W,C90"),
        _findings_from_lines,
        flake8_row=True,
        default=False,
    ),
    Tool(
        "flake8-stock-aex",
        "flake8 -j1 --select=E,F,W,C90,AEX, the same + flake8-executor",
        _flake8("pyflakes,pycodestyle,mccabe,flake8-executor", "E,F,W,C90,AEX"),
        _findings_from_lines,
        flake8_row=True,
        default=False,
    ),
    # Not in the default run, and n/a without --ha-dir (and --ha-python): Home Assistant core with
    # its installed requirements as the analysed environment (issue 20's cost rows).
    Tool(
        "flake8-floor-ha",
        "flake8 -j1 --select=E999, no plugins, on the Home Assistant tree",
        _flake8("none", "E999", ha=True),
        _findings_from_lines,
        flake8_row=True,
        default=False,
        floor="flake8-floor-ha",
        on_ha=True,
    ),
    Tool(
        "flake8-aex-ha",
        "flake8 -j1 --select=AEX --executor-python=HA, Home Assistant tree, cold summary caches",
        _flake8("flake8-executor", "AEX", cache="fresh", ha=True),
        _findings_from_lines,
        flake8_row=True,
        default=False,
        floor="flake8-floor-ha",
        on_ha=True,
    ),
    Tool(
        "flake8-aex-ha-warm",
        "flake8 -j1 --select=AEX --executor-python=HA, Home Assistant tree, warm caches",
        _flake8("flake8-executor", "AEX", cache="warm", ha=True),
        _findings_from_lines,
        flake8_row=True,
        default=False,
        warm_up=True,
        floor="flake8-floor-ha",
        on_ha=True,
    ),
    Tool(
        "flake8-aex-ha-summaries",
        "flake8 -j1 --select=AEX --executor-python=HA, Home Assistant tree, warm summaries, "
        "every file analysed",
        _flake8("flake8-executor", "AEX", cache="summaries", ha=True),
        _findings_from_lines,
        flake8_row=True,
        default=False,
        warm_up=True,
        floor="flake8-floor-ha",
        on_ha=True,
    ),
)


# --- running ----------------------------------------------------------------------------------


def _error_text(run: Run) -> str:
    lines = [line.strip() for line in (run.stderr or run.stdout).splitlines() if line.strip()]
    # flake8 and Python end a traceback with the exception: the most useful line.
    return lines[-1][:160] if lines else f"exit {run.returncodes}"


def measure_all(rows: list[Row], ctx: Context, repeat: int, budget: float) -> None:
    """Round-robin: every available row once per repetition, starting one row later each time.

    A row that has already spent ``budget`` seconds (0: no limit) is not repeated further: one
    flake8-async pass over a few hundred files takes a minute, five would take most of the run.
    """
    for row in rows:
        if row.unavailable is None and row.tool.warm_up:
            run_command_chunks(row.commands, row.cwd or ctx.corpus.root, ctx.env)
    for rep in range(repeat):
        live = [
            row
            for row in rows
            if row.unavailable is None
            and not (budget and row.runs and sum(r.seconds for r in row.runs) >= budget)
        ]
        if not live:
            return
        shift = rep % len(live)
        for row in live[shift:] + live[:shift]:
            run = run_command_chunks(row.commands, row.cwd or ctx.corpus.root, ctx.env)
            bad = [code for code in run.returncodes if code not in row.tool.ok_codes]
            if bad:
                partial = set(bad) == {2} and FIX_SUMMARY.search(run.stdout + run.stderr)
                if row.tool.key.startswith("fix") and partial:
                    # exit 2: some file could not be read or parsed; the others were processed.
                    row.notes.append("exit 2 (some files not parsed)")
                else:
                    row.unavailable = f"error: {_error_text(run)}"
                    row.runs.clear()
                    continue
            found = row.tool.findings(run)
            row.findings = row.findings if row.runs else found
            row.finding_variants.add(found)
            row.runs.append(run)
            print(
                f"  rep {rep + 1}/{repeat} {row.tool.key:<18} {run.seconds:8.2f} s",
                file=sys.stderr,
                flush=True,
            )


# --- reporting --------------------------------------------------------------------------------


def _first_line(command: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(command), capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "n/a"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "n/a"


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _repo_version() -> str:
    init = REPO / "flake8_executor" / "__init__.py"
    match = re.search(r'__version__ = "([^"]+)"', init.read_text()) if init.is_file() else None
    return f"{match.group(1)} (repository)" if match else "n/a"


def machine_lines(ctx: Context) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    ruff = _ruff_binary()
    fix = executor_fix_command(ctx.env)
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores, {usable} usable by this process",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {sys.version.split()[0]} ({sys.executable})",
        f"- flake8 {_dist_version('flake8')} (pyflakes {_dist_version('pyflakes')}, "
        f"pycodestyle {_dist_version('pycodestyle')}), flake8-async {_dist_version('flake8-async')}, "
        f"libcst {_dist_version('libcst')}",
        f"- ruff: {_first_line([ruff, '--version']) if ruff else 'not installed'}",
        f"- flake8-executor: {_repo_version()}; installed: {_dist_version('flake8-executor')}",
        f"- executor-fix: {' '.join(fix) if fix else 'not found'}",
        f"- time and memory read with: {rusage_method()}",
    ]


def corpus_lines(ctx: Context) -> list[str]:
    chosen = set(ctx.files)
    lines = [
        f"Corpus: {ctx.corpus.description} at `{ctx.corpus.root}`; parsed with {ctx.corpus.python}.",
        f"This run: {len(ctx.files)} files"
        + (
            f" of {sum(len(p.files) for p in ctx.corpus.projects)}"
            if len(ctx.files) < sum(len(p.files) for p in ctx.corpus.projects)
            else ""
        )
        + f", {sum(_lines(ctx, p) for p in ctx.files):,} lines.",
        "",
        "| project | version | files (this run / kept) | lines (this run) | source |",
        "|---|---|---|---|---|",
    ]
    for project in ctx.corpus.projects:
        mine = [f for f in project.files if f in chosen]
        lines.append(
            f"| {project.name} | {project.version} | {len(mine)} / {len(project.files)} "
            f"| {sum(_lines(ctx, f) for f in mine):,} | {project.source} |"
        )
    dropped = [f for p in ctx.corpus.projects for f in p.dropped]
    if dropped:
        lines.append("")
        lines.append(
            f"Dropped (this Python cannot parse them): {len(dropped)}: {', '.join(dropped[:10])}"
        )
    if ctx.ha is not None:
        ha_files = ctx.ha.files
        ha_lines = sum(project.lines for project in ctx.ha.projects)
        lines += [
            "",
            f"Home Assistant rows: the {len(ha_files):,} parseable files ({ha_lines:,} lines) "
            f"under `{ctx.ha.root}`; analysed environment: `{ctx.ha_python or 'none given'}`.",
        ]
    return lines


_LINE_CACHE: dict[str, int] = {}


def _lines(ctx: Context, relative: str) -> int:
    if relative not in _LINE_CACHE:
        _LINE_CACHE[relative] = (ctx.corpus.root / relative).read_bytes().count(b"\n")
    return _LINE_CACHE[relative]


def _fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def table_lines(rows: list[Row], ctx: Context) -> list[str]:
    stats: dict[str, Stats] = {row.tool.key: summarize(row.runs) for row in rows if row.runs}
    parse = stats.get("parse")
    out = [
        "| tool | median s | spread s (min-max; IQR) | n | files/s | CPU s | peak RSS MiB "
        "| / ast.parse | / flake8 floor | findings |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = f"{row.tool.label} `{row.tool.key}`"
        if row.unavailable is not None or not row.runs:
            reason = row.unavailable or "not run"
            out.append(f"| {name} | n/a ({reason}) | | | | | | | | |")
            continue
        s = stats[row.tool.key]
        spread = f"{s.low:.2f}-{s.high:.2f}"
        if s.n >= 4:
            spread += f"; {s.q1:.2f}-{s.q3:.2f}"
        to_parse = s.median / parse.median if parse and not row.tool.on_ha else None
        floor = stats.get(row.tool.floor)
        to_floor = s.median / floor.median if floor and row.tool.flake8_row else None
        findings = row.findings[0]
        if len(row.finding_variants) > 1:
            findings += " (CHANGED between repetitions!)"
        if row.notes:
            findings += f" [{'; '.join(sorted(set(row.notes)))}]"
        out.append(
            f"| {name} | {s.median:.2f} | {spread} | {s.n} | {len(ctx.files) / s.median:,.0f} "
            f"| {s.cpu_median:.2f} | {s.peak_rss_mib:.0f} | {_fmt_ratio(to_parse)} "
            f"| {_fmt_ratio(to_floor)} | {findings} |"
        )
    out += [
        "",
        "Seconds are wall time of one pass over the corpus in a fresh process (start-up included);"
        " spread is min-max, and the interquartile range when n >= 4; n is the number of passes"
        " (fewer than --repeat when a row used up --row-budget); files/s is files / median; CPU s"
        " is the median user+system time, worker processes included; peak RSS is the largest"
        " single process over all passes; the ratio columns divide medians.",
    ]
    details = [
        f"- `{row.tool.key}`: {row.findings[1]}" for row in rows if row.runs and row.findings[1]
    ]
    if details:
        out += ["", "Findings by code (first repetition):", "", *details]
    for key, floor_key, what, target in (
        ("flake8-aex", "flake8-floor", "`flake8 --select=AEX`, cold cache", 1.3),
        ("flake8-aex-warm", "flake8-floor", "`flake8 --select=AEX`, warm cache", 1.15),
        ("flake8-aex-ha", "flake8-floor-ha", "Home Assistant, cold caches", 2.0),
        ("flake8-aex-ha-warm", "flake8-floor-ha", "Home Assistant, warm caches", 1.2),
    ):
        aex = stats.get(key)
        floor = stats.get(floor_key)
        if aex and floor:
            ratio = aex.median / floor.median
            verdict = "met" if ratio <= target else "NOT met"
            out += [
                "",
                f"Target {what} <= {target}x the flake8 floor: {ratio:.2f}x, {verdict}"
                f" (peak RSS {aex.peak_rss_mib:.0f} MiB against {floor.peak_rss_mib:.0f} MiB).",
            ]
    return out


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    keys = [tool.key for tool in TOOLS]
    parser = argparse.ArgumentParser(
        description="Time flake8-executor against the ast.parse floor, flake8, flake8-async, ruff.",
        epilog=f"Rows (--only): {', '.join(keys)}; 'all' adds the non-default stock-flake8 rows.",
    )
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per row (default 5)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"download cache (default {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--corpus-limit",
        type=int,
        default=DEFAULT_CORPUS_LIMIT,
        help=f"time only the first N files of the hash-ordered corpus (default "
        f"{DEFAULT_CORPUS_LIMIT}; 0 = all)",
    )
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        help="use the .py files under DIR instead of the pinned corpus (no download)",
    )
    parser.add_argument(
        "--row-budget",
        type=float,
        default=DEFAULT_ROW_BUDGET,
        help=f"stop repeating a row once it has taken this many seconds in total (default "
        f"{DEFAULT_ROW_BUDGET:g}; 0 = always --repeat times)",
    )
    parser.add_argument(
        "--ha-dir",
        type=Path,
        help="a Home Assistant tree (the directory holding homeassistant/) for the -ha rows",
    )
    parser.add_argument(
        "--ha-python",
        help="the interpreter of the environment Home Assistant's requirements are installed in "
        "(given to flake8 as --executor-python by the -ha rows)",
    )
    parser.add_argument("--only", help="comma-separated rows to run (default: the default rows)")
    parser.add_argument("--output", type=Path, help="also write the report as markdown to FILE")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.row_budget < 0:
        parser.error("--row-budget must be 0 (no limit) or more")
    if args.corpus_limit < 0:
        parser.error("--corpus-limit must be 0 (all) or more")
    if args.only:
        wanted = [key.strip() for key in args.only.split(",") if key.strip()]
        unknown = [key for key in wanted if key not in keys and key != "all"]
        if unknown:
            parser.error(f"unknown rows {', '.join(unknown)} (known: {', '.join(keys)}, all)")
        args.only = wanted
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.only and "all" in args.only:
        tools = list(TOOLS)
    elif args.only:
        tools = [tool for tool in TOOLS if tool.key in args.only]
    else:
        tools = [tool for tool in TOOLS if tool.default]
    ha = None
    try:
        if args.ha_dir is not None:
            print(f"Home Assistant tree: reading {args.ha_dir}", file=sys.stderr, flush=True)
            ha = from_directory(args.ha_dir)
        if ha is not None and all(tool.on_ha for tool in tools):
            corpus = ha  # only the Home Assistant rows: no corpus to build
        elif args.corpus_dir is not None:
            corpus = from_directory(args.corpus_dir)
        else:
            print(f"corpus: building or reusing under {args.cache}", file=sys.stderr, flush=True)
            corpus = build_pinned(args.cache.expanduser())
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    files = corpus.files
    if args.corpus_limit and corpus is not ha:
        files = files[: args.corpus_limit]

    env = dict(os.environ)
    # The repository first, so every row runs this checkout's flake8_executor even where an older
    # copy is installed; and nothing that would change how the children behave or what they load.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    for variable in ("PYTHONSTARTUP", "PYTHONBREAKPOINT", "PYTHONWARNINGS", "PYTHONDEVMODE"):
        env.pop(variable, None)

    shown = ["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]
    with tempfile.TemporaryDirectory(prefix="flake8-executor-bench-") as tmp:
        file_list = Path(tmp) / "files.txt"
        file_list.write_text("".join(f"{name}\n" for name in files), encoding="utf-8")
        ctx = Context(corpus, files, file_list, env)
        if ha is not None:
            ctx.ha = ha
            ctx.ha_file_list = Path(tmp) / "ha-files.txt"
            ctx.ha_file_list.write_text("".join(f"{name}\n" for name in ha.files), "utf-8")
            ctx.ha_python = args.ha_python
        rows = []
        for tool in tools:
            made = tool.commands(ctx)
            cwd = ha.root if tool.on_ha and ha is not None else None
            if isinstance(made, str):
                rows.append(Row(tool, unavailable=made, cwd=cwd))
            else:
                rows.append(Row(tool, commands=made, cwd=cwd))
        print(
            f"timing {len(rows)} rows x {args.repeat} repetitions on {len(files)} files",
            file=sys.stderr,
            flush=True,
        )
        measure_all(rows, ctx, args.repeat, args.row_budget)
        report = [
            "# flake8-executor benchmark",
            "",
            f"Command: `{' '.join(shown)}`",
            "",
            "## Machine",
            "",
            *machine_lines(ctx),
            "",
            "## Corpus",
            "",
            *corpus_lines(ctx),
            "",
            "## Results",
            "",
            *table_lines(rows, ctx),
            "",
        ]
    text = "\n".join(report)
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
