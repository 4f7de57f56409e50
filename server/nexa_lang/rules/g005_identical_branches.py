"""G005 identical-branches: every arm of a semantic choice is the same.

Why: the judge call is wasted; the result does not depend on it.
Example: `q ?? Fast : Fast`; `semantic_if "…" against x { S } else { S }`; an intent `match` or a
case block whose arms all have the same body.
Fix (unsafe) "Remove the decision": `x ?? A : A` → `x >> A`; the `semantic_if` → its block's
statements; the match or case block → the common body (piped the scrutinee when it is a runnable).
"""

from collections.abc import Iterator, Sequence

from tree_sitter import Node as TSNode

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

MESSAGE = "both branches are the same; the semantic decision has no effect"
TITLE = "Remove the decision"
STRING_TOKENS = ("string", "triple_string", "raw_string", "template_string")  # compared whole


@rule("G005", "identical-branches")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.Branch, ast.SemanticIfExpr, ast.SemanticIf, ast.Match):
            found = _identical(file, node)
            if found is not None:
                span, fix = found
                yield Diagnostic.warning(span, MESSAGE, path=file.path, fix=fix)


def _identical(file: SourceFile, node: ast.Node) -> tuple[Span, Fix | None] | None:
    if isinstance(node, ast.Branch):
        operator = _operator_span(file, node)
        if node.consequence is not None and node.alternative is not None:
            if _same(file, [node.consequence, node.alternative]):
                text = f"{file.text_of(node.input.span)} >> {file.text_of(node.consequence.span)}"
                return operator, Fix.replace(node.span, text, TITLE, Safety.UNSAFE)
        elif _same(file, [case.value for case in node.cases]):
            return operator, _common_body_fix(file, node, node.input, node.cases[0].value)
    elif isinstance(node, ast.SemanticIfExpr) and _same(file, [case.value for case in node.cases]):
        return _keyword(node, "semantic_if"), _common_body_fix(file, node, node.subject, node.cases[0].value)
    elif isinstance(node, ast.SemanticIf) and isinstance(node.alternative, ast.Block):
        if _same(file, [node.consequence, node.alternative]):
            inner = Span(node.consequence.span.start + 1, node.consequence.span.end - 1)
            fix = Fix.replace(node.span, file.text_of(inner).strip(), TITLE, Safety.UNSAFE)
            return _keyword(node, "semantic_if"), fix
    elif isinstance(node, ast.Match) and node.is_intent_match:
        bodies = [arm.body for arm in node.arms]
        if all(body is not None for body in bodies) and _same(file, bodies):  # type: ignore[arg-type]
            body = bodies[0]
            fix = _common_body_fix(file, node, node.subject, body) if isinstance(body, ast.Expr) else None
            return _keyword(node, "match"), fix
    return None


def _same(file: SourceFile, parts: Sequence[ast.Node]) -> bool:
    """At least two parts, all with the same tokens (white space and comments ignored)."""
    if len(parts) < 2:
        return False
    names = [part.id for part in parts if isinstance(part, ast.Name)]
    if len(names) == len(parts):  # `q ?? A : B`: a name is one token, its id
        return len(set(names)) == 1
    first = _tokens(file, parts[0].span)
    return all(_tokens(file, part.span) == first for part in parts[1:])


def _tokens(file: SourceFile, span: Span) -> list[str]:
    tokens: list[str] = []
    # Every token of the span lies below the smallest node covering it.
    stack: list[TSNode] = [
        file.tree.root_node.descendant_for_byte_range(span.start, span.end) or file.tree.root_node
    ]
    while stack:
        node = stack.pop()
        if node.end_byte <= span.start or node.start_byte >= span.end:
            continue
        if node.child_count == 0 or node.type in STRING_TOKENS:
            if node.type != "comment" and span.start <= node.start_byte and node.end_byte <= span.end:
                tokens.append(file.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace"))
            continue
        stack.extend(reversed(node.children))
    return tokens


def _operator_span(file: SourceFile, branch: ast.Branch) -> Span:
    start = file.source.find(b"??", branch.input.span.end, branch.span.end)
    return Span(start, start + 2) if start >= 0 else branch.span


def _keyword(node: ast.Node, keyword: str) -> Span:
    return Span(node.span.start, node.span.start + len(keyword))


def _common_body_fix(file: SourceFile, node: ast.Node, subject: ast.Expr, body: ast.Expr) -> Fix:
    text = file.text_of(body.span)
    if isinstance(body, ast.Name | ast.Member):  # a runnable: it is run with the scrutinee
        text = f"{file.text_of(subject.span)} >> {text}"
    return Fix.replace(node.span, text, TITLE, Safety.UNSAFE)
