"""What became of one finding, the unit of the fixer's report (kept free of libcst, to load fast)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flake8_executor.findings import Finding

# An import as ``RemoveImportsVisitor`` names it: (module, imported name or None, alias or None).
ImportKey = tuple[str, "str | None", "str | None"]


@dataclass(frozen=True)
class Outcome:
    """A finding, fixed (``reason is None``) or not and why.

    A rewrite also says what it did to the module's imports, so that imports can be settled once
    for the whole module after its rewrites, wherever they ran (the whole module, or fragments of
    it): ``imports_needed`` are modules the new code refers to (``asyncio``), ``imports_freed`` the
    imports whose last use it may have removed (``from time import sleep``).
    """

    finding: Finding
    reason: str | None = None
    imports_needed: frozenset[str] = field(default=frozenset(), compare=False)
    imports_freed: frozenset[ImportKey] = field(default=frozenset(), compare=False)
    # The fix is unsafe (``finding.unsafe`` says why) and was not applied: ``--unsafe-fixes``.
    unsafe: bool = False

    @property
    def fixed(self) -> bool:
        return self.reason is None
