"""Drop ``loop = asyncio.get_running_loop()`` where the fixes took away its last use.

``await loop.run_in_executor(None, f, a)`` becoming ``await asyncio.to_thread(f, a)`` (AEX206, or
AEX200's fix on the default pool) leaves the ``loop`` it was called on unused: flake8's F841 on a
line the user did not touch a moment ago. ``asyncio.get_running_loop()`` has no side effect in a
coroutine (it returns the running loop, or raises where there is none, which a coroutine never
sees), so the assignment can go. Only that exact statement is dropped, on lines of its own, for a
name bound once in its function and read nowhere in it afterwards (nested functions included),
and only where the name *was* read in the input: an assignment the user left unused is theirs.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DYNAMIC = ("locals", "vars", "eval", "exec")


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """Each function with its qualified name (``Class.method``, ``outer.inner``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            name = f"{prefix}{node.name}"
            if isinstance(node, _FUNCTIONS):
                yield name, node
            yield from _functions(node, name + ".")
        else:
            yield from _functions(node, prefix)


def _asyncio_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "asyncio"
    }


def _reads(function: ast.AST) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _stores(function: ast.AST) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in ast.walk(function):
        names: list[str] = []
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names = [node.id]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names = list(node.names)  # never dropped: the binding is seen elsewhere
            for name in names:
                counts[name] = counts.get(name, 0) + 2
            continue
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return counts


def _loop_assignments(function: ast.AST, asyncio_names: set[str]) -> Iterator[ast.Assign]:
    """Statements of the function's own body (never a block's only statement)."""
    body: list[ast.stmt] = getattr(function, "body", [])
    for node in body if len(body) > 1 else []:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and not node.value.args
            and not node.value.keywords
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "get_running_loop"
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id in asyncio_names
        ):
            yield node


def _read_before(original: str) -> set[tuple[str, str]]:
    try:
        tree = ast.parse(original)
    except (SyntaxError, ValueError):
        return set()
    read = set()
    for name, function in _functions(tree):
        read.update((name, variable) for variable, count in _reads(function).items() if count)
    return read


def drop_unused_loops(original: str, text: str, tree: ast.Module) -> str:
    """``text`` (whose tree is ``tree``) without the assignments described above."""
    if "get_running_loop" not in text:
        return text
    asyncio_names = _asyncio_names(tree)
    if not asyncio_names:
        return text
    functions = list(_functions(tree))
    names = [name for name, _ in functions]
    candidates: list[tuple[str, ast.Assign]] = []
    for name, function in functions:
        reads, stores = _reads(function), _stores(function)
        if any(reads.get(dynamic) for dynamic in _DYNAMIC):
            continue  # locals(), eval(): a name may be read without being written
        for assignment in _loop_assignments(function, asyncio_names):
            variable = assignment.targets[0].id  # type: ignore[attr-defined]
            if not reads.get(variable) and stores.get(variable) == 1 and names.count(name) == 1:
                candidates.append((name, assignment))
    if not candidates:
        return text
    read_before = _read_before(original)
    lines = io.StringIO(text, newline="").readlines()  # line breaks kept, as Python splits
    drop: set[int] = set()
    for name, assignment in candidates:
        variable = assignment.targets[0].id  # type: ignore[attr-defined]
        if (name, variable) not in read_before:
            continue
        first, last = assignment.lineno, assignment.end_lineno or assignment.lineno
        head = lines[first - 1].encode("utf-8")  # ast's columns count UTF-8 bytes
        tail = lines[last - 1].encode("utf-8")
        # Lines of its own: nothing before it, nothing but the line break after it (no comment).
        if head[: assignment.col_offset].strip() or tail[assignment.end_col_offset :].strip():
            continue
        drop.update(range(first, last + 1))
    if not drop:
        return text
    return "".join(line for number, line in enumerate(lines, 1) if number not in drop)
