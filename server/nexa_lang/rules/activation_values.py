"""The statements of each activation, for rules that look at statements in order (H013).

The G-rules about values (G001, G007, G010) used to read these too; they now read the flow graphs
of `nexa_lang.dag`, which also record where each local is read."""

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


def source_text(file: SourceFile, node: ast.Node) -> str:
    return file.text_of(node.span)
