"""S001 capability-not-granted: code that the effective sandbox configuration will deny.

Why: the VM denies by default (S§0.3): `std.shell` needs `shell`, `std.fs` an `fs_read`/`fs_write`
entry, `std.http` and MCP over HTTP a `net` entry for the host, `python!` and Python tools the
`python` switch. Saying so up front saves a run that ends in E402. Information only.

Checked (diagnostics.md §8): `uses` items (header, body `uses` members and the `uses:`/`tools`
properties) naming `std.shell`, `std.fs` or `std.http` (or one of their functions); calls
`std.shell.*`, `std.fs.*`, `std.http.*`; `mcp:"http…"` uses items and tool `mcp:` URLs whose host
`net` does not allow; `python!` statements (which covers `@tool fn`s whose body is `python!`) and
tool declarations with a `python:` key. A `std.http` call is reported when `net` is empty, or when
its URL is a literal whose host `net` does not allow. Range: the `uses` item, the call's `std.…`
path, the `python!` token or the tool's `python` key.

The capability named is the security class of S§0.3 (`process`, `fs-read`, `fs-write`, `net`,
`host-code`); the flag and the key are the ones that grant it.
Example: `agent Ops uses std.shell { prompt: "Check disk usage." }`. No fix (the fix is configuration).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from nexa_lang import ast
from nexa_lang.config import SandboxSettings, Settings
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

FS_WRITE_FUNCTIONS = frozenset(
    {"file_write", "file_append", "file_delete", "write", "append", "delete"}  # with S§2.12 short names
)
PYTHON_TOKEN = "python!"


@dataclass(frozen=True)
class Capability:
    name: str  # the security class (S§0.3)
    flag: str  # the command-line flag that grants it
    key: str  # the [sandbox] key that grants it


PROCESS = Capability("process", "--allow-shell", "shell")
FS_READ = Capability("fs-read", "--allow-read PATH", "fs_read")
FS_WRITE = Capability("fs-write", "--allow-write PATH", "fs_write")
NET = Capability("net", "--allow-net HOST", "net")
HOST_CODE = Capability("host-code", "--allow-python", "python")


@rule("S001", "capability-not-granted")
def check(program: Program) -> Iterator[Diagnostic]:
    settings = program.settings if isinstance(program.settings, Settings) else Settings()
    sandbox = settings.sandbox
    for file in program.files:
        yield from _file(program, file, sandbox)


def _file(program: Program, file: SourceFile, sandbox: SandboxSettings) -> Iterator[Diagnostic]:
    std_is_namespace = program.lookup("std") is None
    for node in file.nodes.of(ast.AgentDecl, ast.ToolDecl, ast.PythonBlock, ast.Call):
        if isinstance(node, ast.AgentDecl):
            for item in node.uses:
                yield from _use_item(file, sandbox, item)
            for prop in node.properties:
                if prop.key in ("uses", "tools"):
                    yield from _property_items(file, sandbox, prop.value)
        elif isinstance(node, ast.ToolDecl):
            yield from _tool(file, sandbox, node)
        elif isinstance(node, ast.PythonBlock) and not sandbox.python:
            token = Span(node.span.start, node.span.start + len(PYTHON_TOKEN))
            yield _denied(file, token, "python! block", HOST_CODE)
        elif isinstance(node, ast.Call) and std_is_namespace and isinstance(node.function, ast.Member):
            path = _std_path(node.function)
            if path is not None:
                yield from _std_call(file, sandbox, node, path)


def _use_item(file: SourceFile, sandbox: SandboxSettings, item: ast.UseItem) -> Iterator[Diagnostic]:
    if item.kind == "mcp":
        yield from _mcp(file, sandbox, item.text, item.span)
    elif item.text.startswith("std."):
        yield from _std_use(file, sandbox, item.text, item.span)


def _property_items(file: SourceFile, sandbox: SandboxSettings, value: ast.Expr) -> Iterator[Diagnostic]:
    """`uses: "std.http"`, `uses: [...]`, `tools = [std.fs.file_read]`."""
    for element in value.elements if isinstance(value, ast.ListLit) else [value]:
        if isinstance(element, ast.StringLit) and element.value.startswith("std."):
            yield from _std_use(file, sandbox, element.value, element.span)
        elif isinstance(element, ast.Member):
            path = _std_path(element)
            if path is not None:
                yield from _std_use(file, sandbox, "std." + ".".join(path), element.span)


def _std_use(file: SourceFile, sandbox: SandboxSettings, text: str, span: Span) -> Iterator[Diagnostic]:
    parts = text.split(".")[1:]
    capability = _capability(sandbox, parts)
    if capability is not None and (capability is not NET or not sandbox.net):
        yield _denied(file, span, f"'{text}'", capability)


def _std_call(
    file: SourceFile, sandbox: SandboxSettings, call: ast.Call, path: list[str]
) -> Iterator[Diagnostic]:
    capability = _capability(sandbox, path)
    if capability is None:
        return
    text = "std." + ".".join(path)
    if capability is NET and sandbox.net:
        url = _literal_url(call)
        if url is None or _host_allowed(url, sandbox.net):
            return
        capability = Capability(NET.name, f"--allow-net {_host_of(url)}", NET.key)
    yield _denied(file, call.function.span, f"'{text}'", capability)


def _capability(sandbox: SandboxSettings, parts: list[str]) -> Capability | None:
    """What a std path needs that the sandbox does not give (None: nothing denied)."""
    namespace = parts[0] if parts else ""
    if namespace == "shell" and not sandbox.shell:
        return PROCESS
    if namespace == "fs" and not sandbox.fs_read and not sandbox.fs_write:
        return FS_WRITE if len(parts) > 1 and parts[1] in FS_WRITE_FUNCTIONS else FS_READ
    if namespace == "http":
        return NET  # whether `net` allows the host is decided by the caller
    return None


def _tool(file: SourceFile, sandbox: SandboxSettings, tool: ast.ToolDecl) -> Iterator[Diagnostic]:
    for prop in tool.properties:
        if prop.key == "python" and not sandbox.python:
            yield _denied(file, prop.key_span, f"tool '{tool.name}'", HOST_CODE)
        elif prop.key == "mcp" and isinstance(prop.value, ast.StringLit):
            yield from _mcp(file, sandbox, prop.value.value, prop.value.span)


def _mcp(file: SourceFile, sandbox: SandboxSettings, uri: str, span: Span) -> Iterator[Diagnostic]:
    if not uri.lower().startswith(("http://", "https://")) or _host_allowed(uri, sandbox.net):
        return
    capability = Capability(NET.name, f"--allow-net {_host_of(uri)}", NET.key)
    yield _denied(file, span, f"MCP server '{uri}'", capability)


def _denied(file: SourceFile, span: Span, what: str, capability: Capability) -> Diagnostic:
    message = (
        f"{what} needs the '{capability.name}' capability, which this configuration does not grant; "
        f"allow it with {capability.flag} or [sandbox] {capability.key}"
    )
    return Diagnostic.info(span, message, path=file.path)


def _std_path(member: ast.Member) -> list[str] | None:
    """`std.a.b` as `["a", "b"]`, or None when the chain does not start at the name `std`."""
    parts: list[str] = []
    node: ast.Expr = member
    while isinstance(node, ast.Member):
        parts.append(node.name)
        node = node.object
    if not (isinstance(node, ast.Name) and node.id == "std"):
        return None
    return list(reversed(parts))


def _literal_url(call: ast.Call) -> str | None:
    """The URL argument of a std.http call when it is written as a plain string literal."""
    named = [a for a in call.arguments if a.name == "url"]
    positional = [a for a in call.arguments if a.name is None]
    argument = named[0] if named else positional[0] if positional else None
    if argument is None or not isinstance(argument.value, ast.StringLit) or argument.value.interpolations:
        return None
    return argument.value.value


def _host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "HOST"


def _host_allowed(url: str, entries: tuple[str, ...]) -> bool:
    """S§0.3's host rule: the lower-cased host equals an entry or matches `*.suffix` (not the
    suffix itself); an entry with `:port` allows only that port. Only http(s) URLs are allowed."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    for entry in entries:
        entry_host, entry_port = _split_entry(entry.lower())
        if entry_port and entry_port != str(port):
            continue
        if entry_host.startswith("*."):
            if host.endswith(entry_host[1:]) and host != entry_host[2:]:
                return True
        elif host == entry_host:
            return True
    return False


def _split_entry(entry: str) -> tuple[str, str]:
    """`host:port` as `(host, port)`; `(host, "")` for an entry without a port."""
    head, colon, tail = entry.rpartition(":")
    return (head, tail) if colon and head and tail.isdigit() else (entry, "")
