"""E001 undeclared-identifier: a name in a program root resolves to nothing.

Why: in a program root with no missing include and no `python!` block nothing can ever bind the
name, so evaluating it would raise E108 at run time (L D45); the checker refuses it up front.
Example: `article = topic >> Drafter >> Polsher`. Fix (unsafe): change to the closest visible name,
or declare the missing agent or flow. Where the name may be bound elsewhere it is W005 instead.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.rules.unresolved import (
    change_to,
    did_you_mean,
    in_program_suffix,
    insertion_before_first_flow,
    leniency,
    visible_names,
)
from nexa_lang.scopes import Position, Reference

MESSAGES = {
    Position.RUNNABLE: "undeclared runnable '{name}': no agent, flow or tool is named so",
    Position.CALL: "undeclared function or flow '{name}'",
    Position.RECEIVER: "undeclared name '{name}'",
    Position.VARIABLE: "undeclared name '{name}'",
}


@rule("E001", "undeclared-identifier")
def check(program: Program) -> Iterator[Diagnostic]:
    calls: dict[int, dict[tuple[int, int], ast.Call]] = {}
    for reference in program.scopes.unresolved():
        if leniency(program, reference.activation) is not None:
            continue  # W005
        hint, candidate = did_you_mean(reference.name, visible_names(program, reference))
        message = MESSAGES[reference.position].format(name=reference.name) + hint
        call = _calls_of(reference.file, calls).get(tuple(reference.span))
        yield Diagnostic.error(
            reference.span,
            message + in_program_suffix(program, reference.file),
            path=reference.file.path,
            fixes=[*change_to(reference.span, candidate), *_declare(reference, call)],
        )


def _calls_of(file: SourceFile, cache: dict[int, dict[tuple[int, int], ast.Call]]) -> dict:
    """Calls of the file by the span of their callee name (for the flow's parameter count)."""
    if id(file) not in cache:
        cache[id(file)] = {
            tuple(node.function.span): node
            for node in file.nodes.nodes(ast.Call)  # the index, in walk order: no walk of its own
            if isinstance(node.function, ast.Name)
        }
    return cache[id(file)]


def _declare(reference: Reference, call: ast.Call | None) -> list[Fix]:
    """Declare an agent where a runnable is expected, a flow for a lower-case call; a plain
    variable gets no declaration fix (§E001)."""
    name = reference.name
    offset, prefix = insertion_before_first_flow(reference.file)
    if reference.position is Position.VARIABLE:
        return []
    if reference.position is Position.CALL and not name[:1].isupper():
        count = len(call.arguments) if call is not None else 0
        params = ", ".join(f"p{i}" for i in range(1, count + 1))
        text = f"flow {name}({params}) {{\n}}\n\n"
        return [Fix.insert(offset, prefix + text, f"Declare flow '{name}'", Safety.UNSAFE)]
    text = f'agent {name} {{\n    prompt: ""\n}}\n\n'
    return [Fix.insert(offset, prefix + text, f"Declare agent '{name}'", Safety.UNSAFE)]
