"""Every code's docs: complete, shown by ``--explain``, ``--list-codes`` and ``docs/``, and true.

The docs' examples are checked as Fixit checks a rule's VALID and INVALID cases, through both front
ends: the real flake8 reports each ``example`` and ``invalid`` module at exactly its marked lines and
nothing else, and each ``use_instead`` and ``valid`` module not at all for its code; ``executor-fix``
turns each ``example`` into its ``fixed``. All the snippets go through one flake8 run per set of
``flake8_args`` and one fixer run per set of ``fix_args``, so the file stays fast.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from flake8_executor import docs
from flake8_executor.rules.base import Code
from flake8_executor.rules.registry import CODES, OFF_BY_DEFAULT
from tests.cli_runs import in_process_runner
from tests.fixture_format import ROOT, expected_findings, reported_findings, run_flake8

README = ROOT / "README.md"
DOCS = ROOT / "docs"
GENERATOR = ROOT / "scripts" / "generate_docs.py"

# flake8 with the codes a user gets by default: a prefix leaves the opt-in codes off.
DEFAULT_SELECT = "--select=AEX"
EVERY_CODE = ("--select=AEX", "--extend-select=" + ",".join(OFF_BY_DEFAULT))


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    """``executor-fix ARGS`` as users run it, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "flake8_executor", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


# -- the docs are complete ------------------------------------------------------------------------


def test_codes_are_aex100_to_aex109_and_aex200_to_aex207_in_order() -> None:
    assert list(CODES) == [f"AEX{n}" for n in (*range(100, 110), *range(200, 208))]
    assert all(code == info.code for code, info in CODES.items())


@pytest.mark.parametrize("info", CODES.values(), ids=list(CODES))
def test_every_code_has_every_part(info: Code, tmp_path: Path) -> None:
    parts = {
        "summary": info.summary,
        "fix (short)": info.fix,
        "what": info.docs.what,
        "why": info.docs.why,
        "example": info.docs.example,
        "use_instead": info.docs.use_instead,
        "fix": info.docs.fix,
    }
    assert not [name for name, text in parts.items() if not text.strip()]
    assert "\n" not in info.summary + info.fix  # one table row, one --list-codes line
    example = tmp_path / "example.py"
    example.write_text(info.docs.example, encoding="utf-8")
    assert any(code == info.code for _line, code in expected_findings(example))


# -- the docs' examples are what the rule says they are -------------------------------------------


def test_what_the_docs_advise_passes_with_every_code_on(tmp_path: Path) -> None:
    """The "use instead" examples and the fixer's output pass flake8 even with the opt-in codes selected: the
    docs (and the fixer) never advise what another code flags."""
    advised, fixed = tmp_path / "use_instead", tmp_path / "fixed"
    advised.mkdir()
    fixed.mkdir()
    for code, info in CODES.items():
        (advised / f"{code.lower()}.py").write_text(info.docs.use_instead, encoding="utf-8")
        if info.docs.fixed:
            (fixed / f"{code.lower()}.py").write_text(info.docs.fixed, encoding="utf-8")
    result = run_flake8(*EVERY_CODE, str(advised))
    assert result.stdout == "", result.stdout
    # What the fixer writes is never flagged by an opt-in code, nor left unused (F841).
    opt_in = run_flake8(f"--select={','.join(OFF_BY_DEFAULT)},F841", str(fixed))
    assert opt_in.stdout == "", opt_in.stdout


@dataclass(frozen=True)
class Snippet:
    """One module of a code's docs, and whether it must be reported for that code."""

    code: str
    part: str  # example, use_instead, invalid_0, valid_1, ...
    source: str
    flake8_args: tuple[str, ...]

    @property
    def fires(self) -> bool:
        return self.part == "example" or self.part.startswith("invalid")

    @property
    def file_name(self) -> str:
        return f"{self.code.lower()}_{self.part}.py"


def _snippets() -> Iterator[Snippet]:
    for code, info in CODES.items():
        entry = info.docs
        parts = [
            ("example", entry.example),
            ("use_instead", entry.use_instead),
            *((f"invalid_{n}", source) for n, source in enumerate(entry.invalid)),
            *((f"valid_{n}", source) for n, source in enumerate(entry.valid)),
        ]
        for part, source in parts:
            yield Snippet(code, part, source, entry.flake8_args)


SNIPPETS = list(_snippets())


class Reported(NamedTuple):
    path: Path
    findings: set[tuple[int, str]]  # (line, code), as flake8 printed them


@pytest.fixture(scope="module")
def flake8_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Reported]:
    """File name -> the file and what flake8 reported in it; one run per set of flake8_args."""
    groups: dict[tuple[str, ...], list[Snippet]] = {}
    for snippet in SNIPPETS:
        groups.setdefault(snippet.flake8_args, []).append(snippet)
    reports: dict[str, Reported] = {}
    for number, (args, snippets) in enumerate(groups.items()):
        directory = tmp_path_factory.mktemp(f"flake8_{number}")
        for snippet in snippets:
            path = directory / snippet.file_name
            path.write_text(snippet.source, encoding="utf-8")
            reports[snippet.file_name] = Reported(path, set())
        result = run_flake8(DEFAULT_SELECT, *args, str(directory))
        assert "Traceback" not in result.stderr, result.stderr
        for line in result.stdout.splitlines():
            reports[Path(line.partition(":")[0]).name].findings.update(reported_findings(line))
    return reports


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda snippet: snippet.file_name[:-3])
def test_flake8_reports_the_marked_lines(
    snippet: Snippet, flake8_reports: dict[str, Reported]
) -> None:
    path, reported = flake8_reports[snippet.file_name]
    expected = expected_findings(path)
    marks_its_code = any(code == snippet.code for _line, code in expected)
    if snippet.fires:
        assert marks_its_code, f"{snippet.part} marks no line '# error: {snippet.code}'"
    else:
        assert not marks_its_code, f"{snippet.part} must not be reported for {snippet.code}"
    assert reported == expected, (
        f"missing {sorted(expected - reported)}, unexpected {sorted(reported - expected)} in\n"
        f"{snippet.source}"
    )


FIXED = {code: info.docs for code, info in CODES.items() if info.docs.fixed is not None}


class FixerRun(NamedTuple):
    written: str  # the file after the run
    said: list[str]  # the run's stderr lines about the file


@pytest.fixture(scope="module")
def fixer_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FixerRun]:
    """Code -> what executor-fix made of its example; one in-process run per set of fix_args."""
    project = tmp_path_factory.mktemp("fix")
    # A project of its own: this repository's pyproject.toml must not set the target version.
    (project / "pyproject.toml").write_text('[project]\nname = "examples"\n', encoding="utf-8")
    groups: dict[tuple[str, ...], list[str]] = {}
    for code, entry in FIXED.items():
        groups.setdefault(entry.fix_args, []).append(code)
    runs: dict[str, FixerRun] = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = in_process_runner(monkeypatch)
        for number, (args, codes) in enumerate(groups.items()):
            directory = project / f"group_{number}"
            directory.mkdir()
            paths = {code: directory / f"{code.lower()}.py" for code in codes}
            for code, path in paths.items():
                # The example as a reader sees it: the fixer keeps comments, `fixed` has no markers.
                path.write_text(docs.without_markers(FIXED[code].example), encoding="utf-8")
            result = run(*args, directory)
            for code, path in paths.items():
                runs[code] = FixerRun(path.read_text(encoding="utf-8"), result.lines_about(path))
    return runs


@pytest.mark.parametrize("code", FIXED)
def test_executor_fix_turns_the_example_into_fixed(
    code: str, fixer_runs: dict[str, FixerRun]
) -> None:
    written, said = fixer_runs[code]
    command = " ".join(("executor-fix", *FIXED[code].fix_args))
    said_text = "\n".join(said)
    assert written == FIXED[code].fixed, f"{command} wrote:\n{written}\nand said:\n{said_text}"


# -- --explain and --list-codes -------------------------------------------------------------------


def test_explain_through_the_command() -> None:
    result = run_command("--explain", "aex105")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == docs.explain("AEX105") + "\n"
    headings = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert headings == [
        f"# AEX105: {CODES['AEX105'].summary}",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix",
    ]
    assert "json.loads(body)" in result.stdout


@pytest.mark.parametrize("code", CODES)
def test_explain_shows_the_examples_without_markers(code: str) -> None:
    text = docs.explain(code)
    assert "# error:" not in text
    assert docs.shown_example(CODES[code].docs.example) in text
    assert docs.shown_example(CODES[code].docs.use_instead) in text
    enable = f"Off by default: enable with --extend-select={code}"
    assert (enable in text) == (code in OFF_BY_DEFAULT)


def test_docs_need_no_libcst() -> None:
    """The docs are data: laying them out must not load libcst, which only the fixer needs."""
    check = "import sys, flake8_executor.docs; sys.exit('libcst' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], cwd=ROOT, timeout=120).returncode == 0


def test_unknown_code_is_one_line_and_exit_2() -> None:
    result = run_command("--explain", "AEX999")
    assert (result.returncode, result.stdout) == (2, "")
    known = ", ".join(CODES)
    assert result.stderr == f"executor-fix: error: unknown code 'AEX999' (known: {known})\n"


def test_list_codes_through_the_command() -> None:
    result = run_command("--list-codes")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == docs.list_codes() + "\n"
    lines = result.stdout.splitlines()
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == list(CODES)
    for code, info in CODES.items():
        assert info.summary in rows[code]
        assert rows[code].endswith(info.fix)
        default = "off" if code in OFF_BY_DEFAULT else "on"
        assert re.search(rf"\s{default}\s", rows[code])
    # Aligned: every column starts at the same place on every line.
    for column in ("summary", "default", "fix"):
        start = lines[0].index(column)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for line in lines)


def test_paths_are_still_required_without_the_two_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    result = in_process_runner(monkeypatch)()
    assert result.code == 2
    assert "error: the following arguments are required: PATH" in result.stderr


# -- README and docs/ --------------------------------------------------------------------------


def _generator() -> ModuleType:
    """``scripts/generate_docs.py``, loaded in this process (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("generate_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_are_what_the_generator_makes(capsys: pytest.CaptureFixture[str]) -> None:
    """README's tour and codes table, the code pages, the catalog and the configuration tables."""
    main: Callable[[Sequence[str]], int] = _generator().main
    assert main(["--check"]) == 0, (
        capsys.readouterr().err + "\nrun: python scripts/generate_docs.py"
    )


def _copy_docs(root: Path) -> None:
    for path in [README, *DOCS.rglob("*.md")]:
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")


def test_generator_checks_and_rewrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main: Callable[[Sequence[str]], int] = _generator().main
    _copy_docs(tmp_path)
    root = ["--root", str(tmp_path)]
    assert main(["--check", *root]) == 0
    page = tmp_path / "docs" / "codes" / "AEX101.md"
    stale = page.read_text(encoding="utf-8").replace("# AEX101: ", "# AEX101: old ")
    page.write_text(stale, encoding="utf-8")
    gone = tmp_path / "docs" / "codes" / "AEX999.md"  # a code that no rule declares
    gone.write_text("# AEX999\n", encoding="utf-8")
    (tmp_path / "docs" / "codes" / "AEX102.md").unlink()
    assert main(["--check", *root]) == 1
    err = capsys.readouterr().err
    assert all(name in err for name in ("AEX101.md", "AEX102.md", "AEX999.md")), err
    assert page.read_text(encoding="utf-8") == stale
    assert main(root) == 0
    assert not gone.exists()
    for path in [README, *DOCS.rglob("*.md")]:
        copy = tmp_path / path.relative_to(ROOT)
        assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path


def test_generator_refuses_a_page_without_its_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main: Callable[[Sequence[str]], int] = _generator().main
    _copy_docs(tmp_path)
    catalog = tmp_path / "docs" / "catalog.md"
    begin, _end = docs.markers("catalog")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(begin, ""), encoding="utf-8")
    assert main(["--root", str(tmp_path)]) == 2
    assert "docs/catalog.md: no " in capsys.readouterr().err


def test_readme_is_a_front_page() -> None:
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 400
    for heading in ("## A 30-second tour", "## Install", "## Use it in your project"):
        assert f"\n{heading}\n" in readme
    # The reference is in docs/, said once: the fixer's paragraph is not repeated per code.
    assert "**Fix:**" not in readme
    assert "Issue 13" not in readme + "".join(p.read_text("utf-8") for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("code", CODES)
def test_every_code_has_its_page(code: str) -> None:
    page = (DOCS / "codes" / f"{code}.md").read_text(encoding="utf-8")
    assert page == docs.code_page(code)
    assert f"(docs/codes/{code}.md)" in README.read_text(encoding="utf-8")
    assert f"]({code}.md)" in (DOCS / "codes" / "README.md").read_text(encoding="utf-8")


def test_the_fixers_paragraph_is_said_once() -> None:
    """The codes moved to a thread share one short fix text that links to the whole of it."""
    link = "(../fixer.md#moving-a-call-to-a-thread)"
    sharing = [code for code, info in CODES.items() if link in info.docs.fix]
    assert sharing == ["AEX100", "AEX102", "AEX103", "AEX104", "AEX106", "AEX108", "AEX109"]
    assert "## Moving a call to a thread" in (DOCS / "fixer.md").read_text(encoding="utf-8")


def _headings(markdown: str) -> Iterator[str]:
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            yield line.lstrip("#").strip()


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the page's headings, numbering repeated ones."""
    anchors: set[str] = set()
    for heading in _headings(markdown):
        anchor = docs.github_anchor(heading)
        repeated = anchor
        number = 0
        while repeated in anchors:
            number += 1
            repeated = f"{anchor}-{number}"
        anchors.add(repeated)
    return anchors


PAGES = [README, *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_links_reach_their_pages_and_headings(page: Path) -> None:
    """Every relative link of README and docs/ names a file that exists, and a heading in it."""
    text = page.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    links = re.findall(r"\]\(([^)\s]+)\)", prose)
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert local or page.name != "README.md", "links nothing"
    for link in local:
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: {link}: no such file"
        if anchor:
            assert path.suffix == ".md", link
            assert anchor in _anchors(path.read_text(encoding="utf-8")), f"{page.name}: {link}"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("AEX101 `time.sleep`", "aex101-timesleep"),
        (
            "AEX206 run_in_executor(None, ...) where asyncio.to_thread() serves",
            "aex206-run_in_executornone--where-asyncioto_thread-serves",
        ),
        ('Where a call counts as "on the event loop"', "where-a-call-counts-as-on-the-event-loop"),
        ("Helpers: what the call graph sees", "helpers-what-the-call-graph-sees"),
    ],
)
def test_github_anchor(heading: str, anchor: str) -> None:
    assert docs.github_anchor(heading) == anchor


def test_ruff_and_flake8_async_codes_are_mapped() -> None:
    """Users of both tools can ignore one side: the overlapping codes are listed on the index."""
    assert set(docs.PEER_CODES) == {"AEX100", "AEX101", "AEX102", "AEX103", "AEX106"}
    ruff = {code: docs.PEER_CODES[code][0] for code in docs.PEER_CODES}
    assert ruff["AEX101"] == "ASYNC251" and ruff["AEX106"] == "ASYNC250"
    assert "ASYNC210" in ruff["AEX100"] and ruff["AEX103"] == "ASYNC230"
    assert all(f"ASYNC22{n}" in ruff["AEX102"] for n in range(3))
    assert docs.peers_table() in (DOCS / "codes" / "README.md").read_text(encoding="utf-8")
