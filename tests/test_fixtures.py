"""Every annotated fixture, checked by the real flake8: exactly the promised lines, nothing else."""

from __future__ import annotations

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


@pytest.mark.parametrize("path", LINT_FIXTURES, ids=lambda path: path.name)
def test_fixture(path: Path) -> None:
    skip = needs_newer_python(path)
    if skip:
        pytest.skip(skip)
    result = run_flake8(*fixture_args(path), str(path))
    assert "Traceback" not in result.stderr, result.stderr
    reported = reported_findings(result.stdout)
    expected = expected_findings(path)
    missing = sorted(expected - reported)
    unexpected = sorted(reported - expected)
    assert not missing and not unexpected, (
        f"missing {missing}, unexpected {unexpected}\n{result.stdout}"
    )


def test_every_code_has_a_firing_fixture() -> None:
    from flake8_executor.rules.registry import CODES

    runnable = [path for path in LINT_FIXTURES if not needs_newer_python(path)]
    promised = {code for path in runnable for _line, code in expected_findings(path)}
    assert set(CODES) <= promised, sorted(set(CODES) - promised)
