"""Spread per-file work over processes without letting one crash lose the others' results.

Jobs go to the workers in chunks: one task per file costs the parent a round trip per file (pickling,
a pipe write, a wake-up) that is worth more than the work itself on the many files that have nothing
to fix. A worker that dies (a segfault in a C extension, an ``os._exit``) breaks a whole
``ProcessPoolExecutor``: every chunk still pending fails with ``BrokenProcessPool``, and so does
sending one more when the crash comes before all are sent. Results already
collected are kept, and each file that got no result is retried alone in a fresh one-worker pool, so
only the file that really crashes a worker is reported as crashed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar, Union

Job = TypeVar("Job")
Result = TypeVar("Result")
# Per job of a chunk: its result, or the reason it failed ("internal error: ...").
_Done = tuple[bool, Union[Result, str]]


def run_all(
    jobs: Sequence[Job],
    work: Callable[[Job], Result],
    processes: int,
    failed: Callable[[Job, str], Result],
    chunk_size: int = 1,
) -> list[Result]:
    """``work(job)`` for every job, in the jobs' order; ``failed(job, reason)`` stands in for a crash.

    ``work`` must be a module-level function (it is pickled by name). With one process, or one job,
    everything runs here: a pool would only add start-up time. Workers get ``chunk_size`` jobs at a
    time.
    """
    if processes <= 1 or len(jobs) <= 1:
        return [_guarded(work, job, failed) for job in jobs]
    chunks = [
        range(start, min(start + max(chunk_size, 1), len(jobs)))
        for start in range(0, len(jobs), max(chunk_size, 1))
    ]
    results: dict[int, Result] = {}
    with ProcessPoolExecutor(max_workers=min(processes, len(chunks))) as pool:
        futures = {}
        for chunk in chunks:
            try:
                futures[pool.submit(_run_chunk, work, [jobs[index] for index in chunk])] = chunk
            except BrokenProcessPool:
                # A worker died while chunks were still being sent (its file came first): the
                # pool takes no more, and the chunks not sent are retried alone below.
                break
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                done: list[_Done[Result]] = future.result()
            except BrokenProcessPool:
                continue  # retried alone below
            except Exception as error:  # the chunk could not be sent or its results returned
                done = [(False, f"internal error: {error!r}")] * len(chunk)
            for index, (ok, value) in zip(chunk, done):
                results[index] = value if ok else failed(jobs[index], value)  # type: ignore[arg-type]
    for index, job in enumerate(jobs):
        if index not in results:
            results[index] = _alone(work, job, failed)
    return [results[index] for index in range(len(jobs))]


def _run_chunk(work: Callable[[Job], Result], jobs: list[Job]) -> list[_Done[Result]]:
    """In a worker: each job's result, or why it failed; one file's bug must not stop its chunk."""
    done: list[_Done[Result]] = []
    for job in jobs:
        try:
            done.append((True, work(job)))
        except Exception as error:
            done.append((False, f"internal error: {error!r}"))
    return done


def _guarded(
    work: Callable[[Job], Result], job: Job, failed: Callable[[Job, str], Result]
) -> Result:
    try:
        return work(job)
    except Exception as error:  # one file's bug must not stop the run
        return failed(job, f"internal error: {error!r}")


def _alone(work: Callable[[Job], Result], job: Job, failed: Callable[[Job, str], Result]) -> Result:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(work, job).result()
    except BrokenProcessPool:
        return failed(job, "internal error: the worker process crashed on this file")
    except Exception as error:
        return failed(job, f"internal error: {error!r}")
