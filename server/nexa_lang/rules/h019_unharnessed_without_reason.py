"""H019 unharnessed-without-reason: `unharnessed { … }` without `("reason")`.

Why: switching the harness off should say why, for the reviewer and for the trace. Strict harness
mode reports it as an error. (An `unharnessed` block nested in another is not reported: no H-code
is reported inside an `unharnessed` block.)
Example: `unharnessed { std.shell.shell_exec("make clean") }`.
Fix (unsafe): insert `("reason")` after the keyword.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

MESSAGE = 'unharnessed block needs a reason: unharnessed("why") { … }'


@rule("H019", "unharnessed-without-reason")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Unharnessed):
        assert isinstance(node, ast.Unharnessed)
        if node.reason is not None:
            continue
        keyword = keyword_span(node)
        fix = Fix.insert(keyword.end, '("reason")', "Add a reason", Safety.UNSAFE)
        yield Diagnostic.warning(keyword, MESSAGE, path=file.path, fix=fix)
