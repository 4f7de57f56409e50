"""H016 empty-hook: a `before_step` or `after_step` block is empty.

Why: an empty hook runs nothing on every agent run; it is usually a leftover.
Example: `before_step { }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

STEP_HOOKS = ("before_step", "after_step")


@rule("H016", "empty-hook")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Hook):
        assert isinstance(node, ast.Hook)
        if node.event in STEP_HOOKS and not node.body.statements:
            yield Diagnostic.warning(keyword_span(node), f"empty {node.event} hook", path=file.path)
