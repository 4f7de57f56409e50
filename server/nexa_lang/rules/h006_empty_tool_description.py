"""H006 empty-tool-description: an `@tool("…")` description is empty or white space.

Why: the description is all a model knows about the tool (L§3.3); without it the tool is not used,
or used wrongly. Strict harness mode reports it as an error.
Example: `@tool("") fn now(): str { return std.time.time_now() }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, is_blank_literal

MESSAGE = "@tool description is empty; the model needs it to use the tool"


@rule("H006", "empty-tool-description")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.ToolFnDecl):
        assert isinstance(node, ast.ToolFnDecl)
        if node.description is not None and is_blank_literal(node.description):
            yield Diagnostic.warning(node.description.span, MESSAGE, path=file.path)
