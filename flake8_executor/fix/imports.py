"""Every import the fixer adds or removes, decided and done in one place.

A rewrite says which modules its new code refers to (``asyncio``) and which imports it may have left
unused (``from time import sleep``); once a module's rewrites are done, the imports are settled here,
with libcst's own ``AddImportsVisitor`` and ``RemoveImportsVisitor``, and only when there is
something for them to do. Both visitors look at the whole module they are given, which costs
seconds on a big file, so they are given the head of the module (its leading import block and a
stand-in for the rest) whenever that is certain to decide the same (``import_block_stop``,
``unmentioned_after``); an ``ast`` walk proves the common case that every candidate is still used
(``removal_changes_nothing``), and CPython's NFKC reading of identifiers, which libcst lacks, is
guarded (``spelled_otherwise``).
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Callable

from flake8_executor.analysis.resolve import (
    ALIASED_MODULES,
    RUN_IN_THREADPOOL,
    imported_name,
    module_alias,
)
from flake8_executor.fix.fragments import statement_end, statement_start
from flake8_executor.fix.outcome import ImportKey, Outcome
from flake8_executor.fix.text import (
    line_starts,
    parse_module,
    parse_with_newline,
    split_lines,
    with_final_cr,
)
from flake8_executor.stdlib_modules import STDLIB_MODULES

if TYPE_CHECKING:
    import libcst as cst


def module_aliases(tree: ast.Module) -> dict[str, str]:
    """The name each of ``ALIASED_MODULES`` goes by in new code: its alias, else its own name;
    and Starlette's ``run_in_threadpool`` as the module imports it."""
    aliases = {name: module_alias(tree, name) or name for name in ALIASED_MODULES}
    aliases["run_in_threadpool"] = imported_name(tree, RUN_IN_THREADPOOL) or "run_in_threadpool"
    return aliases


def imports_needed(outcomes: Iterable[Outcome]) -> list[str]:
    """The modules the rewrites refer to by name, sorted."""
    return sorted({name for outcome in outcomes for name in outcome.imports_needed})


def imports_freed(outcomes: Iterable[Outcome]) -> list[ImportKey]:
    """Imports whose last use a rewrite may have replaced (``time`` after ``time.sleep``)."""
    return sorted({key for outcome in outcomes for key in outcome.imports_freed}, key=str)


def imports_to_add(tree: ast.Module, outcomes: Iterable[Outcome]) -> list[str]:
    """The modules the fixes use and the module does not import yet (rewrites leave imports be)."""
    return [name for name in imports_needed(outcomes) if module_alias(tree, name) != name]


def settle(text: str, outcomes: Sequence[Outcome], newline: str) -> tuple[str, ast.Module | None]:
    """Step 3 of a pass: the imports the rewrites need added, those they left unused removed.

    ``text`` is the rewritten text and ``outcomes`` say what each rewrite asked. Added imports go
    where isort puts them (``insert_imports``), else where libcst's ``AddImportsVisitor`` does;
    freed ones go when an ``ast`` walk cannot prove them still used and ``RemoveImportsVisitor``
    finds them unused. Both visitors get the module's head when that decides the same
    (``on_head``), else the whole text. Returns the text and its ``ast`` when it was parsed anyway
    (None otherwise: the text may not parse, and the check after this step says so).
    """
    needed, freed = imports_needed(outcomes), imports_freed(outcomes)
    if not needed and not freed:
        return text, None
    tree = _parsed(text)
    if tree is None:
        # Only for a text ``ast`` cannot read: libcst adds what the rewrites need (no alias can
        # be seen), and nothing is removed (nothing proves an import unused).
        if needed:
            text = _on_module(text, lambda module: add_imports(module, needed))
        return text, None
    to_add = imports_to_add(tree, outcomes)
    if to_add:
        first_block = not _leading_imports(tree.body)[1]
        placed = insert_imports(text, tree, to_add, newline)
        if placed is None:
            placed = add_on_head(text, _head_cut(text, tree), to_add, newline)
        if placed is None:
            placed = _on_module(text, lambda module: add_imports(module, to_add))
        text, tree = placed, _parsed(placed)
        if tree is None:
            return text, None
        if first_block:
            spaced = _two_blank_lines_before_def(text, tree, newline)
            if spaced != text:
                text, tree = spaced, _parsed(spaced)
                if tree is None:
                    return text, None
    if freed and not removal_changes_nothing(tree, freed):
        removed = remove_on_head(text, tree, freed, newline)
        if removed is None:
            candidates = removable(text, freed, tree)
            removed = text
            if candidates:
                removed = _on_module(text, lambda module: remove_unused_imports(module, candidates))
        if removed != text:
            text, tree = _comments_kept(text, removed, tree), None
    return text, tree


def _comments_kept(before: str, after: str, tree: ast.Module) -> str:
    """``after`` (``before`` less some imports) with the comment lines above a removed import back.

    libcst removes an import statement with the lines it owns, its leading comments among them;
    those often speak of more than the import (a section's heading). A comment on the import's own
    lines goes with it. ``tree`` is ``before``'s: it says which lines are imports.
    """
    old = io.StringIO(before, newline="").readlines()
    new = io.StringIO(after, newline="").readlines()
    own = {
        line
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for line in range(node.lineno - 1, node.end_lineno or node.lineno)
    }
    kept: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            free = [index for index in range(i1, i2) if index not in own]
            comments = [index for index in free if old[index].lstrip().startswith("#")]
            if comments:
                kept += [old[index] for index in free if index <= comments[-1]]
        if tag != "delete":
            kept += new[j1:j2]
    return "".join(kept)


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _head_cut(text: str, tree: ast.Module) -> int | None:
    """Where the head that decides what ``AddImportsVisitor`` does ends (``import_block_stop``)."""
    stop = import_block_stop(tree, split_lines(text))
    return None if stop is None else line_starts(text)[stop - 1]


def _on_module(text: str, change: Callable[[cst.Module], cst.Module]) -> str:
    """``change`` applied by libcst to the whole text, whatever newline libcst reads in it."""
    return with_final_cr(text, change(parse_module(text)).code)


def add_imports(module: cst.Module, names: Sequence[str]) -> cst.Module:
    """``import NAME`` for each name, at the end of the module's leading import block."""
    # libcst's codemod package costs a tenth of a second to import: only when there is work.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for name in names:
        AddImportsVisitor.add_needed_import(context, name)
    return AddImportsVisitor(context).transform_module(module)


def remove_unused_imports(module: cst.Module, candidates: Sequence[ImportKey]) -> cst.Module:
    """Drop the candidate imports that nothing in the module uses any more.

    ``RemoveImportsVisitor`` resolves every name's scope in the whole module, which takes seconds on
    a big file; ``removal_changes_nothing`` lets the caller skip it when an ``ast`` walk
    already proves every candidate still used.
    """
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext()
    for module_name, name, asname in candidates:
        RemoveImportsVisitor.remove_unused_import(context, module_name, name, asname)
    return RemoveImportsVisitor(context).transform_module(module).visit(_no_trailing_semicolon())


def _no_trailing_semicolon() -> cst.CSTTransformer:
    """``import os; import time`` less ``import time`` is ``import os``, not ``import os; ``.

    ``RemoveImportsVisitor`` drops a statement and leaves the semicolon before it; on a line of
    imports only, a semicolon that ends the line is dropped too. (Defined here: libcst is imported
    only when a file has something to fix.)
    """
    import libcst as cst

    class NoTrailingSemicolon(cst.CSTTransformer):
        def leave_SimpleStatementLine(
            self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
        ) -> cst.SimpleStatementLine:
            body = updated_node.body
            if not body or not all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in body):
                return updated_node
            last = body[-1]
            if isinstance(last.semicolon, cst.Semicolon):
                last = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                return updated_node.with_changes(body=[*body[:-1], last])
            return updated_node

    return NoTrailingSemicolon()


def import_block_stop(tree: ast.Module, lines: Sequence[str]) -> int | None:
    """The line where ``AddImportsVisitor`` stops looking: that of the first non-import statement.

    It inserts after the leading block of imports (past a docstring) and puts a blank line before
    the statement that follows; what that statement is beyond "not an import" does not matter, so a
    ``pass`` on its line stands in for it (it is often a class of a thousand lines). Lines before
    it decide everything. None when there is no such statement, or its line is not its own.
    """
    body = tree.body
    index = next(
        (
            position
            for position in range(1, len(body))
            if not isinstance(body[position], (ast.Import, ast.ImportFrom))
        ),
        None,
    )
    if index is None:
        return None
    while index > 0 and statement_end(body[index - 1])[0] >= statement_start(body[index])[0]:
        index -= 1  # ``import a; x = 1``: the line is the statement
    first = statement_start(body[index])[0]
    if statement_start(body[index])[1] != 0 or (first > 1 and lines[first - 2].endswith("\\")):
        return None
    return first


def removable(
    text: str, candidates: list[ImportKey], tree: ast.Module | None = None
) -> list[ImportKey]:
    """The candidates ``RemoveImportsVisitor`` may judge: not those it cannot see in use, nor
    those the user keeps on purpose (``kept_on_purpose``)."""
    if not candidates:
        return []
    kept = set(spelled_otherwise(text, candidates)) | kept_on_purpose(text, candidates, tree)
    return [candidate for candidate in candidates if candidate not in kept]


def kept_on_purpose(
    text: str, candidates: Sequence[ImportKey], tree: ast.Module | None = None
) -> set[ImportKey]:
    """Candidates the user means to keep, or uses where libcst's scope analysis does not look.

    An explicit re-export (``import x as x``, ``from m import y as y``) or an import marked
    ``# noqa`` (F401 or blanket); a name written in any string (``__all__`` however it is built:
    ``+``, ``+=``, ``.extend``, ``.append``; a string annotation or ``TypeAlias``) or in a
    ``# type:`` comment. A text search errs only towards keeping an import.
    """
    if tree is None:  # ``text``'s tree, when the caller has not parsed it already
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return set(candidates)
    lines = io.StringIO(text, newline="").readlines()
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    type_comments = [line for line in lines if re.search(r"#\s*type:", line)]
    kept = set()
    for candidate in candidates:
        word = _word(_bound_name(candidate))
        if any(word.search(string) for string in strings) or any(
            word.search(comment) for comment in type_comments
        ):
            kept.add(candidate)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        marked = any(
            _NOQA_F401.search(line)
            for line in lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        )
        for alias in node.names:
            for candidate in candidates:
                if _imports_candidate(node, alias, candidate) and (
                    marked or alias.asname == alias.name.rpartition(".")[2]
                ):
                    kept.add(candidate)
    return kept


# A noqa comment that covers F401 (unused import): blanket, or naming F401 or a prefix of it.
_NOQA_F401 = re.compile(r"#\s*noqa(?!:)|#\s*noqa:[\s,]*(?:[A-Z]+[0-9]*[\s,]+)*F4?0?1?\b", re.I)


def _imports_candidate(
    node: ast.Import | ast.ImportFrom, alias: ast.alias, candidate: ImportKey
) -> bool:
    module, name, asname = candidate
    if isinstance(node, ast.Import):
        return name is None and alias.name == module and alias.asname == asname
    module_here = "." * node.level + (node.module or "")
    return module_here == module and alias.name == name and alias.asname == asname


def remove_on_head(
    text: str, tree: ast.Module, candidates: list[ImportKey], newline: str
) -> str | None:
    """``remove_unused_imports`` on the text, on its head only when that is the same.

    The scope analysis behind it costs seconds on a big module. When no name a candidate binds
    occurs below the leading import block (``unmentioned_after``), nothing there can use
    or bind it, so the visitor decides the same on the head alone (``on_head``). None when libcst
    reads the text otherwise.
    """
    candidates = removable(text, candidates, tree)
    if not candidates:
        return text
    stop = import_block_stop(tree, split_lines(text))
    cut = None
    if stop is not None:
        cut = line_starts(text)[stop - 1]
        if not unmentioned_after(text[cut:], candidates):
            cut = None
    return on_head(text, cut, newline, lambda module: remove_unused_imports(module, candidates))


def insert_imports(text: str, tree: ast.Module, names: Sequence[str], newline: str) -> str | None:
    """``import NAME`` for each name, where isort and ruff's ``I`` rules put it.

    A standard-library name goes into the standard-library section of the leading import block,
    among its ``import x`` statements in alphabetical order, before its ``from x import y`` ones
    (isort's defaults); a third-party one (anyio) likewise into the section that already imports
    from it, else the third-party section, else a new section after the standard library's. With
    no standard-library section, a new one before the first section (after a docstring and
    ``__future__`` imports), followed by a blank line. Never anywhere else (not under
    ``if TYPE_CHECKING:``). A file whose leading imports are not plain, one statement per line,
    gets None, and the caller falls back to libcst's ``AddImportsVisitor``.
    """
    for number, name in enumerate(sorted(names)):
        if number:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                return None
        inserted = _insert_one(text, tree, name, newline)
        if inserted is None:
            return None
        text = inserted
    return text


def _leading_imports(body: Sequence[ast.stmt]) -> tuple[int, list[ast.Import | ast.ImportFrom]]:
    """Where the module's import block begins (past a docstring and ``__future__`` imports), and
    its imports up to the first other statement (none: the module has no import block)."""
    index = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        index = 1  # the docstring
    while index < len(body) and _is_future(body[index]):
        index += 1
    run: list[ast.Import | ast.ImportFrom] = []
    for statement in body[index:]:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)) or _is_future(statement):
            break
        run.append(statement)
    return index, run


def _two_blank_lines_before_def(text: str, tree: ast.Module, newline: str) -> str:
    """The text with two blank lines after its import block when a top-level def or class follows.

    For an import block the fixer made (the module had none), whose placement is libcst's: it
    leaves one blank line, where pycodestyle (E302) and isort want two before a def or a class.
    """
    index, run = _leading_imports(tree.body)
    following = tree.body[index + len(run)] if index + len(run) < len(tree.body) else None
    if not run or not isinstance(following, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return text
    lines = io.StringIO(text, newline="").readlines()
    end = statement_end(run[-1])[0]  # the block's last line; the lines after it start at ``end``
    blank = 0
    while end + blank < len(lines) and not lines[end + blank].strip():
        blank += 1
    if blank >= 2 or end + blank >= statement_start(following)[0]:
        return text  # two already, or the def shares the import's line (``import a; def``)
    lines[end:end] = [newline] * (2 - blank)
    return "".join(lines)


def _insert_one(text: str, tree: ast.Module, name: str, newline: str) -> str | None:
    stdlib = name in STDLIB_MODULES
    lines = io.StringIO(text, newline="").readlines()
    _, run = _leading_imports(tree.body)
    if not run or not _own_lines(run, lines):
        return None
    blocks = _blocks(run, lines)
    if not stdlib:
        # A third-party module (anyio) goes into the section that already imports from it, else
        # into the third-party one, else a new one after the standard library's. The module may
        # import it where it is no use at run time (under ``if TYPE_CHECKING:``): not there.
        section = next((block for block in blocks if any(_from(s, name) for s in block)), None)
        if section is None:
            section = next((block for block in blocks if all(map(_is_third_party, block))), None)
        if section is not None:
            lines.insert(_position_in(section, name), f"import {name}{newline}")
            return "".join(lines)
        if any(_is_third_party(statement) for statement in run):
            return None  # sections mixed in one block: libcst's place, at the block's end
        standard = [block for block in blocks if all(map(_is_stdlib, block))]
        if not standard:
            return None
        after = statement_end(standard[-1][-1])[0]
        # A blank line after the new section too, unless one is there (before the next section).
        gap = newline if after < len(lines) and lines[after].strip() else ""
        lines.insert(after, f"{newline}import {name}{newline}{gap}")
        return "".join(lines)
    section = next((block for block in blocks if all(map(_is_stdlib, block))), None)
    if section is None:
        lines.insert(statement_start(run[0])[0] - 1, f"import {name}{newline}{newline}")
    else:
        lines.insert(_position_in(section, name), f"import {name}{newline}")
    return "".join(lines)


def _from(statement: ast.Import | ast.ImportFrom, name: str) -> bool:
    """Whether the statement imports the top-level package ``name`` or something in it."""
    if isinstance(statement, ast.ImportFrom):
        return not statement.level and (statement.module or "").partition(".")[0] == name
    return any(alias.name.partition(".")[0] == name for alias in statement.names)


def _is_future(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.ImportFrom) and statement.module == "__future__"


def _is_third_party(statement: ast.Import | ast.ImportFrom) -> bool:
    """An absolute import of something outside the standard library (a first-party one too)."""
    if isinstance(statement, ast.ImportFrom) and statement.level:
        return False
    return not _is_stdlib(statement)


def _module_of(statement: ast.Import | ast.ImportFrom) -> str:
    if isinstance(statement, ast.Import):
        return statement.names[0].name
    return "." * statement.level + (statement.module or "")


def _is_stdlib(statement: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(statement, ast.ImportFrom) and statement.level:
        return False
    return all(
        alias.name.partition(".")[0] in STDLIB_MODULES
        for alias in (statement.names if isinstance(statement, ast.Import) else [])
    ) and (
        not isinstance(statement, ast.ImportFrom)
        or (statement.module or "").partition(".")[0] in STDLIB_MODULES
    )


def _own_lines(run: Sequence[ast.stmt], lines: Sequence[str]) -> bool:
    """Each statement starts a line of its own at column 0 and ends its last line (bar a comment)."""
    previous_end = 0
    for statement in run:
        start, end = statement_start(statement), statement_end(statement)
        if start[1] != 0 or start[0] <= previous_end:
            return False
        rest = lines[end[0] - 1][end[1] :] if end[0] <= len(lines) else ""
        if rest.strip() and not rest.strip().startswith("#"):
            return False
        previous_end = end[0]
    return True


def _blocks(
    run: Sequence[ast.Import | ast.ImportFrom], lines: Sequence[str]
) -> list[list[ast.Import | ast.ImportFrom]]:
    """The run split where a blank line separates two statements (isort's sections)."""
    blocks: list[list[ast.Import | ast.ImportFrom]] = [[run[0]]]
    for previous, statement in zip(run, run[1:]):
        between = lines[statement_end(previous)[0] : statement_start(statement)[0] - 1]
        if any(not line.strip() for line in between):
            blocks.append([])
        blocks[-1].append(statement)
    return blocks


def _position_in(block: Sequence[ast.Import | ast.ImportFrom], name: str) -> int:
    """The index into the lines where ``import name`` goes in a standard-library block."""
    key = name.lower()
    plain = [statement for statement in block if isinstance(statement, ast.Import)]
    for statement in plain:
        if _module_of(statement).lower() > key:
            return statement_start(statement)[0] - 1
    if plain:
        return statement_end(plain[-1])[0]
    return statement_start(block[0])[0] - 1


def add_on_head(text: str, cut: int | None, names: list[str], newline: str) -> str | None:
    """``add_imports`` on the text's head only: up to ``cut`` (see ``on_head``)."""
    return on_head(text, cut, newline, lambda module: add_imports(module, names))


def on_head(
    text: str, cut: int | None, newline: str, change: Callable[[cst.Module], cst.Module]
) -> str | None:
    """``change`` applied by libcst to the text up to ``cut`` plus a stand-in; the rest unparsed.

    ``cut`` is where the first statement after the import block begins; a ``pass`` stands in for
    that statement (``import_block_stop``). None for ``cut`` means the whole text. The
    result is None when libcst reads the head otherwise, or the change reached the stand-in.
    """
    head, stand_in, tail = (
        (text, "", "") if cut is None else (text[:cut], "pass" + newline, text[cut:])
    )
    module = parse_with_newline(head + stand_in, newline)
    if module is None:
        return None
    code = change(module).code
    if not code.endswith(stand_in):
        return None
    return with_final_cr(text, code[: len(code) - len(stand_in)] + tail)


# Nodes that open a scope of their own: a name bound inside is not the module's.
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_MATCH_NAMES = tuple(
    node_type
    for node_type in (getattr(ast, "MatchAs", None), getattr(ast, "MatchStar", None))
    if node_type is not None
)
_MATCH_MAPPING = getattr(ast, "MatchMapping", None)


def _matching_imports(tree: ast.Module, candidates: Sequence[ImportKey]) -> set[str] | None:
    """The names bound by the imports ``RemoveImportsVisitor`` would consider; None if dotted.

    It matches as that visitor does: ``import M [as A]`` by module and alias (one alias per module,
    the last candidate's), ``from M import O [as A]`` by absolute module, name and alias.
    """
    modules = {module: asname for module, name, asname in candidates if name is None}
    objects: dict[str, set[tuple[str, str | None]]] = {}
    for module, name, asname in candidates:
        if name is not None:
            objects.setdefault(module, set()).add((name, asname))
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules and alias.asname == modules[alias.name]:
                    bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in objects:
            for alias in node.names:
                if (alias.name, alias.asname) in objects[node.module]:
                    bound.add(alias.asname or alias.name)
    if any("." in name for name in bound):  # ``import a.b``: names and accesses are dotted
        return None
    return bound


def _bound_name(candidate: ImportKey) -> str:
    """The name an import binds; ``import a.b`` binds ``a`` (and is read as ``a.b``)."""
    module, name, asname = candidate
    return asname or name or module.partition(".")[0]


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def spelled_otherwise(text: str, candidates: Sequence[ImportKey]) -> list[ImportKey]:
    """The candidates whose name the text also writes in other letters that CPython reads as it.

    CPython reads identifiers NFKC-normalised (``\uff54\uff49\uff4d\uff45`` is ``time``); libcst
    does not, so its scope analysis misses such a use and ``RemoveImportsVisitor`` would remove an
    import still in use. Those candidates must not be offered to it.
    """
    if text.isascii():
        return []
    normalized = unicodedata.normalize("NFKC", text)
    found = []
    for candidate in candidates:
        word = _word(_bound_name(candidate))
        if len(word.findall(normalized)) > len(word.findall(text)):
            found.append(candidate)
    return found


def unmentioned_after(tail: str, candidates: Sequence[ImportKey]) -> bool:
    """True when no name a candidate import binds occurs in ``tail``, in code, string or comment.

    Then nothing in ``tail`` can read, bind, import, export (``__all__``) or annotate (a string
    annotation) the names those imports bind: libcst's scope analysis finds no access there. A text
    search is coarser than any analysis, and errs only towards "mentioned". Identifiers are read
    NFKC-normalised, as CPython reads them.
    """
    if not tail.isascii():
        tail += "\n" + unicodedata.normalize("NFKC", tail)
    return not any(_word(_bound_name(candidate)).search(tail) for candidate in candidates)


def removal_changes_nothing(tree: ast.Module, candidates: Sequence[ImportKey]) -> bool:
    """True when ``RemoveImportsVisitor`` would surely keep every candidate import.

    It keeps an import that libcst's scope analysis finds referenced. The proof here is the
    simplest one that holds for that analysis: every matching import binds its name at module
    level, nothing binds that name in any function, class, lambda or comprehension (so every use
    of it resolves to the module's bindings), and the name is read somewhere inside a function
    body (a use in a nested scope counts for every module-level binding, wherever it is). Anything
    else is False, and the caller runs the visitor.
    """
    names = _matching_imports(tree, candidates)
    if names is None:
        return False
    if not names:
        return True  # no import matches: the visitor has nothing to remove
    read: set[str] = set()
    # (node, inside a scope other than the module's, inside a function body)
    stack: list[tuple[ast.AST, bool, bool]] = [(tree, False, False)]
    while stack:
        node, nested, in_function = stack.pop()
        if isinstance(node, ast.Name):
            if node.id in names:
                if isinstance(node.ctx, ast.Load):
                    if in_function:
                        read.add(node.id)
                elif nested:
                    return False
            continue
        if _binds_in_scope(node, names, nested):
            return False
        if isinstance(node, _SCOPES):
            for name, value in ast.iter_fields(node):
                inside = in_function or (name == "body" and isinstance(node, _FUNCTIONS))
                children = value if isinstance(value, list) else [value]
                stack.extend(
                    (child, True, inside) for child in children if isinstance(child, ast.AST)
                )
            continue
        stack.extend((child, nested, in_function) for child in ast.iter_child_nodes(node))
    return read == names


def _binds_in_scope(node: ast.AST, names: set[str], nested: bool) -> bool:
    """Whether ``node`` binds one of ``names`` where libcst would not see the module's binding."""
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return any(name in names for name in node.names)
    if isinstance(node, ast.alias):
        if any(node.name.startswith(f"{name}.") for name in names):
            return True  # ``import name.sub`` makes ``name.sub.x`` resolve to another binding
        return nested and (node.asname or node.name.partition(".")[0]) in names
    if not nested:
        return False
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name in names
    if isinstance(node, ast.arg):
        return node.arg in names
    if isinstance(node, ast.ExceptHandler):
        return node.name in names
    if _MATCH_NAMES and isinstance(node, _MATCH_NAMES):
        return getattr(node, "name", None) in names
    if _MATCH_MAPPING is not None and isinstance(node, _MATCH_MAPPING):
        return getattr(node, "rest", None) in names
    return False
