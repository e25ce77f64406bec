"""What a user downloads: the sdist carries a suite that can run (tests with their helpers, conftest,
fixtures and the scripts they import), the LICENSE, and metadata that names every supported Python."""

from __future__ import annotations

import subprocess
import sys
import tarfile

import pytest

from tests.fixture_format import ROOT

SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")


def _tracked(under: str) -> set[str]:
    """The files git tracks under a folder (what a checkout has, without caches or venvs)."""
    listed = subprocess.run(
        ["git", "ls-files", under], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0 or not listed.stdout:
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")
    return set(listed.stdout.split())


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> tarfile.TarFile:
    pytest.importorskip("setuptools.build_meta")
    out = tmp_path_factory.mktemp("sdist")
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    return tarfile.open(out / built.stdout.split()[-1])


def test_the_sdist_ships_a_complete_suite(sdist: tarfile.TarFile) -> None:
    names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for folder in ("tests", "fixtures", "scripts", "benchmarks", "flake8_executor"):
        missing = _tracked(folder) - names
        assert not missing, f"the sdist lacks {sorted(missing)}"
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"} <= names
    assert not [name for name in names if "__pycache__" in name or name.startswith(".matrix")]


def test_metadata(sdist: tarfile.TarFile) -> None:
    [info] = [
        member
        for member in sdist.getmembers()
        if member.name.count("/") == 1 and member.name.endswith("/PKG-INFO")
    ]
    handle = sdist.extractfile(info)
    assert handle is not None
    text = handle.read().decode()
    for version in SUPPORTED:
        assert f"Classifier: Programming Language :: Python :: {version}\n" in text
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text
    assert 'Requires-Dist: tomli>=1.1; python_version < "3.11"' in text
    assert "Keywords: " in text
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
