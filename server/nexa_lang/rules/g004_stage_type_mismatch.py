"""G004 stage-type-mismatch: a pipeline stage receives a type it certainly does not accept.

Why: the stage's declared input (`input_type`, or a flow's typed first parameter) says what it can
work with; feeding it something else fails or silently produces nonsense at run time.
Example: `"scan.txt" >> Extractor >> Payer` where `Extractor implements Invoice` and `Payer` has
`input_type: Payment` with a field `iban` that `Invoice` lacks. Fix: make the types agree (no
automatic fix). Only certain types (§2.5, `nexa_lang.types`) are compared; the pairs of a
producer and the stage it feeds come from the flow graphs (nexa_lang.dag).
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Related, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation, Reference
from nexa_lang.types import (
    ANY,
    NONE,
    STR,
    StaticType,
    assignable,
    literal_type,
    protocol_fields,
    single_binding,
    type_of_annotation,
)

MESSAGE = "'{stage}' accepts {accepted} but receives {produced} from {source}"


@rule("G004", "stage-type-mismatch")
def check(program: Program) -> Iterator[Diagnostic]:
    checked: set[tuple[int, int]] = set()
    types: dict[int, _Types] = {}
    for graph in program.activation_graphs:
        file = graph.file
        if id(file) not in types:
            types[id(file)] = _Types(program, file)
        for pair in graph.stages:
            if (id(pair.producer), id(pair.stage)) in checked:
                continue
            checked.add((id(pair.producer), id(pair.stage)))
            found = types[id(file)].mismatch(pair.producer, pair.stage, pair.merged)
            if found is not None:
                yield found


def agent_output_type(program: Program, agent: ast.AgentDecl) -> StaticType:
    """`implements P` → P, else `output_type` / `-> T`, else `str` (G004)."""
    for name in agent.implements:
        if protocol_fields(program, name.id) is not None:
            return StaticType(name.id)
    declared = agent.property("output_type")
    if declared is not None:
        return type_of_annotation(program, declared.value)
    if agent.return_type is not None:
        return type_of_annotation(program, agent.return_type)
    return STR


def missing_fields(program: Program, produced: StaticType, accepted: StaticType) -> list[str]:
    """Fields of protocol `accepted` that protocol `produced` lacks or types differently."""
    have = protocol_fields(program, produced.name) or {}
    need = protocol_fields(program, accepted.name) or {}
    return [
        name
        for name, kind in need.items()
        if kind.name != "optional" and (name not in have or not assignable(program, have[name], kind))
    ]


class _Types:
    def __init__(self, program: Program, file: SourceFile):
        self.program = program
        self.file = file
        self._following: set[str] = set()

    def reference(self, name: ast.Name) -> Reference | None:
        # the scopes' shared index, built on first use: most programs never ask
        return self.program.scopes.by_span().get((id(self.file), name.span))

    def mismatch(self, producer: ast.Expr, stage: ast.Expr, merged: bool) -> Diagnostic | None:
        if not isinstance(stage, ast.Name):
            return None
        accepted, accepted_at = self.accepted(stage)
        if accepted.is_any or accepted == STR:
            return None
        produced, source, produced_at = self.produced(producer)
        if produced.is_any:
            return None
        if merged:  # the list's items are joined into text: only str or any is fine
            fits = False
        else:
            fits = assignable(self.program, produced, accepted)
        if fits:
            return None
        message = MESSAGE.format(stage=stage.id, accepted=accepted, produced=produced, source=source)
        is_protocols = not merged and protocol_fields(self.program, accepted.name) is not None
        if is_protocols and protocol_fields(self.program, produced.name) is not None:
            message += f"; missing fields: {', '.join(missing_fields(self.program, produced, accepted))}"
        related = [
            Related(span, text, path) for span, text, path in (accepted_at, produced_at) if span is not None
        ]
        return Diagnostic.error(stage.span, message, path=self.file.path, related=related)

    # ---- the receiving side

    def accepted(self, stage: ast.Name) -> tuple[StaticType, tuple[Span | None, str, str | None]]:
        symbol = self.program.lookup(stage.id)
        nowhere = (None, "", None)
        if symbol is None:
            return ANY, nowhere
        node = symbol.node
        if isinstance(node, ast.AgentDecl):
            declared = node.property("input_type")
            if declared is None:
                return ANY, nowhere
            accepted = type_of_annotation(self.program, declared.value)
            return accepted, (declared.value.span, f"'{stage.id}' accepts {accepted}", symbol.file.path)
        if isinstance(node, ast.FlowDecl) and node.params and node.params[0].type is not None:
            param = node.params[0]
            accepted = type_of_annotation(self.program, param.type)
            return accepted, (param.type.span, f"'{stage.id}' accepts {accepted}", symbol.file.path)
        return ANY, nowhere

    # ---- the producing side

    def produced(self, expr: ast.Expr) -> tuple[StaticType, str, tuple[Span | None, str, str | None]]:
        nowhere: tuple[Span | None, str, str | None] = (None, "", None)
        literal = literal_type(expr)
        if literal is not None:
            return literal, f"a {literal} literal", nowhere
        if isinstance(expr, ast.Dag) and expr.op == "||":
            return NONE, "'||'", nowhere
        if isinstance(expr, ast.Dag) and expr.op == "|>>":
            branches = expr.right.elements if isinstance(expr.right, ast.ListLit) else [expr.right]
            kinds = {self.stage_output(b)[0] for b in branches}
            item = kinds.pop() if len(kinds) == 1 else ANY
            return StaticType("list", (item,)), "the fan-out", nowhere
        if isinstance(expr, ast.Dag) and expr.op in (">>", "&>>", "&&"):
            return self.stage_output(expr.right)
        if isinstance(expr, ast.Binary) and expr.op == "+":
            if STR in (literal_type(expr.left), literal_type(expr.right)):
                return STR, "a string concatenation", nowhere
            return ANY, "", nowhere
        if isinstance(expr, ast.Name):
            return self.name_type(expr)
        if isinstance(expr, ast.Call):
            function = expr.function
            if isinstance(function, ast.Member) and function.name == "run":
                function = function.object
            if isinstance(function, ast.Name):
                return self.stage_output(function)
        return ANY, "", nowhere

    def stage_output(self, stage: ast.Expr) -> tuple[StaticType, str, tuple[Span | None, str, str | None]]:
        nowhere: tuple[Span | None, str, str | None] = (None, "", None)
        if not isinstance(stage, ast.Name):
            return ANY, "", nowhere
        symbol = self.program.lookup(stage.id)
        if symbol is None or self._is_local(stage):
            return ANY, "", nowhere
        node = symbol.node
        if isinstance(node, ast.AgentDecl):
            produced = agent_output_type(self.program, node)
            where = next((n.span for n in node.implements if n.id == produced.name), None)
            if where is None and node.property("output_type") is not None:
                where = node.property("output_type").value.span  # type: ignore[union-attr]
            if where is None and node.return_type is not None:
                where = node.return_type.span
            return produced, f"'{stage.id}'", (where, f"'{stage.id}' produces {produced}", symbol.file.path)
        if isinstance(node, ast.FlowDecl | ast.ToolFnDecl) and node.return_type is not None:
            produced = type_of_annotation(self.program, node.return_type)
            return (
                produced,
                f"'{stage.id}'",
                (node.return_type.span, f"'{stage.id}' returns {produced}", symbol.file.path),
            )
        return ANY, "", nowhere

    def name_type(self, name: ast.Name) -> tuple[StaticType, str, tuple[Span | None, str, str | None]]:
        """A typed parameter of the enclosing activation; other variables are uncertain here."""
        nowhere: tuple[Span | None, str, str | None] = (None, "", None)
        reference = self.reference(name)
        if reference is None:
            return ANY, "", nowhere
        activation = reference.activation
        while activation is not None and name.id not in activation.locals:
            activation = activation.parent
        if activation is None:
            return ANY, "", nowhere
        params = getattr(activation.node, "params", []) or []
        param = next((p for p in params if isinstance(p, ast.Param) and p.name == name.id), None)
        if param is None:
            return self._variable_type(activation, name)
        if param.type is None or self._assigned_in(activation.node, name.id):
            return ANY, "", nowhere
        produced = type_of_annotation(self.program, param.type)
        return (
            produced,
            f"'{name.id}'",
            (param.type.span, f"'{name.id}' is declared {produced}", self.file.path),
        )

    def _variable_type(
        self, activation: Activation, name: ast.Name
    ) -> tuple[StaticType, str, tuple[Span | None, str, str | None]]:
        """A local bound exactly once (§2.5): `let x: T = …` is T; `x = e` has e's certain type,
        so `approval = Approver.run(inv)` then `approval >> Payer` compares Approver's output."""
        nowhere: tuple[Span | None, str, str | None] = (None, "", None)
        binding = single_binding(activation, name.id)
        if binding is None or name.id in self._following:
            return ANY, "", nowhere
        if isinstance(binding, ast.Let) and binding.type is not None:
            produced = type_of_annotation(self.program, binding.type)
            return (
                produced,
                f"'{name.id}'",
                (binding.type.span, f"'{name.id}' is declared {produced}", self.file.path),
            )
        self._following.add(name.id)  # `x = x` and the like: no endless chase
        try:
            produced, _, produced_at = self.produced(binding.value)
        finally:
            self._following.discard(name.id)
        return produced, f"'{name.id}'", produced_at

    def _is_local(self, name: ast.Name) -> bool:
        reference = self.reference(name)
        return reference is not None and reference.resolution.value == "local"

    @staticmethod
    def _assigned_in(node: ast.Node, name: str) -> bool:
        return any(
            isinstance(n, ast.Assign) and isinstance(n.target, ast.Name) and n.target.id == name
            for n in node.walk()
        )
