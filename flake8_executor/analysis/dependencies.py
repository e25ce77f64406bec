"""What one file's analysis read outside the file, so that its findings can be kept for the next run.

A file's findings depend on its own text and settings, and on the other modules its calls reach:
their summaries (``Project.summary``) and which names are modules at all (``SourceTree.find``: a
module added under a root changes what a name is). The project remembers what it worked out across
files (a name's target, an object's type, a function's reach), so a file can use an answer another
file's analysis paid for: each such answer keeps what it read, and a file that reuses the answer
depends on that too. ``Recorder`` keeps one frame per computation under way; what a frame read goes
to the frames below it when it ends, so the file's frame, at the bottom, ends holding everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# A dependency is a ``ModuleFile`` (its summary was read), a ``str`` (a dotted name was looked up
# as a module), a ``Pending`` (an answer asked for while it was still being worked out: in a
# cycle of re-exports; what it read is added when the file's analysis ends), or ``WHOLE_PROJECT``.
Dependency = Any


class _WholeProject:
    """What every file of the project says (``request.app.state.engine`` is typed from whichever
    modules assign it, found by a scan of them all): such findings are not kept."""

    __slots__ = ()


WHOLE_PROJECT = _WholeProject()


class Pending(tuple):  # type: ignore[type-arg]
    """``(table, name)``: a memoised answer that was under way when it was asked for."""

    __slots__ = ()


class Recorder:
    """The frames of the computations under way, innermost last; the file's frame first."""

    __slots__ = ("frames",)

    def __init__(self) -> None:
        self.frames: list[set[Dependency]] = []

    def begin(self) -> None:
        """A file's analysis starts: one frame, whatever a failed analysis left behind."""
        self.frames = [set()]

    def end(self) -> frozenset[Dependency]:
        """A file's analysis ends: everything it read."""
        frames = self.frames
        self.frames = []
        return frozenset(frames[0]) if frames else frozenset()

    def note(self, dependency: Dependency) -> None:
        frames = self.frames
        if frames:
            frames[-1].add(dependency)

    def merge(self, dependencies: frozenset[Dependency]) -> None:
        """A remembered answer is used: what it read is read again."""
        frames = self.frames
        if frames and dependencies:
            frames[-1] |= dependencies

    def push(self) -> None:
        self.frames.append(set())

    def pop(self) -> frozenset[Dependency]:
        """The computation ends: what it read, also added to the one that asked for it."""
        frames = self.frames
        read = frozenset(frames.pop()) if frames else frozenset()
        if frames and read:
            frames[-1] |= read
        return read


def expand(
    dependencies: Iterable[Dependency], tables: dict[str, dict[str, frozenset[Dependency]]]
) -> set[Dependency]:
    """``dependencies`` with each ``Pending`` answer replaced by what it read once it was done."""
    result: set[Dependency] = set()
    todo = list(dependencies)
    seen: set[Pending] = set()
    while todo:
        dependency = todo.pop()
        if type(dependency) is Pending:
            if dependency in seen:
                continue
            seen.add(dependency)
            table, name = dependency
            todo.extend(tables[table].get(name, ()))
        else:
            result.add(dependency)
    return result
