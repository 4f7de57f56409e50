"""H020 unharnessed-too-large: an `unharnessed` block has more than 5 statements directly in its body.

Why: everything inside runs without harness checks; a long block switches them off for more than
the few statements that need it.
Example: `unharnessed("setup") { a(); b(); c(); d(); e(); f() }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

LIMIT = 5


@rule("H020", "unharnessed-too-large")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Unharnessed):
        assert isinstance(node, ast.Unharnessed)
        n = len(node.body.statements)
        if n > LIMIT:
            message = f"unharnessed block has {n} statements; keep it to the few that need it"
            yield Diagnostic.warning(keyword_span(node), message, path=file.path)
