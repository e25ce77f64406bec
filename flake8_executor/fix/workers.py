"""Spread per-file work over processes without letting one crash lose the others' results.

A worker that dies (a segfault in a C extension, an ``os._exit``) breaks a whole
``ProcessPoolExecutor``: every future still pending fails with ``BrokenProcessPool``. Results already
collected are kept, and each file that got no result is retried alone in a fresh one-worker pool, so
only the file that really crashes a worker is reported as crashed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def run_all(
    jobs: Sequence[Job],
    work: Callable[[Job], Result],
    processes: int,
    failed: Callable[[Job, str], Result],
) -> list[Result]:
    """``work(job)`` for every job, in the jobs' order; ``failed(job, reason)`` stands in for a crash.

    ``work`` must be a module-level function (it is pickled by name). With one process, or one job,
    everything runs here: a pool would only add start-up time.
    """
    if processes <= 1 or len(jobs) <= 1:
        return [_guarded(work, job, failed) for job in jobs]
    results: dict[int, Result] = {}
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs))) as pool:
        futures = {pool.submit(work, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                continue  # retried alone below
            except Exception as error:  # one file's bug must not stop the run
                results[index] = failed(jobs[index], f"internal error: {error!r}")
    for index, job in enumerate(jobs):
        if index not in results:
            results[index] = _alone(work, job, failed)
    return [results[index] for index in range(len(jobs))]


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
