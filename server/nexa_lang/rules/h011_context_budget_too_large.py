"""H011 context-budget-too-large: a context `max_tokens` is above 200,000.

Why: few models accept that much context, and every request inside the block may be that large.
Checked: `with_context` and `context_policy` statements, and an agent's `context_policy: {…}`
property (the same setting, S§3.1). Range: the value.
Example: `with_context max_tokens: 500000 { r = Worker.run(q) }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.rules.harnessed import harnessed_of, number_value, param

LIMIT = 200_000


@rule("H011", "context-budget-too-large")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.WithContext, ast.ContextPolicy, ast.AgentDecl):
        if isinstance(node, ast.WithContext | ast.ContextPolicy):
            budget = param(node.params, "max_tokens")
            if budget is not None:
                yield from _too_large(file, number_value(budget.value), budget.value_span)
        elif isinstance(node, ast.AgentDecl):
            policy = node.property("context_policy")
            if policy is not None and isinstance(policy.value, ast.DictLit):
                for entry in policy.value.entries:
                    if entry.key == "max_tokens" and isinstance(entry.value, ast.Number):
                        yield from _too_large(file, float(entry.value.value), entry.value.span)


def _too_large(file: SourceFile, value: float | None, span: Span) -> Iterator[Diagnostic]:
    if value is not None and value > LIMIT:
        n = file.text_of(span)
        yield Diagnostic.warning(span, f"context budget {n} exceeds {LIMIT} tokens", path=file.path)
