"""The package's shape: no import cycle, every rule registered, a pre-check that loses nothing."""

from __future__ import annotations

import ast
import asyncio
import importlib
import pkgutil
from pathlib import Path

import pytest

import flake8_executor
from flake8_executor import catalog, rules
from flake8_executor.config import keys
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze
from flake8_executor.rules.registry import CODES, RULE_MODULES, RULES, TRIGGERS
from tests.fixture_format import FIXTURES

PACKAGE = Path(flake8_executor.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package is its ``__init__.py``)."""
    found = {"flake8_executor": PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="flake8_executor."):
        relative = Path(*info.name.split(".")[1:])
        path = PACKAGE / relative / "__init__.py" if info.ispkg else PACKAGE / f"{relative}.py"
        found[info.name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (in functions too), except under ``TYPE_CHECKING``."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(from_packages: bool = False) -> dict[str, set[str]]:
    """Module -> the package's modules it names in an import.

    ``from flake8_executor.fix import imports`` is an edge to ``flake8_executor.fix.imports``; the
    parent packages Python runs on the way are not edges (else every package whose ``__init__``
    re-exports a submodule would be a cycle). With ``from_packages`` it is an edge to the package
    ``flake8_executor.fix`` too: the statement takes its names from that package's namespace.
    """
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in modules)
                continue
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            if from_packages and base in modules and modules[base].name == "__init__.py":
                edges.add(base)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    edges.add(target)
                elif base in modules:
                    edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_every_module_imports() -> None:
    for name in _modules():
        if name.startswith("flake8_executor.lsp"):
            continue  # an optional extra, when present
        importlib.import_module(name)


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 30
    assert "flake8_executor.rules.base" in graph["flake8_executor.rules.blocking"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_fixer_is_a_pipeline_without_cycles_or_upward_imports() -> None:
    """``fix/`` imports nothing from the front ends above it, and nothing in it imports in a circle.

    Read literally: ``from flake8_executor.fix import transform`` takes a name from the package
    ``flake8_executor.fix``, whose ``__init__`` must then not import the module that says it.
    """
    graph = import_graph(from_packages=True)
    fixer = {name for name in graph if name.startswith("flake8_executor.fix.")}
    fixer.add("flake8_executor.fix")
    assert {"flake8_executor.fix.pipeline", "flake8_executor.fix.plan"} <= fixer
    inside = {name: graph[name] & fixer for name in fixer}
    assert find_cycle(inside) is None, " -> ".join(find_cycle(inside) or [])
    reached: set[str] = set()
    stack = sorted(fixer)
    while stack:
        name = stack.pop()
        for target in graph.get(name, ()):
            if target not in reached:
                reached.add(target)
                stack.append(target)
    above = sorted(
        name
        for name in reached
        if name.startswith(("flake8_executor.command", "flake8_executor.lsp"))
    )
    assert not above, above
    # The pipeline runs the steps; no step goes back to it.
    steps = {"plan", "rewrite", "imports"}
    assert {f"flake8_executor.fix.{step}" for step in steps} <= graph[
        "flake8_executor.fix.pipeline"
    ]
    assert not any("flake8_executor.fix.pipeline" in graph[name] for name in fixer)


def _reached(graph: dict[str, set[str]], start: str) -> set[str]:
    reached: set[str] = set()
    stack = [start]
    while stack:
        for target in graph.get(stack.pop(), ()):
            if target not in reached:
                reached.add(target)
                stack.append(target)
    return reached


def test_the_configuration_is_below_the_front_ends() -> None:
    """``config/`` imports no front end (``command/``, ``lsp/``, ``fix/``, the plugin): the plugin
    loads it, and must not load libcst with it. The one exception is ``config.lsp``, which puts
    the client's settings through ``executor-fix``'s own checks (``command.cli``)."""
    graph = import_graph(from_packages=True)
    front_ends = {"flake8_executor.command", "flake8_executor.lsp", "flake8_executor.fix"}
    config = sorted(name for name in graph if name.startswith("flake8_executor.config"))
    assert {"flake8_executor.config.keys", "flake8_executor.config.resolve"} <= set(config)
    for name in config:
        if name == "flake8_executor.config.lsp":
            assert "flake8_executor.command.cli" in graph[name]
            continue
        reached = _reached(graph, name)
        above = sorted(
            target
            for target in reached
            if target == "flake8_executor.plugin"
            or any(target == end or target.startswith(f"{end}.") for end in front_ends)
        )
        assert not above, (name, above)


def _key_definitions(tree: ast.Module) -> list[int]:
    """The lines that spell configuration keys: a tuple, list or set of two or more of them, or
    a name ending in ``KEYS``."""
    known = {*keys.KEYS, *keys.FLAKE8_CODE_KEYS, keys.FLAKE8_LINE_LENGTH}
    lines: list[int] = []
    for node in ast.walk(tree):
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else []
        if len(items) >= 2 and all(
            isinstance(item, ast.Constant) and item.value in known for item in items
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.Assign):
            names = node.targets
        elif isinstance(node, ast.AnnAssign):
            names = [node.target]
        else:
            continue
        if any(isinstance(name, ast.Name) and name.id.endswith("KEYS") for name in names):
            lines.append(node.lineno)
    return sorted(lines)


def test_configuration_keys_are_defined_in_config_keys_only() -> None:
    """A new key is added in one place (``config/keys.py``); the table's reader, the precedence,
    the language server and the generated docs take it from there."""
    assert _key_definitions(ast.parse('FLAGS = ("select", "ignore")\nMY_KEYS = ()\n')) == [1, 2]
    assert _key_definitions(ast.parse('NAMES = ("select", "python3")\n')) == []
    found = {
        name: lines
        for name, path in _modules().items()
        if name != "flake8_executor.config.keys"
        and (lines := _key_definitions(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert not found, found


def test_every_rule_module_is_registered() -> None:
    support = {"base", "registry", "executor_calls", "fix_plan", "await_model", "pool_model"}
    on_disk = {
        info.name for info in pkgutil.iter_modules(rules.__path__) if info.name not in support
    }
    assert {module.__name__.rpartition(".")[2] for module in RULE_MODULES} == on_disk
    declared = [code.code for rule in RULES for code in rule.codes]
    assert len(declared) == len(set(declared)) == len(CODES)


def _sources() -> list[tuple[str, str]]:
    paths = sorted(FIXTURES.rglob("*.py"))
    paths += sorted(Path(asyncio.__file__).parent.glob("*.py"))
    sources = [(str(path), path.read_text(encoding="utf-8")) for path in paths]
    for code in CODES.values():
        docs = code.docs
        for index, snippet in enumerate(
            [docs.example, docs.use_instead, *docs.invalid, *docs.valid]
        ):
            sources.append((f"{code.code} docs {index}", snippet))
    return sources


SETTINGS = {
    "default": Settings(),
    "extra calls": Settings(
        extra_calls=catalog.parse_extra_calls("mylib.fetch=io,json.dumps=cpu-holds-gil")
    ),
    "py38": Settings(target_version=(3, 8), follow_calls=False),
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_the_pre_check_loses_no_finding(settings: Settings) -> None:
    """The same findings with and without the text pre-check, on every fixture and docs example.

    Without ``source`` the engine walks every file; with it, files holding none of the rules'
    trigger words are skipped. Some files must be skipped, or the check proves nothing.
    """
    skipped = compared = 0
    for name, text in _sources():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # newer syntax than this Python reads
        path = name if name.endswith(".py") else None  # a file: its imports are followed too
        walked = analyze(tree, settings, None, path)
        checked = analyze(tree, settings, text, path)
        assert checked == walked, name
        compared += 1
        skipped += not any(word in text for word in TRIGGERS)
    assert compared > 60
    assert skipped > 0


def test_the_pre_check_words_come_from_the_rules() -> None:
    assert set(TRIGGERS) == {word for rule in RULES for word in rule.triggers}
    assert {"async", "run_in_executor", "to_thread", "get_event_loop"} <= set(TRIGGERS)
    assert "ProcessPoolExecutor" in TRIGGERS  # from the catalog's executor constructors
