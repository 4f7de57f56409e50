"""H012 context-policy-without-strategy: a `context_policy` statement has no `strategy`.

Why: the policy then drops the oldest messages (`sliding_window`, L§7.10.2); saying so makes the
choice visible. Only the statement is checked: an agent's `context_policy` property has no keyword
to point at, and its default is documented with the property (S§3.1).
Example: `context_policy { max_tokens: 8000 }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span, param

MESSAGE = "context_policy without strategy uses sliding_window"


@rule("H012", "context-policy-without-strategy")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.ContextPolicy):
        assert isinstance(node, ast.ContextPolicy)
        if param(node.params, "strategy") is None:
            yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path)
