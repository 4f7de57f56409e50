"""H007 risky-tool-without-approval: `risk_level` is `high` or `critical` and `requires_approval`
is not `true`.

Why: a model may call the tool on its own; for a risky action a human should confirm each call
(S§5.6). Strict harness mode reports it as an error.
Example: `@tool("Delete a file", risk_level: "high") fn remove(path: str): str { … }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, is_true_option, risk_level


@rule("H007", "risky-tool-without-approval")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.ToolFnDecl):
        assert isinstance(node, ast.ToolFnDecl)
        risky = risk_level(node)
        if risky is None or is_true_option(node, "requires_approval"):
            continue
        level, value = risky
        yield Diagnostic.warning(
            value.span, f"@tool with risk_level '{level}' must set requires_approval: true", path=file.path
        )
