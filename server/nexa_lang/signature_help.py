"""Signature help: the parameters of the call whose argument list holds the cursor, with the one
being typed marked.

The open parenthesis is found by scanning the text (the call may be half-typed, with no `)` yet);
the callee is resolved through `callees.Calls` when the AST has the call, otherwise by its name:
flows, member functions and flows of agents (`A.f(`, `self.f(`), `@tool fn`s, declared tools
(their `parameters`), agents (`A(`, `A.run(`, `A.clone(`), job members, std functions
(`std.ns.f(`) and prelude functions. A named argument (`name=` or `name:`) selects its parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import AGENT_MEMBERS, JOB_MEMBERS, PRELUDE_DOCS, STD_DOCS, TOOL_MEMBERS
from nexa_lang.callees import Callee, Calls
from nexa_lang.cursor_context import CursorContext, skip_comment_or_string
from nexa_lang.model import SourceFile
from nexa_lang.prelude import is_prelude_name
from nexa_lang.scopes import Reference, Resolution
from nexa_lang.signatures import CHECKED_PRELUDE_SIGNATURES, Signature, parse_signature, std_signature


@dataclass(frozen=True)
class ParameterInfo:
    label: str
    name: str
    documentation: str = ""


@dataclass(frozen=True)
class SignatureInfo:
    label: str
    parameters: list[ParameterInfo] = field(default_factory=list)
    documentation: str = ""

    def index_of(self, name: str) -> int | None:
        return next((i for i, p in enumerate(self.parameters) if p.name == name), None)


@dataclass(frozen=True)
class SignatureHelp:
    signatures: list[SignatureInfo]
    active_signature: int = 0
    active_parameter: int | None = None  # None: no parameter matches (too many arguments)


# Built-ins whose parameter list the checker does not hold (statements and expressions with their
# own syntax, the auth functions, and `has`, which also tests a list or a map), as S§1 writes them:
# for signature help only, so a misuse is never reported from here. The database, response and
# key-value functions come with the checker's own signatures (CHECKED_PRELUDE_SIGNATURES).
_EDITOR_SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in map(
        parse_signature,
        (
            "spawn(handler: fn | Flow | Agent) -> Task",
            "join(*agents: Agent) -> JoinHandle",
            "snapshot() -> Snapshot",
            "restore(s: Snapshot) -> none",
            "has(kv: KvHandle, key: str) -> bool",
            "oauth(name: str, client_id: str, client_secret: str, opts: map = {}) -> map",
            "jwt_sign(claims: map, secret: str, options: map = {}) -> str",
            "jwt_verify(token: str, secret: str) -> map?",
            "agent_api_key_generate(agent_name: str, ttl: int? = none) -> str",
        ),
    )
}

_SCOPED_CALLEE = re.compile(r"\b([A-Za-z_]\w*)\s*::\s*([A-Za-z_]\w*)\s*$")
_CALLEE = re.compile(r"((?:[A-Za-z_]\w*\s*\.\s*)*[A-Za-z_]\w*)\s*$")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_NAMED = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:=(?!=)|:)")


def signature_help(analysis: Analysis, offset: int) -> SignatureHelp | None:
    source = analysis.file.source
    start = _scan_start(analysis.file, offset)
    text = source[start:offset].decode("utf-8", "replace")
    open_at = _open_paren(text)
    if open_at is None:
        return None
    paren_offset = start + len(text[:open_at].encode("utf-8"))
    scoped = _SCOPED_CALLEE.search(text[:open_at])
    if scoped is not None:
        info = _variant(analysis, scoped.group(1), scoped.group(2))
    else:
        found = _CALLEE.search(text[:open_at])
        if found is None:
            return None
        callee = re.sub(r"\s+", "", found.group(1))
        info = _signature(analysis, callee, paren_offset, offset)
    if info is None:
        return None
    arguments = _split_arguments(text[open_at + 1 :])
    return SignatureHelp([info], 0, _active(info, arguments))


def _scan_start(file: SourceFile, offset: int) -> int:
    """Where the text to scan for the open parenthesis starts: the last top-level item without
    syntax errors that starts before `offset` (a call cannot reach back across it), else the file's
    start. Keeps the scan to one declaration in a long file."""
    start = 0
    for child in file.tree.root_node.children:
        if child.start_byte >= offset:
            break
        if not child.has_error and child.type != "ERROR":
            start = child.start_byte
    return start


def _open_paren(text: str) -> int | None:
    """Index of the innermost `(` left open at the end of `text` (strings and comments skipped)."""
    stack: list[int] = []
    index, length = 0, len(text)
    while index < length:
        skipped = skip_comment_or_string(text, index)
        if skipped is not None:
            index = skipped
            continue
        char = text[index]
        if char in "([{":
            stack.append(index)
        elif char in ")]}" and stack:
            stack.pop()
        index += 1
    if not stack or text[stack[-1]] != "(":
        return None
    return stack[-1]


def _split_arguments(text: str) -> list[str]:
    """The arguments typed so far (the last one is the one being typed): `text` split at the commas
    outside brackets, strings and `//` comments, in one pass (a long argument list stays cheap)."""
    parts: list[str] = []
    closers: list[str] = []
    start = index = 0
    length = len(text)
    while index < length:
        skipped = skip_comment_or_string(text, index)
        if skipped is not None:
            one_line = text[index] in "\"'" and not text.startswith('"""', index)
            if one_line and (skipped > length or text[skipped - 1] == "\n"):
                skipped = length  # unterminated: the cursor is in the string
            index = skipped
            continue
        char = text[index]
        if char in _CLOSERS:
            closers.append(_CLOSERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == "," and not closers:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return parts


def _active(info: SignatureInfo, arguments: list[str]) -> int | None:
    """The parameter the argument being typed fills: its name when it is named, else the next
    parameter that neither an earlier positional nor a named argument has filled."""
    named = _NAMED.match(arguments[-1])
    if named is not None:
        return info.index_of(named.group(1))
    given = {m.group(1) for m in map(_NAMED.match, arguments[:-1]) if m is not None}
    positional = sum(1 for a in arguments[:-1] if _NAMED.match(a) is None)
    variadic = next((i for i, p in enumerate(info.parameters) if p.label.startswith("*")), None)
    if variadic is not None and positional >= variadic:
        return variadic
    free = [i for i, p in enumerate(info.parameters) if p.name not in given]
    return free[positional] if positional < len(free) else None


# ------------------------------------------------------------------------------ resolving the callee


def _signature(analysis: Analysis, callee: str, paren: int, offset: int) -> SignatureInfo | None:
    parts = callee.split(".")
    if parts[0] == "std" and len(parts) >= 3:
        namespace, function = ".".join(parts[1:-1]), parts[-1]
        signature = std_signature(namespace, function)
        if signature is None:
            return None
        return from_signature(signature, f"std.{namespace}.", STD_DOCS.get(signature.name, ""))
    if len(parts) == 1:
        return _by_name(analysis, parts[0], paren, offset)
    if len(parts) == 2:
        return _member(analysis, parts[0], parts[1], paren, offset)
    return None


def _by_name(analysis: Analysis, name: str, paren: int, offset: int) -> SignatureInfo | None:
    program = analysis.program
    reference = _reference_before(analysis, paren, name)
    if reference is not None and reference.resolution is Resolution.LOCAL:
        return _from_ast_call(analysis, paren, name)
    symbol = program.lookup(name)
    if symbol is None:
        if is_prelude_name(name) and name in CHECKED_PRELUDE_SIGNATURES:
            return from_signature(CHECKED_PRELUDE_SIGNATURES[name], "", PRELUDE_DOCS.get(name, ""))
        if name in _EDITOR_SIGNATURES:
            return from_signature(_EDITOR_SIGNATURES[name], "", PRELUDE_DOCS.get(name, ""))
        return None
    node = symbol.node
    if isinstance(node, ast.AgentDecl):
        signature, doc = AGENT_MEMBERS["run"]
        return from_signature(signature, "", doc, name=node.name)
    if isinstance(node, ast.StructDecl):  # `S(a, b)` or `S(a: 1, b: 2)` (L§3.9)
        return from_fields(symbol.file, node.name, node.fields, node.doc or "")
    if isinstance(node, ast.FlowDecl | ast.ToolFnDecl | ast.FunctionDecl):
        return from_declaration(symbol.file, node)
    return _from_ast_call(analysis, paren, name)


def _member(analysis: Analysis, receiver: str, name: str, paren: int, offset: int) -> SignatureInfo | None:
    if receiver == "self":
        agent = next((a for a in analysis.program.agents() if a.span.start <= offset <= a.span.end), None)
        file = analysis.file
    else:
        symbol = analysis.program.lookup(receiver)
        agent = symbol.node if symbol is not None and isinstance(symbol.node, ast.AgentDecl) else None
        file = symbol.file if symbol is not None else analysis.file
        if symbol is not None and isinstance(symbol.node, ast.JobDecl) and name in JOB_MEMBERS:
            signature, doc = JOB_MEMBERS[name]
            return from_signature(signature, f"{receiver}.", doc)
        if symbol is not None and isinstance(symbol.node, ast.ToolDecl) and name in TOOL_MEMBERS:
            return _from_ast_call(analysis, paren, f"{receiver}.{name}") or from_signature(
                TOOL_MEMBERS[name][0], f"{receiver}.", TOOL_MEMBERS[name][1]
            )
    if agent is None:
        record = CursorContext(analysis, offset).record_held_by(receiver)
        method = _impl_method(analysis, record, name) if isinstance(record, ast.StructDecl) else None
        if method is not None:
            return from_declaration(method[0], method[1], f"{receiver}.")
        return _from_ast_call(analysis, paren, f"{receiver}.{name}")
    for function in [*agent.functions, *agent.flows]:
        if function.name == name:
            return from_declaration(file, function, f"{agent.name}.")
    if name in AGENT_MEMBERS:
        signature, doc = AGENT_MEMBERS[name]
        return from_signature(signature, f"{agent.name}.", doc)
    return None


def _impl_method(
    analysis: Analysis, struct: ast.StructDecl, name: str
) -> tuple[SourceFile, ast.FunctionDecl] | None:
    for file in analysis.program.files:
        for decl in file.module.declarations:
            if isinstance(decl, ast.ImplDecl) and decl.type_name == struct.name:
                method = next((m for m in decl.methods if m.name == name), None)
                if method is not None:
                    return file, method
    return None


def _variant(analysis: Analysis, scope: str, name: str) -> SignatureInfo | None:
    """`Enum::Variant(…)` of a variant with fields."""
    symbol = analysis.program.lookup(scope)
    if symbol is None or not isinstance(symbol.node, ast.EnumDecl):
        return None
    variant = next((v for v in symbol.node.variants if v.name == name), None)
    if variant is None or not variant.fields:
        return None
    return from_fields(symbol.file, f"{scope}::{name}", variant.fields, "")


def from_fields(
    file: SourceFile, name: str, fields: list[ast.FieldDecl], documentation: str
) -> SignatureInfo:
    params = []
    for item in fields:
        typed = item.type is not None and item.type.span.end > item.type.span.start
        label = f"{item.name}: {file.text_of(item.type.span)}" if typed and item.type else item.name
        params.append(ParameterInfo(label, item.name))
    return SignatureInfo(_join(name, [p.label for p in params]), params, documentation)


def _reference_before(analysis: Analysis, paren: int, name: str) -> Reference | None:
    start = paren
    source = analysis.file.source
    while start > 0 and source[start - 1 : start].isspace():
        start -= 1
    reference = analysis.reference_at(start)
    return reference if reference is not None and reference.name == name else None


def _from_ast_call(analysis: Analysis, paren: int, written: str) -> SignatureInfo | None:
    """Through `Calls` when the AST has a call whose argument list starts at `paren`."""
    call = next(
        (
            n
            for n in analysis.file.module.walk()
            if isinstance(n, ast.Call) and n.arguments_span.start == paren
        ),
        None,
    )
    if call is None:
        return None
    callee = Calls(analysis.program).callee(call, analysis.file)
    return from_callee(callee, written) if callee is not None else None


# ------------------------------------------------------------------------------ labels


def _join(name: str, labels: list[str], returns: str = "") -> str:
    return f"{name}({', '.join(labels)})" + (f" -> {returns}" if returns else "")


def from_signature(
    signature: Signature, prefix: str, documentation: str, name: str | None = None
) -> SignatureInfo:
    params = []
    for param in signature.params:
        label = ("*" if param.variadic else "") + param.name + (f": {param.type}" if param.type else "")
        params.append(ParameterInfo(label + (" = …" if param.has_default else ""), param.name))
    label = _join(prefix + (name or signature.name), [p.label for p in params], signature.returns)
    return SignatureInfo(label, params, documentation)


def from_declaration(
    file: SourceFile, decl: ast.FlowDecl | ast.ToolFnDecl | ast.FunctionDecl, prefix: str = ""
) -> SignatureInfo:
    params = [ParameterInfo(file.text_of(p.span), p.name) for p in decl.params]
    returns = file.text_of(decl.return_type.span) if decl.return_type is not None else ""
    documentation = decl.doc or ""
    if isinstance(decl, ast.ToolFnDecl) and decl.description is not None:
        documentation = decl.description.value + ("\n\n" + documentation if documentation else "")
    return SignatureInfo(_join(prefix + decl.name, [p.label for p in params], returns), params, documentation)


def from_callee(callee: Callee, written: str) -> SignatureInfo:
    params = []
    for param in callee.params:
        label = ("*" if param.variadic else "") + param.name
        if not param.type.is_any:
            label += f": {param.type}"
        elif param.schema:
            label += f": {param.schema}"
        params.append(ParameterInfo(label + ("" if param.required or param.variadic else "?"), param.name))
    return SignatureInfo(_join(written, [p.label for p in params]), params, callee.kind)
