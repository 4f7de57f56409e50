"""H013 restore-of-non-snapshot: `restore(x)` where `x` is a variable of the activation that is
never assigned from `snapshot()`.

Why: `restore` needs a handle made by `snapshot()` (L§7.10.4); any other value fails at run time.
Only local variables are judged: an unbound `x` is E001/W005's, a global or a parameter may hold a
handle made elsewhere. Range: `x`.
Example: `saved = "v1"; restore(saved)`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.activation_values import activation_bodies, assigned_name, statements_of
from nexa_lang.rules.harnessed import harnessed_of
from nexa_lang.scopes import Activation


@rule("H013", "restore-of-non-snapshot")
def check(program: Program) -> Iterator[Diagnostic]:
    restores = {id(node): node for _, node in harnessed_of(program, ast.Restore)}
    if not restores:
        return
    for activation, statements in activation_bodies(program):
        for statement in statements_of(statements):
            if id(statement) not in restores or not isinstance(statement, ast.Restore):
                continue
            target = statement.snapshot
            if not isinstance(target, ast.Name):
                continue
            if _is_unjudged(activation, target.id) or _snapshot_assigned(statements, target.id):
                continue
            yield Diagnostic.warning(
                target.span,
                f"'{target.id}' is never assigned from snapshot()",
                path=activation.file.path,
            )


def _is_unjudged(activation: Activation, name: str) -> bool:
    """Not a local assigned in this activation: unbound, global, a parameter or a special name."""
    if name not in activation.locals:
        return True
    params = getattr(activation.node, "params", None) or []
    return any(isinstance(p, ast.Param) and p.name == name for p in params)


def _snapshot_assigned(statements: list[ast.Stmt], name: str) -> bool:
    for statement in statements_of(statements):
        assigned = assigned_name(statement)
        if assigned is not None and assigned[0] == name and _is_snapshot(assigned[1]):
            return True
    return False


def _is_snapshot(value: ast.Expr) -> bool:
    if isinstance(value, ast.SnapshotExpr):
        return True
    function = value.function if isinstance(value, ast.Call) else None
    return isinstance(function, ast.Name) and function.id == "snapshot"
