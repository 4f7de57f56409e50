"""E013 return-outside-function: a `return` at top level.

Why: top-level statements run once before the entry point (L§2.6); there is no caller to return
to. Example: `return limit` at top level. Fix (unsafe): remove the statement.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.rules.removal import removal_span


@rule("E013", "return-outside-function")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for statement in file.module.statements:
            yield from _top_level_returns(file, statement)


def _top_level_returns(file: SourceFile, node: ast.Node) -> Iterator[Diagnostic]:
    """Returns below a top-level statement, not inside a lambda (a lambda is a function)."""
    if isinstance(node, ast.Lambda):
        return
    if isinstance(node, ast.Return):
        keyword = Span(node.span.start, node.span.start + len("return"))
        yield Diagnostic.error(
            keyword,
            "'return' outside a flow or function",
            path=file.path,
            fix=Fix.delete(removal_span(file, node.span), "Remove the statement", Safety.UNSAFE),
        )
    for child in node.children():
        yield from _top_level_returns(file, child)
