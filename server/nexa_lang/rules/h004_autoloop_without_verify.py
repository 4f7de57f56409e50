"""H004 autoloop-without-verify: an `autoloop` body contains no `verify` statement at any depth.

Why: an autonomous loop whose result nothing checks can end in any state (corpus `v2.0/01_autoloop.nx`).
Example: `autoloop max_steps: 5, exit_when: "resolved", timeout: 300 { result = A.run(q) }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

MESSAGE = "autoloop body has no verify statement, so nothing checks its result"


@rule("H004", "autoloop-without-verify")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Autoloop):
        assert isinstance(node, ast.Autoloop)
        if not any(isinstance(inner, ast.Verify) for inner in node.body.walk()):
            yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path)
