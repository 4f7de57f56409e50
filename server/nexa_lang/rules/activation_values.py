"""What the G-rules about discarded values share: the statements of each activation and whether a
local is read after a given point (diagnostics.md G001, G007, G010: "no later statement of the same
activation reads `x`")."""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.scopes import Activation


def activation_bodies(program: Program) -> Iterator[tuple[Activation, list[ast.Stmt]]]:
    """Every activation with its top statements (a job's two handlers are two activations)."""
    job_handlers: dict[int, list[ast.Block]] = {}
    for activation in program.scopes.activations:
        node = activation.node
        if isinstance(node, ast.Module):
            yield activation, node.statements
        elif isinstance(node, ast.FlowDecl | ast.TestDecl | ast.ToolFnDecl):
            yield activation, node.body.statements
        elif isinstance(node, ast.FunctionDecl | ast.Lambda) and node.body is not None:
            yield activation, node.body.statements
        elif isinstance(node, ast.JobDecl):
            handlers = job_handlers.setdefault(
                id(node), [b for b in (node.perform, node.on_failure) if b is not None]
            )
            if handlers:
                yield activation, handlers.pop(0).statements


def statements_of(statements: list[ast.Stmt]) -> Iterator[ast.Stmt]:
    """The statements and every statement nested in their blocks, in source order; lambdas and
    match-arm blocks inside expressions are not entered (a lambda is its own activation)."""
    for statement in statements:
        yield statement
        for child in statement.children():
            if isinstance(child, ast.Block):
                yield from statements_of(child.statements)
            elif isinstance(child, ast.Stmt):
                yield from statements_of([child])
            elif isinstance(child, ast.Correction):
                yield from statements_of(child.body.statements)


def assigned_name(statement: ast.Stmt) -> tuple[str, ast.Expr] | None:
    """`x = value` or `let x = value`: the one name bound and the value."""
    if isinstance(statement, ast.Assign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    if isinstance(statement, ast.Let) and isinstance(statement.pattern, ast.BindingPattern):
        return statement.pattern.name, statement.value
    return None


def is_read_after(program: Program, activation: Activation, name: str, offset: int) -> bool:
    """Whether a reference after `offset` reads the local `name` of `activation` (directly or
    from a lambda inside it that does not bind the name itself)."""
    for reference in program.scopes.named(name):
        if reference.span.start < offset or reference.file is not activation.file:
            continue
        if _binding_activation(reference.activation, name) is activation:
            return True
    return False


def _binding_activation(activation: Activation | None, name: str) -> Activation | None:
    while activation is not None:
        if name in activation.locals or name in activation.specials:
            return activation
        activation = activation.parent
    return None


def source_text(file: SourceFile, node: ast.Node) -> str:
    return file.text_of(node.span)
