"""Which findings the user asked to fix: ``--select``/``--ignore`` and ``# noqa``, as flake8 decides.

The fixer must never touch a line that flake8 would stay silent about, so the rules here follow
flake8's: the longest matching prefix wins between select and ignore, codes flake8 leaves off by
default (``rules.registry.OFF_BY_DEFAULT``) stay off unless a ``--select`` prefix names them,
and ``# noqa`` is read by flake8's own code.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flake8.defaults import NOQA_FILE
from flake8.processor import FileProcessor
from flake8.violation import Violation

from flake8_executor.findings import Finding
from flake8_executor.rules.registry import CODES, OFF_BY_DEFAULT

if TYPE_CHECKING:
    from flake8_executor.command.config import ProjectConfig

_CODE_PREFIX = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$")


def parse_codes(value: str | Sequence[str], option: str) -> tuple[str, ...]:
    """``"AEX100, AEX2"`` (or a TOML list of them) -> ``("AEX100", "AEX2")``.

    Raises ``ValueError`` naming the option and the bad item, as ``build_settings`` does.
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    codes: list[str] = []
    for raw_item in items:
        if not isinstance(raw_item, str):
            raise ValueError(f"{option}: {raw_item!r} is not a code")
        item = raw_item.strip().upper()
        if not item:
            continue
        if not _CODE_PREFIX.match(item):
            raise ValueError(f"{option}: {raw_item.strip()!r} is not a code or code prefix")
        codes.append(item)
    return tuple(codes)


def unknown_codes(prefixes: Iterable[str]) -> list[str]:
    """The codes or prefixes that match none of ours (``AEX999``, ``E501``), in the order given."""
    return [
        prefix
        for prefix in prefixes
        if not any(code.startswith(prefix.strip().upper()) for code in CODES)
    ]


def _longest(code: str, prefixes: Iterable[str]) -> str | None:
    matching = [prefix for prefix in prefixes if code.startswith(prefix)]
    return max(matching, key=len) if matching else None


@dataclass(frozen=True)
class Selection:
    """The codes to act on. ``select=None`` means every code that is on by default."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        selected = _longest(code, self.select) if self.select is not None else None
        if self.select is not None and selected is None:
            return False
        ignored = _longest(code, self.ignore)
        if ignored is not None:
            return selected is not None and len(selected) > len(ignored)
        if code in OFF_BY_DEFAULT:
            return selected is not None
        return True

    def rules_out(self, code: str) -> bool:
        """Whether select/ignore exclude the code, codes off by default aside.

        For the plugin, where flake8 itself turns codes on and off and the project's table only
        narrows what is reported.
        """
        selected = _longest(code, self.select) if self.select is not None else None
        if self.select is not None and selected is None:
            return True
        ignored = _longest(code, self.ignore)
        return ignored is not None and not (selected is not None and len(selected) > len(ignored))


def project_selection(project: ProjectConfig) -> Selection | None:
    """``select``/``ignore`` of ``[tool.flake8-executor]``; ``None`` when it sets neither.

    A ``ValueError`` names a malformed item or the codes that match nothing.
    """
    codes: dict[str, tuple[str, ...] | None] = {}
    for key in ("select", "ignore"):
        text = project.text(key)
        codes[key] = checked_codes(text, f"{key} in {project.path}") if text is not None else None
    if codes["select"] is None and codes["ignore"] is None:
        return None
    return Selection(codes["select"], codes["ignore"] or ())


def checked_codes(value: str, option: str) -> tuple[str, ...]:
    """``parse_codes``, and a ``ValueError`` naming every code or prefix that matches no code."""
    codes = parse_codes(value, option)
    unknown = unknown_codes(codes)
    if unknown:
        raise ValueError(f"{option}: unknown code{'s' * (len(unknown) > 1)} {', '.join(unknown)}")
    return codes


class Noqa:
    """``# noqa`` as flake8 reads it, through flake8's own code: one per text with findings.

    flake8 matches a finding against the comments of the whole *range* of lines its line belongs
    to: a multi-line string counts as one, so a ``# noqa`` after its closing quotes covers every
    line of it
    (``FileProcessor.noqa_line_for``); and it compares the codes as written (``# noqa: aex101``
    silences nothing), in ``Violation.is_inline_ignored``. Both are reused here, so that the
    fixer never touches a finding flake8 stays silent about, nor skips one it reports.
    """

    def __init__(self, text: str) -> None:
        options = argparse.Namespace(
            hang_closing=False, indent_size=4, max_line_length=79, max_doc_length=None, verbose=0
        )
        # Universal newlines, as flake8 reads a file: a lone CR is a line break to the tokenizer too.
        lines = io.StringIO(text, newline=None).readlines()
        self._processor = FileProcessor("-", options, lines=lines)

    def silences(self, finding: Finding) -> bool:
        line = self._processor.noqa_line_for(finding.line)
        violation = Violation(finding.code, "-", finding.line, finding.col, "", line or "")
        return violation.is_inline_ignored(disable_noqa=False)


def file_is_skipped(lines: Sequence[str]) -> bool:
    """``# flake8: noqa`` on a line of its own makes flake8 skip the file; the fixer does too."""
    return any(NOQA_FILE.match(line) for line in lines)
