"""AEX200: keyword arguments passed to ``run_in_executor()``, a ``TypeError`` when the line runs."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.analysis.sites import CallSite
from flake8_executor.analysis.state import FileState
from flake8_executor.findings import Finding
from flake8_executor.fixes import Fix, NotFixed
from flake8_executor.profiles import HA_EXECUTORS
from flake8_executor.rules.base import Code, Docs, Rule, finding_at, unparse
from flake8_executor.rules.executor_calls import RUN_IN_EXECUTOR, run_in_executor_call
from flake8_executor.rules.fix_plan import names_blocked

AEX200 = Code(
    "AEX200",
    "keyword arguments passed to run_in_executor()",
    {
        "": "{call} does not take keyword arguments ({keywords}): a TypeError at run time; write"
        " {partial} (picklable, unlike a lambda)"
    },
    Docs(
        what="Finds `loop.run_in_executor(executor, func, *args)` given keyword arguments other "
        "than its own `executor=` and `func=`, on any receiver, in sync and async code; and Home "
        "Assistant's `hass.async_add_executor_job(target, *args)` (and `async_add_job`) given "
        "any keyword (reported, not fixed).",
        why="`run_in_executor` passes only positional arguments to `func`: any other keyword is a "
        "`TypeError` when the line runs, before the work is even scheduled.",
        example="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, requests.get, url, timeout=3)"
        "  # error: AEX200\n",
        use_instead="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    return await asyncio.to_thread(requests.get, url, timeout=3)\n",
        fix="`run_in_executor(ex, f, a, k=v)` becomes `run_in_executor(ex, functools.partial(f, "
        "a, k=v))`, and `import functools` is added once. `functools.partial` of a module-level "
        "function can be pickled, so the same form works with a process pool, unlike a lambda. "
        "On the default pool (`None`), awaited at once, in an asyncio module whose target has it "
        "(py39+), it becomes `await asyncio.to_thread(f, a, k=v)` instead (what AEX206 asks for), "
        "and a `loop = asyncio.get_running_loop()` left unused is dropped. "
        "Declined when the executor or the function is itself passed by keyword. Safe: the call "
        "that raised `TypeError` now runs `f` with the arguments written.",
        fixed="import asyncio\n\nimport requests\n\n\nasync def load(url):\n"
        "    return await asyncio.to_thread(requests.get, url, timeout=3)\n",
        valid=(
            "import asyncio\n\n\nasync def load(fetch):\n    loop = asyncio.get_running_loop()\n"
            "    # executor= and func= are run_in_executor's own parameters: legal\n"
            "    await loop.run_in_executor(None, func=fetch)\n",
        ),
    ),
    fix="`functools.partial`",
    severity="error",
)


def keywords_to_run_in_executor(call: CallSite, state: FileState) -> Iterator[Finding]:
    """AEX200, with the ``functools.partial`` form written out from the user's own arguments."""
    arguments = run_in_executor_call(call, state)
    if arguments is None:
        yield from _keywords_to_framework_executor(call)
        return
    if not arguments.extra:
        return
    node = call.node
    function = arguments.function
    keywords = ", ".join(
        f"{kw.arg}=" if kw.arg else f"**{unparse(kw.value)}" for kw in arguments.extra
    )
    rest = node.args[2:] if len(node.args) >= 2 else []
    parts = [unparse(function) if function is not None else "func"]
    parts += [unparse(arg) for arg in rest]
    parts += [
        f"{kw.arg}={unparse(kw.value)}" if kw.arg else f"**{unparse(kw.value)}"
        for kw in arguments.extra
    ]
    executor = unparse(node.args[0]) if node.args else "executor"
    partial = f"{unparse(node.func)}({executor}, functools.partial({', '.join(parts)}))"
    yield finding_at(
        node,
        AEX200.message(call=f"{unparse(node.func)}()", keywords=keywords, partial=partial),
        fix=Fix.KEYWORDS_TO_PARTIAL,
        unfixable=(
            NotFixed.KEYWORD_EXECUTOR
            if not arguments.positional
            else names_blocked(call, ("functools",))
        ),
    )


def _keywords_to_framework_executor(call: CallSite) -> Iterator[Finding]:
    """Home Assistant's ``hass.async_add_executor_job(target, *args)`` takes no keywords either
    (profiles.HA_EXECUTORS); reported without a fix (the rewrite knows run_in_executor's form)."""
    node = call.node
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in HA_EXECUTORS and node.keywords):
        return
    index = HA_EXECUTORS[func.attr]
    if len(node.args) <= index or any(
        isinstance(arg, ast.Starred) for arg in node.args[: index + 1]
    ):
        return
    keywords = ", ".join(
        f"{kw.arg}=" if kw.arg else f"**{unparse(kw.value)}" for kw in node.keywords
    )
    parts = [unparse(arg) for arg in node.args[index:]]
    parts += [
        f"{kw.arg}={unparse(kw.value)}" if kw.arg else f"**{unparse(kw.value)}"
        for kw in node.keywords
    ]
    wrapped = "functools.partial(" + ", ".join(parts) + ")"
    before = [unparse(arg) for arg in node.args[:index]]
    partial = f"{unparse(func)}({', '.join([*before, wrapped])})"
    yield finding_at(
        node,
        AEX200.message(call=f"{unparse(func)}()", keywords=keywords, partial=partial),
    )


_NAMES = frozenset({RUN_IN_EXECUTOR, *HA_EXECUTORS})

RULE = Rule(
    codes=(AEX200,),
    triggers=_NAMES,
    on_call=keywords_to_run_in_executor,
    call_names=_NAMES,
)
