"""H005 correction-without-reflect: a `catch_correction` body contains no `reflect` statement.

Why: the point of a correction is to tell the agent what went wrong before it tries again; without
`reflect` the next attempt gets no guidance (corpus `v2.0/03_try_agent.nx`).
Example: `try_agent { r = W.run(q) } catch_correction(e: ToolError) { print(e) }`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of, keyword_span

MESSAGE = "catch_correction without reflect: the agent gets no guidance for its next attempt"


@rule("H005", "correction-without-reflect")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Correction):
        assert isinstance(node, ast.Correction)
        if not any(isinstance(inner, ast.Reflect) for inner in node.body.walk()):
            yield Diagnostic.warning(keyword_span(node), MESSAGE, path=file.path)
