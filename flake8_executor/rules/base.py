"""What a rule is made of: its codes (message templates and docs, as data) and its checks.

A rule module declares ``RULE = Rule(...)``: the codes it reports, each with its message templates
and its documentation, and the functions the engine calls for each call site (and ``with`` item) of a
file. Codes and messages live beside the check that reports them (flake8-bugbear's "codes as data");
the docs answer ruff's four questions and carry examples that the test suite runs through both front
ends (Fixit's VALID/INVALID), and ``executor-fix --explain`` and the pages of ``docs/codes/`` are
generated from them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Callable, NamedTuple

from flake8_executor.analysis.sites import AttributeSite, CallSite, WithItemSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding, ImportOrigin
from flake8_executor.fixes import Fix


@dataclass(frozen=True)
class Docs:
    """One code's documentation, in ruff's parts.

    ``example`` is a whole module in which every line that must be reported ends with
    ``# error: AEXnnn`` (the fixtures' format); ``use_instead`` is the same code written right, and
    must not be reported for this code. ``invalid`` and ``valid`` are more cases of each sort, tested
    but not printed. ``fixed``, when given, is exactly what ``executor-fix`` makes of ``example``
    (with ``fix_args``); ``flake8_args`` are what the examples need (``--extend-select=AEX206``).
    """

    what: str  # What it does
    why: str  # Why is this bad?
    example: str
    use_instead: str
    fix: str  # what executor-fix does, when it declines, and whether it is safe
    fixed: str | None = None
    invalid: tuple[str, ...] = ()
    valid: tuple[str, ...] = ()
    flake8_args: tuple[str, ...] = ()
    fix_args: tuple[str, ...] = ()


class Message(NamedTuple):
    """A code and its rendered text: what a rule passes to ``finding_at``."""

    code: str
    text: str


@dataclass(frozen=True)
class Code:
    """One code: its summary, its message templates by variant, its docs and its fix in short."""

    code: str
    summary: str  # one line, for --list-codes and the codes' tables
    templates: Mapping[str, str]  # variant -> template; "" is the main one
    docs: Docs
    fix: str = "no"  # the fix in a few words, for tables ("no": never fixed)
    default_on: bool = True  # off: flake8 and executor-fix leave it off unless selected
    # "error": the code fails when it runs (a TypeError, a pickling error), whatever the fix;
    # "warning": it blocks or misuses the loop. SARIF's level is this (code scanning sorts by it).
    severity: str = "warning"

    def message(self, variant: str = "", **fields: str) -> Message:
        """The code with its template for ``variant`` filled in from what the rule saw."""
        fields.setdefault("resolved", "")
        return Message(self.code, self.templates[variant].format(**fields))


CallCheck = Callable[[CallSite, FileState], Iterator[Finding]]
WithItemCheck = Callable[[WithItemSite, FileState], Iterator[Finding]]
AttributeCheck = Callable[[AttributeSite, FileState], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule module's declaration: its codes, its checks, and when the engine calls them.

    ``call_names`` are the last parts of the qualified names and methods the check is about
    (``run_in_executor``, ``to_thread``); the engine calls it only for calls of those names (``None``:
    every call). ``triggers`` are words of which a file must hold at least one for the rule to have a
    finding in it; the engine's text pre-check is their union. Both are derived from the names the
    rule resolves (``last_parts``), never written out by hand.
    """

    codes: tuple[Code, ...]
    triggers: frozenset[str]
    on_call: CallCheck | None = None
    call_names: frozenset[str] | None = None
    on_with_item: WithItemCheck | None = None
    on_attribute: AttributeCheck | None = None  # an attribute read on the loop, not called


# A rule that reports only calls on the event loop needs an ``async def`` in the file.
ON_THE_LOOP = frozenset({"async"})


def last_parts(names: Iterable[str]) -> frozenset[str]:
    """``asyncio.to_thread`` -> ``to_thread``: what a call of the name must spell, aliases or not.

    An import alias can rename a dotted name's root, never its last part, and ``from m import x as
    y`` still spells ``x``: a file that calls the name holds this word.
    """
    return frozenset(name.rpartition(".")[2] for name in names)


def unparse(node: ast.AST) -> str:
    """The expression as a user would write it (normalised by ``ast.unparse``)."""
    return ast.unparse(node)


def shown_call(func: ast.expr) -> str:
    """``rq.get()``: the call as the user wrote it."""
    return f"{unparse(func)}()"


def resolved_prefix(func: ast.expr, qualified: str | None) -> str:
    """``"requests.get: "`` when the name as written (``rq.get``) is not the resolved one."""
    if qualified and qualified != unparse(func):
        return f"{qualified}: "
    return ""


def finding_at(
    node: ast.expr,
    message: Message,
    *,
    qualified: str | None = None,
    kind: str | None = None,
    fix: Fix | None = None,
    unfixable: str | None = None,
    unsafe: str | None = None,
    import_origin: ImportOrigin | None = None,
) -> Finding:
    """A finding spanning ``node`` (the node a fix would replace)."""
    return Finding(
        code=message.code,
        line=node.lineno,
        col=node.col_offset,
        end_line=node.end_lineno or node.lineno,
        end_col=node.end_col_offset or node.col_offset,
        message=message.text,
        callable=qualified,
        kind=kind,
        fix=fix,
        unfixable=unfixable if fix is not None else None,
        unsafe=unsafe if fix is not None and unfixable is None else None,
        import_origin=import_origin,
    )
