"""Which findings the user asked to fix: select, ignore, their ``extend-`` forms, per-file ignores and
``# noqa``, as flake8 decides.

The fixer must never touch a line that flake8 would stay silent about, so the rules here follow
flake8's: ``select`` replaces the default set and ``extend-select`` adds to it, ``ignore`` and
``extend-ignore`` take codes away, the longest matching prefix wins between the two sides,
``per-file-ignores`` adds the codes of the longest glob that matches the file, and ``# noqa`` is read
by flake8's own code. Codes off by default (``rules.registry.OFF_BY_DEFAULT``) are opt-in, as
flake8-bugbear's B9xx: only their full code named in ``select`` or ``extend-select`` turns them on
(``--select=AEX`` leaves AEX206 off), in the plugin, the fixer and the language server alike.
"""

from __future__ import annotations

import argparse
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatch

from flake8.defaults import NOQA_FILE
from flake8.exceptions import ExecutionError
from flake8.processor import FileProcessor
from flake8.utils import parse_files_to_codes_mapping
from flake8.violation import Violation

from flake8_executor.findings import Finding
from flake8_executor.rules.registry import CODES, OFF_BY_DEFAULT

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


def is_opted_in(code: str, selected: Iterable[str]) -> bool:
    """An opt-in code is on only when named in full (flake8-bugbear's B9xx convention)."""
    return code in {item.strip().upper() for item in selected}


@dataclass(frozen=True)
class PerFileIgnores:
    """flake8's ``per-file-ignores`` from one source: globs (a base name, or a path made absolute
    from the configuration's directory) and their codes; the longest matching glob applies."""

    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def codes_for(self, path: str) -> tuple[str, ...]:
        name = os.path.basename(path)
        absolute = os.path.abspath(path)
        matching = [
            (pattern, codes)
            for pattern, codes in self.entries
            if fnmatch(name, pattern) or fnmatch(absolute, pattern)
        ]
        return max(matching, key=lambda entry: len(entry[0]))[1] if matching else ()


def parse_per_file_ignores(
    value: str | Mapping[str, str | Sequence[str]], base: str, option: str
) -> PerFileIgnores:
    """flake8's text (``"tests/*:AEX101,AEX102 scripts/*.py:AEX1"``) or a TOML table of globs to
    codes, as ruff writes it; globs naming a path are taken from ``base``."""
    if isinstance(value, str):
        try:
            pairs: list[tuple[str, str | Sequence[str]]] = list(parse_files_to_codes_mapping(value))
        except ExecutionError:
            raise ValueError(f"{option}: expected 'glob:codes' pairs, got {value!r}") from None
    else:
        pairs = list(value.items())
    entries = []
    for glob, codes in pairs:
        pattern = glob.rstrip("/")
        if "/" in pattern or os.sep in pattern:
            pattern = os.path.abspath(os.path.join(base, pattern))
        # Other plugins' codes are theirs (flake8's config names E501, ASYNC100): taken as written.
        items = codes.split(",") if isinstance(codes, str) else codes
        entries.append((pattern, tuple(code.strip() for code in items if code.strip())))
    return PerFileIgnores(tuple(entries))


@dataclass(frozen=True)
class Selection:
    """The codes to act on. ``select=None`` means every code that is on by default."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    # One per source (the pyproject table, flake8's config); each adds its longest match's codes.
    per_file_ignores: tuple[PerFileIgnores, ...] = ()

    @property
    def selected(self) -> tuple[str, ...]:
        return (*(self.select or ()), *self.extend_select)

    @property
    def ignored(self) -> tuple[str, ...]:
        return (*self.ignore, *self.extend_ignore)

    def for_path(self, path: str) -> Selection:
        """The selection for the file at ``path``: its per-file ignores become ignores."""
        codes = tuple(code for source in self.per_file_ignores for code in source.codes_for(path))
        return replace(self, extend_ignore=(*self.extend_ignore, *codes), per_file_ignores=())

    def wants(self, code: str) -> bool:
        if code in OFF_BY_DEFAULT and not is_opted_in(code, self.selected):
            return False
        return not self.rules_out(code)

    def rules_out(self, code: str) -> bool:
        """Whether select/ignore exclude the code, the opt-in rule aside.

        For the plugin, where flake8 itself turns codes on and off and the project's table only
        narrows what is reported.
        """
        selected = _longest(code, self.selected)
        if self.select is not None and selected is None:
            return True
        ignored = _longest(code, self.ignored)
        return ignored is not None and not (selected is not None and len(selected) > len(ignored))


def checked_codes(value: str | Sequence[str], option: str) -> tuple[str, ...]:
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
