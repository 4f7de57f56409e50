"""H009 tool-without-return-type: an `@tool fn` has no result type.

Why: the result type tells the model what it gets back and lets the checker test the body's
`return`s (L§3.3).
Example: `@tool("Current local time") fn now() { return std.time.time_now() }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of


@rule("H009", "tool-without-return-type")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.ToolFnDecl):
        assert isinstance(node, ast.ToolFnDecl)
        if node.return_type is None and node.name:
            yield Diagnostic.warning(
                node.name_span, f"@tool fn '{node.name}' has no result type", path=file.path
            )
