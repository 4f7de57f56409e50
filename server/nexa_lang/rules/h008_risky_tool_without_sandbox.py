"""H008 risky-tool-without-sandbox: `risk_level` is `high` or `critical` and `sandbox` is not `true`.

Why: `sandbox: true` marks the tool as one that should run confined (advisory, S§3.3); a risky
tool without it is probably an oversight. Range: the risk value (as H007).
Example: `@tool("Delete a file", risk_level: "high", requires_approval: true) fn remove(…) { … }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, is_true_option, risk_level


@rule("H008", "risky-tool-without-sandbox")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.ToolFnDecl):
        assert isinstance(node, ast.ToolFnDecl)
        risky = risk_level(node)
        if risky is None or is_true_option(node, "sandbox"):
            continue
        level, value = risky
        yield Diagnostic.warning(
            value.span, f"@tool with risk_level '{level}' should set sandbox: true", path=file.path
        )
