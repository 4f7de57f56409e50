"""E003 missing-required-property: a tool without a description or source, a job without `perform`.

Why: a described or WASM tool is offered to models, which need its description to call it
(S§5.2); a job without `perform` has nothing to run. No agent property is required (W004 covers
agents without instructions).
Example: `tool fetch_rates { parameters: {"base": "string"} }`.
Fix: (unsafe) insert `description: "",` as the first member, or `perform() {\\n    }` as the last.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile

SELF_DESCRIBED_BY = ("description", "mcp", "python")


@rule("E003", "missing-required-property")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, decl in program.declarations():
        if isinstance(decl, ast.ToolDecl) and not any(p.key in SELF_DESCRIBED_BY for p in decl.properties):
            yield Diagnostic.error(
                decl.name_span,
                f"tool '{decl.name}' needs a 'description' (or an 'mcp' or 'python' source)",
                path=file.path,
                fix=_insert_description(file, decl),
            )
        elif isinstance(decl, ast.JobDecl) and decl.perform is None and decl.perform_count == 0:
            yield Diagnostic.error(
                decl.name_span,
                f"job '{decl.name}' has no 'perform' block",
                path=file.path,
                fix=_insert_perform(file, decl),
            )


def _insert_description(file: SourceFile, tool: ast.ToolDecl) -> Fix | None:
    title = "Add a 'description'"
    if tool.properties:
        first = tool.properties[0].span.start
        line_start = file.lines.line_start(file.line_of(first))
        before = file.source[line_start:first]
        separator = (
            "\n" + before.decode()
            if not before.strip() and file.line_of(first) != file.line_of(tool.name_span.start)
            else " "
        )
        return Fix.insert(first, 'description: "",' + separator, title, Safety.UNSAFE)
    brace = file.source.find(b"{", tool.name_span.end, tool.span.end)
    return Fix.insert(brace + 1, ' description: "" ', title, Safety.UNSAFE) if brace >= 0 else None


def _insert_perform(file: SourceFile, job: ast.JobDecl) -> Fix | None:
    close = job.span.end - 1
    if file.source[close : close + 1] != b"}":
        return None
    if file.line_of(close) == file.line_of(job.name_span.start):
        return Fix.insert(close, "perform() {\n    } ", "Add a 'perform' block", Safety.UNSAFE)
    return Fix.insert(close, "    perform() {\n    }\n", "Add a 'perform' block", Safety.UNSAFE)
