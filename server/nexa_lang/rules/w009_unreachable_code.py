"""W009 unreachable-code: statements after one that always leaves the block, or a `match` arm after
an arm that matches everything.

Why: such code never runs; it is usually left over from an edit, or a sign that the jump came too
early. Example: `return n * 2` followed by `print("never printed")`. Fix (unsafe): delete it.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.rules.removal import removal_span

JUMPS: dict[type[ast.Stmt], str] = {
    ast.Return: "return",
    ast.Break: "break",
    ast.Continue: "continue",
    ast.Raise: "raise",
}


@rule("W009", "unreachable-code")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.Block, ast.Match):
            if isinstance(node, ast.Block):
                yield from _after_jump(file, node)
            elif isinstance(node, ast.Match):
                yield from _after_catch_all(file, node)


def _after_jump(file: SourceFile, block: ast.Block) -> Iterator[Diagnostic]:
    for index, statement in enumerate(block.statements[:-1]):
        keyword = leaving_keyword(statement)
        if keyword is not None:
            rest = block.statements[index + 1 :]
            span = Span(rest[0].span.start, rest[-1].span.end)
            yield _unreachable(file, span, f"unreachable code after '{keyword}'")
            return


def leaving_keyword(statement: ast.Stmt) -> str | None:
    """The keyword by which `statement` always leaves its block, or None when it may not."""
    if type(statement) in JUMPS:
        return JUMPS[type(statement)]
    if isinstance(statement, ast.ExprStmt) and _is_exit_call(statement.expr):
        return "exit"
    if isinstance(statement, ast.If) and _always_leaves(statement):
        return "if"
    return None


def _is_exit_call(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.function, ast.Name) and expr.function.id == "exit"


def _always_leaves(branch: ast.Block | ast.If | ast.SemanticIf | None) -> bool:
    """An `if` with an `else` whose every branch ends with a leaving statement (W009)."""
    if branch is None:
        return False  # no else: the block goes on when the condition is false
    if isinstance(branch, ast.Block):
        return bool(branch.statements) and leaving_keyword(branch.statements[-1]) is not None
    return _always_leaves(branch.consequence) and _always_leaves(branch.alternative)


def _after_catch_all(file: SourceFile, match: ast.Match) -> Iterator[Diagnostic]:
    for index, arm in enumerate(match.arms[:-1]):
        if isinstance(arm, ast.MatchArm) and arm.guard is None and _matches_everything(arm.pattern):
            line = file.line_of(arm.span.start) + 1
            message = f"this arm can never be chosen: the arm at line {line} matches everything"
            for later in match.arms[index + 1 :]:
                yield _unreachable(file, later.span, message)
            return


def _matches_everything(pattern: ast.Pattern) -> bool:
    return isinstance(pattern, ast.WildcardPattern | ast.BindingPattern)


def _unreachable(file: SourceFile, span: Span, message: str) -> Diagnostic:
    return Diagnostic.warning(
        span,
        message,
        path=file.path,
        fix=Fix.delete(removal_span(file, span), "Delete the unreachable code", Safety.UNSAFE),
    )
