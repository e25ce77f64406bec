"""The importers index (``analysis/importers.py``) keeps one copy of each dotted name.

On a large project a question about a common module name (``const``) parses nearly every file's
import lines, and every parse is kept for the next question: the same names
(``homeassistant.core.HomeAssistant``) once per file were half of a flake8 run's memory on Home
Assistant core. The parsed sets hold interned strings, so two files share them.
"""

from __future__ import annotations

from pathlib import Path

from flake8_executor.analysis.importers import ImportIndex, imports_name


def _project(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "core.py").write_text("class Hub: ...\nclass Client: ...\n")
    (app / "one.py").write_text("import json\nfrom app.core import Hub, Client\n")
    (app / "two.py").write_text(
        "from .core import (\n    Hub,  # the hub\n)\nfrom app.util import *\n"
    )
    (app / "three.py").write_text("import app.corelike\n")
    return tmp_path


def test_importers_and_their_names_are_as_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    found = {module.name: module for module in ImportIndex((str(root),)).importers("app.core")}
    assert sorted(found) == ["app.one", "app.two"]
    one, two = found["app.one"], found["app.two"]
    assert imports_name(one, "app.core", "Hub") and imports_name(one, "app.core", "Client")
    assert imports_name(two, "app.core", "Hub") and not imports_name(two, "app.core", "Client")
    assert imports_name(two, "app.util", "anything")  # ``import *``
    assert one.roots == {"json", "app"} and two.roots == {"app"}
    assert one.modules == {"json", "app.core", "app.core.Hub", "app.core.Client"}


def test_two_files_share_each_dotted_name(tmp_path: Path) -> None:
    root = _project(tmp_path)
    found = {module.name: module for module in ImportIndex((str(root),)).importers("app.core")}
    one, two = found["app.one"], found["app.two"]
    (in_one,) = [name for name in one.modules if name == "app.core.Hub"]
    (in_two,) = [name for name in two.modules if name == "app.core.Hub"]
    assert in_one is in_two
    (source_one,) = [name for name in one.names if name == "app.core"]
    (source_two,) = [name for name in two.names if name == "app.core"]
    assert source_one is source_two
