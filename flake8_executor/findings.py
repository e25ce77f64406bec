"""What the engine reports: small immutable values that both front ends consume.

The flake8 plugin turns a finding into ``(line, col, "CODE message", type)``; ``executor-fix`` uses the
positions and the ``fix`` (a ``fixes.Fix``) to find the libcst node and rewrite it, so it never
detects anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from flake8_executor.fixes import Fix


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
    fix: Fix | None = None
    unfixable: str | None = None  # why the fix must not be applied here; None when it may be
    unsafe: str | None = None  # why the fix can change behaviour (a ``fixes.Unsafe``); None: safe
    import_origin: ImportOrigin | None = None

    @property
    def text(self) -> str:
        """The flake8 form: ``AEX100 requests.get() blocks ...``."""
        return f"{self.code} {self.message}"

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.unfixable is None
