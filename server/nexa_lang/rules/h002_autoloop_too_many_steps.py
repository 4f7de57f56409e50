"""H002 autoloop-too-many-steps: an `autoloop`'s `max_steps` is greater than 1,000.

Why: every step is at least one model call; a thousand of them is a large bill and a long run.
Example: `autoloop max_steps: 5000, exit_when: "done", timeout: 60 { … }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, number_value, param

LIMIT = 1000


@rule("H002", "autoloop-too-many-steps")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Autoloop):
        assert isinstance(node, ast.Autoloop)
        steps = param(node.params, "max_steps")
        if steps is None:
            continue
        value = number_value(steps.value)
        if value is not None and value > LIMIT:
            n = file.text_of(steps.value_span)
            yield Diagnostic.warning(
                steps.value_span, f"autoloop max_steps {n} exceeds {LIMIT}", path=file.path
            )
