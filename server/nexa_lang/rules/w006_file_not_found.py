"""W006 file-not-found: an included or referenced file does not exist.

Why: a missing include leaves the program open (its names cannot be checked, and `nexa run`
refuses it); a missing skill file offers no tools, a missing tool module or image fails at run time.
Checked: `include` paths (not `.nxs`), `uses` strings (`.md` skill files; others must be a file,
a std namespace or a `.nxs` path), a tool's `wasm:`/`python:` path, a `.json` `mcp:` value (a tool's
`mcp:` and a `uses mcp:"…"` item alike; a `scheme://` URL is a server, not a file, S§5.2), and the
literal argument of `img(…)`/`render_file(…)`. Paths are relative to the file that names them;
`experience` files and database paths are created at run time and not checked.
Example: `include "lib/helpers.nxlib"` with no such file. No fix.
"""

import os
import re
from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.rules.unresolved import all_use_items

FILE_ARGUMENT_FUNCTIONS = ("img", "render_file")
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


@rule("W006", "file-not-found")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, include in program.missing_includes:
        if include.path is not None:
            yield _not_found(file, include.path.value, include.path.span)
    for file in program.files:
        for text, span, is_file in _named_files(file):
            if is_file and not os.path.exists(_absolute(file, text)):
                yield _not_found(file, text, span)
            elif not is_file and not _is_uses_target(file, text):
                message = f"'{text}' is neither a file nor a std namespace"
                yield Diagnostic.warning(span, message, path=file.path)


def _not_found(file: SourceFile, text: str, span: Span) -> Diagnostic:
    message = f"file not found: '{text}' (looked for '{_absolute(file, text)}')"
    return Diagnostic.warning(span, message, path=file.path)


def _absolute(file: SourceFile, text: str) -> str:
    base = os.path.dirname(os.path.abspath(file.path)) if file.path else os.getcwd()
    return os.path.normpath(os.path.join(base, text))


def _is_uses_target(file: SourceFile, text: str) -> bool:
    """A `uses` string that is not `.md`: a `std.…` path (E303 judges it), `.nxs`, or a file."""
    return text.startswith("std.") or text.endswith(".nxs") or os.path.exists(_absolute(file, text))


def _named_files(file: SourceFile) -> Iterator[tuple[str, Span, bool]]:
    """(path text, string literal range, must be a file) for every path the file names; the
    third part is False for `uses` strings that may also name a std namespace."""
    for decl in file.module.declarations:
        if isinstance(decl, ast.AgentDecl):
            for item in all_use_items(decl):
                if item.kind == "string":
                    yield item.text, item.span, item.text.endswith(".md")
                elif item.kind == "mcp" and _is_mcp_descriptor(item.text):
                    yield item.text, _mcp_string_span(file, item.span), True
        elif isinstance(decl, ast.ToolDecl):
            yield from _tool_paths(decl)
    for node in file.nodes.of(ast.Call):
        if isinstance(node, ast.Call) and _is_file_function(node.function) and node.arguments:
            argument = node.arguments[0].value
            if isinstance(argument, ast.StringLit) and not argument.interpolations:
                yield argument.value, argument.span, True


def _tool_paths(tool: ast.ToolDecl) -> Iterator[tuple[str, Span, bool]]:
    for prop in tool.properties:
        value = prop.value
        if not isinstance(value, ast.StringLit) or value.interpolations:
            continue
        if prop.key in ("wasm", "python") or (prop.key == "mcp" and _is_mcp_descriptor(value.value)):
            yield value.value, value.span, True


def is_local_path(text: str) -> bool:
    """False for a URL (`scheme://…`, e.g. `https://…`): it names no file, however it ends."""
    return URL_SCHEME.match(text) is None


def _is_mcp_descriptor(text: str) -> bool:
    """An `mcp:` value that must be an existing file: a local `.json` descriptor path (S§5.2); a
    URL is an MCP server and any other text a server name or path resolved at run time (E301)."""
    return text.endswith(".json") and is_local_path(text)


def _mcp_string_span(file: SourceFile, item: Span) -> Span:
    """The string literal of a `mcp:"…"` uses item (W006's range), past `mcp`, spaces and `:`."""
    text = file.source[item.start : item.end]
    offset = 3  # len("mcp")
    while offset < len(text) and text[offset : offset + 1] in (b" ", b"\t", b"\r", b"\n", b":"):
        offset += 1
    return Span(item.start + offset, item.end) if text[offset : offset + 1] in (b'"', b"'") else item


def _is_file_function(function: ast.Expr) -> bool:
    return isinstance(function, ast.Name) and function.id in FILE_ARGUMENT_FUNCTIONS
