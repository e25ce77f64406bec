"""What a quick fix is called in the editor's menu: what the rewrite does, with the user's names.

``fix_title`` is the one place that decides a title; an unsafe fix (``Finding.unsafe``) says so in
its title, with the reason, as ruff's server marks its unsafe fixes.
"""

from __future__ import annotations

import ast

from flake8_executor.columns import char_column
from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix

FIX_ALL_TITLE = "Fix all safe AEX findings in this file"
# A name longer than this is cut: a menu entry should fit on a line.
_LONGEST_NAME = 40


def call_source(lines: list[str], finding: Finding) -> str:
    """The text of the node the finding spans (the call), from the document's lines."""
    first, last = finding.line - 1, finding.end_line - 1
    if not 0 <= first <= last < len(lines):
        return ""
    if first == last:
        line = lines[first]
        return line[char_column(line, finding.col) : char_column(line, finding.end_col)]
    head = lines[first][char_column(lines[first], finding.col) :]
    tail = lines[last][: char_column(lines[last], finding.end_col)]
    return "\n".join([head, *lines[first + 1 : last], tail])


def _short(node: ast.expr | None, fallback: str) -> str:
    if node is None:
        return fallback
    text = ast.unparse(node)
    return text if len(text) <= _LONGEST_NAME else text[: _LONGEST_NAME - 3] + "..."


def _parts(source: str) -> tuple[ast.expr | None, ast.expr | None, ast.expr | None]:
    """The called expression, its object (``fut`` of ``fut.result``), and the second argument."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None, None, None
    while isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None, None, None
    owner = node.func.value if isinstance(node.func, ast.Attribute) else None
    second = node.args[1] if len(node.args) > 1 else None
    return node.func, owner, second


def fix_title(finding: Finding, source: str, settings: Settings) -> str:
    """The quick fix's title: what the rewrite of ``finding`` does, as the user would write it.

    ``source`` is the call's text (``call_source``). The fix is one of the fixer's rewrites
    (``fixes.Fix``); the names come from the call, so the title reads ``asyncio.to_thread(rq.get,
    ...)`` where the code says ``rq.get``.
    """
    func, owner, second = _parts(source)
    called = _short(func, finding.callable or "f")
    sent = _short(second, "f")  # the function a run_in_executor() call is given
    fix = finding.fix
    if fix is Fix.TO_THREAD:
        if settings.has_to_thread:
            title = f"Run in a thread: await asyncio.to_thread({called}, ...)"
        else:
            title = (
                "Run in a thread: await loop.run_in_executor(None,"
                f" partial(copy_context().run, {called}, ...))"
            )
    elif fix is Fix.ASYNC_SLEEP:
        title = "Sleep without blocking: await asyncio.sleep(...)"
    elif fix is Fix.WRAP_FUTURE:
        title = f"Await the future: await asyncio.wrap_future({_short(owner, 'fut')})"
    elif fix is Fix.PROCESS_POOL:
        pool = settings.process_pool or "pool"
        title = f"Run in the process pool: await loop.run_in_executor({pool}, {called}, ...)"
    elif fix is Fix.KEYWORDS_TO_PARTIAL:
        title = f"Pass the keywords with functools.partial({sent}, ...)"
    elif fix is Fix.EXECUTOR_TO_NONE:
        title = f"Run in the default thread pool: run_in_executor(None, {sent}, ...)"
    elif fix is Fix.GET_RUNNING_LOOP:
        title = "Use asyncio.get_running_loop()"
    elif fix is Fix.RUN_IN_EXECUTOR_TO_THREAD:
        title = f"Use asyncio.to_thread({sent}, ...)"
    elif fix is Fix.LAMBDA_TO_PARTIAL:
        title = "Send a picklable functools.partial instead of the lambda"
    elif fix is Fix.AWAIT_DROPPED:
        title = f"Await it: await asyncio.to_thread({_short(_first_arg(source), 'f')}, ...)"
    elif fix is Fix.WAIT_FOR:
        timeout = _short(_first_arg(source), "t")
        title = f"Await the future with a timeout: await asyncio.wait_for(..., {timeout})"
    elif fix is Fix.ANYIO_TO_THREAD:
        title = f"Run in a thread: await anyio.to_thread.run_sync({called}, ...)"
    elif fix is Fix.ANYIO_SLEEP:
        title = "Sleep without blocking: await anyio.sleep(...)"
    elif fix is Fix.RUN_IN_THREADPOOL:
        title = f"Run in a thread: await run_in_threadpool({called}, ...)"
    else:
        title = f"Fix {finding.code}"
    if finding.unsafe:
        return f"{title} ({finding.code}, unsafe: {finding.unsafe})"
    return f"{title} ({finding.code})"


def _first_arg(source: str) -> ast.expr | None:
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    if isinstance(node, ast.Call):
        if node.args:
            return node.args[0]
        if node.keywords:
            return node.keywords[0].value
    return None
