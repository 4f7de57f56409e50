"""G002 unreachable-from-entry: a flow, agent or tool that no entry point reaches (§2.4).

Why: code that never runs is dead weight, and agents used only by it cost nothing but attention.
Example: `flow translate(text) { return Translator.run(text) }` while `main` never calls
`translate`. Fix: call it, or remove it; no automatic fix. Roots only (never standalone libraries),
skipped for programs with syntax errors (§2.6). An agent or tool with no reference at all is W001.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.flow_calls import ENTRY, Owner, build_call_graph, declaration_owner, reachable

FLOW_MESSAGE = "flow '{name}' is never called from 'main', a test, a handler or a job"
USED_MESSAGE = "{kind} '{name}' is only used by code that never runs: {places}"


@rule("G002", "unreachable-from-entry")
def check(program: Program) -> Iterator[Diagnostic]:
    if not program.is_root or program.has_syntax_errors:
        return
    has_main = any(isinstance(d, ast.FlowDecl) and d.name == "main" for d in program.root.module.declarations)
    graph = build_call_graph(program)
    entries = {ENTRY}
    for flow in program.flows():
        if flow.name == "main" or not has_main:
            entries.add(Owner("flow", flow.name, f"flow '{flow.name}'"))
    live = reachable(graph, entries)
    for file, decl in program.declarations():
        if not decl.name:
            continue
        symbol = program.lookup(decl.name)
        if symbol is None or symbol.node is not decl:
            continue  # a duplicate (E004): the program uses the first one
        owner = declaration_owner(symbol.kind, decl.name)
        if owner is None or owner in live:
            continue
        if owner.kind == "flow":
            yield Diagnostic.warning(decl.name_span, FLOW_MESSAGE.format(name=decl.name), path=file.path)
            continue
        # references inside the declaration itself do not count (an agent whose only reference
        # is its own member function is W001, not G002)
        callers = [
            c.caller
            for c in graph.to_owner(owner)
            if c.caller != owner and not (c.file is file and decl.span.contains(c.span))
        ]
        if callers:
            places = ", ".join(dict.fromkeys(caller.label for caller in callers))
            kind = "agent" if owner.kind == "agent" else "tool"
            yield Diagnostic.warning(
                decl.name_span, USED_MESSAGE.format(kind=kind, name=decl.name, places=places), path=file.path
            )
