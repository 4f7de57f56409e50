"""Service declarations → specs (L§3.10–3.12). Called by the program compiler's `declare`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexa_lang import ast

from ..bytecode import Code, Op, ParamSpec
from .specs import HandleSpec, JobSpec, RouteSpec, ServerSpec

if TYPE_CHECKING:
    from ..compiler import ProgramCompiler


def declare_service(compiler: ProgramCompiler, item: ast.Node, path: str | None) -> None:
    result = compiler.result
    if isinstance(item, ast.HandleDecl):
        result.handles.append(compile_handle(compiler, item, path))
    elif isinstance(item, ast.JobDecl):
        if item.name and item.name not in result.jobs:
            result.jobs[item.name] = compile_job(compiler, item, path)
    elif isinstance(item, ast.ServerDecl):
        result.has_server = True
        result.servers.append(compile_server(item, path))


def compile_handle(compiler: ProgramCompiler, item: ast.HandleDecl, path: str | None) -> HandleSpec:
    from ..compiler import FunctionCompiler

    argument = None
    if item.argument is not None:
        argument = Code(f"{item.kind} {item.name}", "lambda", path, tuple(item.span))
        body = FunctionCompiler(compiler, argument)
        body.expression(item.argument)
        body.emit(Op.RETURN, None, tuple(item.argument.span))
        body.finish()
    return HandleSpec(item.kind, item.name, argument, path, tuple(item.span))


def compile_job(compiler: ProgramCompiler, item: ast.JobDecl, path: str | None) -> JobSpec:
    from ..compiler import constant_value

    options: dict[str, Any] = {}
    for option in [*item.properties, *item.options]:  # header options win (L§3.10)
        options[option.key] = constant_value(option.value)
    perform = on_failure = None
    if item.perform is not None:
        perform = _body(compiler, f"{item.name}.perform", item.perform_params, item.perform, path, item)
    if item.on_failure is not None:
        on_failure = _body(
            compiler, f"{item.name}.on_failure", item.failure_params, item.on_failure, path, item
        )
    return JobSpec(item.name, item.queue, options, perform, on_failure, path, tuple(item.span))


def _body(
    compiler: ProgramCompiler,
    name: str,
    params: list[ast.Name],
    block: ast.Block,
    path: str | None,
    node: ast.Node,
) -> Code:
    from ..compiler import FunctionCompiler

    code = Code(name, "function", path, tuple(block.span), params=[ParamSpec(p.id) for p in params])
    body = FunctionCompiler(compiler, code)
    body.body_value(block, "function")
    body.finish()
    return code


def compile_server(item: ast.ServerDecl, path: str | None) -> ServerSpec:
    server = ServerSpec(item.name or None, item.port, file=path, span=tuple(item.span))
    _items(server, item.routes, item.items, "", [])
    for group in item.groups:
        prefix = group.prefix.value.rstrip("/")
        group_middleware = [n.id for i in group.items if i.kind == "middleware" for n in i.names]
        _items(
            server, group.routes, [i for i in group.items if i.kind != "middleware"], prefix, group_middleware
        )
    return server


def _items(
    server: ServerSpec,
    routes: list[ast.Route],
    items: list[ast.ServerItem],
    prefix: str,
    middleware: list[str],
) -> None:
    from ..compiler import constant_value

    for route in routes:
        route_path = prefix + route.path.value if prefix else route.path.value
        if prefix and route.path.value == "/":
            route_path = prefix
        server.routes.append(
            RouteSpec(
                route.method,
                route_path or "/",
                [s.id for s in route.stages],
                list(middleware),
                tuple(route.span),
            )
        )
    for each in items:
        strings = [s.value for s in each.strings]
        if each.kind == "static" and len(strings) == 2:
            server.statics.append((prefix + strings[0], strings[1]))
        elif each.kind == "cors":
            options = constant_value(each.options) if each.options is not None else {}
            server.cors = options if isinstance(options, dict) else {}
        elif each.kind == "middleware":
            server.middleware.extend(n.id for n in each.names)
        elif each.kind == "require_auth" and strings:
            server.require_auth.append(prefix + strings[0])
