"""Rename: prepare (what would be renamed, refused with a reason where nothing may be), validate the
new name, and compute the edits per file across the program's included files.

Renamable: declarations and top-level variables, locals and parameters (one activation: a local
that shadows a global renames only the local), agent member functions, flows and `let` members,
enum variants, struct and protocol fields when every `x.field` in the program has a receiver of
known type. Refused: keywords, built-in (prelude) and std names, `self`/`result`/…, agent
property keys (their meaning is fixed by the property table), unresolved names, strings outside
their `#{…}` interpolations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import AGENT_MEMBERS, JOB_MEMBERS, TOOL_MEMBERS
from nexa_lang.keywords import CONTEXTUAL, RESERVED, TYPE_NAMES, is_identifier
from nexa_lang.model import Program, SourceFile
from nexa_lang.navigation import occurrence_at, occurrences_of
from nexa_lang.occurrences import Category, Denotes, Occurrence, Target, member_category, program_occurrences
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation


class RenameRefused(Exception):
    """Nothing may be renamed here; `message` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PrepareRename:
    span: Span  # the name to edit, in the analysed file
    placeholder: str


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass(eq=False)
class FileEdits:
    file: SourceFile
    edits: list[TextEdit] = field(default_factory=list)


def validate_new_name(name: str) -> str | None:
    """Why `name` cannot be a new name (an identifier that is not a reserved word, L§1.4), or None."""
    if name in RESERVED:
        return f"'{name}' is a reserved word"
    if name == "_":
        return "'_' is a wildcard, not a name"
    if not is_identifier(name):
        return f"'{name}' is not an identifier (ASCII letters, digits and '_', not starting with a digit)"
    return None


def prepare_rename(analysis: Analysis, offset: int) -> PrepareRename:
    """The name under `offset` and its text, or `RenameRefused` saying why it cannot be renamed."""
    occurrence = occurrence_at(analysis, offset)
    if occurrence is None:
        word = _word_at(analysis.file, offset)
        if word in RESERVED or word in CONTEXTUAL:
            raise RenameRefused(f"'{word}' is a keyword")
        if word and _after_dot(analysis.file, offset):
            if word in AGENT_MEMBERS or word in TOOL_MEMBERS or word in JOB_MEMBERS:
                raise RenameRefused(f"'{word}' is a built-in member (S§1.4)")
            raise RenameRefused(f"'{word}' is used through a value whose type is not known statically")
        raise RenameRefused("there is no name to rename here")
    _refuse_unrenamable(analysis.program, occurrence)
    return PrepareRename(occurrence.span, occurrence.target.name)


def rename(
    analysis: Analysis, offset: int, new_name: str, programs: Sequence[Program] = ()
) -> list[FileEdits]:
    """The edits, per file, that rename the thing under `offset` to `new_name` everywhere it occurs
    in the program (and, for globals, in `programs` that include this file and use the same one)."""
    occurrence = occurrence_at(analysis, offset)
    if occurrence is None:
        prepare_rename(analysis, offset)  # raises with the reason
        raise RenameRefused("there is no name to rename here")
    _refuse_unrenamable(analysis.program, occurrence)
    problem = validate_new_name(new_name)
    if problem is not None:
        raise RenameRefused(problem)
    target = occurrence.target
    if new_name == target.name:
        return []
    clash = _clash(analysis.program, target, new_name)
    if clash is not None:
        raise RenameRefused(clash)
    by_file: dict[int, FileEdits] = {}
    for found in occurrences_of(analysis.program, target, programs):
        text = f"{target.name}: {new_name}" if found.is_shorthand else new_name
        by_file.setdefault(id(found.file), FileEdits(found.file)).edits.append(TextEdit(found.span, text))
    return list(by_file.values())


def _refuse_unrenamable(program: Program, occurrence: Occurrence) -> None:
    target = occurrence.target
    name = target.name
    denotes = target.denotes
    if denotes is Denotes.PRELUDE:
        what = "type" if occurrence.category is Category.BUILTIN_TYPE else "name"
        raise RenameRefused(f"'{name}' is a built-in {what}")
    if denotes is Denotes.STD:
        raise RenameRefused(f"'{name}' is part of the standard library")
    if denotes is Denotes.SPECIAL:
        raise RenameRefused(f"'{name}' is provided by the language")
    if denotes is Denotes.UNRESOLVED:
        raise RenameRefused(f"'{name}' is not declared anywhere in the program")
    if denotes is Denotes.FILE:
        raise RenameRefused("an include path names a file; rename the file instead")
    if denotes is Denotes.METHOD:
        raise RenameRefused(
            f"'{name}' is a trait or impl method; renaming one is not supported (the trait and every "
            "impl would have to change together)"
        )
    if denotes is Denotes.FIELD:
        untyped = _untyped_member_uses(program, name)
        if untyped:
            file, span = untyped[0]
            where = f"line {file.line_of(span.start) + 1}" + (f" of {file.path}" if file.path else "")
            raise RenameRefused(
                f"'{name}' is also used through {len(untyped)} value(s) whose type is not known "
                f"statically (first at {where}); rename would miss them"
            )
    if denotes is Denotes.MEMBER and isinstance(target.owner, ast.AgentDecl):
        if member_category(target.owner, name) is Category.PROPERTY and target.owner.property(name):
            raise RenameRefused(f"'{name}' is an agent property key")
    if denotes is Denotes.GLOBAL and name in TYPE_NAMES and program.lookup(name) is None:
        raise RenameRefused(f"'{name}' is a built-in type")


def _untyped_member_uses(program: Program, name: str) -> list[tuple[SourceFile, Span]]:
    """The `x.name` accesses (in code and in `#{…}` paths) whose receiver's type the index could
    not resolve, so that a field or method rename cannot tell whether they mean it. A `#{…}` in a
    data string (a `fast_match` pattern, a colon-form property, … L§1.6.5) is text, not an access:
    it counts only when the scopes read its path, as for every evaluated string."""
    occurrences = program_occurrences(program)
    evaluated = program.scopes.by_span()
    found: list[tuple[SourceFile, Span]] = []
    for file in program.files:
        known = {o.span for o in occurrences.in_file(file)}
        for node in file.module.walk():
            if isinstance(node, ast.Member) and node.name == name and node.name_span not in known:
                found.append((file, node.name_span))
            elif (
                isinstance(node, ast.Interpolation)
                and f".{name}" in node.path
                and node.names
                and (id(file), node.names[0].span) in evaluated
            ):
                segments = node.path.replace(" ", "").split(".")
                if name in segments[1:] and not any(
                    node.span.start <= s.start and s.end <= node.span.end and file.text_of(s) == name
                    for s in known
                ):
                    found.append((file, node.span))
    return found


def _clash(program: Program, target: Target, new_name: str) -> str | None:
    """A reason the rename would change what some name means, or None."""
    denotes = target.denotes
    if denotes is Denotes.GLOBAL and program.lookup(new_name) is not None:
        return f"'{new_name}' is already declared in this program"
    if denotes is Denotes.LOCAL and isinstance(target.owner, Activation):
        if new_name in target.owner.locals:
            return f"'{new_name}' is already a local of this body"
    if denotes is Denotes.MEMBER and isinstance(target.owner, ast.AgentDecl):
        if member_category(target.owner, new_name) is not None:
            return f"'{new_name}' is already a member of agent {target.owner.name}"
    if denotes is Denotes.FIELD and isinstance(
        target.owner, ast.StructDecl | ast.ProtocolDecl | ast.EnumVariant
    ):
        if any(f.name == new_name for f in target.owner.fields):
            return f"'{new_name}' is already a field of {target.owner.name}"
    if denotes is Denotes.VARIANT and isinstance(target.owner, ast.EnumDecl):
        if any(v.name == new_name for v in target.owner.variants):
            return f"'{new_name}' is already a variant of enum {target.owner.name}"
    return None


_WORD_CHARS = re.compile(rb"[A-Za-z0-9_]")


def _after_dot(file: SourceFile, offset: int) -> bool:
    """The word under `offset` follows a `.` (a member name)."""
    source = file.source
    start = max(0, min(offset, len(source)))
    while start > 0 and _WORD_CHARS.fullmatch(source[start - 1 : start]):
        start -= 1
    return source[:start].rstrip(b" \t").endswith(b".")


def _word_at(file: SourceFile, offset: int) -> str:
    source = file.source
    start = end = max(0, min(offset, len(source)))
    while start > 0 and _WORD_CHARS.fullmatch(source[start - 1 : start]):
        start -= 1
    while end < len(source) and _WORD_CHARS.fullmatch(source[end : end + 1]):
        end += 1
    return source[start:end].decode("ascii", "replace")
