"""The catalog as data: every entry sourced and placed, every type reachable, the engine's reading."""

from __future__ import annotations

import ast

import pytest

from flake8_executor import catalog
from flake8_executor.analysis.walk import _version_verdict
from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze_source


def _entries() -> list[catalog.Entry]:
    return [
        *catalog.CALLS.values(),
        *catalog.METHODS.values(),
        *(entry for entry, _builders in catalog.ANY_METHOD.values()),
    ]


def test_every_entry_has_a_known_source_and_a_domain() -> None:
    for entry in _entries():
        assert entry.source in catalog.SOURCES, entry
        assert entry.domain is not None, entry


def test_every_builder_of_an_any_method_client_has_a_known_source() -> None:
    for owner, (_entry, builders) in catalog.ANY_METHOD.items():
        for method, source in builders.items():
            assert source in catalog.SOURCES, (owner, method)


def test_sized_entries_are_cpu_work() -> None:
    for entry in _entries():
        if entry.data_arg >= 0:
            assert entry.domain is catalog.Domain.CPU, entry


def test_every_method_owner_can_be_made_or_annotated() -> None:
    """A type that nothing makes is a table entry no code can reach."""
    made = {*catalog.CONSTRUCTORS.values(), *catalog.ANNOTATION_TYPES.values()}
    made.update(catalog.RETURNS.values())
    made.update(catalog.CALL_RETURNS.values())
    made.update(catalog.CAPITALIZED_RETURNS.values())
    made.update(catalog.SUBSCRIPT_TYPES.values())
    made.update(catalog.ANY_ATTRIBUTE_TYPES.values())
    made.update(catalog.ATTRIBUTE_TYPES.values())
    made.add("celery.Task")  # a decorated ``def`` of the module (resolve.is_celery_task)
    owners = {owner for owner, _method in catalog.METHODS} | set(catalog.ANY_METHOD)
    assert owners <= made, sorted(owners - made)


def test_any_method_roots() -> None:
    assert {"boto3", "botocore", "redis", "elasticsearch", "xmlrpc"} <= catalog.ANY_METHOD_ROOTS
    assert "requests" not in catalog.ANY_METHOD_ROOTS


@pytest.mark.parametrize(
    ("test", "target", "verdict"),
    [
        ("sys.version_info < (3, 7)", (3, 9), False),
        ("not sys.version_info < (3, 7)", (3, 9), True),
        ("not sys.version_info < (3, 12)", (3, 9), None),
        ("sys.version_info >= (3, 8)", (3, 9), True),
        ("sys.version_info[:2] >= (3, 9)", (3, 9), True),
        ("sys.version_info < (3, 12)", (3, 9), None),
        ("sys.version_info >= (3, 10)", (3, 9), None),
        ("sys.version_info > (3, 9)", (3, 9), True),  # (3, 9, 0, ...) > (3, 9)
        ("sys.version_info == (3, 7)", (3, 9), None),
        ("version_info < (3, 7)", (3, 9), None),
        ("sys.platform < (3, 7)", (3, 9), None),
    ],
)
def test_version_verdict(test: str, target: tuple[int, int], verdict: bool | None) -> None:
    node = ast.parse(test, mode="eval").body
    assert _version_verdict(node, target) is verdict


def test_version_guard_follows_the_target() -> None:
    source = (
        "import sys, time\n\nasync def f():\n    if sys.version_info < (3, 10):\n"
        "        time.sleep(1)\n"
    )
    assert analyze_source(source, Settings(target_version=(3, 11))) == []
    assert [f.code for f in analyze_source(source, Settings(target_version=(3, 9)))] == ["AEX101"]


def test_any_method_needs_an_import_of_its_library() -> None:
    """Without ``import boto3`` (or redis...), no method name outside the tables is resolved."""
    source = "async def f(s3):\n    s3.put_object(Bucket='b')\n"
    assert analyze_source(source) == []
    typed = "import boto3\n\nS3 = boto3.client('s3')\n\n\nasync def f():\n    S3.put_object()\n"
    assert [f.code for f in analyze_source(typed)] == ["AEX100"]
