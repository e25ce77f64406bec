"""The ``--run-slow`` switch: long fuzzing runs and full sweeps are marked ``slow`` and skipped by default.

The default suite stays within CI's time with bounded example counts and samples; ``pytest --run-slow``
runs the long versions too (``pytest --run-slow -m slow`` runs only them).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the tests marked slow (long fuzzing, the full standard-library sweep)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
