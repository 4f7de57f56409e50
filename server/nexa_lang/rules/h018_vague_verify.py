"""H018 vague-verify: `verify "c" against x` where the literal `c` has fewer than 10 characters
after trimming.

Why: the condition is judged by a model; a few words ("ok", "good") give it nothing to judge by.
Range: the string. The message quotes the trimmed condition. A condition with `#{…}`
interpolations is not judged: its text is only known at run time (L§1.6.5).
Example: `verify "ok" against reply`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of

MINIMUM = 10


@rule("H018", "vague-verify")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Verify):
        assert isinstance(node, ast.Verify)
        condition = node.subject
        if node.against is None or not isinstance(condition, ast.StringLit) or condition.interpolations:
            continue
        text = condition.value.strip()
        if len(text) < MINIMUM:
            yield Diagnostic.warning(
                condition.span, f"verify condition '{text}' is too short to judge reliably", path=file.path
            )
