"""Helpers followed across modules: the fixture package through the real flake8 and executor-fix.

``fixtures/project/shop`` is laid out as applications are (routes call services, services call
clients); its annotated lines are reached only through other modules. The package is linted whole,
one file at a time, and from stdin as editors send it; ``--executor-follow-imports=no`` keeps the
analysis module-local. Other tests copy it, edit a helper between two runs, and check the cache.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_executor.analysis.modules import SourceTree, absolute_import, module_of_file
from flake8_executor.analysis.summary import ModuleSummary, summarize
from flake8_executor.config.settings import Settings
from tests.cli_runs import Run, shown
from tests.fixture_format import FIXTURES, ROOT, expected_findings, reported_findings, run_flake8

PROJECT = FIXTURES / "project"
FILES = sorted(PROJECT.rglob("*.py"))
ROUTES = PROJECT / "shop" / "api" / "routes.py"
CACHE = ".flake8-executor-cache"


def _by_file(output: str, base: Path) -> dict[Path, set[tuple[int, str]]]:
    found: dict[Path, set[tuple[int, str]]] = {}
    for line in output.splitlines():
        name, _, rest = line.partition(":")
        found.setdefault((base / name).resolve(), set()).update(reported_findings(f"x:{rest}"))
    return found


def test_the_whole_package_reports_exactly_the_annotated_lines() -> None:
    result = run_flake8("--select=AEX", str(PROJECT))
    assert "Traceback" not in shown(result), shown(result)
    reported = _by_file(result.stdout, ROOT)
    for path in FILES:
        assert reported.get(path.resolve(), set()) == expected_findings(path), path
    assert sum(len(expected_findings(path)) for path in FILES) >= 10


@pytest.fixture(scope="module")
def routes_alone() -> str:
    """flake8 on one file of the package: the others are read from disk, not linted."""
    result = run_flake8("--select=AEX", str(ROUTES))
    assert "Traceback" not in shown(result), shown(result)
    return result.stdout


def test_one_file_alone_and_from_stdin(routes_alone: str) -> None:
    assert reported_findings(routes_alone) == expected_findings(ROUTES)
    piped = run_flake8(
        "--select=AEX",
        f"--stdin-display-name={ROUTES.relative_to(ROOT)}",
        "-",
        stdin=ROUTES.read_text(encoding="utf-8"),
    )
    assert reported_findings(piped.stdout) == expected_findings(ROUTES)


def test_the_message_carries_the_chain_across_files(routes_alone: str) -> None:
    assert (
        "routes.py:16:5: AEX100 charge() blocks the event loop: it calls requests.Session.post() "
        "(network I/O, via billing.charge -> partner._post -> requests.Session.post)"
    ) in routes_alone
    assert "via billing.ping -> audit.pong -> subprocess.run" in routes_alone


def test_follow_imports_no_keeps_the_analysis_module_local() -> None:
    result = run_flake8("--select=AEX", "--executor-follow-imports=no", str(PROJECT))
    assert result.returncode == 0, result.stdout + shown(result)
    assert result.stdout == ""


def test_stdin_without_a_name_is_module_local() -> None:
    piped = run_flake8("--select=AEX", "-", stdin=ROUTES.read_text(encoding="utf-8"))
    assert reported_findings(piped.stdout) == set()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A copy of the fixture package in a project of its own (its pyproject.toml: its cache)."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    shutil.copytree(PROJECT / "shop", tmp_path / "shop")
    return tmp_path


def _flake8(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """flake8 run from inside the project, as a developer or pre-commit runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select=AEX", *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )


def _cache_entries(project: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in (project / CACHE).rglob("*.json")}


def test_an_edited_helper_changes_the_verdict_at_the_call_site(shop: Path) -> None:
    routes = "shop/api/routes.py"
    first = _flake8(shop, routes)
    assert (16, "AEX100") in reported_findings(first.stdout)
    entries = _cache_entries(shop)
    assert entries, "the first run caches the summaries it made"
    assert (shop / CACHE / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    # A warm run reads the entries and writes none.
    second = _flake8(shop, routes)
    assert second.stdout == first.stdout
    assert _cache_entries(shop) == entries
    # The helper stops blocking: same size is not enough to keep a stale summary (mtime changes).
    partner = shop / "shop" / "clients" / "partner.py"
    original = partner.read_text(encoding="utf-8")
    partner.write_text(original.replace("return http.post(", "return dict(url="), encoding="utf-8")
    third = _flake8(shop, routes)
    assert (16, "AEX100") not in reported_findings(third.stdout), third.stdout
    assert (17, "AEX100") in reported_findings(third.stdout)  # refund still fetches the rates
    partner.write_text(original, encoding="utf-8")
    fourth = _flake8(shop, routes)
    assert reported_findings(fourth.stdout) == reported_findings(first.stdout)


def test_cache_no_writes_nothing_and_finds_the_same(shop: Path) -> None:
    off = _flake8(shop, "--executor-cache=no", "shop")
    assert not (shop / CACHE).exists()
    on = _flake8(shop, "shop")
    assert sorted(on.stdout.splitlines()) == sorted(off.stdout.splitlines())
    assert (shop / CACHE).is_dir()


def test_parallel_workers_share_the_cache(shop: Path) -> None:
    """flake8 -j2 on a cold cache: every entry written whole, and the findings of -j1."""
    parallel = _flake8(shop, "-j2", "shop")
    entries = list((shop / CACHE).rglob("*.json"))
    assert entries
    for entry in entries:
        json.loads(entry.read_text(encoding="utf-8"))
    assert not list((shop / CACHE).rglob("*.tmp"))
    serial = _flake8(shop, "-j1", "--executor-cache=no", "shop")
    assert sorted(parallel.stdout.splitlines()) == sorted(serial.stdout.splitlines())


def test_a_broken_or_unreadable_helper_contributes_nothing(shop: Path) -> None:
    partner = shop / "shop" / "clients" / "partner.py"
    partner.write_text("def _post(:\n", encoding="utf-8")
    result = _flake8(shop, "shop/api/routes.py")
    assert "Traceback" not in shown(result), shown(result)
    reported = reported_findings(result.stdout)
    assert (16, "AEX100") not in reported
    assert (31, "AEX102") in reported  # billing and audit still parse
    if os.geteuid() != 0:  # root reads a file whatever its mode
        audit = shop / "shop" / "services" / "audit.py"
        audit.chmod(0)
        result = _flake8(shop, "shop/api/routes.py")
        assert (31, "AEX102") not in reported_findings(result.stdout)


def test_executor_fix_fixes_cross_module_calls_only_when_unsafe_fixes_are_asked(
    executor_fix: Run, project: Path
) -> None:
    shutil.copytree(PROJECT / "shop", project / "shop")
    routes = project / "shop" / "api" / "routes.py"
    before = routes.read_text(encoding="utf-8")
    default = executor_fix("shop")
    assert default.code in (0, 1), shown(default)
    after_default = routes.read_text(encoding="utf-8")
    assert "await asyncio.to_thread(http.post," in after_default  # a method: safe
    assert "    charge(order)  # error: AEX100" in after_default  # a helper: unsafe
    assert "routes.py:16:5: AEX100 not fixed: unsafe fix not applied" in shown(default)
    routes.write_text(before, encoding="utf-8")
    unsafe = executor_fix("--unsafe-fixes", "shop")
    assert unsafe.code in (0, 1), shown(unsafe)
    fixed = routes.read_text(encoding="utf-8")
    assert "await asyncio.to_thread(charge, order)  # error: AEX100" in fixed
    assert "await asyncio.to_thread(billing.ping, 3)" in fixed
    # Left: the CPU helper sent to threads (AEX202 has no fix towards a process pool).
    assert reported_findings(_flake8(project, "shop/api/routes.py").stdout) == {(39, "AEX202")}


def test_src_layout_with_a_namespace_package(tmp_path: Path) -> None:
    """``source-roots = ["src"]``: ``src/ns/app`` has no ``__init__.py`` in ``ns``."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "ns-app"\n\n[tool.flake8-executor]\nsource-roots = ["src"]\n',
        encoding="utf-8",
    )
    package = tmp_path / "src" / "ns" / "app"
    package.mkdir(parents=True)
    (package / "helpers.py").write_text(
        "import time\n\n\ndef nap():\n    time.sleep(1)\n", encoding="utf-8"
    )
    (package / "main.py").write_text(
        "from ns.app.helpers import nap\n\n\nasync def main():\n    nap()\n", encoding="utf-8"
    )
    result = _flake8(tmp_path, "src")
    assert "src/ns/app/main.py:5:5: AEX101 nap() blocks the event loop" in result.stdout, (
        result.stdout + shown(result)
    )
    bare = _flake8(tmp_path, "--executor-source-roots=elsewhere", "src")
    assert bare.stdout == ""


def test_module_names_and_relative_imports(tmp_path: Path) -> None:
    assert absolute_import("..clients.fetch", "app.api") == "app.clients.fetch"
    assert absolute_import(".", "app.api") == "app.api"
    assert absolute_import("...x", "app.api") is None  # above the top package
    assert absolute_import(".x", None) is None
    package = tmp_path / "app" / "api"
    package.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "routes.py").write_text("", encoding="utf-8")
    located = module_of_file(str(package / "routes.py"))
    assert located is not None
    module, root = located
    assert (module.name, module.package, root) == ("app.api.routes", "app.api", str(tmp_path))
    init = module_of_file(str(package / "__init__.py"))
    assert init is not None and init[0].package == "app.api"
    assert module_of_file(str(tmp_path / "my-script.py")) is None
    tree = SourceTree([str(tmp_path)])
    assert tree.find("app.api.routes") is not None
    assert tree.find("json") is None  # the standard library is never looked for
    split = tree.split("app.api.routes.handler.method")
    assert split is not None and split[0].name == "app.api.routes"
    assert split[1] == ["handler", "method"]


def test_a_summary_records_sized_work_on_parameters_and_bodies_through_its_json() -> None:
    """What the call site decides with (issue 23) survives the on-disk cache's JSON."""
    import ast

    codecs = PROJECT / "shop" / "services" / "codecs.py"
    summary = summarize(
        ast.parse(codecs.read_text()), "shop.services.codecs", "shop.services", Settings()
    )
    stored = ModuleSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert stored.functions == summary.functions
    assert [step[0] for step in stored.functions["fetch_body"]] == ["call", "body"]
    assert stored.functions["pack"][0][1][1:] == ("gzip.compress", 0, "data")
    assert stored.functions["checksum_of_nothing"][0][1][1:] == ("json.loads", -1, "")


def test_constructors_and_guards_across_modules_survive_the_cache(shop: Path) -> None:
    """Constructors (``__init__``, a base's through ``super()``, ``__post_init__``), ``__call__``
    and steps under a condition on a parameter, across modules: the same from a warm cache."""
    media = "shop/api/media_routes.py"
    cold = _flake8(shop, media)
    assert "Traceback" not in cold.stderr, cold.stderr
    assert reported_findings(cold.stdout) == expected_findings(PROJECT / "shop/api/media_routes.py")
    assert (
        "UploadClient() blocks the event loop: it calls ssl.SSLContext.load_cert_chain() (file "
        "I/O, via uploads.UploadClient.__init__ -> media.SecureClient.__init__ -> "
        "ssl.SSLContext.load_cert_chain)"
    ) in cold.stdout
    assert "via uploads.attach -> media.Attachment.__init__ -> open" in cold.stdout
    assert _cache_entries(shop)
    warm = _flake8(shop, media)
    assert warm.stdout == cold.stdout


def test_the_projects_types_across_modules_survive_the_cache(shop: Path) -> None:
    """Another module's class-level annotations, dataclass fields, return annotations and class
    method factories type the receivers here: the same from a warm cache."""
    heat = "shop/api/heat_routes.py"
    cold = _flake8(shop, heat)
    assert "Traceback" not in cold.stderr, cold.stderr
    assert reported_findings(cold.stdout) == expected_findings(PROJECT / heat)
    assert "pump.client.read() blocks the event loop: it calls requests.get()" in cold.stdout
    warm = _flake8(shop, heat)
    assert warm.stdout == cold.stdout


def test_application_state_from_the_projects_modules(shop: Path) -> None:
    """``request.app.state.engine`` in a router that neither assigns it nor imports the
    application is what the project's modules assign to it, when they assign one type; the same
    from a warm cache; a module that starts assigning another type makes it unknown."""
    items = "shop/api/item_routes.py"
    cold = _flake8(shop, items)
    assert "Traceback" not in cold.stderr, cold.stderr
    assert reported_findings(cold.stdout) == expected_findings(PROJECT / items)
    assert "request.app.state.engine.connect() blocks the event loop" in cold.stdout
    entries = _cache_entries(shop)
    assert entries
    warm = _flake8(shop, items)
    assert warm.stdout == cold.stdout
    assert _cache_entries(shop) == entries
    hooks = shop / "shop" / "web" / "hooks.py"
    text = hooks.read_text(encoding="utf-8")
    hooks.write_text(text.replace("store = requests.Session()", "store = httpx.AsyncClient()"))
    edited = reported_findings(_flake8(shop, items).stdout)
    assert edited == expected_findings(PROJECT / items) - {(14, "AEX100")}


@pytest.mark.parametrize(
    "module",
    ["shop.clients.media", "shop.clients.heat", "shop.services.uploads", "shop.web.hooks"],
)
def test_a_summary_is_the_same_after_its_json(module: str) -> None:
    """Guards, arguments, signatures, bases, return types and properties go through the cache."""
    path = PROJECT / (module.replace(".", "/") + ".py")
    summary = summarize(
        ast.parse(path.read_text(encoding="utf-8")), module, module.rpartition(".")[0], Settings()
    )
    data = json.loads(json.dumps(summary.to_json()))
    again = ModuleSummary.from_json(data)
    assert again.to_json() == summary.to_json()
    assert again.functions == summary.functions
    assert again.signatures == summary.signatures


def test_generators_come_back_from_the_cache(shop: Path) -> None:
    """A generator's body steps are part of its module's summary: a warm run finds the same."""
    exports = shop / "shop" / "api" / "exports.py"
    cold = _flake8(shop, "shop/api/exports.py")
    assert reported_findings(cold.stdout) == expected_findings(exports)
    assert _cache_entries(shop)
    warm = _flake8(shop, "shop/api/exports.py")
    assert warm.stdout == cold.stdout
