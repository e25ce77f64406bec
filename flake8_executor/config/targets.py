"""The target version of each file, from its own project.

The target version is the one setting that is resolved per file (``TargetVersions``): one run may
cover several projects. Set nowhere on the command line, it is the ``target-version`` of the
pyproject.toml nearest the file, else the run's own setting, else inferred from the Python that
file's project declares: ``requires-python``, else ``python_requires`` in ``setup.cfg``, else a
literal ``python_requires=`` in ``setup.py`` (read with ``ast``, never run), in the nearest
directory that has any of the three files.
"""

from __future__ import annotations

import ast
import configparser
import os
from dataclasses import dataclass, replace

from flake8_executor.config.pyproject import ProjectConfig, infer_target_version, load
from flake8_executor.config.settings import DEFAULT_TARGET, Settings, parse_target_version
from flake8_executor.config.value import Value


def _setup_cfg_requires(path: str) -> str | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if parser.has_option("options", "python_requires"):
        return parser.get("options", "python_requires").strip() or None
    return None


def _setup_py_requires(path: str) -> str | None:
    """``python_requires=">=3.9"`` given as a literal to any call in setup.py; never runs the file."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "python_requires" and isinstance(keyword.value, ast.Constant):
                    value = keyword.value.value
                    return value if isinstance(value, str) else None
    return None


def _declared_here(directory: str, project: ProjectConfig | None) -> Value | None:
    """What the project files of ``directory`` declare: ``requires-python`` (``project``, the
    directory's pyproject.toml as read), else ``python_requires`` in setup.cfg, else in setup.py."""
    if project is not None and project.requires_python and project.path:
        return Value(project.requires_python, f"requires-python in {project.path}")
    for name, read in (("setup.cfg", _setup_cfg_requires), ("setup.py", _setup_py_requires)):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            requires = read(path)
            if requires:
                return Value(requires, f"python_requires in {path}")
    return None


@dataclass(frozen=True)
class _Place:
    """What the project files nearest a directory say about the target version."""

    table_target: Value | None  # target-version in the nearest pyproject.toml's table
    declared: Value | None  # the Python the nearest directory with project files declares


_NOWHERE = _Place(None, None)


class TargetVersions:
    """The target version of each file, as ruff finds a file's nearest configuration.

    A run covers files of several projects (``executor-fix a/ b/``, flake8 over a monorepo), and
    each project declares its own oldest Python: a fix that is right for a py312 project
    (``asyncio.to_thread``) is wrong for a py38 one next to it. So the target version is looked up
    per file, in this order:

    1. the command line (``--target-version``, ``--executor-target-version``): every file;
    2. ``target-version`` in ``[tool.flake8-executor]`` of the pyproject.toml nearest the file;
    3. ``configured``: the run's own setting (its pyproject table, then flake8's config file);
    4. the Python the nearest directory with a pyproject.toml, setup.cfg or setup.py declares:
       ``requires-python``, else ``python_requires`` (setup.py read with ``ast``, never run);
    5. the default (py39).

    Each directory is looked up once per run (``_places``), and each pyproject.toml read once.
    With ``search`` false (flake8's ``--isolated``) no project file is read: 1, 3, 5 only.
    """

    def __init__(
        self,
        flag: Value | None,
        configured: Value | None,
        run_project: ProjectConfig | None = None,
        search: bool = True,
    ) -> None:
        self.flag = flag
        self.configured = configured
        self.search = search
        self._projects: dict[str, ProjectConfig] = {}
        if run_project is not None and run_project.path:
            self._projects[os.path.abspath(run_project.path)] = run_project
        self._places: dict[str, _Place] = {}
        self._settings: dict[tuple[int, str], Settings] = {}

    def for_directory(self, directory: str) -> Value | None:
        """The target version of the files in ``directory`` and where it was read (None: default)."""
        if self.flag is not None:
            return self.flag
        if not self.search:
            return self.configured
        place = self._place(os.path.abspath(directory))
        if place.table_target is not None:
            return place.table_target
        if self.configured is not None:
            return self.configured
        if place.declared is not None:
            inferred = infer_target_version(place.declared.text)
            if inferred:
                return Value(inferred, place.declared.source)
        return None

    def settings_for(self, settings: Settings, path: str) -> Settings:
        """``settings`` with the target version of the file at ``path`` (``-``: the cwd).

        A ``ValueError`` names the source of a bad value; a ``ConfigError`` a pyproject.toml that
        cannot be read.
        """
        directory = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        key = (id(settings), directory)
        cached = self._settings.get(key)
        if cached is not None:
            return cached
        value = self.for_directory(directory)
        try:
            target = parse_target_version(value.text) if value else DEFAULT_TARGET
        except ValueError as error:
            raise ValueError(f"{value.source}: {error}") from None  # type: ignore[union-attr]
        chosen = (
            settings
            if target == settings.target_version
            else replace(settings, target_version=target)
        )
        self._settings[key] = chosen
        return chosen

    def _project(self, path: str) -> ProjectConfig:
        project = self._projects.get(path)
        if project is None:
            project = self._projects[path] = load(path)
        return project

    def _place(self, directory: str) -> _Place:
        """The nearest project files' say for ``directory``, filling the cache on the way up."""
        unknown: list[str] = []
        place = _NOWHERE
        while True:
            cached = self._places.get(directory)
            if cached is not None:
                place = cached
                break
            unknown.append(directory)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for directory in reversed(unknown):  # from the top down: each inherits its parent's
            pyproject = os.path.join(directory, "pyproject.toml")
            project = self._project(pyproject) if os.path.isfile(pyproject) else None
            table_target = place.table_target
            if project is not None:
                text = project.text("target-version")
                table_target = Value(text, f"target-version in {pyproject}") if text else None
            declared = place.declared
            if project is not None or any(
                os.path.isfile(os.path.join(directory, name)) for name in ("setup.cfg", "setup.py")
            ):
                declared = _declared_here(directory, project)
            place = self._places[directory] = _Place(table_target, declared)
        return place
