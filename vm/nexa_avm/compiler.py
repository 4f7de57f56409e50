"""AST → bytecode: one `Code` per flow, test, lambda, member function, impl method, `@tool fn`,
deferred expression, fork branch, agent run and the top level (L§7.2 steps 3–4).

The compiler reads the checked typed AST of `nexa_lang` (the program's files in merge order) and
produces a `CompiledProgram`: plain data that needs no AST at run time. It is a straightforward
stack-machine code generator: an expression leaves one value on the stack, a statement leaves none.
Blocks do not open scopes (L§4.1), so every name is a dictionary key of its activation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nexa_lang import ast
from nexa_lang.interpolation_paths import parse_path
from nexa_lang.model import Program
from nexa_lang.properties import AGENT_PROPERTIES, TYPE

from .bytecode import (
    AgentSpec,
    Code,
    CompiledProgram,
    Instr,
    Op,
    ParamSpec,
    PBind,
    PList,
    PLiteral,
    PMap,
    PVariant,
    PWild,
    ToolFnSpec,
    ToolSpecDecl,
)
from .schemas import json_schema_of, named_type_spec, type_string_spec


class CompileError(Exception):
    """A construct the compiler cannot translate (the checker normally rejects it first)."""

    def __init__(self, message: str, file: str | None, span: tuple[int, int]) -> None:
        super().__init__(message)
        self.file = file
        self.span = span


# ------------------------------------------------------------------------------ types


def type_spec(node: ast.TypeExpr | None) -> Any:
    """A type as plain data: ('any',) ('named', n) ('list', T) ('dict',) ('dict', K, V)
    ('optional', T) ('union', (T…)) ('enum', (words…)) ('result', T, E)."""
    if node is None:
        return ("any",)
    if isinstance(node, ast.OptionalType):
        return ("optional", type_spec(node.inner))
    if isinstance(node, ast.UnionType):
        return ("union", tuple(type_spec(o) for o in node.options))
    if isinstance(node, ast.GenericType):
        name = node.name.lower()
        if name in ("list", "array"):
            return ("list", type_spec(node.arguments[0]) if node.arguments else ("any",))
        if name in ("dict", "map", "object"):
            if len(node.arguments) == 2:
                return ("dict", type_spec(node.arguments[0]), type_spec(node.arguments[1]))
            return ("dict",)
        if node.name == "Option":
            return ("optional", type_spec(node.arguments[0]) if node.arguments else ("any",))
        if node.name == "Result":  # with brackets always the built-in type (D17)
            arguments = [type_spec(a) for a in node.arguments] + [("any",), ("any",)]
            return ("result", arguments[0], arguments[1])
        return ("named", node.name)
    if isinstance(node, ast.TypeString):
        return type_string_spec(node.text)
    if isinstance(node, ast.LegacyGenericType):
        return ("named", node.name)
    if isinstance(node, ast.NamedType):
        return named_type_spec(node.name)
    return ("any",)


def type_text(node: ast.TypeExpr | None) -> str | None:
    spec = type_spec(node) if node is not None else None
    return None if spec is None else repr(spec)


# ------------------------------------------------------------------------------ constants


_NOT_CONSTANT = object()


def _is_type_property(key: str) -> bool:
    setting = AGENT_PROPERTIES.get(key)
    return setting is not None and setting.value.kind == TYPE


def constant_value(expr: ast.Expr | None) -> Any:
    """The value of a literal property (strings are data, not interpolated: D04)."""
    if expr is None:
        return None
    if isinstance(expr, ast.StringLit):
        return expr.value
    if isinstance(expr, ast.Number | ast.Bool):
        return expr.value
    if isinstance(expr, ast.NoneLit):
        return None
    if isinstance(expr, ast.Name):
        return expr.id  # a bare word: `memory: persistent`, `tools = [query]`
    if isinstance(expr, ast.Member):
        base = constant_value(expr.object)
        return f"{base}.{expr.name}" if isinstance(base, str) else _NOT_CONSTANT
    if isinstance(expr, ast.Unary) and expr.op == "-" and isinstance(expr.operand, ast.Number):
        return -expr.operand.value
    if isinstance(expr, ast.ListLit):
        return [constant_value(e) for e in expr.elements]
    if isinstance(expr, ast.FallbackElement):
        return ("fallback", constant_value(expr.value))
    if isinstance(expr, ast.DictLit):
        return {e.key: constant_value(e.value) for e in expr.entries}
    if isinstance(expr, ast.Call) and isinstance(expr.function, ast.Name):
        return (expr.function.id, [constant_value(a.value) for a in expr.arguments])
    if isinstance(expr, ast.TemplateLit):
        return expr.text
    return _NOT_CONSTANT


def is_constant(expr: ast.Expr) -> bool:
    return constant_value(expr) is not _NOT_CONSTANT


# ------------------------------------------------------------------------------ program compiler


class ProgramCompiler:
    def __init__(self, program: Program) -> None:
        self.program = program
        files = {}
        for f in program.files:
            files[f.path or "<input>"] = f.source
        self.result = CompiledProgram(module=Code("<top level>", "module", program.root.path), files=files)
        self.declared: set[str] = set(program.symbols)

    def compile(self) -> CompiledProgram:
        result = self.result
        # Tables first: member functions and runs refer to them by name only.
        for file in self.program.files:
            path = file.path
            for item in file.module.items:
                self.declare(item, path)
        module = FunctionCompiler(self, result.module)
        for name in result.agent_order:
            spec = result.agents[name]
            module.emit(Op.AGENT_CREATE, name, spec.span, file=spec.file, statement=True)
        for file in self.program.files:
            module.file = file.path
            for item in file.module.items:
                if isinstance(item, ast.Import):
                    module.bind_import(item)
        for file in self.program.files:
            module.file = file.path
            for item in file.module.items:
                if isinstance(item, ast.Stmt):
                    module.statement(item)
        module.emit(Op.CONST, None, (0, 0))
        module.emit(Op.RETURN, None, (0, 0))
        module.finish()
        return result

    def declare(self, item: ast.Node, path: str | None) -> None:
        result = self.result
        if isinstance(item, ast.FlowDecl):
            if item.name and item.name not in result.flows:
                result.flows[item.name] = self.function(
                    item.name, "flow", item.params, item.body, path, item, contracts=item.contracts
                )
                result.flow_order.append(item.name)
        elif isinstance(item, ast.TestDecl):
            result.tests.append((item.name, self.function(item.name, "test", [], item.body, path, item)))
        elif isinstance(item, ast.AgentDecl):
            if item.name and item.name not in result.agents:
                result.agents[item.name] = self.agent(item, path)
                result.agent_order.append(item.name)
        elif isinstance(item, ast.ProtocolDecl):
            result.protocols[item.name] = [(f.name, type_spec(f.type)) for f in item.fields]
        elif isinstance(item, ast.StructDecl):
            result.structs[item.name] = [f.name for f in item.fields]
        elif isinstance(item, ast.EnumDecl):
            result.enums[item.name] = {
                v.name: (tuple(f.name for f in v.fields) if v.has_payload else None) for v in item.variants
            }
        elif isinstance(item, ast.ImplDecl):
            methods = result.impls.setdefault(item.type_name, {})
            for method in item.methods:
                if method.body is not None:
                    methods[method.name] = self.function(
                        f"{item.type_name}.{method.name}", "method", method.params, method.body, path, method
                    )
        elif isinstance(item, ast.ToolDecl):
            props = {p.key: constant_value(p.value) for p in item.properties}
            result.tools[item.name] = ToolSpecDecl(item.name, props, path, tuple(item.name_span))
        elif isinstance(item, ast.ToolFnDecl):
            code = self.function(item.name, "tool_fn", item.params, item.body, path, item)
            options = {o.key: constant_value(o.value) for o in item.options}
            result.tool_fns[item.name] = ToolFnSpec(
                item.name,
                code,
                item.description.value if item.description else "",
                options,
                params_schema(item.params),
            )
        elif isinstance(item, ast.TypeDecl):
            result.type_aliases[item.name] = type_spec(item.type)
            if item.constraint is not None:  # a semantic type: the constraint is judged (typemodes.py)
                result.semantic_types[item.name] = item.constraint.value
            else:
                result.semantic_types.pop(item.name, None)
        elif isinstance(item, ast.ServerDecl | ast.JobDecl | ast.HandleDecl):
            from .services.compiling import declare_service

            declare_service(self, item, path)

    def function(
        self,
        name: str,
        kind: str,
        params: list[ast.Param],
        body: ast.Block,
        path: str | None,
        node: ast.Node,
        contracts: list[ast.Contract] | None = None,
        extra_locals: tuple[str, ...] = (),
    ) -> Code:
        code = Code(name, kind, path, tuple(node.span), params=[param_spec(p) for p in params])
        compiler = FunctionCompiler(self, code)
        compiler.prologue_contracts(contracts or [], name)
        if kind in ("flow",):
            declared = getattr(node, "return_type", None)
            if declared is not None and type_spec(declared) != ("any",):
                compiler.result_type = (type_spec(declared), f"the result of flow '{name}'")
            compiler.block(body)
            if compiler.result_type is not None:
                compiler.emit(Op.CHECK_TYPE, (*compiler.result_type, True), body_end(body))
            compiler.emit(Op.RETURN_RESULT, "result", body_end(body))
        else:
            compiler.body_value(body, kind)
        compiler.finish()
        return code

    def agent(self, decl: ast.AgentDecl, path: str | None) -> AgentSpec:
        spec = AgentSpec(decl.name, path, tuple(decl.name_span))
        for prop in decl.properties:
            # A type-valued property (`output_type = list[str]`, L§3.1.5) is read by the checker,
            # never evaluated: `list[str]` would index the built-in `list` at run time.
            if prop.is_assignment and not is_constant(prop.value) and not _is_type_property(prop.key):
                code = Code(f"{decl.name}.{prop.key}", "lambda", path, tuple(prop.span))
                c = FunctionCompiler(self, code)
                c.expression(prop.value)
                c.emit(Op.RETURN, None, tuple(prop.span))
                c.finish()
                spec.computed[prop.key] = code
            else:
                value = constant_value(prop.value)
                if isinstance(prop.value, ast.StringLit) and prop.is_assignment and prop.value.interpolations:
                    code = Code(f"{decl.name}.{prop.key}", "lambda", path, tuple(prop.span))
                    c = FunctionCompiler(self, code)
                    c.expression(prop.value)
                    c.emit(Op.RETURN, None, tuple(prop.span))
                    c.finish()
                    spec.computed[prop.key] = code
                else:
                    spec.properties[prop.key] = value
        for decorator in decl.decorators:
            for arg in decorator.arguments:
                spec.decorators[decorator_setting(decorator.name, arg.name)] = constant_value(arg.value)
        spec.uses = [u.text for u in decl.uses]
        if decl.implements:
            spec.protocol = decl.implements[0].id
        for fn in decl.functions:
            if fn.body is not None:
                spec.functions[fn.name] = self.function(
                    f"{decl.name}.{fn.name}", "function", fn.params, fn.body, path, fn
                )
        for flow in decl.flows:
            spec.functions[flow.name] = self.function(
                f"{decl.name}.{flow.name}",
                "flow",
                flow.params,
                flow.body,
                path,
                flow,
                contracts=flow.contracts,
            )
        for let in decl.lets:
            if isinstance(let.pattern, ast.BindingPattern):
                code = Code(f"{decl.name}.{let.pattern.name}", "lambda", path, tuple(let.span))
                c = FunctionCompiler(self, code)
                c.expression(let.value)
                c.check_declared_type(let, tuple(let.span))
                c.emit(Op.RETURN, None, tuple(let.span))
                c.finish()
                spec.lets[let.pattern.name] = code
        output_format = spec.properties.get("output_format")
        spec.is_structured = bool(
            spec.protocol or output_format == "json" or "output_schema" in spec.properties
        )
        stream = spec.properties.get("stream")
        tool_props = spec.properties.get("tools") or spec.properties.get("uses")
        offers_tools = bool(spec.uses or tool_props or self.result.tool_fns or self.has_tool_fns())
        spec.streams = stream in (True, "true") and not spec.is_structured and not offers_tools
        spec.run_code = self.agent_run(decl, spec, path)
        return spec

    def has_tool_fns(self) -> bool:
        return any(isinstance(d, ast.ToolFnDecl) for _, d in self.program.declarations())

    def agent_run(self, decl: ast.AgentDecl, spec: AgentSpec, path: str | None) -> Code:
        code = Code(f"{decl.name}.run", "agent_run", path, tuple(decl.name_span))
        c = FunctionCompiler(self, code)
        where = tuple(decl.name_span)
        c.emit(Op.AGENT_INPUT, None, where, statement=True)
        for contract in decl.contracts:
            if contract.kind == "requires":
                c.contract_check(contract, "agent", decl.name)
        call_at = len(code.instrs)
        c.emit(Op.LLM_STREAM if spec.streams else Op.LLM_CALL, None, where, statement=True)
        if spec.is_structured:
            c.emit(Op.VALIDATE, call_at, where)
        c.emit(Op.AGENT_COMMIT, None, where)
        for contract in decl.contracts:
            if contract.kind == "ensures":
                c.emit(Op.DUP, None, tuple(contract.span))
                c.emit(Op.STORE, "result", tuple(contract.span))
                c.contract_check(contract, "agent", decl.name)
        c.emit(Op.RETURN, None, where)
        c.finish()
        return code


def decorator_setting(decorator: str, argument: str) -> str:
    return {"limit": "max_tokens", "timeout": "timeout", "retry": "retry", "temperature": "temperature"}.get(
        decorator, f"{decorator}.{argument}"
    )


def param_spec(param: ast.Param) -> ParamSpec:
    if param.default is not None:
        value = constant_value(param.default)
        return ParamSpec(param.name, None if value is _NOT_CONSTANT else value, True, type_text(param.type))
    return ParamSpec(param.name, None, False, type_text(param.type))


def params_schema(params: list[ast.Param]) -> dict[str, Any]:
    """JSON Schema of an `@tool fn`'s parameters (S§5.3)."""
    properties: dict[str, Any] = {}
    required = []
    for param in params:
        spec = type_spec(param.type)
        properties[param.name] = json_schema_of(spec, {})
        if param.default is None and spec[0] != "optional":
            required.append(param.name)
    return {"type": "object", "properties": properties, "required": required}


def pushed_order(arguments: list[ast.Argument]) -> list[ast.Argument]:
    """A call's arguments in the order their values are pushed: positional ones, then named ones."""
    return [a for a in arguments if a.name is None] + [a for a in arguments if a.name is not None]


def body_end(block: ast.Block) -> tuple[int, int]:
    end = block.span.end
    return (max(end - 1, block.span.start), end)


# ------------------------------------------------------------------------------ function compiler


@dataclass
class _LoopContext:
    break_patches: list[int]
    continue_target: int | None
    continue_patches: list[int]
    try_depth: int
    records_results: bool


class FunctionCompiler:
    """Compiles one activation's statements into `code.instrs`."""

    def __init__(self, program: ProgramCompiler, code: Code) -> None:
        self.program = program
        self.code = code
        self.file = code.file
        self.instrs = code.instrs
        self.pending_statement = False
        self.loops: list[_LoopContext] = []
        self.try_depth = 0
        self.records_loop_results = False
        self.old_names: dict[int, str] = {}
        self.unharnessed = 0  # depth of enclosing `unharnessed` blocks: verify is skipped there
        self.result_type: tuple[Any, str] | None = None  # a flow's declared result: (type, place)

    # --- emission ---------------------------------------------------------------------------

    def emit(self, op: Op, arg: Any, span: Any, *, file: str | None = None, statement: bool = False) -> int:
        flag = statement or self.pending_statement
        self.pending_statement = False
        self.instrs.append(Instr(op, arg, (span[0], span[1]), file or self.file, flag))
        return len(self.instrs) - 1

    def here(self) -> int:
        return len(self.instrs)

    def patch(self, index: int, target: int | None = None) -> None:
        instr = self.instrs[index]
        target = self.here() if target is None else target
        if instr.op is Op.SETUP_TRY:
            instr.arg = (target, instr.arg[1])
        else:
            instr.arg = target

    def finish(self) -> None:
        pass

    def child(self, name: str, kind: str, span: Any, params: list[ast.Param] | None = None) -> Code:
        code = Code(name, kind, self.file, (span[0], span[1]), params=[param_spec(p) for p in params or []])
        self.code.children.append(code)
        return code

    # --- bodies -----------------------------------------------------------------------------

    def block(self, block: ast.Block | None) -> None:
        if block is None:
            return
        for statement in block.statements:
            self.statement(statement)

    def body_value(self, block: ast.Block, kind: str) -> None:
        """A body whose value is its `return`, else its last expression statement, else `result`
        (flows) or none (D22)."""
        statements = block.statements
        for statement in statements[:-1]:
            self.statement(statement)
        if statements and isinstance(statements[-1], ast.ExprStmt):
            last = statements[-1]
            self.pending_statement = True
            self.expression(last.expr)
            self.emit(Op.RETURN, None, tuple(last.span))
            return
        if statements:
            self.statement(statements[-1])
        self.emit(Op.RETURN_RESULT, "result", body_end(block))

    def block_value(self, block: ast.Block) -> None:
        """A block used as a value (otherwise { … }, match arms): its last expression statement."""
        statements = block.statements
        for statement in statements[:-1]:
            self.statement(statement)
        if statements and isinstance(statements[-1], ast.ExprStmt):
            self.pending_statement = True
            self.expression(statements[-1].expr)
            return
        if statements:
            self.statement(statements[-1])
        self.emit(Op.CONST, None, body_end(block))

    def arm_value(self, body: ast.Expr | ast.Block | None, span: Any, match: ast.Match | None = None) -> None:
        if body is None:
            self.emit(Op.CONST, None, span)
        elif isinstance(body, ast.Block):
            self.block_value(body)
        else:
            # an arm on a line of its own is where a debugger stops for that arm (a breakpoint on
            # its line binds there); an arm on the `match` line stays part of the match's statement
            if match is not None and self.on_a_later_line(match.span.start, span[0]):
                self.pending_statement = True
            self.expression(body)

    def on_a_later_line(self, first: int, second: int) -> bool:
        data = self.program.result.files.get(self.file or "<input>", b"")
        return b"\n" in data[first:second]

    def prologue_contracts(self, contracts: list[ast.Contract], name: str) -> None:
        ensures = [c for c in contracts if c.kind == "ensures"]
        for contract in ensures:
            for node in contract.condition.walk():
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.function, ast.Name)
                    and node.function.id == "old"
                    and node.arguments
                ):
                    hidden = f"$old{len(self.old_names)}"
                    self.old_names[id(node)] = hidden
                    self.expression(node.arguments[0].value)
                    self.emit(Op.STORE, hidden, tuple(node.span))
        for contract in contracts:
            if contract.kind == "requires":
                self.contract_check(contract, "flow", name)
        for contract in ensures:
            code = Code(f"{name} ensures", "defer", self.file, tuple(contract.span))
            sub = FunctionCompiler(self.program, code)
            sub.old_names = self.old_names
            sub.contract_check(contract, "flow", name)
            sub.emit(Op.CONST, None, tuple(contract.span))
            sub.emit(Op.RETURN, None, tuple(contract.span))
            self.code.ensures.append((code, self.source_text(contract.condition), False))
            self.code.children.append(code)

    def source_text(self, node: ast.Node) -> str:
        data = self.program.result.files.get(self.file or "<input>", b"")
        return data[node.span.start : node.span.end].decode("utf-8", "replace")

    def data_text(self, string: ast.StringLit) -> str:
        """A string the grammar uses as data (L§1.6.5, D04): a `#{…}` in it is kept as written, spaces
        included (`value` holds the path with its spaces stripped)."""
        return "".join(p if isinstance(p, str) else self.source_text(p) for p in string.parts) or string.value

    def contract_check(self, contract: ast.Contract, where: str, name: str) -> None:
        span = tuple(contract.condition.span)
        text = self.source_text(contract.condition)
        semantic = isinstance(contract.condition, ast.StringLit)
        if semantic:
            self.emit(Op.CONST, contract.condition.value, span, statement=True)
        else:
            # A deterministic condition that fails to evaluate counts as violated (L§3.6).
            setup = self.emit(Op.SETUP_TRY, (None, None), span, statement=True)
            self.expression(contract.condition)
            self.emit(Op.POP_TRY, None, span)
            jump = self.emit(Op.JUMP, None, span)
            self.patch(setup)
            self.emit(Op.POP, None, span)
            self.emit(Op.CONST, False, span)
            self.patch(jump)
        self.emit(Op.CONTRACT, (contract.kind, where, name, text, semantic), span)

    def bind_import(self, node: ast.Import) -> None:
        """`import std.NS as alias` binds the global `alias` to that namespace (D08); without an
        alias, or for another module (a checker error), an import does nothing."""
        parts = node.module.split(".")
        if node.alias is None or parts[0] != "std":
            return
        span = tuple(node.span)
        self.emit(Op.LOAD, "std", span, statement=True)
        for part in parts[1:]:
            self.emit(Op.GET_ATTR, part, span)
        self.emit(Op.STORE, node.alias, tuple(node.alias_span or node.span))

    # --- statements -------------------------------------------------------------------------

    def statement(self, node: ast.Stmt) -> None:
        start = self.here()
        self.pending_statement = True
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise CompileError(f"cannot compile statement {type(node).__name__}", self.file, tuple(node.span))
        method(node)
        if self.here() == start:
            self.emit(Op.NOP, None, tuple(node.span))
        self.pending_statement = False

    def stmt_ExprStmt(self, node: ast.ExprStmt) -> None:
        expr = node.expr
        if isinstance(expr, ast.PrintCall):
            self.print_call(expr)
            return
        self.expression(expr)
        self.emit(Op.LOOP_RESULT if self.records_loop_results else Op.POP, None, tuple(node.span))

    def stmt_Let(self, node: ast.Let) -> None:
        self.expression(node.value)
        self.check_declared_type(node, tuple(node.span))
        self.bind_pattern(node.pattern, tuple(node.span))

    def check_declared_type(self, node: ast.Let, span: Any) -> None:
        """`let x: T = e` checks `e` against `T` per the type mode (L§4.3, E111)."""
        if node.type is None or type_spec(node.type) == ("any",):
            return
        name = node.pattern.name if isinstance(node.pattern, ast.BindingPattern) else "pattern"
        self.emit(Op.CHECK_TYPE, (type_spec(node.type), f"let '{name}'", False), span)

    def bind_pattern(self, pattern: ast.Pattern, span: Any) -> None:
        if isinstance(pattern, ast.BindingPattern):
            if self.records_loop_results:
                self.emit(Op.DUP, None, span)
                self.emit(Op.LOOP_RESULT, None, span)
            self.emit(Op.STORE, pattern.name, span)
        else:
            self.emit(Op.DESTRUCTURE, compile_pattern(pattern), span)

    def stmt_Assign(self, node: ast.Assign) -> None:
        target = node.target
        span = tuple(node.span)
        if isinstance(target, ast.Name):
            self.expression(node.value)
            if self.records_loop_results:
                self.emit(Op.DUP, None, span)
                self.emit(Op.LOOP_RESULT, None, span)
            self.emit(Op.STORE, target.id, tuple(target.span))
        elif isinstance(target, ast.Member):
            self.expression(target.object)
            self.expression(node.value)
            self.emit(Op.SET_ATTR, target.name, tuple(target.span))
        elif isinstance(target, ast.Index):
            self.expression(target.object)
            self.expression(target.index)
            self.expression(node.value)
            self.emit(Op.SET_INDEX, None, tuple(target.span))
        else:
            raise CompileError("invalid assignment target", self.file, span)

    def stmt_Print(self, node: ast.Print) -> None:
        self.expression(node.value)
        self.emit(Op.PRINT, 1, tuple(node.span))

    def stmt_If(self, node: ast.If) -> None:
        self.expression(node.condition)
        jump_else = self.emit(Op.JUMP_IF_FALSE, None, tuple(node.condition.span))
        self.block(node.consequence)
        self.else_part(node.alternative, jump_else, tuple(node.span))

    def else_part(
        self, alternative: ast.Block | ast.If | ast.SemanticIf | None, jump_else: int, span: Any
    ) -> None:
        if alternative is None:
            self.patch(jump_else)
            return
        jump_end = self.emit(Op.JUMP, None, span)
        self.patch(jump_else)
        if isinstance(alternative, ast.Block):
            self.block(alternative)
        else:
            self.statement(alternative)
        self.patch(jump_end)

    def stmt_SemanticIf(self, node: ast.SemanticIf) -> None:
        self.expression(node.subject)
        # the fast_match pattern is data (D04); the condition is evaluated, so `#{…}` interpolates
        fast = self.data_text(node.fast_match) if node.fast_match is not None else None
        condition = self.evaluated_text(node.condition)
        self.emit(Op.SEMANTIC_IF, (condition, fast), tuple(node.span))
        jump_else = self.emit(Op.JUMP_IF_FALSE, None, tuple(node.span))
        self.block(node.consequence)
        self.else_part(node.alternative, jump_else, tuple(node.span))

    def loop_body(self, body: ast.Block, context: _LoopContext, records: bool) -> None:
        self.loops.append(context)
        saved = self.records_loop_results
        self.records_loop_results = records
        self.block(body)
        self.records_loop_results = saved
        self.loops.pop()

    def stmt_While(self, node: ast.While) -> None:
        top = self.here()
        self.expression(node.condition)
        exit_jump = self.emit(Op.JUMP_IF_FALSE, None, tuple(node.condition.span))
        context = _LoopContext([], top, [], self.try_depth, False)
        self.loop_body(node.body, context, self.records_loop_results)
        self.emit(Op.JUMP, top, tuple(node.span))
        self.patch(exit_jump)
        for index in context.break_patches:
            self.patch(index)

    def for_loop(self, iterable: ast.Expr, mode: str, bind: Any, body: ast.Block, span: Any) -> None:
        self.expression(iterable)
        self.emit(Op.ITER_INIT, mode, span)
        top = self.here()
        for_iter = self.emit(Op.FOR_ITER, None, span)
        bind()
        context = _LoopContext([], top, [], self.try_depth, False)
        self.loop_body(body, context, self.records_loop_results)
        self.emit(Op.JUMP, top, span)
        for index in context.break_patches:
            self.patch(index)
        if context.break_patches:
            self.emit(Op.POP, None, span)  # the iterator, left by a break
        self.patch(for_iter)

    def stmt_ForEach(self, node: ast.ForEach) -> None:
        span = tuple(node.span)

        def bind() -> None:
            if node.value is not None:
                self.emit(Op.STORE, node.value, span)
            self.emit(Op.STORE, node.variable, span)

        if node.value is not None:
            # the iterator pushes (first, second); store second, then first
            self.for_loop(node.iterable, "each2", bind, node.body, span)
        else:
            self.for_loop(node.iterable, "each", bind, node.body, span)

    def stmt_For(self, node: ast.For) -> None:
        span = tuple(node.span)
        self.for_loop(node.iterable, "each", lambda: self.bind_pattern(node.pattern, span), node.body, span)

    def stmt_Loop(self, node: ast.Loop) -> None:
        span = tuple(node.span)
        keyword = (node.span.start, node.span.start + 4)
        self.emit(Op.LOOP_ENTER, ("loop", None, None), keyword)
        top = self.here()
        next_at = self.emit(Op.LOOP_NEXT, None, keyword)
        context = _LoopContext([], None, [], self.try_depth, True)
        self.loop_body(node.body, context, True)
        condition_at = self.here()
        for index in context.continue_patches:
            self.patch(index, condition_at)
        self.until_condition(node.condition)
        self.emit(Op.JUMP_IF_FALSE, top, tuple(node.condition.span))
        for index in [next_at, *context.break_patches]:
            self.patch(index)
        self.emit(Op.LOOP_EXIT, None, span)

    def until_condition(self, expr: ast.Expr) -> None:
        """D60: string literals (also inside and/or/not) are judged against the locals."""
        span = tuple(expr.span)
        if isinstance(expr, ast.StringLit) and not expr.interpolations:
            self.emit(Op.JUDGE_LOCALS, (expr.value, "loop_until"), span)
        elif isinstance(expr, ast.Binary) and expr.op in ("and", "or"):
            self.until_condition(expr.left)
            jump = self.emit(Op.JUMP_IF_FALSE if expr.op == "and" else Op.JUMP_IF_TRUE, None, span)
            self.until_condition(expr.right)
            end = self.emit(Op.JUMP, None, span)
            self.patch(jump)
            self.emit(Op.CONST, expr.op == "or", span)
            self.patch(end)
        elif isinstance(expr, ast.Unary) and expr.op == "not":
            self.until_condition(expr.operand)
            self.emit(Op.UNARY, "not", span)
        else:
            self.expression(expr)
            self.emit(Op.UNTIL_TEST, None, span)

    def stmt_Autoloop(self, node: ast.Autoloop) -> None:
        span = tuple(node.span)
        params = {p.name: p.value for p in node.params}
        max_steps = params.get("max_steps", 50)
        timeout = params.get("timeout")
        self.emit(Op.LOOP_ENTER, ("autoloop", max_steps, timeout), span)
        top = self.here()
        next_at = self.emit(Op.LOOP_NEXT, None, span)
        context = _LoopContext([], None, [], self.try_depth, True)
        self.loop_body(node.body, context, True)
        for index in context.continue_patches:
            self.patch(index)
        exit_jumps = []
        if "exit_when" in params:
            self.emit(Op.JUDGE_LOCALS, (str(params["exit_when"]), "autoloop_exit_when"), span)
            exit_jumps.append(self.emit(Op.JUMP_IF_TRUE, None, span))
        self.emit(Op.JUMP, top, span)
        for index in [next_at, *context.break_patches, *exit_jumps]:
            self.patch(index)
        self.emit(Op.LOOP_EXIT, None, span)

    def loop_jump(self, node: ast.Stmt, is_break: bool) -> None:
        span = tuple(node.span)
        if not self.loops:
            raise CompileError("break/continue outside a loop", self.file, span)
        context = self.loops[-1]
        for _ in range(self.try_depth - context.try_depth):
            self.emit(Op.POP_TRY, None, span)
        if is_break:
            context.break_patches.append(self.emit(Op.JUMP, None, span))
        elif context.continue_target is not None:
            self.emit(Op.JUMP, context.continue_target, span)
        else:
            context.continue_patches.append(self.emit(Op.JUMP, None, span))

    def stmt_Break(self, node: ast.Break) -> None:
        self.loop_jump(node, True)

    def stmt_Continue(self, node: ast.Continue) -> None:
        self.loop_jump(node, False)

    def stmt_Return(self, node: ast.Return) -> None:
        if node.value is None:
            self.emit(Op.CONST, None, tuple(node.span))
        else:
            self.expression(node.value)
        if self.result_type is not None:  # a flow's declared result (E111)
            self.emit(Op.CHECK_TYPE, (*self.result_type, False), tuple(node.span))
        self.emit(Op.RETURN, None, tuple(node.span))

    def stmt_TryCatch(self, node: ast.TryCatch) -> None:
        span = tuple(node.span)
        kind = node.kind if node.kind and node.kind != "Error" else None
        setup = self.emit(Op.SETUP_TRY, (None, kind), span)
        self.try_depth += 1
        self.block(node.body)
        self.try_depth -= 1
        self.emit(Op.POP_TRY, None, span)
        jump = self.emit(Op.JUMP, None, span)
        self.patch(setup)
        if node.name:
            self.emit(Op.STORE, node.name, tuple(node.name_span))
        else:
            self.emit(Op.POP, None, span)
        self.block(node.handler)
        self.patch(jump)

    def stmt_TryAgent(self, node: ast.TryAgent) -> None:
        span = tuple(node.span)
        setup = self.emit(Op.SETUP_TRY, (None, None), span)
        self.try_depth += 1
        self.block(node.body)
        self.try_depth -= 1
        self.emit(Op.POP_TRY, None, span)
        jump_end = self.emit(Op.JUMP, None, span)
        self.patch(setup)
        kinds = tuple(c.kind for c in node.corrections)
        self.emit(Op.SELECT_CORRECTION, kinds, span)
        switch = self.emit(Op.SWITCH, None, span)
        targets = []
        ends = []
        for correction in node.corrections:
            targets.append(self.here())
            self.emit(Op.STORE, correction.name, tuple(correction.name_span))
            self.block(correction.body)
            ends.append(self.emit(Op.JUMP, None, span))
        targets.append(self.here())
        self.emit(Op.RAISE, None, span)  # no correction at all: re-raise
        self.instrs[switch].arg = tuple(targets)
        for index in ends:
            self.patch(index)
        self.patch(jump_end)

    def stmt_Raise(self, node: ast.Raise) -> None:
        value = node.value
        span = tuple(node.span)
        if (
            isinstance(value, ast.Call)
            and isinstance(value.function, ast.Name)
            and not self.is_callable_declaration(value.function.id)
        ):
            if value.arguments:
                self.expression(value.arguments[0].value)
            else:
                self.emit(Op.CONST, value.function.id, span)
            self.emit(Op.RAISE_KIND, value.function.id, span)
            return
        self.expression(value)
        self.emit(Op.RAISE, None, span)

    def is_callable_declaration(self, name: str) -> bool:
        symbol = self.program.program.lookup(name)
        return symbol is not None and symbol.kind in ("flow", "agent", "tool", "tool_fn", "struct", "global")

    def stmt_Assert(self, node: ast.Assert) -> None:
        span = tuple(node.span)
        text = self.source_text(node.condition)
        if node.against is not None:
            self.expression(node.condition)
            self.expression(node.against)
            self.emit(Op.ASSERT_AGAINST, text, span)
        else:
            self.expression(node.condition)
            self.emit(Op.ASSERT, text, span)

    def stmt_Defer(self, node: ast.Defer) -> None:
        code = self.child("defer", "defer", tuple(node.span))
        sub = FunctionCompiler(self.program, code)
        sub.expression(node.value)
        sub.emit(Op.RETURN, None, tuple(node.span))
        self.emit(Op.DEFER, code, tuple(node.span))

    def stmt_PythonBlock(self, node: ast.PythonBlock) -> None:
        self.emit(Op.PYTHON, node.code, tuple(node.span))

    def stmt_ContractStmt(self, node: ast.ContractStmt) -> None:
        self.contract_check(
            ast.Contract(kind=node.kind, condition=node.condition, span=node.span), "body", self.code.name
        )

    def stmt_WithContext(self, node: ast.WithContext) -> None:
        span = tuple(node.span)
        params = {p.name: p.value for p in node.params}
        self.emit(
            Op.CONTEXT_ENTER,
            (params.get("max_tokens", 100000), params.get("strategy", "sliding_window")),
            span,
        )
        self.block(node.body)
        self.emit(Op.CONTEXT_EXIT, None, span)

    def stmt_ContextPolicy(self, node: ast.ContextPolicy) -> None:
        params = {p.name: p.value for p in node.params}
        self.emit(
            Op.CONTEXT_ENTER,
            (params.get("max_tokens", 100000), params.get("strategy", "sliding_window")),
            tuple(node.span),
        )

    def stmt_Restore(self, node: ast.Restore) -> None:
        span = tuple(node.span)
        jump = None
        if node.condition is not None:
            self.expression(node.condition)
            jump = self.emit(Op.JUMP_IF_FALSE, None, span)
        self.expression(node.snapshot)
        self.emit(Op.RESTORE, None, span)
        if jump is not None:
            self.patch(jump)

    def stmt_Verify(self, node: ast.Verify) -> None:
        span = tuple(node.span)
        text = self.source_text(node.subject)
        self.expression(node.subject)
        if self.unharnessed:  # L§7.10.8: inside `unharnessed` verification is skipped
            self.emit(Op.POP, None, span)
            if node.type is None and node.against is not None:
                self.expression(node.against)
                self.emit(Op.POP, None, span)
            return
        if node.type is not None:
            self.emit(Op.VERIFY, ("type", type_spec(node.type), text), span)
        elif node.against is not None:
            self.expression(node.against)
            self.emit(Op.VERIFY, ("against", None, text), span)
        else:
            self.emit(Op.VERIFY, ("truthy", None, text), span)

    def stmt_Reflect(self, node: ast.Reflect) -> None:
        self.expression(node.note)
        self.emit(Op.REFLECT, None, tuple(node.span))

    def stmt_Unharnessed(self, node: ast.Unharnessed) -> None:
        self.unharnessed += 1
        try:
            self.block(node.body)
        finally:
            self.unharnessed -= 1

    def stmt_Hook(self, node: ast.Hook) -> None:
        code = self.child(f"{node.event} hook", "branch", tuple(node.span))
        sub = FunctionCompiler(self.program, code)
        sub.block(node.body)
        sub.emit(Op.CONST, None, tuple(node.span))
        sub.emit(Op.RETURN, None, tuple(node.span))
        self.emit(Op.HOOK, (node.event, node.name, node.kind, code), tuple(node.span))

    def stmt_Pass(self, node: ast.Pass) -> None:
        self.expression(node.message)
        self.expression(node.actor)
        self.emit(Op.PASS, None, tuple(node.span))

    # --- expressions ------------------------------------------------------------------------

    def expression(self, node: ast.Expr | ast.Block) -> None:
        if isinstance(node, ast.Block):
            self.block_value(node)
            return
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise CompileError(
                f"cannot compile expression {type(node).__name__}", self.file, tuple(node.span)
            )
        method(node)

    def expr_Number(self, node: ast.Number) -> None:
        self.emit(Op.CONST, node.value, tuple(node.span))

    def expr_Bool(self, node: ast.Bool) -> None:
        self.emit(Op.CONST, node.value, tuple(node.span))

    def expr_NoneLit(self, node: ast.NoneLit) -> None:
        self.emit(Op.CONST, None, tuple(node.span))

    def expr_StringLit(self, node: ast.StringLit) -> None:
        span = tuple(node.span)
        if node.kind in ("triple", "raw") or not node.interpolations:
            self.emit(Op.CONST, node.value, span)
            return
        count = 0
        for part in node.parts:
            if isinstance(part, str):
                self.emit(Op.CONST, part, span)
            elif not self.interpolation(part):
                self.emit(Op.CONST, "#{" + part.path + "}", span)
            count += 1
        self.emit(Op.BUILD_STRING, count, span)

    def interpolation(self, part: ast.Interpolation) -> bool:
        """`#{path}` (L§1.6.3): emit the path's loads; False when it is not a valid path."""
        path = part.path.strip()
        span = tuple(part.span)
        if not path:
            self.emit(Op.CONST, "", span)
            return True
        parsed = parse_path(path)
        if parsed is None:
            return False
        self.emit(Op.LOAD, parsed.head, span)
        for kind, value, _ in parsed.steps:
            if kind == "attr":
                self.emit(Op.GET_ATTR, value, span)
            elif kind == "index":
                self.emit(Op.CONST, value, span)
                self.emit(Op.GET_INDEX, None, span)
            else:
                self.emit(Op.LOAD, value, span)
                self.emit(Op.GET_INDEX, None, span)
        return True

    def expr_TemplateLit(self, node: ast.TemplateLit) -> None:
        self.emit(Op.TEMPLATE, node.text, tuple(node.span))

    def expr_Name(self, node: ast.Name) -> None:
        self.emit(Op.LOAD, node.id, tuple(node.span))

    def expr_ScopedName(self, node: ast.ScopedName) -> None:
        self.emit(Op.VARIANT, (node.scope, node.name), tuple(node.span))

    def expr_Member(self, node: ast.Member) -> None:
        self.expression(node.object)
        self.emit(Op.GET_ATTR, node.name, tuple(node.name_span or node.span))

    def expr_Index(self, node: ast.Index) -> None:
        self.expression(node.object)
        self.expression(node.index)
        self.emit(Op.GET_INDEX, None, tuple(node.span))

    def arguments(self, arguments: list[ast.Argument]) -> tuple[int, tuple[str, ...]]:
        for argument in pushed_order(arguments):
            self.expression(argument.value)
        return len(arguments), tuple(a.name for a in arguments if a.name)

    def expr_Call(self, node: ast.Call) -> None:
        span = tuple(node.span)
        function = node.function
        if isinstance(function, ast.Name) and id(node) in self.old_names:
            self.emit(Op.LOAD, self.old_names[id(node)], span)
            return
        if isinstance(function, ast.Member) and function.name in ("run", "clone"):
            self.expression(function.object)
            count, names = self.arguments(node.arguments)
            self.emit(Op.AGENT_RUN if function.name == "run" else Op.AGENT_CLONE, (count, names), span)
            return
        self.expression(function)
        count, names = self.arguments(node.arguments)
        index = self.emit(Op.CALL, (count, names), span)
        pushed = pushed_order(node.arguments)
        self.code.argument_spans[index] = tuple((a.value.span[0], a.value.span[1]) for a in pushed)

    def expr_Unary(self, node: ast.Unary) -> None:
        self.expression(node.operand)
        self.emit(Op.UNARY, node.op, tuple(node.span))

    def expr_Await(self, node: ast.Await) -> None:
        self.expression(node.value)
        self.emit(Op.AWAIT, None, tuple(node.span))

    def expr_Binary(self, node: ast.Binary) -> None:
        span = tuple(node.span)
        if node.op in ("and", "or"):
            self.expression(node.left)
            jump = self.emit(Op.JUMP_IF_FALSE if node.op == "and" else Op.JUMP_IF_TRUE, None, span)
            self.expression(node.right)
            self.emit(Op.TO_BOOL, None, span)
            end = self.emit(Op.JUMP, None, span)
            self.patch(jump)
            self.emit(Op.CONST, node.op == "or", span)
            self.patch(end)
            return
        self.expression(node.left)
        self.expression(node.right)
        self.emit(Op.BINARY, node.op, span)

    def runnable(self, node: ast.Expr) -> None:
        """A runnable operand: `B >> C` in a branch position is a chain, not a run (L§5.1)."""
        if isinstance(node, ast.Dag) and node.op == ">>":
            self.runnable(node.left)
            self.runnable(node.right)
            self.emit(Op.MAKE_CHAIN, 2, tuple(node.span))
        elif isinstance(node, ast.Spawn) and node.agents is not None:
            self.expression(node.agents)
        else:
            self.expression(node)

    def expr_Dag(self, node: ast.Dag) -> None:
        span = tuple(node.op_span) if node.op_span != (0, 0) else tuple(node.span)
        if node.op == "&&" and isinstance(node.left, ast.Dag) and node.left.op == "|>>":
            # `x |>> [R…] && J`: the fork's branches are the consensus voters (E404, R25)
            self.expression(node.left.left)
            self.runnable(node.left.right)
            self.runnable(node.right)
            self.emit(Op.CONSENSUS, "fork", span)
            return
        self.expression(node.left)
        if node.op in (">>", "|>") and isinstance(node.right, ast.Call):
            self.expression(node.right.function)
            count, names = self.arguments(node.right.arguments)
            self.emit(Op.PIPE_CALL, (count, names, node.op == ">>"), span)
            return
        self.runnable(node.right)
        op = {
            ">>": Op.PIPELINE,
            "|>>": Op.FORK,
            "||": Op.FIRE,
            "&>>": Op.MERGE,
            "&&": Op.CONSENSUS,
            "|>": Op.PIPE,
        }[node.op]
        self.emit(op, None, span)

    def expr_Coalesce(self, node: ast.Coalesce) -> None:
        self.expression(node.left)
        jump = self.emit(Op.JUMP_IF_PRESENT, None, tuple(node.span))
        self.expression(node.right)
        self.patch(jump)

    def evaluated_text(self, text: ast.StringLit) -> str | None:
        """A string the judge reads that is evaluated in a flow (L§1.6.5, D04): its text when it
        interpolates nothing; otherwise the code pushing the interpolated text, and None."""
        if text.kind in ("triple", "raw") or not text.interpolations:
            return text.value
        self.expression(text)
        return None

    def case_table(
        self, cases: list[ast.CaseArm], question: ast.StringLit | None, span: Any, purpose: str
    ) -> None:
        """Stack: x. Classify x into a case label; run the chosen case with x (L§7.5.6). Case labels
        are data (D04); the question of `semantic_if (x, "q")` is evaluated (None: on the stack)."""
        labels = tuple(c.label.value for c in cases)
        text = self.evaluated_text(question) if question is not None else ""
        self.emit(Op.CLASSIFY, (labels, text or None, purpose, False, text is None), span)
        switch = self.emit(Op.SWITCH, None, span)
        targets, ends = [], []
        for case in cases:
            targets.append(self.here())
            # a case on a line of its own is a place to stop, as a match arm is
            self.pending_statement = self.on_a_later_line(span[0], case.span.start)
            self.runnable(case.value)
            self.emit(Op.RUN_WITH, None, tuple(case.span))
            ends.append(self.emit(Op.JUMP, None, span))
        targets.append(self.here())
        self.emit(Op.POP, None, span)
        self.emit(Op.CONST, None, span)
        self.instrs[switch].arg = tuple(targets)
        for index in ends:
            self.patch(index)

    def expr_Branch(self, node: ast.Branch) -> None:
        span = tuple(node.span)
        self.expression(node.input)
        if node.cases:
            self.case_table(node.cases, None, span, "branch")
            return
        if node.consequence is None or node.alternative is None:
            raise CompileError("incomplete semantic branch", self.file, span)
        self.runnable(node.consequence)
        self.runnable(node.alternative)
        self.emit(Op.BRANCH, None, span)

    def expr_SemanticIfExpr(self, node: ast.SemanticIfExpr) -> None:
        self.expression(node.subject)
        self.case_table(node.cases, node.question, tuple(node.span), "semantic_if")

    def expr_Otherwise(self, node: ast.Otherwise) -> None:
        span = tuple(node.span)
        setup = self.emit(Op.SETUP_TRY, (None, None), span)
        self.try_depth += 1
        self.expression(node.left)
        self.try_depth -= 1
        self.emit(Op.POP_TRY, None, span)
        ok = self.emit(Op.JUMP_IF_OK, None, span)
        to_handler = self.emit(Op.JUMP, None, span)
        self.patch(setup)
        self.emit(Op.POP, None, span)  # the error
        self.patch(to_handler)
        self.expression(node.right)
        self.patch(ok)

    def expr_TryExpr(self, node: ast.TryExpr) -> None:
        self.expression(node.operand)
        self.emit(Op.TRY_UNWRAP, None, tuple(node.span))

    def expr_FallbackElement(self, node: ast.FallbackElement) -> None:
        self.expression(node.value)

    def expr_ListLit(self, node: ast.ListLit) -> None:
        for element in node.elements:
            self.expression(element)
        self.emit(Op.BUILD_LIST, len(node.elements), tuple(node.span))

    def expr_DictLit(self, node: ast.DictLit) -> None:
        for entry in node.entries:
            self.expression(entry.value)
        self.emit(Op.BUILD_DICT, tuple(e.key for e in node.entries), tuple(node.span))

    def expr_Lambda(self, node: ast.Lambda) -> None:
        code = self.child("<lambda>", "lambda", tuple(node.span), node.params)
        sub = FunctionCompiler(self.program, code)
        if node.body is not None:
            sub.body_value(node.body, "lambda")
        else:
            sub.emit(Op.CONST, None, tuple(node.span))
            sub.emit(Op.RETURN, None, tuple(node.span))
        self.emit(Op.MAKE_FUNCTION, code, tuple(node.span))

    def expr_Match(self, node: ast.Match) -> None:
        span = tuple(node.span)
        keyword = (node.span.start, node.span.start + 5)
        self.expression(node.subject)
        if node.is_intent_match:
            intents = [a for a in node.arms if isinstance(a, ast.IntentArm)]
            default = next(
                (
                    a
                    for a in node.arms
                    if isinstance(a, ast.MatchArm) and isinstance(a.pattern, ast.WildcardPattern)
                ),
                None,
            )
            labels = tuple(a.intent.value for a in intents)
            self.emit(Op.CLASSIFY, (labels, None, "intent", default is None, False), keyword)
            switch = self.emit(Op.SWITCH, None, keyword)
            targets, ends = [], []
            for arm in intents:
                targets.append(self.here())
                self.emit(Op.POP, None, tuple(arm.span))
                self.arm_value(arm.body, tuple(arm.span), node)
                ends.append(self.emit(Op.JUMP, None, span))
            targets.append(self.here())
            self.emit(Op.POP, None, span)
            if default is not None:
                self.arm_value(default.body, tuple(default.span), node)
            else:
                self.emit(Op.CONST, None, span)
            self.instrs[switch].arg = tuple(targets)
            for index in ends:
                self.patch(index)
            return
        ends = []
        for arm in node.arms:
            if not isinstance(arm, ast.MatchArm):
                continue
            arm_span = tuple(arm.span)
            self.emit(Op.MATCH, compile_pattern(arm.pattern), arm_span)
            misses = [self.emit(Op.JUMP_IF_FALSE, None, arm_span)]
            if arm.guard is not None:
                self.expression(arm.guard)
                misses.append(self.emit(Op.JUMP_IF_FALSE, None, tuple(arm.guard.span)))
            self.emit(Op.POP, None, arm_span)
            self.arm_value(arm.body, arm_span, node)
            ends.append(self.emit(Op.JUMP, None, span))
            for index in misses:
                self.patch(index)
        self.emit(Op.POP, None, span)
        self.emit(Op.CONST, None, span)
        for index in ends:
            self.patch(index)

    def print_call(self, node: ast.PrintCall) -> None:
        for argument in node.arguments:
            self.expression(argument.value)
        self.emit(Op.PRINT, len(node.arguments), tuple(node.span))

    def expr_PrintCall(self, node: ast.PrintCall) -> None:
        self.print_call(node)
        self.emit(Op.CONST, None, tuple(node.span))

    def expr_Spawn(self, node: ast.Spawn) -> None:
        span = tuple(node.span)
        if node.agents is not None:
            self.expression(node.agents)
        elif node.actor is not None:
            count, names = self.arguments(node.arguments)
            self.emit(Op.SPAWN_ACTOR, (node.actor.id, count, names), span)
        elif node.task is not None:
            self.expression(node.task)
            self.emit(Op.SPAWN, None, span)
        else:
            raise CompileError("incomplete spawn", self.file, span)

    def expr_Fork(self, node: ast.Fork) -> None:
        codes = []
        for index, branch in enumerate(node.branches):
            code = self.child(f"fork branch {index + 1}", "branch", tuple(branch.span))
            sub = FunctionCompiler(self.program, code)
            # a branch on a line of its own is a place to stop (a breakpoint on its line binds there)
            sub.pending_statement = self.on_a_later_line(node.span.start, branch.span.start)
            sub.expression(branch.value)
            sub.emit(Op.RETURN, None, tuple(branch.span))
            codes.append(code)
        names = tuple(b.name for b in node.branches)
        self.emit(Op.FORK_MERGE, (tuple(codes), names, node.strategy or "best_of"), tuple(node.span))

    def expr_SnapshotExpr(self, node: ast.SnapshotExpr) -> None:
        self.emit(Op.SNAPSHOT, None, tuple(node.span))

    def expr_Receive(self, node: ast.Receive) -> None:
        self.emit(Op.RECEIVE, None, tuple(node.span))
        if node.type is not None and type_spec(node.type) != ("any",):
            self.emit(Op.CHECK_TYPE, (type_spec(node.type), "receive()", False), tuple(node.span))

    def expr_Missing(self, node: ast.Missing) -> None:
        raise CompileError("missing expression", self.file, tuple(node.span))


def compile_pattern(pattern: ast.Pattern) -> Any:
    if isinstance(pattern, ast.WildcardPattern):
        return PWild()
    if isinstance(pattern, ast.LiteralPattern):
        value = constant_value(pattern.value)
        return PLiteral(None if value is _NOT_CONSTANT else value)
    if isinstance(pattern, ast.BindingPattern):
        return PBind(pattern.name)
    if isinstance(pattern, ast.TuplePattern):
        return PList(tuple(compile_pattern(p) for p in pattern.elements))
    if isinstance(pattern, ast.ListPattern):
        rest = pattern.rest
        return PList(
            tuple(compile_pattern(p) for p in pattern.elements),
            rest is not None,
            rest.name if rest is not None else None,
        )
    if isinstance(pattern, ast.MapPattern):
        rest = pattern.rest
        return PMap(
            tuple(
                (e.key, compile_pattern(e.pattern) if e.pattern is not None else None)
                for e in pattern.entries
            ),
            rest is not None,
            rest.name if rest is not None else None,
        )
    if isinstance(pattern, ast.VariantPattern):
        return PVariant(pattern.enum, pattern.variant, tuple(compile_pattern(p) for p in pattern.arguments))
    return PWild()


def compile_program(program: Program) -> CompiledProgram:
    return ProgramCompiler(program).compile()
