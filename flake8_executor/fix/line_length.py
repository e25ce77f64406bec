"""Break a line a fix made too long, as black would, so that a fix never creates flake8's E501.

``await asyncio.to_thread(requests.get, url, timeout=3)`` is longer than the call it replaces, and
a line that fitted may no longer fit. Only lines the fixes wrote are touched, only when the project
declares a line length (``config.resolve.line_length``), and only at the call that ends the line:

1. black's right-hand split: the arguments on a line of their own, one level deeper, when they
   fit there::

       return await asyncio.to_thread(
           requests.get, url, timeout=3
       )

2. else one argument per line with a trailing comma (black's magic trailing comma, which keeps it
   so), an argument still too long split the same way in turn.

Line breaks are only added inside the call's own parentheses, which Python ignores: the result
means what the line meant. A line with a comment, a backslash, a generator argument or anything
``ast`` cannot read on its own is left as it is.
"""

from __future__ import annotations

import ast
import io
import tokenize

INDENT = "    "


def _split(body: str, limit: int, indent: str, newline: str) -> list[str] | None:
    """``body`` (one line, no indentation, no line break) as several lines, or None."""
    trailing = ""
    source = body
    if source.endswith(","):  # an argument of an enclosing call, laid out one per line
        source, trailing = source[:-1], ","
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    data = source.encode("utf-8")  # ast's columns count UTF-8 bytes
    end = len(data)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and node.lineno == node.end_lineno == 1
        and node.end_col_offset == end
    ]
    if not calls:
        return None
    call = calls[0]
    arguments: list[ast.AST] = sorted(
        [*call.args, *call.keywords], key=lambda node: node.col_offset
    )
    if not arguments or any(isinstance(node, ast.GeneratorExp) for node in call.args):
        return None
    func_end = call.func.end_col_offset or 0
    opening = data.index(b"(", func_end)
    head = data[: opening + 1].decode("utf-8")
    texts = [
        data[node.col_offset : node.end_col_offset].decode("utf-8")  # type: ignore[attr-defined]
        for node in arguments
    ]
    tail = ")" + trailing
    inner = indent + INDENT
    joined = ", ".join(texts)
    if len(inner) + len(joined) <= limit:
        return [indent + head, inner + joined, indent + tail]
    lines = [indent + head]
    for text in texts:
        line = inner + text + ","
        if len(line) > limit:
            deeper = _split(text + ",", limit, inner, newline)
            if deeper is not None:
                lines.extend(deeper)
                continue
        lines.append(line)
    lines.append(indent + tail)
    return lines


def _has_comment(line: str) -> bool:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, SyntaxError):
        return True  # an unfinished bracket or string: not a line to take apart
    return any(token.type == tokenize.COMMENT for token in tokens)


def break_long_lines(text: str, written: frozenset[int], limit: int) -> str:
    """``text`` with each written line longer than ``limit`` characters broken at its last call."""
    lines = io.StringIO(text, newline="").readlines()
    changed = False
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        content = line.rstrip("\r\n")
        if number not in written or len(content) <= limit or content.rstrip().endswith("\\"):
            out.append(line)
            continue
        newline = line[len(content) :] or "\n"
        body = content.strip()
        indent = content[: len(content) - len(content.lstrip())]
        split = None if _has_comment(body) else _split(body, limit, indent, newline)
        if split is None:
            out.append(line)
            continue
        changed = True
        out.extend(part + newline for part in split[:-1])
        out.append(split[-1] + line[len(content) :])
    return "".join(out) if changed else text
