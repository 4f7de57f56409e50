"""What the H-rules share (diagnostics.md §7): the nodes the harness checks look at, and the
ranges and fixes they have in common.

No H-code is reported inside an `unharnessed` block (L§7.10.8), so `harnessed_nodes` walks every
file of the program but does not enter those blocks (the `unharnessed` statement itself is
yielded: H019 and H020 are about it). Unless a code says otherwise its range is the statement's
keyword (`keyword_span`).
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Fix, Safety
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

# The keyword each harness statement starts with (hooks use their `event`).
KEYWORDS: dict[type[ast.Node], str] = {
    ast.Autoloop: "autoloop",
    ast.WithContext: "with_context",
    ast.ContextPolicy: "context_policy",
    ast.TryAgent: "try_agent",
    ast.Correction: "catch_correction",
    ast.Restore: "restore",
    ast.Verify: "verify",
    ast.Reflect: "reflect",
    ast.Unharnessed: "unharnessed",
    ast.Fork: "fork",
}


def harnessed_nodes(program: Program) -> Iterator[tuple[SourceFile, ast.Node]]:
    """Every node of every file of the program, outside the bodies of `unharnessed` blocks."""
    return iter(harnessed_of(program, ast.Node))


def harnessed_of(program: Program, *kinds: type[ast.Node]) -> list[tuple[SourceFile, ast.Node]]:
    """The nodes of `kinds` outside `unharnessed` bodies, in walk order (from the program's node
    index, so the H-rules do not walk the program once each)."""
    inside = _unharnessed_bodies(program)
    found = program.nodes.of(*kinds)
    return [(f, n) for f, n in found if id(n) not in inside] if inside else found


def _unharnessed_bodies(program: Program) -> set[int]:
    """Ids of the nodes below `unharnessed` statements (not the statements themselves)."""
    inside: set[int] = set()
    for _, node in program.nodes.of(ast.Unharnessed):
        for child in node.child_list():
            inside.update(id(n) for n in child.walk())
    return inside


def keyword_span(node: ast.Node) -> Span:
    """The range of the keyword a harness statement (or `catch_correction`, `fork`) starts with."""
    keyword = node.event if isinstance(node, ast.Hook) else KEYWORDS[type(node)]
    return Span(node.span.start, node.span.start + len(keyword))


def param(params: list[ast.HarnessParam], name: str) -> ast.HarnessParam | None:
    """The first parameter called `name`."""
    return next((p for p in params if p.name == name), None)


def insert_first_param(node: ast.Autoloop | ast.WithContext, text: str, title: str) -> Fix:
    """Insert `text` (`key: value, `) as the first parameter of `autoloop`/`with_context`: before
    the first parameter, or after the keyword when there is none (then without the comma)."""
    if node.params:
        return Fix.insert(node.params[0].span.start, text, title, Safety.UNSAFE)
    return Fix.insert(keyword_span(node).end, " " + text.rstrip(", "), title, Safety.UNSAFE)


def insert_last_param(node: ast.Autoloop | ast.WithContext, text: str, title: str) -> Fix:
    """Append `text` (`key: value`) after the last parameter, or after the keyword when there is
    none."""
    if node.params:
        return Fix.insert(node.params[-1].span.end, ", " + text, title, Safety.UNSAFE)
    return Fix.insert(keyword_span(node).end, " " + text, title, Safety.UNSAFE)


def number_value(value: object) -> float | None:
    """A harness or option value as a number, when it is one (booleans are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def is_blank_literal(expr: ast.Expr) -> bool:
    """A string literal that is empty or only white space (interpolations count as text)."""
    if not isinstance(expr, ast.StringLit):
        return False
    return not expr.interpolations and not expr.value.strip()


RISKY_LEVELS = ("high", "critical")


def tool_option(decl: ast.ToolFnDecl, key: str) -> ast.ToolOption | None:
    """The first `@tool(…)` configuration option called `key`."""
    return next((o for o in decl.options if o.key == key), None)


def risk_level(decl: ast.ToolFnDecl) -> tuple[str, ast.Expr] | None:
    """`(level, value)` when the tool's `risk_level` is `high` or `critical` (a string or a word)."""
    option = tool_option(decl, "risk_level")
    if option is None:
        return None
    value = option.value
    if isinstance(value, ast.StringLit) and not value.interpolations:
        level = value.value
    elif isinstance(value, ast.Name):
        level = value.id
    else:
        return None
    return (level, value) if level in RISKY_LEVELS else None


def is_true_option(decl: ast.ToolFnDecl, key: str) -> bool:
    """Whether option `key` is `true` (the quoted `"true"` counts: W003 reports the spelling)."""
    option = tool_option(decl, key)
    if option is None:
        return False
    value = option.value
    if isinstance(value, ast.Bool):
        return value.value
    return isinstance(value, ast.StringLit) and value.value == "true"
