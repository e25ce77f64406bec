"""AEX100-AEX107: a blocking callable from the catalog called on the event loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_executor.callgraph import HelperReach
from flake8_executor.catalog import Entry, Fix, Kind
from flake8_executor.codes import render
from flake8_executor.engine import CallSite, FileState
from flake8_executor.findings import Finding, FixAction
from flake8_executor.rules._shared import finding_at, resolved_prefix, shown_call, source

_FIX_ACTIONS: dict[Fix, FixAction | None] = {
    Fix.TO_THREAD: FixAction.TO_THREAD,
    Fix.ASYNC_SLEEP: FixAction.ASYNC_SLEEP,
    Fix.WRAP_FUTURE: FixAction.WRAP_FUTURE,
    Fix.PROCESS_POOL: FixAction.PROCESS_POOL,
    Fix.NONE: None,
}

_WAIT_REPLACEMENTS = {
    "concurrent.futures.wait": "await asyncio.wait(...)",
    "concurrent.futures.as_completed": "asyncio.as_completed(...)",
}


def blocking_call(call: CallSite, state: FileState) -> Iterator[Finding]:
    if not call.on_loop:
        return
    node = call.node
    found = state.blocking_entry(node.func, call.scope)
    if found is None:
        reach = state.helper_reach(node.func, call.scope)
        if reach is not None:
            yield _helper_call(call, reach, state)
        return
    qualified, entry = found
    if entry.needs_args and not (node.args or node.keywords):
        return
    kind = entry.kind
    fields = {
        "call": shown_call(node.func),
        "resolved": resolved_prefix(node.func, qualified),
        "why": kind.why,
        "ref": source(node.func),
    }
    key = kind.code
    if kind is Kind.FUTURE_WAIT:
        if isinstance(node.func, ast.Attribute) and qualified not in _WAIT_REPLACEMENTS:
            fields["receiver"] = source(node.func.value)
        else:
            key = "AEX107-wait"
            fields["replacement"] = _WAIT_REPLACEMENTS.get(qualified, "asyncio.wait(...)")
    import_binding = state.resolver.import_binding(node.func, call.scope)
    fix, unfixable = _fix_plan(entry, call, state)
    yield finding_at(
        node,
        kind.code,
        render(key, **fields),
        qualified=qualified,
        kind=kind.value,
        fix=fix,
        unfixable=unfixable,
        import_origin=import_binding.origin if import_binding is not None else None,
    )


def _helper_call(call: CallSite, reach: HelperReach, state: FileState) -> Finding:
    """A call of a sync helper of this module that reaches a blocking call, reported by its kind."""
    node = call.node
    kind = reach.kind
    others = "; it also " + ", ".join(other.why for other in reach.others) if reach.others else ""
    message = render(
        f"{kind.code}-helper",
        call=shown_call(node.func),
        target=reach.target,
        why=kind.why,
        chain=" -> ".join(reach.chain),
        others=others,
        ref=source(node.func),
    )
    # The helper goes to an executor as a whole: a pool for GIL-holding work, a thread otherwise.
    entry = Entry(kind, Fix.PROCESS_POOL if kind is Kind.CPU_HOLDS_GIL else Fix.TO_THREAD)
    fix, unfixable = _fix_plan(entry, call, state)
    return finding_at(
        node,
        kind.code,
        message,
        qualified=reach.chain[0],
        kind=kind.value,
        fix=fix,
        unfixable=unfixable,
    )


def _fix_plan(
    entry: Entry, call: CallSite, state: FileState
) -> tuple[FixAction | None, str | None]:
    """The rewrite this call allows, and why it must not be applied here when it must not."""
    action = _FIX_ACTIONS[entry.fix]
    if action is None:
        return None, None
    node = call.node
    if call.is_with_item:
        return action, "the context manager of a with statement (its body would still block)"
    if call.site.no_await:
        return action, f"await cannot be added {call.site.no_await}"
    if call.awaited:
        return action, "the call is already awaited"
    if action is FixAction.PROCESS_POOL and not state.settings.process_pool:
        return (
            action,
            "no process pool configured (process-pool in [tool.flake8-executor], --process-pool)",
        )
    if action is FixAction.WRAP_FUTURE and (node.args or node.keywords):
        return action, "result() is given a timeout"
    if action is FixAction.ASYNC_SLEEP and (
        node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred)
    ):
        return action, "time.sleep() is not called with one plain argument"
    return action, None
