"""What the engine reports: small immutable values that both front ends consume.

The flake8 plugin turns a finding into ``(line, col, "CODE message", type)``; ``executor-fix`` uses the
positions and the ``fix`` plan to find the libcst node and rewrite it, so it never detects anything
itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FixAction(str, enum.Enum):
    """The rewrite a finding allows; ``Finding.unfixable`` says when it must not be applied."""

    TO_THREAD = "to-thread"  # f(a, k=v) -> await asyncio.to_thread(f, a, k=v)
    ASYNC_SLEEP = "async-sleep"  # time.sleep(x) -> await asyncio.sleep(x)
    WRAP_FUTURE = "wrap-future"  # fut.result() -> await asyncio.wrap_future(fut)
    PROCESS_POOL = "process-pool"  # json.loads(b) -> await loop.run_in_executor(<pool>, ...)
    KEYWORDS_TO_PARTIAL = (
        "keywords-to-partial"  # run_in_executor(e, f, a, k=v) -> (e, partial(f, a, k=v))
    )
    EXECUTOR_TO_NONE = (
        "executor-to-none"  # run_in_executor(process_pool, io_call, ...) -> (None, ...)
    )
    GET_RUNNING_LOOP = "get-running-loop"  # asyncio.get_event_loop() -> asyncio.get_running_loop()
    RUN_IN_EXECUTOR_TO_THREAD = (
        "run-in-executor-to-thread"  # run_in_executor(None, f, a) -> to_thread(f, a)
    )


@dataclass(frozen=True)
class ImportOrigin:
    """The import that bound the root name of a call, so the fixer can drop it once unused.

    ``import time`` is ``ImportOrigin("time", None, None)``; ``from time import sleep as nap`` is
    ``ImportOrigin("time", "sleep", "nap")``.
    """

    module: str
    name: str | None
    asname: str | None


@dataclass(frozen=True)
class Finding:
    """One reported problem at one call (or ``with`` item), with everything a front end needs.

    Positions are ``ast``'s: 1-based lines and 0-based columns counted in UTF-8 bytes, as flake8
    expects them (libcst counts characters: the fixer converts on lines that are not ASCII).
    ``end_line``/``end_col`` span the node the fix replaces (the whole call).
    """

    code: str
    line: int
    col: int
    end_line: int
    end_col: int
    message: str  # without the code: "requests.get() blocks the event loop (...); ..."
    callable: str | None = None  # resolved qualified name, "requests.get", when there is one
    kind: str | None = None  # catalog kind value ("io", "cpu-holds-gil", ...), when there is one
    fix: FixAction | None = None
    unfixable: str | None = None  # why the fix must not be applied here; None when it may be
    import_origin: ImportOrigin | None = None

    @property
    def text(self) -> str:
        """The flake8 form: ``AEX100 requests.get() blocks ...``."""
        return f"{self.code} {self.message}"

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.unfixable is None
