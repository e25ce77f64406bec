"""The libcst pass: apply the engine's fix plans at their positions (imports are ``imports.py``'s).

``apply_fixes`` matches each finding to the call at the same span (``PositionProvider``), runs the
rewrite the finding names, and does what every rewrite needs: put ``await`` in front when the rewrite
asks for it (not twice, never where ``await`` is invalid), and parenthesise an ``await`` used as a
primary (``(await asyncio.to_thread(requests.get, u)).json()``). It works on whatever module it is
given, the whole file or a fragment of it (``fragments.py``), and leaves the imports alone: each
outcome says which imports its rewrite needs and which it may have left unused, and ``imports.py``
settles them once for the module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding
from flake8_executor.fix.locate import Span, node_span
from flake8_executor.fix.outcome import Outcome
from flake8_executor.fix.rewrites import REWRITES, Declined, RewriteContext
from flake8_executor.fixes import Fix, NotFixed

# Frames that change where ``await`` may go; "coroutine" is the only one that allows it.
_FRAME_REASONS = {
    frame: NotFixed.NO_AWAIT_HERE.format(where=where)
    for frame, where in {
        "module": NotFixed.OUTSIDE_COROUTINE,
        "def": NotFixed.IN_NESTED_DEF,
        "lambda": NotFixed.IN_LAMBDA,
        "genexp": NotFixed.IN_GENERATOR_EXPRESSION,
        "class": NotFixed.IN_CLASS_BODY,
    }.items()
}


class ApplyFixes(cst.CSTTransformer):
    """Rewrite the calls at the given spans; ``outcomes`` tells what happened to each finding.

    A plain transformer, not a codemod command: libcst's matcher-aware base classes cost more to set
    up than the whole rewrite. Each outcome carries the imports its rewrite needs or may have freed
    (the rewrite context is emptied before each rewrite, then read), for the import passes.
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self, plans: dict[Span, list[Finding]], settings: Settings, aliases: Mapping[str, str]
    ) -> None:
        super().__init__()
        self._plans: dict[Span, list[Finding]] = {
            span: sorted(findings, key=lambda finding: REWRITES[finding.fix].order)  # type: ignore[index]
            for span, findings in plans.items()
        }
        self._settings = settings
        self._frames: list[str] = ["module"]
        self._awaited: dict[int, cst.CSTNode] = {}  # id -> node: expressions already under await
        self._debug_fields = 0  # how many f-string ``{expr=}`` fields the walk is inside
        self._rewrite_context = RewriteContext(
            settings,
            asyncio_name=aliases["asyncio"],
            functools_name=aliases["functools"],
            anyio_name=aliases["anyio"],
            contextvars_name=aliases["contextvars"],
            threadpool_name=aliases["run_in_threadpool"],
        )
        self.outcomes: list[Outcome] = []

    # -- where await may go ------------------------------------------------------------------
    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._frames.append("coroutine" if node.asynchronous else "def")

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._frames.append("lambda")

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._frames.pop()

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._frames.append("class")

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._frames.pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        self._frames.append("genexp")
        return True

    def leave_GeneratorExp(
        self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp
    ) -> cst.BaseExpression:
        self._frames.pop()
        return updated_node

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> bool:
        if node.equal is not None:
            self._debug_fields += 1  # f"{expr=}" prints expr's text: a rewrite would change it
        return True

    def leave_FormattedStringExpression(
        self,
        original_node: cst.FormattedStringExpression,
        updated_node: cst.FormattedStringExpression,
    ) -> cst.FormattedStringExpression:
        if original_node.equal is not None:
            self._debug_fields -= 1
        return updated_node

    def visit_Await(self, node: cst.Await) -> bool:
        self._awaited[id(node.expression)] = node.expression
        return True

    # -- an await we add, used as a primary, needs parentheses -------------------------------
    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return updated_node.with_changes(value=_parenthesized(updated_node.value))

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        return updated_node.with_changes(value=_parenthesized(updated_node.value))

    # -- the rewrites ------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = updated_node.with_changes(func=_parenthesized(updated_node.func))
        return self._rewrite_at(original_node, updated_node)

    def leave_Lambda(
        self, original_node: cst.Lambda, updated_node: cst.Lambda
    ) -> cst.BaseExpression:
        return self._rewrite_at(original_node, updated_node)

    def _rewrite_at(
        self, original_node: cst.Call | cst.Lambda, updated_node: cst.Call | cst.Lambda
    ) -> cst.BaseExpression:
        """Run the rewrites of the findings at this node's span, in their order."""
        span = node_span(self.get_metadata(PositionProvider, original_node))
        findings = self._plans.pop(span, None)
        if not findings:
            return updated_node
        already_awaited = id(original_node) in self._awaited
        # The parentheses around the node go around whatever replaces it.
        node: cst.BaseExpression = updated_node.with_changes(lpar=[], rpar=[])
        awaited = False
        context = self._rewrite_context
        for finding in findings:
            reason = self._check(finding, node, awaited, already_awaited)
            # What this rewrite alone asks of the imports, kept with its outcome.
            context.needed_imports, context.maybe_unused = set(), set()
            if reason is None:
                try:
                    rewritten = REWRITES[finding.fix].rewrite(node, context)  # type: ignore[index]
                except Declined as declined:
                    reason = str(declined)
                else:
                    node, awaited = rewritten.node, rewritten.awaited
            freed = context.maybe_unused
            origin = finding.import_origin
            if reason is None and origin is not None and REWRITES[finding.fix].drops_callable:  # type: ignore[index]
                freed.add((origin.module, origin.name, origin.asname))
            self.outcomes.append(
                Outcome(
                    finding,
                    reason,
                    imports_needed=frozenset(context.needed_imports),
                    imports_freed=frozenset(freed),
                )
            )
        if awaited and not already_awaited:
            node = cst.Await(expression=node)
        return node.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _check(
        self, finding: Finding, node: cst.BaseExpression, awaited: bool, already_awaited: bool
    ) -> str | None:
        """Why this finding's rewrite must not run here, or None."""
        if awaited or not isinstance(node, (cst.Call, cst.Lambda)):
            return NotFixed.ANOTHER_FIX
        if self._debug_fields:
            return NotFixed.FSTRING_DEBUG
        if REWRITES[finding.fix].needs_coroutine and self._frames[-1] != "coroutine":  # type: ignore[index]
            return _FRAME_REASONS[self._frames[-1]]
        if finding.fix is Fix.RUN_IN_EXECUTOR_TO_THREAD and not already_awaited:
            # A future can be kept, called back, cancelled; a coroutine cannot stand in for it.
            return NotFixed.FUTURE_KEPT
        return None

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        for findings in self._plans.values():
            self.outcomes.extend(Outcome(finding, NotFixed.NO_CALL_THERE) for finding in findings)
        self._plans.clear()
        return updated_node


def _parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def apply_fixes(
    module: cst.Module,
    findings: Iterable[tuple[Span, Finding]],
    settings: Settings,
    aliases: Mapping[str, str],
) -> tuple[cst.Module, list[Outcome]]:
    """Rewrite ``module`` for the given findings; every finding comes back with its outcome.

    ``aliases`` are the names the whole module gives ``asyncio`` and ``functools``
    (``imports.module_aliases``): ``module`` may be a fragment of it. The imports are left as they
    are: ``imports.py`` settles them afterwards, from the outcomes.
    """
    plans: dict[Span, list[Finding]] = defaultdict(list)
    for span, finding in findings:
        plans[span].append(finding)
    transformer = ApplyFixes(dict(plans), settings, aliases)
    # The module was parsed for this pass alone: no need for the wrapper's defensive deep copy.
    new_module = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    return new_module, transformer.outcomes
