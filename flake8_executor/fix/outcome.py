"""What became of one finding, the unit of the fixer's report (kept free of libcst, to load fast)."""

from __future__ import annotations

from dataclasses import dataclass

from flake8_executor.findings import Finding


@dataclass(frozen=True)
class Outcome:
    """A finding, fixed (``reason is None``) or not and why."""

    finding: Finding
    reason: str | None = None

    @property
    def fixed(self) -> bool:
        return self.reason is None
