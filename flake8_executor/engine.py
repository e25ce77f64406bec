"""The engine: a text pre-check, one ``ast`` walk, then the rules over what the walk recorded.

Both front ends call ``analyze``; neither detects anything on its own. The rules run once the walk is
over, when every binding of the file is known. Each call site is given to the checks that look at
every call (the blocking calls and helpers) and to those registered for its name: the attribute of a
method call (``run_in_executor``), or the last part of the qualified name a plain name resolves to
(``tt`` -> ``asyncio.to_thread`` -> ``to_thread``), so a rule about ``to_thread`` never runs on the
thousands of other calls of a file.
"""

from __future__ import annotations

import ast

from flake8_executor.analysis.cache import content_digest
from flake8_executor.analysis.findings_cache import findings_cache
from flake8_executor.analysis.loop_functions import mark_loop_functions
from flake8_executor.analysis.project import FileContext, context_for, refresh_projects
from flake8_executor.analysis.state import FileState
from flake8_executor.analysis.walk import Walk
from flake8_executor.config.settings import Settings
from flake8_executor.findings import Finding
from flake8_executor.rules.registry import (
    ATTRIBUTE_CHECKS,
    BY_CALL_NAME,
    EVERY_CALL,
    TRIGGERS,
    WITH_ITEM_CHECKS,
)


def might_have_findings(source: str) -> bool:
    """A text pre-check, far cheaper than a walk: ``False`` means the file cannot have a finding.

    The words are the rules' own triggers (``Rule.triggers``), derived from the names they resolve.
    """
    return any(word in source for word in TRIGGERS)


def analyze(
    tree: ast.Module,
    settings: Settings | None = None,
    source: str | None = None,
    path: str | None = None,
    fixes: bool = True,
) -> list[Finding]:
    """Every finding in one module, sorted by position; the one entry point of both front ends.

    Given the ``source`` too, a file that cannot have a finding is not walked at all. Given its
    ``path``, helpers are followed into the project's other modules (read from disk).
    ``fixes=False`` (flake8, which shows no fix): no fix is planned, and with a cache directory the
    findings are kept for the next run and taken from the last one while nothing they depend on
    changed (``analysis/findings_cache.py``).
    """
    settings = settings or Settings()
    if (
        source is not None
        and not might_have_findings(source)
        and not any(name.rpartition(".")[2] in source for name in settings.loop_callbacks)
    ):
        return []
    context = context_for(path, settings) if settings.follow_calls else None
    project = context.project if context is not None else None
    named = path is not None and path not in ("-", "stdin")
    kept = findings_cache(settings) if not fixes and source is not None and named else None
    digest = ""
    if kept is not None:
        digest = content_digest(source.encode("utf-8", "surrogatepass"))  # type: ignore[union-attr]
        cached = kept.load(path, digest, project)  # type: ignore[arg-type]
        if cached is not None:
            return cached
    findings = _analyze(tree, settings, context, fixes)
    if kept is not None:
        read = project.end_file() if project is not None else None
        if project is None or read is not None:  # read None: it depends on every module
            kept.store(path, digest, findings, read)  # type: ignore[arg-type]
    return findings


def _analyze(
    tree: ast.Module, settings: Settings, context: FileContext | None, fixes: bool
) -> list[Finding]:
    walk = Walk(tree, settings.target_version)
    walk.run()
    state = FileState(settings, walk.calls, walk.import_roots, context, fixes)
    project = context.project if context is not None else None
    mark_loop_functions(
        walk.scopes,
        walk.calls,
        walk.import_roots,
        state.resolver,
        settings,
        project,
        context.module.name if context is not None else None,
    )
    findings: list[Finding] = []
    by_call_name = BY_CALL_NAME
    for call in walk.calls:
        for check in EVERY_CALL:
            findings.extend(check(call, state))
        func = call.node.func
        if type(func) is ast.Attribute:
            name: str | None = func.attr
        elif type(func) is ast.Name:
            qualified = state.call_name(call)
            name = qualified.rpartition(".")[2] if qualified is not None else None
        else:
            continue
        checks = by_call_name.get(name) if name is not None else None
        if checks:
            for check in checks:
                findings.extend(check(call, state))
    for item in walk.with_items:
        for with_check in WITH_ITEM_CHECKS:
            findings.extend(with_check(item, state))
    for attribute in walk.attributes:
        for attribute_check in ATTRIBUTE_CHECKS:
            findings.extend(attribute_check(attribute, state))
    walk.release()
    state.release()
    findings.sort(key=lambda finding: (finding.line, finding.col, finding.code))
    return findings


def refresh_modules() -> None:
    """For a long-lived process: the next analyses read again the modules changed on disk."""
    refresh_projects()


def analyze_source(
    source: str | bytes, settings: Settings | None = None, path: str | None = None
) -> list[Finding]:
    """Parse and analyze; a ``SyntaxError`` propagates for the caller to report."""
    return analyze(ast.parse(source), settings, source if isinstance(source, str) else None, path)
