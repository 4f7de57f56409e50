"""H014 fork-single-branch: `fork [ … ] merge …` has fewer than two branches.

Why: a fork of one branch explores nothing and pays for the merge. Strict harness mode reports it
as an error.
Example: `fork [A.run(q)] merge best_of`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

MESSAGE = "fork needs at least two branches"


@rule("H014", "fork-single-branch")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Fork):
        assert isinstance(node, ast.Fork)
        if len(node.branches) < 2:
            yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path)
