"""Where the project assigns an application's state: ``app.state.engine = create_engine(...)``.

A Starlette/FastAPI router module reads ``request.app.state.engine`` without assigning it or
importing the application: the start-up code that assigns it lives in another module, which
nothing in the router names. ``Project.application_state`` answers from every module that assigns
that attribute; this index says which files those can be, from a scan of the bytes of the
``.py`` files under the project's roots (no parse: the candidates' summaries decide). It is built
on the first such question, once per project and process (the language server builds it again
after any change it sees, ``Project.refresh``).
"""

from __future__ import annotations

import os
import re
import stat

from flake8_executor.analysis.importers import _python_files

# ``<anything>.state.<name> =`` (or ``: T =``), not ``==``: the text of an assignment.
_ASSIGNED = re.compile(rb"\.state\.([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
# Files larger than this are not read (generated code, data).
_MAX_BYTES = 2_000_000


def state_assignments(roots: tuple[str, ...]) -> dict[str, list[str]]:
    """Each attribute name some file under ``roots`` assigns on a ``.state``, with the files
    (each once, by real path)."""
    index: dict[str, list[str]] = {}
    seen: set[str] = set()
    for path in _python_files(roots):
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            info = os.stat(real)
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES:
                continue  # a FIFO named *.py could block for ever
            with open(real, "rb") as file:
                data = file.read()
        except OSError:
            continue
        if b".state." not in data:
            continue
        for name in {match.group(1) for match in _ASSIGNED.finditer(data)}:
            index.setdefault(name.decode("ascii"), []).append(real)
    return index
