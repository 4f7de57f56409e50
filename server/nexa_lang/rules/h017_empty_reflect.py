"""H017 empty-reflect: `reflect` of an empty or white-space string literal.

Why: the next agent run receives an empty note (L§7.10.7): nothing is reflected.
Example: `reflect ""`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, is_blank_literal, keyword_span

MESSAGE = "reflect with empty text"


@rule("H017", "empty-reflect")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Reflect):
        assert isinstance(node, ast.Reflect)
        if is_blank_literal(node.note):
            yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path)
