"""E011 loop-control-outside-loop: `break` or `continue` that is not inside a loop.

Why: there is no loop to leave or repeat, so the statement cannot mean what was intended.
The loop must be in the same activation: a lambda or member function inside a loop does not count,
harness and `try` blocks inside a loop do.
Example: `flow main { if (done) { break } }`. Fix (unsafe): remove the statement.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.rules.removal import removal_span

LOOPS = (ast.While, ast.ForEach, ast.For, ast.Loop, ast.Autoloop)
# Nodes that start a new activation: a loop around them does not enclose their body.
ACTIVATIONS = (ast.Decl, ast.Lambda)


@rule("E011", "loop-control-outside-loop")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        index = file.nodes
        controls = index.of(ast.Break, ast.Continue)
        if not controls:
            continue  # most files have none
        # What decides, for a node below it, whether a loop encloses it: a loop's body (yes) and a
        # node that starts an activation (no). The innermost one around a control decides; a
        # loop's condition or iterable decides nothing. Extents in the walk tell what is below what.
        deciders = [(*index.extent(loop.body), True) for loop in index.of(*LOOPS)]  # type: ignore[attr-defined]
        deciders += [(*index.extent(node), False) for node in index.of(*ACTIVATIONS)]
        for control in controls:
            place = index.extent(control)[0]
            around = [(start, in_loop) for start, end, in_loop in deciders if start < place < end]
            if not around or not max(around)[1]:
                yield _report(file, control)  # type: ignore[arg-type]


def _report(file: SourceFile, statement: ast.Stmt) -> Diagnostic:
    keyword = "break" if isinstance(statement, ast.Break) else "continue"
    return Diagnostic.error(
        statement.span,
        f"'{keyword}' outside a loop",
        path=file.path,
        fix=Fix.delete(removal_span(file, statement.span), "Remove the statement", Safety.UNSAFE),
    )
