"""``executor-fix`` for tools and editors: JSON, SARIF (checked against the 2.1.0 schema), GitHub
annotations, ``--stdin-filename``, parse errors at ``path:line:col``, unknown codes, binary files,
``--force-exclude``, and files that declare a newer Python than the one running."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from flake8_executor import docs
from tests.cli_runs import FETCH, SLEEPY, SLEEPY_FIXED, UNFIXABLE, Run, shown

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_json_has_one_record_per_finding_with_its_fix_state(
    executor_fix: Run, project: Path
) -> None:
    write(project / "sleepy.py", SLEEPY)
    write(project / "unfixable.py", UNFIXABLE)
    result = executor_fix("--check", "--output-format=json", ".")
    assert result.code == 1, shown(result)
    document = json.loads(result.stdout)
    assert document["mode"] == "check"
    by_code = {record["code"]: record for record in document["findings"]}
    assert by_code["AEX101"] == {
        "path": "./sleepy.py",
        "line": 5,
        "column": 5,
        "end_line": 5,
        "end_column": 18,
        "code": "AEX101",
        "message": by_code["AEX101"]["message"],
        "fix": "fixed",
        "reason": None,
    }
    assert by_code["AEX103"]["fix"] == "unfixed"
    assert "with statement" in by_code["AEX103"]["reason"]
    assert document["errors"] == [] and document["skipped"] == []
    # The findings went to stdout; stderr keeps only the totals.
    assert result.stderr.splitlines() == [
        "executor-fix: 1 file would change, 1 finding would be fixed, 1 left unfixed "
        "(2 files checked)"
    ]


def test_sarif_is_valid_2_1_0(executor_fix: Run, project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    write(project / "sleepy.py", SLEEPY)
    write(project / "fetch.py", FETCH)
    write(project / "unfixable.py", UNFIXABLE)
    write(project / "broken.py", "def broken(:\n")
    result = executor_fix("--check", "--output-format=sarif", ".")
    assert result.code == 2
    document = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    [run] = document["runs"]
    assert run["tool"]["driver"]["name"] == "executor-fix"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert {result["ruleId"] for result in run["results"]} == {"AEX100", "AEX101", "AEX103"}
    for found in run["results"]:
        assert rule_ids[found["ruleIndex"]] == found["ruleId"]
        location = found["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith(("/", "./"))
        assert location["region"]["startLine"] >= 1
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 12,
    }
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_level_is_the_codes_severity_fixable_or_not(executor_fix: Run, project: Path) -> None:
    """AEX200's TypeError is an error even though the fixer fixes it; a blocking call a warning.

    Each rule carries its code's page as help, and no helpUri: no published page is sure to exist.
    """
    write(
        project / "keywords.py",
        "import asyncio\n\n\nasync def main(f):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    await loop.run_in_executor(None, f, timeout=3)\n",
    )
    write(project / "sleepy.py", SLEEPY)
    document = json.loads(executor_fix("--check", "--output-format=sarif", ".").stdout)
    [run] = document["runs"]
    levels = {
        found["ruleId"]: (found["level"], found["properties"]["fix"]) for found in run["results"]
    }
    assert levels == {"AEX200": ("error", "fixed"), "AEX101": ("warning", "fixed")}
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["AEX200"]["defaultConfiguration"]["level"] == "error"
    assert rules["AEX201"]["defaultConfiguration"]["level"] == "error"
    assert rules["AEX100"]["defaultConfiguration"]["level"] == "warning"
    for code, rule in rules.items():
        assert "helpUri" not in rule
        assert rule["help"]["markdown"] == docs.explain(code)


def test_github_annotations(executor_fix: Run, project: Path) -> None:
    write(project / "sleepy.py", SLEEPY)
    write(project / "unfixable.py", UNFIXABLE)
    checked = executor_fix("--check", "--output-format=github", ".")
    lines = checked.stdout.decode().splitlines()
    assert "::warning file=./sleepy.py,line=5,col=5,endLine=5,title=AEX101::AEX101 " in "\n".join(
        lines
    )
    assert any(
        line.startswith("::warning file=./unfixable.py,line=2,") and "not fixed: " in line
        for line in lines
    ), lines
    # Fixed in place, a finding needs no annotation any more; the unfixed one still does.
    fixed = executor_fix("--output-format=github", ".")
    lines = fixed.stdout.decode().splitlines()
    assert len(lines) == 1 and "unfixable.py" in lines[0], lines


# A non-ASCII line before each call: "é" is two UTF-8 bytes, one character and one UTF-16 code unit;
# the emoji four bytes, one character and two code units, so each unit gives another column.
NON_ASCII = (
    "import requests\n\n\n"
    "async def main(u):\n"
    '    s = "héllo 😀"; r = requests.get(u)\n'
    '    with open("é😀") as f:\n'
    "        return f, s, r\n"
)


def utf16_slice(line: str, start: int, end: int) -> str:
    """``line`` from SARIF's ``startColumn`` to ``endColumn`` (UTF-16 code units, from 1)."""
    units = line.encode("utf-16-le")
    return units[2 * (start - 1) : 2 * (end - 1)].decode("utf-16-le")


def test_columns_on_a_non_ascii_line_in_every_format(executor_fix: Run, project: Path) -> None:
    """Text and JSON give flake8's column for the same finding (UTF-8 bytes); SARIF declares UTF-16
    code units and its regions span exactly the call; GitHub annotations count characters."""
    from tests.fixture_format import reported_findings, run_flake8

    target = write(project / "app.py", NON_ASCII)
    lines = NON_ASCII.splitlines()
    flake8 = run_flake8("--select=AEX", str(target)).stdout
    flake8_columns = {
        code: int(column)
        for column, code in re.findall(r":\d+:(\d+): (AEX\d{3}) ", flake8, re.MULTILINE)
    }
    assert reported_findings(flake8) == {(5, "AEX100"), (6, "AEX103")}, flake8
    assert flake8_columns == {"AEX100": 28, "AEX103": 10}  # the bytes of é and the emoji count

    text = executor_fix("--check", "app.py")
    assert "app.py:5:28: AEX100 would be fixed" in shown(text)
    assert "app.py:6:10: AEX103 not fixed: " in shown(text)

    document = json.loads(executor_fix("--check", "--output-format=json", "app.py").stdout)
    assert {record["code"]: record["column"] for record in document["findings"]} == flake8_columns

    annotations = executor_fix("--check", "--output-format=github", "app.py").stdout.decode()
    columns = dict(re.findall(r"line=\d+,col=(\d+),.*?title=(AEX\d{3})", annotations))
    github = {code: int(column) for column, code in columns.items()}
    assert lines[4][github["AEX100"] - 1 :].startswith("requests.get(u)"), annotations
    assert lines[5][github["AEX103"] - 1 :].startswith('open("é😀")'), annotations

    sarif = json.loads(executor_fix("--check", "--output-format=sarif", "app.py").stdout)
    [run] = sarif["runs"]
    assert run["columnKind"] == "utf16CodeUnits"
    regions = {
        found["ruleId"]: found["locations"][0]["physicalLocation"]["region"]
        for found in run["results"]
    }
    assert regions["AEX100"] == {"startLine": 5, "startColumn": 25, "endLine": 5, "endColumn": 40}
    for code, call in (("AEX100", "requests.get(u)"), ("AEX103", 'open("é😀")')):
        region = regions[code]
        line = lines[region["startLine"] - 1]
        assert utf16_slice(line, region["startColumn"], region["endColumn"]) == call

    # Fixed in place: the finding left unfixed is placed in the file as written, lines moved down.
    written = executor_fix("--output-format=sarif", "app.py")
    assert written.code == 1, shown(written)
    [found] = [
        found
        for found in json.loads(written.stdout)["runs"][0]["results"]
        if found["ruleId"] == "AEX103"
    ]
    region = found["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 8  # below the added import of asyncio and its blank line
    line = target.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert utf16_slice(line, region["startColumn"], region["endColumn"]) == 'open("é😀")'


def test_parse_error_columns_on_a_non_ascii_line(executor_fix: Run, project: Path) -> None:
    """A parse error's column is the parser's, in characters; SARIF's in UTF-16 code units."""
    write(project / "broken.py", 's = "é😀"; x = 1 +* 2\n')  # the 18th character is the "*"
    text = executor_fix("--check", "broken.py")
    assert text.stderr.startswith("broken.py:1:18: error: cannot parse: "), text.stderr
    sarif = json.loads(executor_fix("--check", "--output-format=sarif", "broken.py").stdout)
    [notification] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    region = notification["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 19}
    github = executor_fix("--check", "--output-format=github", "broken.py").stdout.decode()
    assert github.startswith("::error file=broken.py,line=1,col=18::"), github


def test_a_machine_format_needs_stdout(executor_fix: Run, project: Path) -> None:
    write(project / "sleepy.py", SLEEPY)
    for args in (("--diff", "--output-format=json", "."), ("--output-format=sarif", "-")):
        result = executor_fix(*args, stdin=SLEEPY.encode())
        assert result.code == 2
        assert result.stderr.startswith("executor-fix: error: --output-format=")


def test_stdin_filename_names_the_file_and_finds_its_config(
    executor_fix: Run, project: Path
) -> None:
    sub = project / "legacy"
    write(sub / "pyproject.toml", '[project]\nname = "legacy"\nrequires-python = ">=3.8"\n')
    # py38's form (run_in_executor, not asyncio.to_thread) shows the target version at work.
    result = executor_fix("--stdin-filename", sub / "app.py", "-", stdin=FETCH.encode())
    assert result.code == 0, shown(result)
    pre_39 = b"functools.partial(contextvars.copy_context().run, requests.get, url)"
    assert b"run_in_executor(None, " + pre_39 + b")" in result.stdout
    assert f"{sub / 'app.py'}:5:12: AEX100 fixed" in shown(result)
    # The place's excludes apply to it with --force-exclude: the code passes through unchanged.
    write(sub / "pyproject.toml", '[tool.flake8-executor]\nexclude = ["generated"]\n')
    excluded = executor_fix(
        "--force-exclude",
        "--stdin-filename",
        sub / "generated" / "x.py",
        "-",
        stdin=SLEEPY.encode(),
    )
    assert excluded.code == 0 and excluded.stdout == SLEEPY.encode()


def test_stdin_filename_without_stdin_is_a_usage_error(executor_fix: Run, project: Path) -> None:
    result = executor_fix("--stdin-filename", "app.py", write(project / "a.py", SLEEPY))
    assert result.code == 2 and "no - was given" in shown(result)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_codes_are_named_in_one_line(executor_fix: Run, project: Path, option: str) -> None:
    write(project / "sleepy.py", SLEEPY)
    result = executor_fix(option, "AEX101,AEX999,E501,AEX", ".")
    assert result.code == 2
    assert shown(result).splitlines() == [
        f"executor-fix: error: {option}: unknown codes AEX999, E501"
    ]
    assert (project / "sleepy.py").read_text() == SLEEPY


def test_unknown_code_in_the_pyproject_table(executor_fix: Run, project: Path) -> None:
    write(project / "pyproject.toml", '[tool.flake8-executor]\nignore = ["AEX7"]\n')
    result = executor_fix(write(project / "sleepy.py", SLEEPY))
    assert result.code == 2
    assert (
        shown(result)
        .strip()
        .endswith("ignore in " + str(project / "pyproject.toml") + ": unknown code AEX7")
    )


def test_force_exclude_skips_named_files_in_excluded_directories(
    executor_fix: Run, project: Path
) -> None:
    write(project / "pyproject.toml", '[tool.flake8-executor]\nexclude = ["migrations"]\n')
    migration = write(project / "migrations" / "m1.py", SLEEPY)
    app = write(project / "app.py", SLEEPY)
    assert executor_fix("--force-exclude", migration, app).code == 0
    assert migration.read_text() == SLEEPY and app.read_text() == SLEEPY_FIXED
    # Without it a named file is fixed, as before (flake8 also checks files named explicitly).
    assert executor_fix(migration).code == 0
    assert migration.read_text() == SLEEPY_FIXED


def test_a_file_for_a_newer_python_is_skipped_with_a_note(executor_fix: Run, project: Path) -> None:
    newer = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"
    source = f'# /// script\n# requires-python = ">={newer}"\n# ///\n' + SLEEPY
    declared = write(project / "future.py", source)
    current = write(project / "today.py", source.replace(newer, "3.9"))
    result = executor_fix(".")
    assert result.code == 0, shown(result)
    assert declared.read_text() == source
    assert current.read_text() != source
    [note] = result.lines_about("./future.py")
    assert note.startswith(f"./future.py: skipped: needs Python >={newer}")
    assert shown(result).splitlines()[-1].endswith("1 skipped (2 files checked)")


@pytest.mark.parametrize(
    ("specifier", "version", "allowed"),
    [
        (">=3.12", (3, 11, 7), False),
        (">=3.12", (3, 12, 0), True),
        (">=3.9,<3.12", (3, 12, 1), False),
        ("~=3.10", (3, 13, 0), True),
        ("~=3.10.2", (3, 11, 0), False),
        ("==3.11.*", (3, 11, 4), True),
        ("!=3.11.*", (3, 11, 4), False),
        (">3.9", (3, 9, 18), True),  # 3.9.18 > 3.9.0, as PEP 440 compares
        ("not a specifier", (3, 9, 0), True),
    ],
)
def test_requires_python_specifiers(
    specifier: str, version: tuple[int, int, int], allowed: bool
) -> None:
    from flake8_executor.command.requires import allows

    assert allows(specifier, version) is allowed


def test_json_tells_an_unsafe_fix_left_for_unsafe_fixes(executor_fix: Run, project: Path) -> None:
    # time.sleep() of a variable: asyncio.sleep() returns at once where time.sleep() raises.
    write(project / "nap.py", "import time\n\n\nasync def main(delay):\n    time.sleep(delay)\n")
    result = executor_fix("--check", "--output-format=json", ".")
    [record] = json.loads(result.stdout)["findings"]
    assert record["fix"] == "unsafe" and record["reason"], record
    applied = executor_fix("--check", "--output-format=json", "--unsafe-fixes", ".")
    [record] = json.loads(applied.stdout)["findings"]
    assert record["fix"] == "fixed" and record["reason"] is None, record


def test_concise_prints_what_flake8_prints(executor_fix: Run, project: Path) -> None:
    """The lint hook's format: the same lines as flake8 for the findings in the code."""
    import subprocess

    write(project / "sleepy.py", SLEEPY)
    write(project / "unfixable.py", UNFIXABLE)
    checked = executor_fix("--check", "--output-format=concise", "sleepy.py", "unfixable.py")
    assert checked.code == 1
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=AEX", "sleepy.py", "unfixable.py"],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert checked.stdout.decode().splitlines() == flake8.stdout.splitlines()
    assert len(flake8.stdout.splitlines()) == 2
    # Written: the fixed finding is gone, the unfixed one is left.
    fixed = executor_fix("--output-format=concise", "sleepy.py", "unfixable.py")
    assert fixed.code == 1
    assert fixed.stdout.decode().splitlines() == flake8.stdout.splitlines()[1:]
