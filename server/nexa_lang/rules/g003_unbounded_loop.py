"""G003 unbounded-loop: a loop whose condition never lets it end and whose body never leaves it.

Why: `while (true)` with no `break`, `return`, `raise` or `exit(…)` runs until the process is
killed, calling models all the while.
Example: `while (true) { print(input("> ")) }`. Fix: add an exit (`if (…) { break }`); no automatic
fix. `autoloop` and judged `loop … until` are capped at run time and never reported.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

MESSAGE = (
    "this loop can never end: its condition is always true and its body has no break, return, raise or exit"
)
LOOPS = (ast.While, ast.Loop, ast.For, ast.ForEach, ast.Autoloop)


@rule("G003", "unbounded-loop")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.While, ast.Loop):
            if isinstance(node, ast.While) and _always_true(node.condition) and not _has_exit(node.body):
                yield Diagnostic.error(_range(file, node, node.condition), MESSAGE, path=file.path)
            elif isinstance(node, ast.Loop) and _always_false(node.condition) and not _has_exit(node.body):
                yield Diagnostic.error(_range(file, node, node.condition), MESSAGE, path=file.path)


def _always_true(condition: ast.Expr) -> bool:
    if isinstance(condition, ast.Bool):
        return condition.value
    if isinstance(condition, ast.Number):
        return condition.value != 0
    if isinstance(condition, ast.StringLit):
        return condition.value != "" and not condition.interpolations
    return False


def _always_false(condition: ast.Expr) -> bool:
    if isinstance(condition, ast.Bool):
        return not condition.value
    if isinstance(condition, ast.Number):
        return condition.value == 0
    if isinstance(condition, ast.StringLit):
        return condition.value == ""
    return isinstance(condition, ast.NoneLit)


def _has_exit(body: ast.Block) -> bool:
    """A `break` of this loop, or a `return`, `raise` or `exit(…)` anywhere in it but in lambdas."""
    stack: list[tuple[ast.Node, bool]] = [(body, True)]  # (node, a break here ends our loop)
    while stack:
        node, own = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Break) and own:
            return True
        if isinstance(node, ast.Return | ast.Raise):
            return True
        if isinstance(node, ast.Call) and isinstance(node.function, ast.Name) and node.function.id == "exit":
            return True
        inner = own and not isinstance(node, LOOPS)
        stack.extend((child, inner) for child in node.children())
    return False


def _range(file: SourceFile, loop: ast.Stmt, condition: ast.Expr) -> Span:
    """From the loop keyword to the end of the condition, its closing parenthesis included."""
    end = condition.span.end
    rest = file.source[end:]
    stripped = rest.lstrip()
    if stripped.startswith(b")"):
        end += len(rest) - len(stripped) + 1
    return Span(loop.span.start, end)
