"""Rename: prepare (what would be renamed, refused with a reason where nothing may be), validate the
new name, and compute the edits per file across the program's included files.

Renamable: declarations and top-level variables, locals and parameters (one activation: a local
that shadows a global renames only the local), agent member functions, flows and `let` members,
enum variants, struct and protocol fields when every `x.field` in the program has a receiver of
known type. Refused: keywords, built-in (prelude) and std names, `self`/`result`/…, agent
property keys (their meaning is fixed by the property table), unresolved names, strings outside
their `#{…}` interpolations.

A rename never changes what a name resolves to (L§6: a local hides an outer name in its whole
body). It is refused when the new name is already used, where the renamed thing would become
visible, for something else (a local renamed to a global, built-in, member or outer local that its
body uses; a global renamed to a built-in or undeclared name the program uses), or when a use of
the renamed thing would find an inner binding of the new name first (a global renamed to a local
of a body that uses it, an outer local renamed to a lambda parameter where the lambda uses it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import AGENT_MEMBERS, JOB_MEMBERS, TOOL_MEMBERS
from nexa_lang.keywords import CONTEXTUAL, RESERVED, TYPE_NAMES, is_identifier
from nexa_lang.model import Program, SourceFile, Workspace
from nexa_lang.navigation import definitions_of, occurrence_at, occurrences_of
from nexa_lang.occurrences import (
    Category,
    Denotes,
    Occurrence,
    Target,
    declaring_activation,
    enclosing_agent,
    member_category,
    program_occurrences,
)
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation, Reference, Resolution


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
    clash = _clash(analysis.program, target, new_name) or _capture(
        analysis.program, target, new_name, programs
    )
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


def _capture(program: Program, target: Target, new_name: str, programs: Sequence[Program]) -> str | None:
    """A reason the rename would make some name resolve to another declaration, or None.

    A local hides every outer name in its whole body (L§6, D22: blocks do not scope), so a name
    may only become a local or a global where no use of the new name means something else, and
    where no use of the renamed thing would then find an inner binding of the new name first."""
    if target.denotes is Denotes.LOCAL and isinstance(target.owner, Activation):
        return _local_capture(program, target.owner, target.name, new_name)
    if target.denotes is Denotes.GLOBAL:
        home = _locations(program, target)
        for other in (program, *programs):
            if other is not program and (not home or _locations(other, target) != home):
                continue  # a program that does not use this declaration
            reason = _global_capture(other, target.name, new_name)
            if reason is not None:
                return reason
    return None


def _local_capture(program: Program, owner: Activation, old: str, new: str) -> str | None:
    if new in owner.specials:
        return f"'{new}' is provided by the language in {_body_name(owner)}"
    for ref in program.scopes.named(new):
        chain = _chain_inside(ref.activation, owner)
        if chain is not None and _binder(chain, new) is None:  # it means something outside `owner`
            return (
                f"'{new}' is used in {_body_name(owner)} to refer to {_meaning(program, ref)} "
                f"({_where(ref)}); the renamed local would hide it"
            )
    for ref in program.scopes.named(old):
        chain = _chain_inside(ref.activation, owner)
        if ref.resolution is not Resolution.LOCAL or chain is None or _binder(chain, old) is not None:
            continue  # not a use of the renamed local
        inner = _binder(chain, new)
        if inner is not None:
            return (
                f"'{new}' is already a local of {_body_name(inner)}, which uses '{old}' "
                f"({_where(ref)}); that use would then mean the inner '{new}'"
            )
    return None


def _global_capture(program: Program, old: str, new: str) -> str | None:
    if program.lookup(new) is not None:
        return f"'{new}' is already declared in this program"
    for ref in program.scopes.named(new):
        # A member found only by its unique name (a route target, D70) gives way to a global too.
        by_unique_name = ref.resolution is Resolution.MEMBER and enclosing_agent(ref.activation) is None
        if ref.resolution in (Resolution.PRELUDE, Resolution.UNRESOLVED) or by_unique_name:
            return (
                f"'{new}' is used in this program to refer to {_meaning(program, ref)} "
                f"({_where(ref)}); the renamed declaration would take its place"
            )
    for ref in program.scopes.named(old):
        if ref.resolution is not Resolution.GLOBAL:
            continue
        chain = [a for a in _chain_inside(ref.activation, None) or [] if a.kind != "top"]
        inner = _binder(chain, new)
        if inner is not None:
            return (
                f"'{new}' is already a local of {_body_name(inner)}, which uses the global '{old}' "
                f"({_where(ref)}); that use would then mean the local"
            )
        agent = enclosing_agent(ref.activation)
        if agent is not None and member_category(agent, new) is not None:
            return (
                f"'{new}' is a member of agent {agent.name}, which uses the global '{old}' "
                f"({_where(ref)}); that use would then mean the member"
            )
    return None


def _chain_inside(activation: Activation, outer: Activation | None) -> list[Activation] | None:
    """The activations from `activation` outwards, up to and without `outer` (all of them when
    `outer` is None); None when `activation` is not inside `outer`."""
    chain: list[Activation] = []
    current: Activation | None = activation
    while current is not None:
        if current is outer:
            return chain
        chain.append(current)
        current = current.parent
    return chain if outer is None else None


def _binder(chain: list[Activation], name: str) -> Activation | None:
    """The innermost activation of `chain` that binds `name` (a local or a language-provided name)."""
    return next((a for a in chain if name in a.locals or name in a.specials), None)


def _meaning(program: Program, ref: Reference) -> str:
    """What a reference refers to, in words."""
    name = ref.name
    if ref.resolution is Resolution.GLOBAL:
        symbol = program.lookup(name)
        kind = symbol.kind if symbol is not None else "global"
        return f"the global variable '{name}'" if kind == "global" else f"the {kind} '{name}'"
    if ref.resolution is Resolution.LOCAL:
        outer = declaring_activation(ref.activation, name)
        return f"the local '{name}' of {_body_name(outer)}" if outer else f"the local '{name}'"
    if ref.resolution is Resolution.MEMBER:
        agent = enclosing_agent(ref.activation)
        return f"the member '{name}' of agent {agent.name}" if agent else f"the agent function '{name}'"
    if ref.resolution is Resolution.PRELUDE:
        return f"the built-in '{name}'"
    if ref.resolution is Resolution.SPECIAL:
        return f"the language-provided '{name}'"
    return f"'{name}', which is not declared"


def _body_name(activation: Activation) -> str:
    if activation.kind == "lambda":
        return f"the lambda at line {activation.file.line_of(activation.node.span.start) + 1}"
    word = {"function": "fn", "tool_fn": "@tool fn", "top": "the top level"}.get(
        activation.kind, activation.kind
    )
    name = getattr(activation.node, "name", None)
    return f"{word} {name}" if isinstance(name, str) and activation.kind != "top" else word


def _where(ref: Reference) -> str:
    line = f"line {ref.file.line_of(ref.span.start) + 1}"
    return f"{line} of {ref.file.path}" if ref.file.path else line


def _locations(program: Program, target: Target) -> list[tuple[str, Span]]:
    """Where `target` is declared in `program`, comparable across programs."""
    return [
        (Workspace.key(x.file.path) if x.file.path else str(id(x.file)), x.span)
        for x in definitions_of(program, target)
    ]


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
