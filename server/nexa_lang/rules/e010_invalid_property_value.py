"""E010 invalid-property-value: a setting's value breaks the value rules of S§3 / S§5.2.

Why: the VM would either reject the agent at start or silently run with a value the author did not
mean (`timeout: "forever"`, `tool_call_strategy: "sometimes"`, `temperature: 3`).
Covers agent properties (S§3.1), decorators (S§3.2), `autoloop`/`with_context`/`context_policy`,
`@tool(…)` configuration and job options (S§3.3), tool declarations with their WASM limits (S§5.2),
`memory = db(h)` handles, forbidden combinations, empty `mcp:""` uses items and misplaced
`fallback:` list elements.
Example: `@retry(times=2) agent S { timeout: "forever" }`.
Fix: (unsafe) for an enum word within edit distance 2 of a legal word, "Change to '{word}'".
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.properties import DECORATORS, TOOL_SOURCES
from nexa_lang.setting_uses import setting_uses

DECORATOR_LIST = ", ".join(f"@{name}" for name in DECORATORS)


@rule("E010", "invalid-property-value")
def check(program: Program) -> Iterator[Diagnostic]:
    yield from _values(program)
    for file in program.files:
        for node in file.nodes.of(ast.AgentDecl, ast.ToolDecl):
            if isinstance(node, ast.AgentDecl):
                yield from _decorators(file, node)
                yield from _combinations(file, node.properties, [("output_schema", "output_format")])
                yield from _empty_mcp_items(file, node)
            elif isinstance(node, ast.ToolDecl):
                yield from _tool(file, node)
        yield from _misplaced_fallbacks(file)


def _invalid(key: str, expected: str, found: str) -> str:
    return f"invalid value for '{key}': expected {expected}, found {found}"


def _values(program: Program) -> Iterator[Diagnostic]:
    for use in setting_uses(program):
        verdict = use.verdict
        if verdict is None:
            continue
        if not verdict.ok:
            fix = None
            if verdict.suggestion:
                fix = Fix.replace(
                    use.value.span,
                    verdict.suggestion_text,
                    f"Change to '{verdict.suggestion}'",
                    Safety.UNSAFE,
                )
            yield Diagnostic.error(
                use.value.span,
                _invalid(use.key, verdict.expected, verdict.found),
                path=use.file.path,
                fix=fix,
            )
        elif verdict.db_handle is not None:
            handle = program.lookup(verdict.db_handle.id)
            node = handle.node if handle is not None else None
            if not (isinstance(node, ast.HandleDecl) and node.kind == "db"):
                yield Diagnostic.error(
                    verdict.db_handle.span,
                    _invalid(use.key, "db(h) with a declared db handle h", f"'{verdict.db_handle.id}'"),
                    path=use.file.path,
                )


def _decorators(file: SourceFile, agent: ast.AgentDecl) -> Iterator[Diagnostic]:
    for decorator in agent.decorators:
        spec = DECORATORS.get(decorator.name)
        if spec is None:
            yield Diagnostic.error(
                decorator.name_span,
                f"unknown decorator '@{decorator.name}'; expected one of {DECORATOR_LIST}",
                path=file.path,
            )
            continue
        expected = "parameter " + " or ".join(f"'{p}'" for p in spec.parameters)
        if not decorator.arguments:
            yield Diagnostic.error(
                decorator.name_span, _invalid(f"@{decorator.name}", expected, "no parameter"), path=file.path
            )
        for argument in decorator.arguments:
            if argument.name not in spec.parameters:
                documented = spec.parameters[0]
                yield Diagnostic.error(
                    argument.name_span,
                    _invalid(f"@{decorator.name}", expected, f"'{argument.name}'"),
                    path=file.path,
                    fix=Fix.replace(
                        argument.name_span, documented, f"Change to '{documented}'", Safety.UNSAFE
                    ),
                )


def _combinations(
    file: SourceFile, properties: list[ast.Property], pairs: list[tuple[str, str]]
) -> Iterator[Diagnostic]:
    """`'{key}' cannot be combined with '{other}'`, on the value of the one written later."""
    by_key = {p.key: p for p in reversed(properties)}  # the first of each key
    for first_key, second_key in pairs:
        first, second = by_key.get(first_key), by_key.get(second_key)
        if first is None or second is None:
            continue
        if (first_key, second_key) == ("output_schema", "output_format") and not _is_word(
            second.value, "text"
        ):
            continue
        later, earlier = (first, second) if first.span.start > second.span.start else (second, first)
        yield Diagnostic.error(
            later.value.span, f"'{later.key}' cannot be combined with '{earlier.key}'", path=file.path
        )


def _is_word(value: ast.Expr, word: str) -> bool:
    return (isinstance(value, ast.StringLit) and value.value == word) or (
        isinstance(value, ast.Name) and value.id == word
    )


def _tool(file: SourceFile, tool: ast.ToolDecl) -> Iterator[Diagnostic]:
    sources = [p.key for p in tool.properties if p.key in TOOL_SOURCES]
    pairs = [(a, b) for i, a in enumerate(TOOL_SOURCES) for b in TOOL_SOURCES[i + 1 :]]
    pairs += [("mcp", "parameters"), ("python", "parameters")]
    yield from _combinations(file, tool.properties, pairs)
    network = tool.property("network")
    if (
        "wasm" in sources
        and network is not None
        and isinstance(network.value, ast.Bool)
        and network.value.value
    ):
        yield Diagnostic.error(
            network.value.span,
            _invalid("network", "false (WASI offers no sockets)", "true"),
            path=file.path,
        )


def _empty_mcp_items(file: SourceFile, agent: ast.AgentDecl) -> Iterator[Diagnostic]:
    for item in agent.uses:
        if item.kind == "mcp" and not item.text.strip():
            yield Diagnostic.error(
                item.span, _invalid("mcp", "a non-empty string", "an empty string"), path=file.path
            )


def _misplaced_fallbacks(file: SourceFile) -> Iterator[Diagnostic]:
    allowed: set[int] = set()
    for node in file.nodes.of(ast.AgentDecl):
        if isinstance(node, ast.AgentDecl):
            for prop in node.properties:
                if prop.key in ("model", "fallback") and isinstance(prop.value, ast.ListLit):
                    allowed.update(id(e) for e in prop.value.elements)
    for node in file.nodes.of(ast.FallbackElement):
        if isinstance(node, ast.FallbackElement) and id(node) not in allowed:
            yield Diagnostic.error(
                node.span,
                _invalid(
                    "fallback", "an element of an agent's 'model' or 'fallback' list", "a 'fallback:' entry"
                ),
                path=file.path,
            )
