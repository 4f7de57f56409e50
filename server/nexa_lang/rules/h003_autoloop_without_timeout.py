"""H003 autoloop-without-timeout: an `autoloop` has no `timeout`.

Why: the loop's model calls may take a long time each; without a timeout only the step limit ends it.
Example: `autoloop max_steps: 100, exit_when: "user typed /exit" { … }` (corpus `Nexa-Code/flows.nx`).
Fix (unsafe): insert `timeout: 300` after the last parameter.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, insert_last_param, keyword_span, param

MESSAGE = "autoloop has no timeout and may run for a long time"


@rule("H003", "autoloop-without-timeout")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Autoloop):
        assert isinstance(node, ast.Autoloop)
        if param(node.params, "timeout") is not None:
            continue
        fix = insert_last_param(node, "timeout: 300", "Add 'timeout: 300'")
        yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path, fix=fix)
