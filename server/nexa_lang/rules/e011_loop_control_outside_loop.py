"""E011 loop-control-outside-loop: `break` or `continue` that is not inside a loop.

Why: there is no loop to leave or repeat, so the statement cannot mean what was intended.
The loop must be in the same activation: a lambda or member function inside a loop does not count,
harness and `try` blocks inside a loop do.
Example: `flow main { if (done) { break } }`. Fix (unsafe): remove the statement.
"""

from bisect import bisect_left
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
        controls = file.nodes.of(ast.Break, ast.Continue)
        if not controls:
            continue  # most files have none: no walk then
        # Only the top-level items that hold a break or continue are walked: the module itself is
        # no loop, so each item is visited exactly as a walk from the module would visit it.
        starts = sorted(node.span.start for node in controls)
        for item in file.module.items:
            at = bisect_left(starts, item.span.start)
            if at < len(starts) and starts[at] < item.span.end:
                yield from _visit(file, item)


def _visit(file: SourceFile, root: ast.Node) -> Iterator[Diagnostic]:
    """Depth first, in source order; `in_loop` says whether a loop body of the same activation
    encloses the node."""
    stack: list[tuple[ast.Node, bool]] = [(root, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Break | ast.Continue) and not in_loop:
            yield _report(file, node)
            continue
        below = []
        for child in node.child_list():
            if isinstance(child, ACTIVATIONS):
                below.append((child, False))
            else:
                below.append((child, in_loop or (isinstance(node, LOOPS) and child is node.body)))
        below.reverse()
        stack.extend(below)


def _report(file: SourceFile, statement: ast.Stmt) -> Diagnostic:
    keyword = "break" if isinstance(statement, ast.Break) else "continue"
    return Diagnostic.error(
        statement.span,
        f"'{keyword}' outside a loop",
        path=file.path,
        fix=Fix.delete(removal_span(file, statement.span), "Remove the statement", Safety.UNSAFE),
    )
