"""H001 autoloop-implicit-bound: an `autoloop` has neither `max_steps` nor `exit_when`.

Why: such a loop stops only at the default of 50 steps or at its timeout (L§7.10.1), which is
rarely what the author meant. Strict harness mode reports it as an error.
Example: `autoloop { r = Worker.run("next step") }`.
Fix (unsafe): insert `max_steps: 10, ` as the first parameter.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, insert_first_param, keyword_span, param

MESSAGE = "autoloop relies on the default limit of 50 steps; give max_steps or exit_when"


@rule("H001", "autoloop-implicit-bound")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Autoloop):
        assert isinstance(node, ast.Autoloop)
        if param(node.params, "max_steps") or param(node.params, "exit_when"):
            continue
        fix = insert_first_param(node, "max_steps: 10, ", "Add 'max_steps: 10'")
        yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path, fix=fix)
