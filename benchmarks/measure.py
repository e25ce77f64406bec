"""Time one command in a fresh subprocess and read its own peak memory and CPU time.

Why through ``/usr/bin/time`` (GNU time) and not ``os.wait4`` or ``getrusage(RUSAGE_CHILDREN)`` here:
``RUSAGE_CHILDREN.ru_maxrss`` is the largest RSS of *any* child reaped so far, so after one big
measurement every later one reports the same number; and even the ``wait4`` rusage of exactly one
child includes the memory of the process that forked it, as it was when the child called ``exec``
(Linux records the old address space's high-water mark at exec): spawned from this harness, every
tool would be charged its ~30 MiB (measured: ``/bin/true`` spawned from a process holding 200 MiB
"peaks" at 211 MiB). GNU time is a small C program, so its children carry ~1 MiB of that. Where it
is missing, ``rusage_wrapper.py`` under ``python -I -S`` does the same job with ~8 MiB of bias.

The rusage includes the grandchildren the child reaped (the workers of ``executor-fix -j 2``): CPU
time is their sum, ``ru_maxrss`` the peak of the largest single process, not the sum of the workers.

The wall time is this process's clock around the whole invocation (GNU time's ``%e`` has only
10 ms resolution). Output goes to temporary files rather than pipes, so a tool that prints thousands
of findings can never block on a full pipe.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMAT = "%e %U %S %M"


@cache
def rusage_prefix() -> tuple[str, ...]:
    """The wrapper to put in front of every command: GNU time when it works, else ours."""
    gnu = shutil.which("time", path="/usr/bin:/bin") or ""
    if gnu:
        probe = subprocess.run(
            [gnu, "-f", FORMAT, "-o", os.devnull, "true"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return (gnu, "-f", FORMAT, "-o")
    return (sys.executable, "-I", "-S", str(HERE / "rusage_wrapper.py"))


def rusage_method() -> str:
    prefix = rusage_prefix()
    if prefix[0].endswith("time"):
        return f"GNU time ({prefix[0]})"
    return "rusage_wrapper.py (no GNU time here; peak RSS includes ~8 MiB of the wrapper)"


@dataclass(frozen=True)
class Run:
    """One measurement: all chunks of one tool invocation over the corpus."""

    seconds: float  # wall clock, summed over chunks
    cpu_seconds: float  # user + system of the child and the grandchildren it reaped
    max_rss_kib: int  # the largest single process
    returncodes: tuple[int, ...]
    stdout: str
    stderr: str


def _read_usage(path: str) -> tuple[float, int]:
    """(user + system seconds, max RSS KiB) from the wrapper's last line; zeros if unreadable."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.split() for line in handle if line.strip()]
    except OSError:
        return 0.0, 0
    # GNU time writes "Command exited with non-zero status N" before the numbers.
    for fields in reversed(lines):
        if len(fields) == 4:
            try:
                return float(fields[1]) + float(fields[2]), int(fields[3])
            except ValueError:
                continue
    return 0.0, 0


def run_command_chunks(commands: Sequence[Sequence[str]], cwd: Path, env: Mapping[str, str]) -> Run:
    """Run each command (a chunk of the file list) in turn; sum the times, keep the peak RSS."""
    seconds = 0.0
    cpu = 0.0
    rss = 0
    codes: list[int] = []
    outs: list[str] = []
    errs: list[str] = []
    for command in commands:
        handle, usage_file = tempfile.mkstemp(prefix="rusage-", suffix=".txt")
        os.close(handle)
        try:
            with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
                start = time.perf_counter()
                process = subprocess.run(
                    [*rusage_prefix(), usage_file, *command],
                    cwd=cwd,
                    env=dict(env),
                    stdout=out,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    check=False,
                )
                seconds += time.perf_counter() - start
                out.seek(0)
                err.seek(0)
                outs.append(out.read().decode("utf-8", "replace"))
                errs.append(err.read().decode("utf-8", "replace"))
            used, peak = _read_usage(usage_file)
        finally:
            os.unlink(usage_file)
        cpu += used
        rss = max(rss, peak)
        codes.append(process.returncode)
    return Run(seconds, cpu, rss, tuple(codes), "".join(outs), "".join(errs))


@dataclass(frozen=True)
class Stats:
    """Summary of the repetitions of one row."""

    n: int
    median: float
    low: float
    high: float
    q1: float
    q3: float
    cpu_median: float
    peak_rss_mib: float


def summarize(runs: Sequence[Run]) -> Stats:
    """Median and spread of the wall times; the peak RSS over all repetitions."""
    times = sorted(r.seconds for r in runs)
    if len(times) >= 4:
        q1, _, q3 = statistics.quantiles(times, n=4)
    else:
        q1, q3 = times[0], times[-1]
    return Stats(
        n=len(times),
        median=statistics.median(times),
        low=times[0],
        high=times[-1],
        q1=q1,
        q3=q3,
        cpu_median=statistics.median(r.cpu_seconds for r in runs),
        peak_rss_mib=max(r.max_rss_kib for r in runs) / 1024,
    )


def chunk_arguments(
    prefix: Sequence[str], files: Sequence[str], env: Mapping[str, str]
) -> list[list[str]]:
    """Split ``prefix + files`` into commands that each fit in ARG_MAX (argv and environment).

    Half of ARG_MAX minus the environment is used as the budget, leaving room for the kernel's own
    accounting; on Linux (2 MiB) the pinned corpus fits in one command, so no tool pays a second
    start-up in the timing.
    """
    try:
        arg_max = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        arg_max = 128 * 1024
    env_size = sum(len(k) + len(v) + 2 for k, v in env.items())
    budget = max(arg_max // 2 - env_size - sum(len(a) + 1 for a in prefix), 16 * 1024)
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in files:
        cost = len(path.encode()) + 1 + 8  # the string, its NUL, and its argv pointer
        if current and size + cost > budget:
            chunks.append([*prefix, *current])
            current, size = [], 0
        current.append(path)
        size += cost
    if current or not chunks:
        chunks.append([*prefix, *current])
    return chunks
