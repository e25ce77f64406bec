"""Every annotated fixture, checked by the real flake8: exactly the promised lines, nothing else.

flake8 runs once per set of ``# flake8-args`` over all the fixtures that share it (a child process
per fixture cost the suite seconds), and each fixture's test reads its own lines of that output.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.fixture_format import (
    FIXTURES,
    expected_findings,
    fixture_args,
    needs_newer_python,
    reported_findings,
    run_flake8,
)

LINT_FIXTURES = sorted(FIXTURES.glob("*.py"))


@pytest.fixture(scope="module")
def flake8_output() -> dict[Path, str]:
    """Fixture -> the lines flake8 printed about it, for every fixture this Python can read."""
    groups: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path in LINT_FIXTURES:
        if not needs_newer_python(path):
            groups[tuple(fixture_args(path))].append(path)
    output: dict[Path, str] = {}
    for args, paths in groups.items():
        result = run_flake8(*args, *map(str, paths))
        assert "Traceback" not in result.stderr, result.stderr
        for path in paths:
            prefix = f"{path}:"
            output[path] = "".join(
                line for line in result.stdout.splitlines(keepends=True) if line.startswith(prefix)
            )
    return output


@pytest.mark.parametrize("path", LINT_FIXTURES, ids=lambda path: path.name)
def test_fixture(path: Path, flake8_output: dict[Path, str]) -> None:
    skip = needs_newer_python(path)
    if skip:
        pytest.skip(skip)
    stdout = flake8_output[path]
    reported = reported_findings(stdout)
    expected = expected_findings(path)
    missing = sorted(expected - reported)
    unexpected = sorted(reported - expected)
    assert not missing and not unexpected, f"missing {missing}, unexpected {unexpected}\n{stdout}"


def test_every_code_has_a_firing_fixture() -> None:
    from flake8_executor.rules.registry import CODES

    runnable = [path for path in LINT_FIXTURES if not needs_newer_python(path)]
    promised = {code for path in runnable for _line, code in expected_findings(path)}
    assert set(CODES) <= promised, sorted(set(CODES) - promised)
