"""E303 std-function-not-found (static forms): a literal std path names nothing.

Why: `uses std.web` offers no tool and `std.json.parse_json(…)` fails when it runs; where the path
is written out literally the checker can say so up front (S§2). Checked: `uses std.X`,
`uses std.X.f`, `"std.X"` items, `import std.X` and calls `std.X.f(…)`. Calls through the internal
compatibility namespaces (`std.pipe`, …) are errors too; deprecated short names are W003's.
Example: `agent Browser uses std.web`. Fix (unsafe): change to the closest namespace or function
(by edit distance, or a function of the same words in another order: `parse_json` → `json_parse`).
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.prelude import DEPRECATED_STD_NAMES, KV_FUNCTIONS, STD_NAMESPACES
from nexa_lang.rules.unresolved import all_use_items, change_to, did_you_mean
from nexa_lang.suggestions import same_words_reordered

# The short aliases of S§2.12: accepted with W003, so never E303.
DEPRECATED_ALIASES: dict[str, frozenset[str]] = {
    ns: frozenset(names) for ns, names in DEPRECATED_STD_NAMES.items()
}

Part = tuple[str, Span]  # one segment of a std path after `std.`, with its range


@rule("E303", "std-function-not-found")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for parts in _std_paths(program, file):
            diagnostic = _check_path(parts, file)
            if diagnostic is not None:
                yield diagnostic


def _std_paths(program: Program, file: SourceFile) -> Iterator[list[Part]]:
    for decl in file.module.declarations:
        if isinstance(decl, ast.AgentDecl):
            for item in all_use_items(decl):
                if item.kind in ("name", "string") and item.text.startswith("std."):
                    quote = 1 if item.kind == "string" else 0
                    yield _split(item.text, item.span.start + quote)
        elif isinstance(decl, ast.Import) and decl.module.startswith("std."):
            quote = 1 if decl.module_span.end - decl.module_span.start > len(decl.module) else 0
            yield _split(decl.module, decl.module_span.start + quote)
    if program.lookup("std") is not None:
        return  # the program declares its own `std`; calls through it are not the namespaces
    for node in file.nodes.of(ast.Call):
        if isinstance(node, ast.Call) and isinstance(node.function, ast.Member):
            parts = _member_path(node.function)
            if parts:
                yield parts


def _split(text: str, start: int) -> list[Part]:
    """The segments after `std.` of a literal path starting at byte `start`."""
    parts: list[Part] = []
    offset = start + len("std.")
    for segment in text[len("std.") :].split("."):
        parts.append((segment, Span(offset, offset + len(segment.encode()))))
        offset += len(segment.encode()) + 1
    return parts


def _member_path(member: ast.Member) -> list[Part] | None:
    """`std.X.f` as parts, or None when the chain does not start at the name `std`."""
    parts: list[Part] = []
    node: ast.Expr = member
    while isinstance(node, ast.Member):
        parts.append((node.name, node.name_span))
        node = node.object
    if not (isinstance(node, ast.Name) and node.id == "std"):
        return None
    return list(reversed(parts))


def _check_path(parts: list[Part], file: SourceFile) -> Diagnostic | None:
    size = _namespace_size(parts)
    if size == 0:
        namespace, span = _unknown_namespace(parts)
        hint, candidate = did_you_mean(namespace, list(STD_NAMESPACES))
        message = f"unknown std namespace 'std.{namespace}'{hint}"
        return Diagnostic.error(span, message, path=file.path, fixes=change_to(span, candidate))
    if len(parts) == size:
        return None  # the namespace itself
    namespace = ".".join(name for name, _ in parts[:size])
    function, span = parts[size]
    functions = STD_NAMESPACES[namespace]
    if function in functions or function in DEPRECATED_ALIASES.get(namespace, ()):
        return None
    if namespace == "kv" and function.startswith("kv_") and function[3:] in KV_FUNCTIONS:
        return None  # every key-value function also answers to a kv_ name (S§1.11, S§2.11)
    hint, candidate = did_you_mean(function, list(functions))
    if candidate is None:
        # The std functions repeat their namespace as a word (`json_parse`), so a user often
        # writes the words in the other order (`parse_json`, the spec's own E303 example).
        candidate = same_words_reordered(function, functions)
        hint = f"; did you mean '{candidate}'?" if candidate else ""
    message = f"'std.{namespace}' has no function '{function}'{hint}"
    return Diagnostic.error(span, message, path=file.path, fixes=change_to(span, candidate))


def _namespace_size(parts: list[Part]) -> int:
    """How many leading parts name a namespace (`db.sqlite` is two), 0 when none does."""
    for size in range(len(parts), 0, -1):
        if ".".join(name for name, _ in parts[:size]) in STD_NAMESPACES:
            return size
    return 0


def _unknown_namespace(parts: list[Part]) -> tuple[str, Span]:
    """The namespace a path meant: `db.X` is one namespace of two parts, anything else one part."""
    if parts[0][0] == "db" and len(parts) > 1:
        return f"db.{parts[1][0]}", Span(parts[0][1].start, parts[1][1].end)
    return parts[0]
