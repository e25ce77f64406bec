"""Where libcst has to look: the few statements around the findings, found with the ``ast``.

libcst costs about a millisecond per five lines to parse, resolve positions and transform: seconds
for a big module, a hundred times its ``ast.parse``. A fix only ever rewrites calls inside one
statement, and what the rewrite depends on outside that statement is little: the frame the statement
sits in (``await`` is valid only directly in a coroutine), the block's indentation, the module's
newline, and how the module imports ``asyncio`` and ``functools`` (which the caller reads from the
``ast`` and hands to the rewrite). So each finding's smallest enclosing statement that owns whole
lines is cut out, put behind a *lead* that recreates its frame (``async def _():`` for a statement in
a coroutine), and parsed by libcst alone; the rewritten lines replace the original ones. The imports
are then settled on the module's head only (``imports.py``).

Everything here is ``ast`` and text; any case it is not sure of gets ``None`` or ``False``, and the
caller runs libcst on the whole module, as it always could.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from flake8_executor.findings import Finding
from flake8_executor.fix.locate import char_column

# What may follow the last statement on its line: a semicolon, a comment. Not a backslash.
_LINE_TAIL = re.compile(r"[ \t\f]*(?:;[ \t\f]*)?(?:#.*)?")
# The header that puts a statement in its frame; module-level statements at column 0 need none.
_FRAME_HEADERS = {"def": "def _():", "coroutine": "async def _():", "class": "class _:"}
_FRAMES = {ast.FunctionDef: "def", ast.AsyncFunctionDef: "coroutine", ast.ClassDef: "class"}


@dataclass
class Fragment:
    """Lines ``first`` to ``last`` (1-based, inclusive) and the findings to fix in them."""

    first: int
    last: int
    header: str  # the frame's header line, "" for a module-level statement at column 0
    findings: list[Finding] = field(default_factory=list)


def statement_start(statement: ast.stmt) -> tuple[int, int]:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    if decorators:  # the statement begins at its first decorator's "@"
        return decorators[0].lineno, 0
    return statement.lineno, statement.col_offset


def statement_end(statement: ast.stmt) -> tuple[int, int]:
    assert statement.end_lineno is not None and statement.end_col_offset is not None
    return statement.end_lineno, statement.end_col_offset


def _bodies(statement: ast.stmt, frame: str) -> Iterator[tuple[list[ast.stmt], str]]:
    """The statement lists nested in ``statement`` and the frame each of them is in."""
    inner = _FRAMES.get(type(statement), frame)
    for _name, value in ast.iter_fields(statement):
        if not isinstance(value, list) or not value:
            continue
        if isinstance(value[0], ast.stmt):
            yield value, inner
        elif not isinstance(value[0], ast.expr):  # except handlers, match cases
            for item in value:
                body = getattr(item, "body", None)
                if isinstance(body, list):
                    yield body, inner


def _enclosing(tree: ast.Module, finding: Finding) -> list[tuple[ast.stmt, list[ast.stmt], str]]:
    """The statements around the finding, outermost first, each with its list and frame."""
    start, end = (finding.line, finding.col), (finding.end_line, finding.end_col)
    chain: list[tuple[ast.stmt, list[ast.stmt], str]] = []
    bodies: list[tuple[list[ast.stmt], str]] = [(tree.body, "module")]
    while bodies:
        found = next(
            (
                (statement, body, frame)
                for body, frame in bodies
                for statement in body
                if statement_start(statement) <= start and end <= statement_end(statement)
            ),
            None,
        )
        if found is None:
            break
        chain.append(found)
        bodies = list(_bodies(found[0], found[2]))
    return chain


def _own_lines(
    statement: ast.stmt, body: list[ast.stmt], frame: str, lines: Sequence[str]
) -> Fragment | None:
    """The statement with the statements sharing its lines, if together they own whole lines."""
    index = next(position for position, other in enumerate(body) if other is statement)
    low = high = index
    while low > 0 and statement_end(body[low - 1])[0] >= statement_start(body[low])[0]:
        low -= 1
    while (
        high + 1 < len(body) and statement_start(body[high + 1])[0] <= statement_end(body[high])[0]
    ):
        high += 1
    first, (last, last_col) = statement_start(body[low])[0], statement_end(body[high])
    text = lines[first - 1]
    code = text.lstrip(" \t")
    indent = text[: len(text) - len(code)]
    if getattr(body[low], "decorator_list", None):
        if not code.startswith("@"):
            return None
    elif body[low].col_offset != len(indent):  # something else before it on its line
        return None
    if first > 1 and lines[first - 2].endswith("\\"):  # a continuation line
        return None
    if not _LINE_TAIL.fullmatch(lines[last - 1][char_column(lines, last, last_col) :]):
        return None
    if frame == "module":
        header = "if True:" if indent else ""
    elif indent:
        header = _FRAME_HEADERS[frame]
    else:
        return None
    return Fragment(first, last, header)


def plan(
    tree: ast.Module, lines: Sequence[str], findings: Sequence[Finding]
) -> list[Fragment] | None:
    """Disjoint fragments holding every finding, in source order; None to take the whole module.

    ``lines`` are the source's lines without their line breaks.
    """
    fragments: list[Fragment] = []
    for finding in findings:
        fragment = next(
            (
                found
                for statement, body, frame in reversed(_enclosing(tree, finding))
                if (found := _own_lines(statement, body, frame, lines)) is not None
            ),
            None,
        )
        if fragment is None:
            return None
        fragment.findings.append(finding)
        fragments.append(fragment)
    fragments.sort(key=lambda fragment: (fragment.first, -fragment.last))
    merged: list[Fragment] = []
    for fragment in fragments:
        if merged and fragment.first <= merged[-1].last:
            if fragment.last > merged[-1].last:  # statements nest or are apart; never this
                return None
            merged[-1].findings.extend(fragment.findings)
        else:
            merged.append(fragment)
    return merged
