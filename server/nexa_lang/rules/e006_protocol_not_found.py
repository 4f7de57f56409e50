"""E006 protocol-not-found: `implements X` where X is not a declared protocol.

Why: the agent's replies are validated against the protocol; without one there is nothing to
validate, and a non-protocol name (an agent, a struct) cannot describe a reply.
Example: `agent Grader implements GradeReport { … }` with no `protocol GradeReport`. Fix (unsafe):
change to the closest protocol name, or declare the protocol before the agent. In a library checked
standalone or an open program an undeclared name is W005 instead.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.rules.unresolved import (
    agent_start,
    change_to,
    did_you_mean,
    kind_word,
    leniency,
    names_of_kind,
)


@rule("E006", "protocol-not-found")
def check(program: Program) -> Iterator[Diagnostic]:
    lenient = leniency(program) is not None
    for file, agent in program.of_kind(ast.AgentDecl):
        assert isinstance(agent, ast.AgentDecl)
        for protocol in agent.implements:
            if not protocol.id:
                continue  # `implements {`: the missing name is the E008's (§2.6)
            symbol = program.lookup(protocol.id)
            if symbol is not None and symbol.kind != "protocol":
                message = f"'{protocol.id}' is a {kind_word(symbol)}, not a protocol"
                yield Diagnostic.error(protocol.span, message, path=file.path)
            elif symbol is None and not lenient:
                hint, candidate = did_you_mean(protocol.id, names_of_kind(program, "protocol"))
                declare = Fix.insert(
                    agent_start(agent),
                    f'protocol {protocol.id} {{\n    summary: "string"\n}}\n\n',
                    f"Declare protocol '{protocol.id}'",
                    Safety.UNSAFE,
                )
                yield Diagnostic.error(
                    protocol.span,
                    f"protocol '{protocol.id}' not found{hint}",
                    path=file.path,
                    fixes=[*change_to(protocol.span, candidate), declare],
                )
