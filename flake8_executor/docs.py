"""Each code's documentation laid out for people: ``--explain``, ``--list-codes`` and ``docs/``.

The text is written once, beside the rule that reports the code (``Docs`` in ``rules/base.py``);
this module only lays it out, for a terminal (as ``ruff rule`` does) and for the pages of ``docs/``
and README's codes table (``scripts/generate_docs.py``), so they cannot drift apart. It imports no
libcst: the docs need none of the fixer.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from flake8_executor import catalog
from flake8_executor.rules.base import Code
from flake8_executor.rules.registry import CODES

# The docs' prose is wrapped at this width (ruff format's line length).
WIDTH = 100
# A word that, at the start of a line, would make markdown read a list item, a quote, a heading,
# a setext underline, a code fence or an HTML block instead of the paragraph's next words.
_OPENS_A_BLOCK = re.compile(r"(?:[+*]|-+|=+|#{1,6}|\d{1,9}[.)])$|>|```|~~~|<")

# The fixtures' ``# error: AEX100`` comment (and the rest of its line): the tests read it, a reader
# of the docs needs none.
_MARKER = re.compile(r"[ \t]*#\s*error:\s*AEX\d{3}(?:\s*,\s*AEX\d{3})*.*$", re.MULTILINE)


class UnknownCode(ValueError):
    """A code that no rule declares; ``str()`` is the one-line message, with the known codes."""


def lookup(code: str) -> Code:
    """The declaration of ``code``, written in any case (``aex105``)."""
    found = CODES.get(code.strip().upper())
    if found is None:
        raise UnknownCode(f"unknown code {code!r} (known: {', '.join(CODES)})")
    return found


def without_markers(source: str) -> str:
    """The module without its ``# error:`` comments: the code a reader sees."""
    return _MARKER.sub("", source)


def shown_example(source: str) -> str:
    """An example as printed: without the markers the tests read, nor surrounding blank lines."""
    return without_markers(_block(source))


def _block(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _prose(text: str) -> str:
    """Prose wrapped at ``WIDTH``, as the hand-written docs are; markdown renders it the same.

    Only one-line paragraphs are wrapped (one with line breaks of its own keeps them: it may be a
    list). A word that would open a list, a quote, a heading or a code fence at the start of a line
    stays on the line before it.
    """
    paragraphs = []
    for paragraph in textwrap.dedent(text).strip().split("\n\n"):
        if "\n" in paragraph:
            paragraphs.append(paragraph)
            continue
        lines: list[str] = []
        for word in paragraph.split():
            if lines and (len(lines[-1]) + 1 + len(word) <= WIDTH or _OPENS_A_BLOCK.match(word)):
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _python(source: str) -> str:
    return f"```python\n{shown_example(source)}\n```"


def explain(code: str) -> str:
    """A code's docs for the terminal, in ruff's parts (what, why, example, use instead, fix).

    The docs link the other pages as ``docs/codes/`` sees them (``../fixer.md``); out of that
    folder (a terminal, a hover, SARIF) the links name them from the repository's root.
    """
    return _page(code).replace("](../", "](docs/")


def _page(code: str) -> str:
    info = lookup(code)
    docs = info.docs
    fix = _prose(docs.fix)
    if not info.default_on:
        fix += f"\n\nOff by default: enable with --extend-select={info.code}"
    parts = [
        f"# {info.code}: {info.summary}",
        f"## What it does\n{_prose(docs.what)}",
        f"## Why is this bad?\n{_prose(docs.why)}",
        f"## Example\n{_python(docs.example)}",
        f"## Use instead\n{_python(docs.use_instead)}",
        f"## Fix\n{fix}",
    ]
    return "\n\n".join(parts)


def list_codes() -> str:
    """One line per code, in aligned columns: code, summary, on or off by default, the fix."""
    rows = [("code", "summary", "default", "fix")] + [
        (info.code, info.summary, "on" if info.default_on else "off", info.fix)
        for info in CODES.values()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[3]]).rstrip()
        for row in rows
    )


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, each space a hyphen.

    Punctuation is every character that is not a letter, a digit, ``-``, ``_`` or a space, and
    the backticks of inline code go with it: "AEX101 `time.sleep`" -> "aex101-timesleep". GitHub
    adds ``-1``, ``-2``... to a repeated anchor.
    """
    kept = (char for char in heading.strip().lower() if char.isalnum() or char in "-_ ")
    return "".join(kept).replace(" ", "-")


def _cell(text: str) -> str:
    """Text for a markdown table cell: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


# -- the reference in docs/, generated by scripts/generate_docs.py ---------------------------------

# A page (or a part of one) written by the generator says so at its top: edit the rules' docs.
GENERATED_NOTE = (
    "<!-- generated by scripts/generate_docs.py from the rules' docs (flake8_executor/rules/); "
    "do not edit -->"
)

# The codes that other linters report for the same calls, so that users of both can ignore one
# side. ruff's ASYNC2xx rules are ports of flake8-async's; ASYNC212 is in ruff's preview. Each
# overlaps only in part: the AEX code covers more libraries (databases, sockets, helpers).
PEER_CODES: dict[str, tuple[str, str]] = {
    # code: (ruff, flake8-async)
    "AEX100": ("ASYNC210, ASYNC212 (preview)", "ASYNC210, ASYNC211, ASYNC212"),
    "AEX101": ("ASYNC251", "ASYNC251"),
    "AEX102": ("ASYNC220, ASYNC221, ASYNC222", "ASYNC220, ASYNC221, ASYNC222"),
    "AEX103": ("ASYNC230", "ASYNC230"),
    "AEX106": ("ASYNC250", "ASYNC250"),
}


def code_page(code: str) -> str:
    """``docs/codes/AEXnnn.md``: the code's docs as ``--explain`` prints them (they are markdown),
    and the way back to the index."""
    return f"{GENERATED_NOTE}\n\n{_page(code)}\n\n[All codes](README.md)\n"


def codes_table(link_prefix: str) -> str:
    """One row per code: its page (``link_prefix`` + ``AEX100.md``), its summary and its fix."""
    rows = [
        "| code | what | fix by `executor-fix` |",
        "|---|---|---|",
        *(
            f"| [{info.code}]({link_prefix}{info.code}.md) | "
            f"{'(off by default) ' * (not info.default_on)}{_cell(info.summary)} | "
            f"{_cell(info.fix)} |"
            for info in CODES.values()
        ),
    ]
    return "\n".join(rows)


def peers_table() -> str:
    """The AEX codes beside ruff's and flake8-async's codes for the same calls."""
    rows = ["| code | ruff | flake8-async |", "|---|---|---|"]
    rows += [
        f"| [{code}]({code}.md) | {ruff} | {flake8_async} |"
        for code, (ruff, flake8_async) in PEER_CODES.items()
    ]
    return "\n".join(rows)


def codes_index() -> str:
    """``docs/codes/README.md``: every code, and the codes of ruff and flake8-async it overlaps."""
    return (
        f"{GENERATED_NOTE}\n\n# Codes\n\n"
        + _prose(
            "`executor-fix --explain AEX105` prints a code's page in the terminal and "
            "`executor-fix --list-codes` lists them all. Which calls count as on the event loop: "
            "[on the loop](../on-the-loop.md)."
        )
        + "\n\n"
        f"{codes_table('')}\n\n"
        "## Beside ruff and flake8-async\n\n"
        + _prose(
            "ruff's `ASYNC` rules and flake8-async report some of the same calls. With both tools "
            "on, ignore one side's codes so that a call is reported once: `extend-ignore = "
            'AEX101,AEX106` in flake8\'s configuration, or `lint.extend-ignore = ["ASYNC251", '
            '"ASYNC250"]` in ruff\'s. The overlap is partial: the AEX codes also cover database '
            "drivers, sockets, `http.client`, thread waits and the helpers that reach such calls."
        )
        + f"\n\n{peers_table()}\n"
    )


def readme_table() -> str:
    """README's codes table: it links each code to its page in ``docs/codes/``."""
    return codes_table("docs/codes/") + "\n"


def updated_part(text: str, name: str, part: str) -> str:
    """``text`` with its part called ``name`` (between its two markers) replaced by ``part``.

    Raises ``ValueError`` when the pair of markers is missing or out of order: the generator
    must never guess where the hand-written text ends.
    """
    begin_marker, end_marker = markers(name)
    begin = text.find(begin_marker)
    end = text.find(end_marker)
    if begin < 0 or end < begin:
        raise ValueError(f"no {begin_marker!r} ... {end_marker!r} block")
    head = text[: begin + len(begin_marker)]
    return f"{head}\n\n{part}\n{text[end:]}"


def markers(name: str) -> tuple[str, str]:
    """The comments around a generated part of a hand-written page."""
    return (
        f"<!-- begin: {name}, generated by scripts/generate_docs.py -->",
        f"<!-- end: {name}, generated by scripts/generate_docs.py -->",
    )


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def catalog_sections() -> str:
    """``docs/catalog.md``'s generated part: per domain, every blocking callable with its kind and
    source, then the objects the engine tracks and what makes them; read from ``catalog.py`` so it
    cannot drift."""
    rows: dict[catalog.Domain, list[tuple[str, str, str]]] = {d: [] for d in catalog.Domain}
    counts: dict[catalog.Domain, int] = {d: 0 for d in catalog.Domain}
    grouped: dict[tuple[catalog.Domain, str, str, str], list[str]] = {}
    for name, entry in catalog.CALLS.items():
        domain = entry.domain or catalog.Domain.WAITS
        counts[domain] += 1
        module, _, last = name.rpartition(".")
        key = (domain, module or "builtins", _kind_cell(entry), entry.source)
        grouped.setdefault(key, []).append(last)
    for (domain, module, kind, source), lasts in grouped.items():
        shown = f"`{lasts[0]}`" if module == "builtins" and len(lasts) == 1 else None
        rows[domain].append((shown or f"`{module}`: {_names(lasts)}", kind, source))
    by_type: dict[tuple[catalog.Domain, str, str, str], list[str]] = {}
    for (owner, method), entry in catalog.METHODS.items():
        domain = entry.domain or catalog.Domain.WAITS
        counts[domain] += 1
        by_type.setdefault((domain, owner, _kind_cell(entry), entry.source), []).append(method)
    for (domain, owner, kind, source), methods in by_type.items():
        rows[domain].append((f"methods of `{owner}`: {_names(methods)}", kind, source))
    for owner, (entry, builders) in catalog.ANY_METHOD.items():
        domain = entry.domain or catalog.Domain.WAITS
        counts[domain] += 1
        but = ""
        if builders:
            sources = ", ".join(sorted(set(builders.values())))
            but = f" but the builders {_names(sorted(builders))} ({sources})"
        rows[domain].append((f"every method of `{owner}`{but}", entry.kind.value, entry.source))
    parts = [
        "| domain | entries |\n|---|---|\n"
        + "\n".join(f"| {domain.value} | {counts[domain]} |" for domain in catalog.Domain)
    ]
    for domain in catalog.Domain:
        table = ["| callables | kind | source |", "|---|---|---|"]
        table += [f"| {_cell(what)} | {kind} | {source} |" for what, kind, source in rows[domain]]
        title = domain.value[0].upper() + domain.value[1:]
        parts.append(f"### {title} ({counts[domain]})\n\n" + "\n".join(table))
    parts.append(_tracked_objects())
    sources = "\n".join(f"- **{key}**: {text}" for key, text in catalog.SOURCES.items())
    parts.append(f"Sources:\n\n{sources}")
    return "\n\n".join(parts) + "\n"


def _kind_cell(entry: catalog.Entry) -> str:
    """The kind, and when the call is reported only on evidently large input (docs/precision.md)."""
    if entry.data_arg >= 0:
        return f"`{entry.kind.value}`, on large input"
    return f"`{entry.kind.value}`"


def _tracked_objects() -> str:
    """Each tracked type and what gives one: constructors, methods, calls, subscripts, attributes."""
    made: dict[str, list[str]] = {}
    for name, type_ in catalog.CONSTRUCTORS.items():
        made.setdefault(type_, []).append(f"`{name}()`")
    for (owner, method), type_ in catalog.RETURNS.items():
        if owner != type_:
            made.setdefault(type_, []).append(f"`{owner}.{method}()`")
    for owner, type_ in catalog.CALL_RETURNS.items():
        made.setdefault(type_, []).append(f"calling a `{owner}`")
    for owner, type_ in catalog.SUBSCRIPT_TYPES.items():
        made.setdefault(type_, []).append(f"`{owner}[...]`")
    for owner, type_ in catalog.ANY_ATTRIBUTE_TYPES.items():
        if owner != type_:
            made.setdefault(type_, []).append(f"`{owner}.<name>`")
    annotated = {type_ for type_ in catalog.ANNOTATION_TYPES.values()}
    table = ["| object | made by | annotation |", "|---|---|---|"]
    for type_ in sorted(made):
        table.append(
            f"| `{type_}` | {_cell(', '.join(made[type_]))} | "
            f"{'yes' if type_ in annotated else ''} |"
        )
    return "### Tracked objects\n\n" + "\n".join(table)
