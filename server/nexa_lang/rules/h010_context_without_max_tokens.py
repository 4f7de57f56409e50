"""H010 context-without-max-tokens: a `with_context` has no `max_tokens`.

Why: the block then uses the default budget of 100,000 tokens (L§7.10.2), which is seldom the bound
the author had in mind. Strict harness mode reports it as an error.
Example: `with_context strategy: sliding_window { r = Worker.run(q) }`.
Fix (unsafe): insert `max_tokens: 100000` as the first parameter.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, insert_first_param, keyword_span, param

MESSAGE = "with_context without max_tokens uses the default of 100000"


@rule("H010", "context-without-max-tokens")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.WithContext):
        assert isinstance(node, ast.WithContext)
        if param(node.params, "max_tokens") is not None:
            continue
        fix = insert_first_param(node, "max_tokens: 100000, ", "Add 'max_tokens: 100000'")
        yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path, fix=fix)
