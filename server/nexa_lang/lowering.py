"""Lower the tree-sitter CST of one file into the typed tree of `nexa_lang.ast`.

Reads the CST by node type and field name only (ARCHITECTURE: the CST is the API). Tolerant of
syntax errors: ERROR nodes are skipped, a missing part becomes `None` or `ast.Missing`, so a file
being typed still yields a model for completion and checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from tree_sitter import Node as TSNode

from nexa_lang import ast
from nexa_lang.interpolation_paths import parse_path
from nexa_lang.keywords import RESERVED
from nexa_lang.positions import Span
from nexa_lang.syntax_errors import is_unclosed_test_name, misspelled_declarations, same_quote_keys

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "#": "#",
    "{": "{",
    "}": "}",
}


# `Span(a, b)` runs the Python-level `__new__` that `NamedTuple` generates; lowering makes a span
# for every node, so it builds the tuple directly (the same value, about twice as fast).
_tuple_new = tuple.__new__


def span(node: TSNode) -> Span:
    # `byte_range`: one call into py-tree-sitter for both offsets, not two
    return _tuple_new(Span, node.byte_range)  # type: ignore[no-any-return]


class _FieldIds:
    """The grammar's field ids by field name: `node.child_by_field_id(FIELD.body)`.

    `child_by_field_name` looks the name up in the grammar's list of field names on every call, and
    lowering makes about one such call a node; the id is looked up once, on first use. A name the
    grammar lacks gets 0, which no child has (None, as `child_by_field_name` answers)."""

    def __getattr__(self, name: str) -> int:
        from nexa_lang.parsing import nexa_language  # late, as parsing imports the grammar late

        found: int = nexa_language().field_id_for_name(name) or 0
        setattr(self, name, found)
        return found


FIELD = _FieldIds()


class Lowerer:
    """Lowers one parsed file; `source` is the UTF-8 text the tree was parsed from."""

    def __init__(self, source: bytes, path: str | None = None) -> None:
        self.source = source
        self.path = path
        # Where the text is ASCII (most files), a byte offset is also a character offset: a node's
        # text is a slice of the decoded text, one step instead of slicing bytes then decoding.
        self._ascii_text = source.decode("ascii") if source.isascii() else None
        self._declarations, self._statements, self._expressions = _builders_by_kind_id()
        # Regions of interpolation keys written with their string's quote (`"#{cfg["k"]}"`): one
        # E008, and like an ERROR node no code (the key would be a statement: E001 for its name).
        self._skipped: list[tuple[int, int]] = []

    # ------------------------------------------------------------------ basics

    def text(self, node: TSNode | None) -> str:
        if node is None:
            return ""
        if self._ascii_text is not None:
            return self._ascii_text[node.start_byte : node.end_byte]
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def field_text(self, node: TSNode, name: str) -> str:
        return self.text(node.child_by_field_id(getattr(FIELD, name)))

    def fields(self, node: TSNode, name: str) -> list[TSNode]:
        children = node.children_by_field_id(getattr(FIELD, name))
        if not node.has_error:  # a MISSING child is an error of its parent: none here
            return children
        return [child for child in children if not child.is_missing]

    def _op(self, node: TSNode) -> str:
        return self.field_text(node, "operator")

    def _doc_comment(self, node: TSNode) -> str | None:
        """`//` lines directly above a declaration (no blank line between) are its doc comment."""
        lines: list[str] = []
        previous = node.prev_sibling
        expected_row = node.start_point.row - 1
        while previous is not None and previous.type == "comment" and previous.end_point.row == expected_row:
            text = self.text(previous)
            if not text.startswith("//"):
                break
            lines.append(text.lstrip("/").strip())  # `///` and `////` lines too (ordinary comments, §1.3)
            expected_row = previous.start_point.row - 1
            previous = previous.prev_sibling
        return "\n".join(reversed(lines)) or None

    # ------------------------------------------------------------------ module

    def module(self, root: TSNode) -> ast.Module:
        items: list[ast.Decl | ast.Stmt] = []
        # A declaration with a misspelled keyword (`agnet A {`) is one E008 and, like an ERROR node,
        # no code: its words would be statements (E001 for each name, E013 for each `return`).
        skipped = [(word.start_byte, end) for word, end, _ in misspelled_declarations(root)]
        self._skipped = [(region.start, region.end) for _, region, _ in same_quote_keys(root, self.source)]
        skipped += self._skipped
        for child in root.named_children:
            if skipped and any(start <= child.start_byte < end for start, end in skipped):
                continue
            item = self.item(child) if not child.is_error else self.unfinished_flow(child)
            if item is not None:
                items.append(item)
        return ast.Module(path=self.path, items=items, span=span(root))

    def unfinished_flow(self, node: TSNode, body: bool = True) -> ast.FlowDecl | None:
        """A top-level ERROR that starts as `flow name(params) {`: a flow the user is still typing
        (typically the last one of the file, its `(` or `{` not closed yet). The parser gave up on
        it, but the outline, completion and program-root detection should still see the flow with
        the statements the parser read; E008 reports the error and §2.6 drops other diagnostics
        inside it. Any other ERROR is skipped, as before."""
        children = node.children
        if len(children) < 2 or children[0].type != "flow" or children[1].type != "identifier":
            return None
        parameters = children[2] if len(children) > 2 and children[2].type == "parameter_list" else None
        statements = []
        for child in children[2:] if body else ():
            statement = self.statement(child)
            if statement is not None:
                statements.append(statement)
        return ast.FlowDecl(
            name=self.text(children[1]),
            name_span=span(children[1]),
            params=self.params(parameters),
            has_parens=parameters is not None,
            body=ast.Block(statements=statements, span=Span(children[1].end_byte, node.end_byte)),
            span=span(node),
        )

    def item(self, node: TSNode) -> ast.Decl | ast.Stmt | None:
        kind = node.kind_id
        build = self._declarations.get(kind)
        if build is not None:
            decl = build(self, node)
            decl.doc = self._doc_comment(node)
            return decl
        build_statement = self._statements.get(kind)
        return build_statement(self, node) if build_statement else None

    # ------------------------------------------------------------------ statements

    def statement(self, node: TSNode) -> ast.Stmt | None:
        build = self._statements.get(node.kind_id)
        return build(self, node) if build else None

    def block(self, node: TSNode | None) -> ast.Block:
        if node is None:
            return ast.Block()
        statements = []
        for child in node.named_children:
            if self._skipped and any(start <= child.start_byte < end for start, end in self._skipped):
                continue
            statement = self.statement(child)
            if statement is not None:
                statements.append(statement)
        return ast.Block(statements=statements, span=span(node))

    def _let(self, node: TSNode) -> ast.Let:
        return ast.Let(
            pattern=self.pattern(node.child_by_field_id(FIELD.pattern)),
            type=self.type_opt(node.child_by_field_id(FIELD.type)),
            value=self.expr(node.child_by_field_id(FIELD.value)),
            span=span(node),
        )

    def _else(self, node: TSNode | None) -> ast.Block | ast.If | ast.SemanticIf | None:
        if node is None:
            return None
        if node.type == "block":
            return self.block(node)
        lowered = self.statement(node)
        return lowered if isinstance(lowered, ast.If | ast.SemanticIf) else None

    def _if(self, node: TSNode) -> ast.If:
        return ast.If(
            condition=self._condition(node),
            consequence=self.block(node.child_by_field_id(FIELD.consequence)),
            alternative=self._else(node.child_by_field_id(FIELD.alternative)),
            span=span(node),
        )

    def _condition(self, node: TSNode, field: int = FIELD.condition) -> ast.Expr:
        """The condition of an `if`/`while` (the subject of a `match`); absent only in the recovery
        forms `if {`, `match {` (grammar G18), where it is a Missing at the end of the keyword rather
        than at the start of the file."""
        condition = node.child_by_field_id(field)
        if condition is None:
            keyword = node.child(0)
            at = keyword.end_byte if keyword is not None else node.start_byte
            return ast.Missing(span=Span(at, at))
        return self.expr(condition)

    def _semantic_if(self, node: TSNode) -> ast.SemanticIf:
        pattern = node.child_by_field_id(FIELD.pattern)
        return ast.SemanticIf(
            condition=self.string(node.child_by_field_id(FIELD.condition)),
            fast_match=self.string(pattern) if pattern is not None else None,
            subject=self.expr(node.child_by_field_id(FIELD.subject)),
            consequence=self.block(node.child_by_field_id(FIELD.consequence)),
            alternative=self._else(node.child_by_field_id(FIELD.alternative)),
            span=span(node),
        )

    def _for_each(self, node: TSNode) -> ast.ForEach:
        variable = node.child_by_field_id(FIELD.variable)
        value = node.child_by_field_id(FIELD.value)
        return ast.ForEach(
            variable=self.text(variable),
            variable_span=span(variable) if variable else span(node),
            value=self.text(value) if value else None,
            value_span=span(value) if value else None,
            iterable=self.expr(node.child_by_field_id(FIELD.iterable)),
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _try(self, node: TSNode) -> ast.TryCatch:
        handler = node.child_by_field_id(FIELD.handler)
        name = handler.child_by_field_id(FIELD.name) if handler else None
        kind = handler.child_by_field_id(FIELD.kind) if handler else None
        return ast.TryCatch(
            body=self.block(node.child_by_field_id(FIELD.body)),
            handler=self.block(handler.child_by_field_id(FIELD.body) if handler else None),
            name=self.text(name),
            name_span=span(name) if name else span(node),
            kind=self.text(kind) if kind else None,
            kind_span=span(kind) if kind else None,
            span=span(node),
        )

    def _python(self, node: TSNode) -> ast.PythonBlock:
        code = node.child_by_field_id(FIELD.code)
        content = next((c for c in code.named_children if c.type == "string_content"), None) if code else None
        return ast.PythonBlock(
            code=self.text(content),
            code_span=span(content) if content else (span(code) if code else span(node)),
            span=span(node),
        )

    def _harness_params(self, node: TSNode) -> list[ast.HarnessParam]:
        params = []
        for param in self.fields(node, "parameter"):
            name = param.child_by_field_id(FIELD.name)
            value = param.child_by_field_id(FIELD.value)
            if name is None or value is None:
                continue
            lowered = self.expr(value)
            literal: int | float | str | bool
            if isinstance(lowered, ast.Number | ast.Bool):
                literal = lowered.value
            elif isinstance(lowered, ast.StringLit):
                literal = lowered.value
            else:
                literal = self.text(value)
            params.append(
                ast.HarnessParam(
                    name=self.text(name),
                    value=literal,
                    name_span=span(name),
                    value_span=span(value),
                    is_symbol=value.type == "identifier",
                    span=span(param),
                )
            )
        return params

    def _try_agent(self, node: TSNode) -> ast.TryAgent:
        corrections = []
        for clause in self.fields(node, "correction"):
            name = clause.child_by_field_id(FIELD.name)
            kind = clause.child_by_field_id(FIELD.kind)
            corrections.append(
                ast.Correction(
                    name=self.text(name),
                    name_span=span(name) if name else span(clause),
                    kind=self.text(kind) if kind else None,
                    body=self.block(clause.child_by_field_id(FIELD.body)),
                    span=span(clause),
                )
            )
        return ast.TryAgent(
            body=self.block(node.child_by_field_id(FIELD.body)), corrections=corrections, span=span(node)
        )

    def _unharnessed(self, node: TSNode) -> ast.Unharnessed:
        reason = node.child_by_field_id(FIELD.reason)
        return ast.Unharnessed(
            reason=self.string(reason) if reason else None,
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _hook(self, node: TSNode) -> ast.Hook:
        name = node.child_by_field_id(FIELD.name)
        kind = node.child_by_field_id(FIELD.kind)
        return ast.Hook(
            event=self.field_text(node, "event"),
            name=self.text(name) if name else None,
            name_span=span(name) if name else None,
            kind=self.text(kind) if kind else None,
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    # ------------------------------------------------------------------ expressions

    def expr(self, node: TSNode | None) -> ast.Expr:
        if node is None or node.is_missing:
            return ast.Missing(span=span(node) if node is not None else Span(0, 0))
        build = self._expressions.get(node.kind_id)
        if build is None:
            return ast.Missing(span=span(node))
        return build(self, node)

    def expr_opt(self, node: TSNode | None) -> ast.Expr | None:
        return None if node is None else self.expr(node)

    def _name(self, node: TSNode) -> ast.Name:
        # The commonest node: its offsets are read once (each read crosses into py-tree-sitter).
        start, end = node.start_byte, node.end_byte
        ascii_text = self._ascii_text
        if ascii_text is not None:
            name = ascii_text[start:end]
        else:
            name = self.source[start:end].decode("utf-8", "replace")
        return ast.Name(id=name, span=_tuple_new(Span, (start, end)))

    def _number(self, node: TSNode) -> ast.Number:
        text = self.text(node)
        try:
            value: int | float = int(text) if node.type == "integer" else float(text)
        except ValueError:
            value = 0
        return ast.Number(value=value, text=text, span=span(node))

    def _negative_number(self, node: TSNode) -> ast.Expr:
        inner = node.named_child(0)
        number = self._number(inner) if inner else ast.Number(value=0)
        return ast.Number(value=-number.value, text="-" + number.text, span=span(node))

    def string(self, node: TSNode | None) -> ast.StringLit:
        if node is None:
            return ast.StringLit(value="", span=Span(0, 0))
        node_type = node.type
        if node_type == "raw_string":
            text = self.text(node)
            return ast.StringLit(value=text[2:-1], kind="raw", parts=[text[2:-1]], span=span(node))
        if node_type in ("triple_string", "template_string"):
            content = next(
                (c for c in node.named_children if c.type in ("string_content", "template_content")), None
            )
            value = self.text(content)
            return ast.StringLit(value=value, kind="triple", parts=[value], span=span(node))
        if node_type != "string":
            return ast.StringLit(value=self.text(node), span=span(node))
        where = span(node)
        kind = "single" if self.source[where.start : where.start + 1] == b"'" else "double"
        count = node.named_child_count  # read before `named_children`, which makes every child
        if not count:
            return ast.StringLit(value="", kind=kind, parts=[], span=where)
        if count == 1:  # most strings: plain text
            only = node.named_child(0)
            if only is not None and only.type == "string_content":
                text = self.text(only)
                return ast.StringLit(value=text, kind=kind, parts=[text] if text else [], span=where)
        children = node.named_children
        parts: list[str | ast.Interpolation] = []
        for child in children:
            child_type = child.type
            if child_type == "string_content":
                self._append_text(parts, self.text(child))
            elif child_type == "escape_sequence":
                self._append_text(parts, decode_escape(self.text(child)))
            elif child_type == "interpolation":
                parts.append(self._interpolation(child) or self.text(child))
        # Adjacent text pieces were merged; literal `#{…}` (invalid paths) stays text.
        parts = [p for p in parts if p != ""]
        value = "".join(p if isinstance(p, str) else "#{" + p.path + "}" for p in parts)
        return ast.StringLit(value=value, kind=kind, parts=parts, span=where)

    @staticmethod
    def _append_text(parts: list[str | ast.Interpolation], text: str) -> None:
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        else:
            parts.append(text)

    def _interpolation(self, node: TSNode) -> ast.Interpolation | None:
        """`#{path}`; None when the path starts with a reserved word (kept as text, §1.6.3)."""
        raw = self.text(node)
        inner = raw[2:-1]
        path = inner.strip()
        parsed = parse_path(path)
        if parsed is not None and parsed.head in RESERVED:
            return None
        names = []
        if parsed is not None:
            # The names the path looks up like variables: its head and each `[i]` index.
            base = node.start_byte + 2
            offset = len(inner) - len(inner.lstrip())
            found = [(0, parsed.head), *((s.offset, s.value) for s in parsed.steps if s.kind == "var")]
            for at, name in found:
                start = base + len(inner[: offset + at].encode())
                names.append(ast.Name(id=name, span=Span(start, start + len(name.encode()))))
        return ast.Interpolation(path=path, names=names, span=span(node))

    def _template(self, node: TSNode) -> ast.TemplateLit:
        content = next((c for c in node.named_children if c.type == "template_content"), None)
        return ast.TemplateLit(
            text=self.text(content), content_span=span(content) if content else span(node), span=span(node)
        )

    def _scoped(self, node: TSNode) -> ast.ScopedName:
        scope = node.child_by_field_id(FIELD.scope)
        name = node.child_by_field_id(FIELD.name)
        return ast.ScopedName(
            scope=self.text(scope),
            name=self.text(name),
            scope_span=span(scope) if scope else span(node),
            name_span=span(name) if name else span(node),
            span=span(node),
        )

    def _list(self, node: TSNode) -> ast.ListLit:
        return ast.ListLit(elements=[self.expr(e) for e in self.fields(node, "element")], span=span(node))

    def _dict(self, node: TSNode) -> ast.DictLit:
        entries = []
        for pair in self.fields(node, "entry"):
            key = pair.child_by_field_id(FIELD.key)
            if key is None:
                continue
            is_word = key.type == "identifier"
            entries.append(
                ast.DictEntry(
                    key=self.text(key) if is_word else self.string(key).value,
                    key_span=span(key),
                    key_is_word=is_word,
                    value=self.expr(pair.child_by_field_id(FIELD.value)),
                    span=span(pair),
                )
            )
        first = node.child(0)
        has_map = first is not None and first.type == "map"
        return ast.DictLit(entries=entries, has_map=has_map, span=span(node))

    def params(self, node: TSNode | None) -> list[ast.Param]:
        if node is None:
            return []
        params = []
        for param in self.fields(node, "parameter"):
            name = param.child_by_field_id(FIELD.name)
            default = param.child_by_field_id(FIELD.default)
            params.append(
                ast.Param(
                    name=self.text(name),
                    name_span=span(name) if name else span(param),
                    type=self.type_opt(param.child_by_field_id(FIELD.type)),
                    default=self.expr(default) if default else None,
                    span=span(param),
                )
            )
        return params

    def _lambda(self, node: TSNode) -> ast.Lambda:
        return ast.Lambda(
            params=self.params(node.child_by_field_id(FIELD.parameters)),
            return_type=self.type_opt(node.child_by_field_id(FIELD.return_type)),
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _arm_body(self, node: TSNode | None) -> ast.Expr | ast.Block | None:
        if node is None:
            return None
        return self.block(node) if node.type == "block" else self.expr(node)

    def _match(self, node: TSNode) -> ast.Match:
        arms: list[ast.MatchArm | ast.IntentArm] = []
        for arm in self.fields(node, "arm"):
            body = self._arm_body(arm.child_by_field_id(FIELD.body))
            if arm.type == "intent_arm":
                arms.append(
                    ast.IntentArm(
                        intent=self.string(arm.child_by_field_id(FIELD.intent)), body=body, span=span(arm)
                    )
                )
                continue
            guards = self.fields(arm, "guard")
            body_node = arm.child_by_field_id(FIELD.body)
            guard_after = bool(guards and body_node and guards[0].start_byte > body_node.start_byte)
            arms.append(
                ast.MatchArm(
                    pattern=self.pattern(arm.child_by_field_id(FIELD.pattern)),
                    body=body,
                    guard=self.expr(guards[0]) if guards else None,
                    guard_after=guard_after,
                    second_guard=self.expr(guards[1]) if len(guards) > 1 else None,
                    span=span(arm),
                )
            )
        return ast.Match(subject=self._condition(node, FIELD.subject), arms=arms, span=span(node))

    def _cases(self, node: TSNode | None) -> list[ast.CaseArm]:
        if node is None:
            return []
        return [
            ast.CaseArm(
                label=self.string(case.child_by_field_id(FIELD.label)),
                value=self.expr(case.child_by_field_id(FIELD.value)),
                span=span(case),
            )
            for case in self.fields(node, "case")
        ]

    def _semantic_if_expr(self, node: TSNode) -> ast.SemanticIfExpr:
        return ast.SemanticIfExpr(
            subject=self.expr(node.child_by_field_id(FIELD.subject)),
            question=self.string(node.child_by_field_id(FIELD.question)),
            cases=self._cases(node.child_by_field_id(FIELD.cases)),
            span=span(node),
        )

    def _arguments(self, node: TSNode | None) -> list[ast.Argument]:
        if node is None:
            return []
        arguments = []
        for arg in self.fields(node, "argument"):
            if arg.type == "keyword_argument":
                name = arg.child_by_field_id(FIELD.name)
                arguments.append(
                    ast.Argument(
                        name=self.text(name),
                        name_span=span(name) if name else None,
                        value=self.expr(arg.child_by_field_id(FIELD.value)),
                        span=span(arg),
                    )
                )
            else:
                arguments.append(ast.Argument(value=self.expr(arg), span=span(arg)))
        return arguments

    def _spawn(self, node: TSNode) -> ast.Spawn:
        actor = node.child_by_field_id(FIELD.actor)
        agents = node.child_by_field_id(FIELD.agents)
        return ast.Spawn(
            task=self.expr_opt(node.child_by_field_id(FIELD.task)),
            actor=self._name(actor) if actor else None,
            arguments=self._arguments(node.child_by_field_id(FIELD.arguments)),
            agents=self._list(agents) if agents else None,
            span=span(node),
        )

    def _fork(self, node: TSNode) -> ast.Fork:
        branches = []
        for branch in self.fields(node, "branch"):
            name = branch.child_by_field_id(FIELD.name)
            branches.append(
                ast.ForkBranch(
                    name=self.text(name) if name else None,
                    name_span=span(name) if name else None,
                    value=self.expr(branch.child_by_field_id(FIELD.value)),
                    span=span(branch),
                )
            )
        strategy = node.child_by_field_id(FIELD.strategy)
        return ast.Fork(
            branches=branches,
            strategy=self.text(strategy),
            strategy_span=span(strategy) if strategy else span(node),
            span=span(node),
        )

    def _member(self, node: TSNode) -> ast.Member:
        member = node.child_by_field_id(FIELD.member)
        return ast.Member(
            object=self.expr(node.child_by_field_id(FIELD.object)),
            name=self.text(member),
            name_span=span(member) if member else Span(node.end_byte, node.end_byte),
            span=span(node),
        )

    def _call(self, node: TSNode) -> ast.Call:
        arguments = node.child_by_field_id(FIELD.arguments)
        return ast.Call(
            function=self.expr(node.child_by_field_id(FIELD.function)),
            arguments=self._arguments(arguments),
            arguments_span=span(arguments) if arguments else span(node),
            span=span(node),
        )

    def _binary(self, node: TSNode) -> ast.Binary:
        operator = node.child_by_field_id(FIELD.operator)
        return ast.Binary(
            op=self.text(operator),
            op_span=span(operator) if operator else span(node),
            left=self.expr(node.child_by_field_id(FIELD.left)),
            right=self.expr(node.child_by_field_id(FIELD.right)),
            span=span(node),
        )

    def _dag(self, node: TSNode) -> ast.Dag:
        operator = node.child_by_field_id(FIELD.operator)
        return ast.Dag(
            op=self.text(operator),
            op_span=span(operator) if operator else span(node),
            left=self.expr(node.child_by_field_id(FIELD.left)),
            right=self.expr(node.child_by_field_id(FIELD.right)),
            span=span(node),
        )

    def _branch(self, node: TSNode) -> ast.Branch:
        return ast.Branch(
            input=self.expr(node.child_by_field_id(FIELD.input)),
            consequence=self.expr_opt(node.child_by_field_id(FIELD.consequence)),
            alternative=self.expr_opt(node.child_by_field_id(FIELD.alternative)),
            cases=self._cases(node.child_by_field_id(FIELD.cases)),
            span=span(node),
        )

    def _otherwise(self, node: TSNode) -> ast.Otherwise:
        right = node.child_by_field_id(FIELD.right)
        return ast.Otherwise(
            op=self._op(node),
            left=self.expr(node.child_by_field_id(FIELD.left)),
            right=self.block(right) if right is not None and right.type == "block" else self.expr(right),
            span=span(node),
        )

    # ------------------------------------------------------------------ patterns and types

    def pattern(self, node: TSNode | None) -> ast.Pattern:
        if node is None or node.is_missing:
            return ast.WildcardPattern(span=span(node) if node else Span(0, 0))
        kind = node.type
        if kind == "identifier":
            return ast.BindingPattern(name=self.text(node), span=span(node))
        if kind == "literal_pattern":
            inner = node.named_children[-1] if node.named_children else None
            value = self.expr(inner)
            if isinstance(value, ast.Number) and self.text(node).startswith("-"):
                value = ast.Number(value=-value.value, text="-" + value.text, span=span(node))
            return ast.LiteralPattern(value=value, span=span(node))
        if kind == "tuple_pattern":
            return ast.TuplePattern(
                elements=[self.pattern(e) for e in self.fields(node, "element")], span=span(node)
            )
        if kind == "parenthesized_pattern":
            return self.pattern(node.child_by_field_id(FIELD.pattern))
        if kind == "list_pattern":
            return ast.ListPattern(
                elements=[self.pattern(e) for e in self.fields(node, "element")],
                rest=self._rest(node.child_by_field_id(FIELD.rest)),
                span=span(node),
            )
        if kind == "map_pattern":
            entries = []
            for entry in self.fields(node, "entry"):
                key = entry.child_by_field_id(FIELD.key)
                sub = entry.child_by_field_id(FIELD.pattern)
                entries.append(
                    ast.MapPatternEntry(
                        key=self.string(key).value
                        if key is not None and key.type == "string"
                        else self.text(key),
                        key_span=span(key) if key else span(entry),
                        pattern=self.pattern(sub) if sub else None,
                        span=span(entry),
                    )
                )
            return ast.MapPattern(
                entries=entries, rest=self._rest(node.child_by_field_id(FIELD.rest)), span=span(node)
            )
        if kind == "variant_pattern":
            return ast.VariantPattern(
                enum=self.field_text(node, "enum"),
                variant=self.field_text(node, "variant"),
                arguments=[self.pattern(a) for a in self.fields(node, "argument")],
                has_parens=any(c.type == "(" for c in node.children),
                variant_span=span(v) if (v := node.child_by_field_id(FIELD.variant)) else None,
                span=span(node),
            )
        return ast.WildcardPattern(span=span(node))

    def _rest(self, node: TSNode | None) -> ast.RestPattern | None:
        if node is None:
            return None
        name = node.child_by_field_id(FIELD.name)
        return ast.RestPattern(
            name=self.text(name) if name else None, name_span=span(name) if name else None, span=span(node)
        )

    def type_opt(self, node: TSNode | None) -> ast.TypeExpr | None:
        if node is None or node.is_missing:
            return None
        kind = node.type
        if kind == "named_type":
            return ast.NamedType(name=self.field_text(node, "name"), span=span(node))
        if kind == "generic_type":
            arguments = [t for t in (self.type_opt(a) for a in self.fields(node, "argument")) if t]
            return ast.GenericType(name=self.field_text(node, "name"), arguments=arguments, span=span(node))
        if kind == "optional_type":
            inner = self.type_opt(node.child_by_field_id(FIELD.type))
            return ast.OptionalType(inner=inner or ast.NamedType(name="any"), span=span(node))
        if kind == "union_type":
            options: list[ast.TypeExpr] = []
            for side in ("left", "right"):
                lowered = self.type_opt(node.child_by_field_name(side))
                if isinstance(lowered, ast.UnionType):
                    options.extend(lowered.options)
                elif lowered is not None:
                    options.append(lowered)
            return ast.UnionType(options=options, span=span(node))
        if kind == "legacy_generic_type":
            return ast.LegacyGenericType(
                name=self.field_text(node, "name"),
                argument=self.field_text(node, "argument"),
                span=span(node),
            )
        if kind in ("string", "triple_string", "raw_string"):
            return ast.TypeString(text=self.string(node).value, span=span(node))
        return None

    # ------------------------------------------------------------------ declarations

    def _named(self, node: TSNode, field_name: str = "name") -> tuple[str, Span]:
        name = node.child_by_field_name(field_name)
        if name is None or name.is_missing:
            return "", Span(node.start_byte, node.start_byte)
        return self.text(name), span(name)

    def _include(self, node: TSNode) -> ast.Include:
        path = node.child_by_field_id(FIELD.path)
        lowered = self.string(path) if path else None
        return ast.Include(
            path=lowered,
            name=lowered.value if lowered else "",
            name_span=lowered.span if lowered else span(node),
            span=span(node),
        )

    def _import(self, node: TSNode) -> ast.Import:
        module = node.child_by_field_id(FIELD.module)
        alias = node.child_by_field_id(FIELD.alias)
        text = (
            self.string(module).value
            if module is not None and module.type != "dotted_name"
            else self.dotted(module)
        )
        return ast.Import(
            module=text,
            module_span=span(module) if module else span(node),
            alias=self.text(alias) if alias else None,
            alias_span=span(alias) if alias else None,
            name=self.text(alias) if alias else "",
            name_span=span(alias) if alias else span(node),
            span=span(node),
        )

    def dotted(self, node: TSNode | None) -> str:
        """A dotted name's words joined by dots: the text may hold spaces, line breaks or comments
        around a dot (`std.\n    fs`), which are not part of the name."""
        if node is None:
            return ""
        return ".".join(self.text(word) for word in node.named_children if word.type == "identifier")

    def use_items(self, node: TSNode | None) -> list[ast.UseItem]:
        if node is None:
            return []
        items = []
        for item in self.fields(node, "item"):
            if item.type == "dotted_name":
                items.append(ast.UseItem(kind="name", text=self.dotted(item), span=span(item)))
            elif item.type == "mcp_use":
                uri = item.child_by_field_id(FIELD.uri)
                items.append(
                    ast.UseItem(kind="mcp", text=self.string(uri).value if uri else "", span=span(item))
                )
            else:
                items.append(ast.UseItem(kind="string", text=self.string(item).value, span=span(item)))
        return items

    def _property(self, node: TSNode, *, is_assignment: bool = False) -> ast.Property:
        key = node.child_by_field_id(FIELD.key)
        # The colon is the second child unless a comment comes first: only then are all listed.
        second = node.child(1)
        has_colon = (second is not None and second.type == ":") or any(c.type == ":" for c in node.children)
        return ast.Property(
            key=self.text(key),
            key_span=span(key) if key else span(node),
            value=self._property_value(node.child_by_field_id(FIELD.value)),
            colonless=not has_colon and not is_assignment,
            is_assignment=is_assignment,
            span=span(node),
        )

    def _property_value(self, node: TSNode | None) -> ast.Expr:
        """A property value; a type that is not also an expression (`input_type: A | B`,
        `output_type: dict[str, int]`, G16) takes the expression shape that `output_type: list[str]`
        already has, so the property rules and the type reader see one form."""
        if node is None or node.type not in ("union_type", "generic_type", "optional_type", "named_type"):
            return self.expr(node)
        return self._type_as_expr(node)

    def _type_as_expr(self, node: TSNode | None) -> ast.Expr:
        if node is None or node.is_missing:
            return self.expr(node)
        where = span(node)
        if node.type == "union_type":
            left = self._type_as_expr(node.child_by_field_name("left"))
            return ast.Binary(
                op="|", left=left, right=self._type_as_expr(node.child_by_field_name("right")), span=where
            )
        if node.type == "generic_type":
            arguments = [self._type_as_expr(a) for a in self.fields(node, "argument")]
            index = arguments[0] if len(arguments) == 1 else ast.ListLit(elements=arguments, span=where)
            return ast.Index(
                object=self._type_as_expr(node.child_by_field_id(FIELD.name)), index=index, span=where
            )
        if node.type == "optional_type":
            return ast.TryExpr(operand=self._type_as_expr(node.child_by_field_id(FIELD.type)), span=where)
        if node.type == "named_type":
            return self._type_as_expr(node.child_by_field_id(FIELD.name))
        return self.expr(node)

    def contracts(self, nodes: list[TSNode]) -> list[ast.Contract]:
        return [
            ast.Contract(
                kind=self.field_text(n, "kind"),
                condition=self._condition(n),
                span=span(n),
            )
            for n in nodes
        ]

    def agent(self, node: TSNode) -> ast.AgentDecl:
        name, name_span = self._named(node)
        decl = ast.AgentDecl(name=name, name_span=name_span, span=span(node))
        for decorator in self.fields(node, "decorator"):
            dname, dspan = self._named(decorator)
            arguments = []
            for arg in self.fields(decorator, "argument"):
                aname, aspan = self._named(arg)
                arguments.append(
                    ast.DecoratorArg(
                        name=aname,
                        name_span=aspan,
                        value=self.expr(arg.child_by_field_id(FIELD.value)),
                        span=span(arg),
                    )
                )
            decl.decorators.append(
                ast.Decorator(name=dname, name_span=dspan, arguments=arguments, span=span(decorator))
            )
        contract_nodes = []
        for clause in self.fields(node, "clause"):
            if clause.type == "uses_clause":
                decl.uses.extend(self.use_items(clause.child_by_field_id(FIELD.list)))
            elif clause.type == "implements_clause":
                protocol = clause.child_by_field_id(FIELD.protocol)
                if protocol is not None:
                    decl.implements.append(self._name(protocol))
            elif clause.type == "return_type_clause":
                decl.return_type = self.type_opt(clause.child_by_field_id(FIELD.type))
            elif clause.type == "contract_clause":
                contract_nodes.append(clause)
        decl.contracts = self.contracts(contract_nodes)
        body = node.child_by_field_id(FIELD.body)
        if body is not None:
            decl.body_span = span(body)
            for member in body.named_children:
                kind = member.type
                if kind == "property":
                    decl.properties.append(self._property(member))
                elif kind == "member_assignment":
                    decl.properties.append(self._property(member, is_assignment=True))
                elif kind == "uses_member":
                    decl.uses.extend(self.use_items(member.child_by_field_id(FIELD.list)))
                elif kind == "function_declaration":
                    decl.functions.append(self.function(member))
                elif kind == "flow_declaration":
                    decl.flows.append(self.flow(member))
                elif kind == "let_statement":
                    decl.lets.append(self._let(member))
        return decl

    def function(self, node: TSNode) -> ast.FunctionDecl:
        name, name_span = self._named(node)
        body = node.child_by_field_id(FIELD.body)
        return ast.FunctionDecl(
            name=name,
            name_span=name_span,
            params=self.params(node.child_by_field_id(FIELD.parameters)),
            return_type=self.type_opt(node.child_by_field_id(FIELD.return_type)),
            body=self.block(body) if body is not None else None,
            span=span(node),
        )

    def flow(self, node: TSNode) -> ast.FlowDecl:
        name, name_span = self._named(node)
        parameters = node.child_by_field_id(FIELD.parameters)
        return ast.FlowDecl(
            name=name,
            name_span=name_span,
            params=self.params(parameters),
            has_parens=parameters is not None,
            return_type=self.type_opt(node.child_by_field_id(FIELD.return_type)),
            contracts=self.contracts(self.fields(node, "contract")),
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _tool(self, node: TSNode) -> ast.ToolDecl:
        name, name_span = self._named(node)
        return ast.ToolDecl(
            name=name,
            name_span=name_span,
            properties=[self._property(p) for p in self.fields(node, "property")],
            span=span(node),
        )

    def _tool_fn(self, node: TSNode) -> ast.ToolFnDecl:
        name, name_span = self._named(node)
        description = node.child_by_field_id(FIELD.description)
        options = []
        for option in self.fields(node, "option"):
            key, key_span = self._named(option, "key")
            options.append(
                ast.ToolOption(
                    key=key,
                    key_span=key_span,
                    value=self.expr(option.child_by_field_id(FIELD.value)),
                    span=span(option),
                )
            )
        return ast.ToolFnDecl(
            name=name,
            name_span=name_span,
            description=self.string(description) if description else None,
            options=options,
            params=self.params(node.child_by_field_id(FIELD.parameters)),
            return_type=self.type_opt(node.child_by_field_id(FIELD.return_type)),
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _protocol(self, node: TSNode) -> ast.ProtocolDecl:
        name, name_span = self._named(node)
        fields_ = []
        for entry in self.fields(node, "field"):
            fname, fspan = self._named(entry)
            ftype = self.type_opt(entry.child_by_field_id(FIELD.type)) or ast.NamedType(name="any")
            fields_.append(ast.ProtocolField(name=fname, name_span=fspan, type=ftype, span=span(entry)))
        return ast.ProtocolDecl(name=name, name_span=name_span, fields=fields_, span=span(node))

    def _defer(self, node: TSNode) -> ast.Stmt | None:
        statement = node.child_by_field_name("statement")
        if statement is not None:
            # Grammar G24: `defer` alone on its line; the next line's assignment is still one.
            return self.statement(statement)
        return ast.Defer(value=self.expr(node.child_by_field_id(FIELD.value)), span=span(node))

    def _test(self, node: TSNode) -> ast.TestDecl:
        name = node.child_by_field_id(FIELD.name)
        value = self.string(name).value if name else ""
        if name is not None and is_unclosed_test_name(name):
            value = self.text(name)[1:].strip()  # grammar G23: the line after the quote
        return ast.TestDecl(
            name=value,
            name_span=span(name) if name else span(node),
            body=self.block(node.child_by_field_id(FIELD.body)),
            span=span(node),
        )

    def _type_decl(self, node: TSNode) -> ast.TypeDecl:
        name, name_span = self._named(node)
        constraint = node.child_by_field_id(FIELD.constraint)
        return ast.TypeDecl(
            name=name,
            name_span=name_span,
            type=self.type_opt(node.child_by_field_id(FIELD.type)),
            constraint=self.string(constraint) if constraint else None,
            span=span(node),
        )

    def _field_decls(self, nodes: list[TSNode]) -> list[ast.FieldDecl]:
        result = []
        for entry in nodes:
            fname, fspan = self._named(entry)
            result.append(
                ast.FieldDecl(
                    name=fname,
                    name_span=fspan,
                    type=self.type_opt(entry.child_by_field_id(FIELD.type)),
                    span=span(entry),
                )
            )
        return result

    def _struct(self, node: TSNode) -> ast.StructDecl:
        name, name_span = self._named(node)
        return ast.StructDecl(
            name=name,
            name_span=name_span,
            fields=self._field_decls(self.fields(node, "field")),
            span=span(node),
        )

    def _enum(self, node: TSNode) -> ast.EnumDecl:
        name, name_span = self._named(node)
        variants = []
        for variant in self.fields(node, "variant"):
            vname, vspan = self._named(variant)
            variants.append(
                ast.EnumVariant(
                    name=vname,
                    name_span=vspan,
                    fields=self._field_decls(self.fields(variant, "field")),
                    has_payload=any(c.type == "(" for c in variant.children),
                    span=span(variant),
                )
            )
        return ast.EnumDecl(name=name, name_span=name_span, variants=variants, span=span(node))

    def _trait(self, node: TSNode) -> ast.TraitDecl:
        name, name_span = self._named(node)
        return ast.TraitDecl(
            name=name,
            name_span=name_span,
            methods=[self.function(m) for m in self.fields(node, "method")],
            span=span(node),
        )

    def _impl(self, node: TSNode) -> ast.ImplDecl:
        name, name_span = self._named(node, "trait")
        type_name, type_span = self._named(node, "type")
        return ast.ImplDecl(
            name=name,
            name_span=name_span,
            type_name=type_name,
            type_span=type_span,
            methods=[self.function(m) for m in self.fields(node, "method")],
            span=span(node),
        )

    def _job_entries(self, nodes: list[TSNode]) -> list[ast.JobOption]:
        entries = []
        for entry in nodes:
            key, key_span = self._named(entry, "key")
            entries.append(
                ast.JobOption(
                    key=key,
                    key_span=key_span,
                    value=self.expr(entry.child_by_field_id(FIELD.value)),
                    span=span(entry),
                )
            )
        return entries

    def _job(self, node: TSNode) -> ast.JobDecl:
        name, name_span = self._named(node)
        queue = node.child_by_field_id(FIELD.queue)
        options = node.child_by_field_id(FIELD.options)
        decl = ast.JobDecl(
            name=name,
            name_span=name_span,
            queue=(
                self.string(queue).value
                if queue is not None and queue.type != "identifier"
                else self.text(queue)
            ),
            queue_span=span(queue) if queue else span(node),
            options=self._job_entries(self.fields(options, "option")) if options else [],
            properties=self._job_entries(self.fields(node, "property")),
            span=span(node),
        )
        performs = self.fields(node, "perform")
        failures = self.fields(node, "on_failure")
        decl.perform_count, decl.failure_count = len(performs), len(failures)
        decl.perform_spans = [span(p) for p in performs]
        decl.failure_spans = [span(f) for f in failures]
        if performs:
            decl.perform = self.block(performs[0].child_by_field_id(FIELD.body))
            decl.perform_span = span(performs[0])
            decl.perform_params = [self._name(p) for p in self.fields(performs[0], "parameter")]
        if failures:
            decl.on_failure = self.block(failures[0].child_by_field_id(FIELD.body))
            decl.failure_params = [
                self._name(p)
                for p in (
                    failures[0].child_by_field_id(FIELD.error),
                    failures[0].child_by_field_id(FIELD.attempt),
                )
                if p is not None
            ]
        return decl

    def _server_items(self, body: TSNode | None, into: ast.ServerDecl | ast.RouteGroup) -> None:
        if body is None:
            return
        for item in body.named_children:
            kind = item.type
            if kind in ("route_declaration", "semantic_route_declaration"):
                target = item.child_by_field_id(FIELD.target)
                path = item.child_by_field_id(FIELD.path)
                into.routes.append(
                    ast.Route(
                        method=self.field_text(item, "method") if kind == "route_declaration" else "SEMANTIC",
                        path=self.string(path),
                        stages=[self._name(s) for s in self.fields(target, "stage")] if target else [],
                        operators=[self.text(o) for o in target.children_by_field_id(FIELD.operator)]
                        if target
                        else [],
                        span=span(item),
                    )
                )
            elif kind == "route_group":
                group = ast.RouteGroup(
                    prefix=self.string(item.child_by_field_id(FIELD.prefix)), span=span(item)
                )
                self._server_items(item.child_by_field_id(FIELD.body), group)
                into.groups.append(group)
            elif kind.endswith("_directive"):
                options = item.child_by_field_id(FIELD.options)
                into.items.append(
                    ast.ServerItem(
                        kind=kind.removesuffix("_directive"),
                        strings=[
                            self.string(c)
                            for c in item.named_children
                            if c.type in ("string", "triple_string", "raw_string")
                        ],
                        names=[self._name(f) for f in self.fields(item, "flow")],
                        options=self._dict(options) if options is not None else None,
                        span=span(item),
                    )
                )

    def _server(self, node: TSNode) -> ast.ServerDecl:
        port = node.child_by_field_id(FIELD.port)
        decl = ast.ServerDecl(span=span(node))
        if port is not None and port.type == "integer":
            decl.port = int(self.text(port))
            decl.name_span = span(port)
        elif port is not None:
            decl.name, decl.name_span = self.text(port), span(port)
        self._server_items(node.child_by_field_id(FIELD.body), decl)
        return decl

    def _handle(self, node: TSNode) -> ast.HandleDecl:
        name, name_span = self._named(node)
        kind = node.type.removesuffix("_declaration")
        argument = next(
            (
                node.child_by_field_name(f)
                for f in ("url", "path", "providers")
                if node.child_by_field_name(f) is not None
            ),
            None,
        )
        return ast.HandleDecl(
            name=name, name_span=name_span, kind=kind, argument=self.expr_opt(argument), span=span(node)
        )


def decode_escape(text: str) -> str:
    """The value of one escape sequence of a one-line string (D03)."""
    if text.startswith("\\u") and len(text) == 6:
        try:
            return chr(int(text[2:], 16))
        except ValueError:
            return text
    return _ESCAPES.get(text[1:], text)


# The builders of each node type, by type name: functions of the lowerer and the node, kept
# here once rather than as bound methods on each `Lowerer`, where they would make every
# lowerer a reference cycle left to the cyclic garbage collector.
_EXPRESSIONS: dict[str, Callable[[Lowerer, TSNode], ast.Expr]] = {
    "identifier": Lowerer._name,
    "integer": Lowerer._number,
    "float": Lowerer._number,
    "negative_number": Lowerer._negative_number,
    "true": lambda self, n: ast.Bool(value=True, span=span(n)),
    "false": lambda self, n: ast.Bool(value=False, span=span(n)),
    "none": lambda self, n: ast.NoneLit(spelling=self.text(n), span=span(n)),
    "string": Lowerer.string,
    "triple_string": Lowerer.string,
    "raw_string": Lowerer.string,
    "template_string": Lowerer._template,
    "scoped_identifier": Lowerer._scoped,
    "parenthesized_expression": lambda self, n: self.expr(n.child_by_field_id(FIELD.expression)),
    "list_literal": Lowerer._list,
    "fallback_element": lambda self, n: ast.FallbackElement(
        value=self.expr(n.child_by_field_id(FIELD.value)), span=span(n)
    ),
    "dict_literal": Lowerer._dict,
    "lambda_expression": Lowerer._lambda,
    "match_expression": Lowerer._match,
    "semantic_if_expression": Lowerer._semantic_if_expr,
    "print_call": lambda self, n: ast.PrintCall(
        arguments=self._arguments(n.child_by_field_id(FIELD.arguments)), span=span(n)
    ),
    "spawn_expression": Lowerer._spawn,
    "fork_expression": Lowerer._fork,
    "snapshot_expression": lambda self, n: ast.SnapshotExpr(span=span(n)),
    "receive_expression": lambda self, n: ast.Receive(
        type=self.type_opt(n.child_by_field_id(FIELD.type)), span=span(n)
    ),
    "member_expression": Lowerer._member,
    "call_expression": Lowerer._call,
    "index_expression": lambda self, n: ast.Index(
        object=self.expr(n.child_by_field_id(FIELD.object)),
        index=self.expr(n.child_by_field_id(FIELD.index)),
        span=span(n),
    ),
    "unary_expression": lambda self, n: ast.Unary(
        op=self._op(n), operand=self.expr(n.child_by_field_id(FIELD.operand)), span=span(n)
    ),
    "await_expression": lambda self, n: ast.Await(
        value=self.expr(n.child_by_field_id(FIELD.value)), span=span(n)
    ),
    "binary_expression": Lowerer._binary,
    "comparison_expression": Lowerer._binary,
    "boolean_expression": Lowerer._binary,
    "dag_expression": Lowerer._dag,
    "coalesce_expression": lambda self, n: ast.Coalesce(
        left=self.expr(n.child_by_field_id(FIELD.left)),
        right=self.expr(n.child_by_field_id(FIELD.right)),
        span=span(n),
    ),
    "branch_expression": Lowerer._branch,
    "otherwise_expression": Lowerer._otherwise,
    "try_expression": lambda self, n: ast.TryExpr(
        operand=self.expr(n.child_by_field_id(FIELD.operand)), span=span(n)
    ),
}
_STATEMENTS: dict[str, Callable[[Lowerer, TSNode], ast.Stmt]] = {
    "expression_statement": lambda self, n: ast.ExprStmt(expr=self.expr(n.named_child(0)), span=span(n)),
    "let_statement": Lowerer._let,
    "assignment_statement": lambda self, n: ast.Assign(
        target=self.expr(n.child_by_field_id(FIELD.left)),
        value=self.expr(n.child_by_field_id(FIELD.right)),
        span=span(n),
    ),
    "print_statement": lambda self, n: ast.Print(
        value=self.expr(n.child_by_field_id(FIELD.value)), span=span(n)
    ),
    "if_statement": Lowerer._if,
    "semantic_if_statement": Lowerer._semantic_if,
    "while_statement": lambda self, n: ast.While(
        condition=self._condition(n),
        body=self.block(n.child_by_field_id(FIELD.body)),
        span=span(n),
    ),
    "for_each_statement": Lowerer._for_each,
    "for_statement": lambda self, n: ast.For(
        pattern=self.pattern(n.child_by_field_id(FIELD.pattern)),
        iterable=self.expr(n.child_by_field_id(FIELD.iterable)),
        body=self.block(n.child_by_field_id(FIELD.body)),
        span=span(n),
    ),
    "loop_statement": lambda self, n: ast.Loop(
        body=self.block(n.child_by_field_id(FIELD.body)),
        condition=self.expr(n.child_by_field_id(FIELD.condition)),
        span=span(n),
    ),
    "break_statement": lambda self, n: ast.Break(span=span(n)),
    "continue_statement": lambda self, n: ast.Continue(span=span(n)),
    "return_statement": lambda self, n: ast.Return(
        value=self.expr_opt(n.child_by_field_id(FIELD.value)), span=span(n)
    ),
    "try_statement": Lowerer._try,
    "raise_statement": lambda self, n: ast.Raise(
        value=self.expr(n.child_by_field_id(FIELD.value)), span=span(n)
    ),
    "assert_statement": lambda self, n: ast.Assert(
        condition=self.expr(n.child_by_field_id(FIELD.condition)),
        against=self.expr_opt(n.child_by_field_id(FIELD.subject)),
        span=span(n),
    ),
    "defer_statement": Lowerer._defer,
    "python_statement": Lowerer._python,
    "contract_statement": lambda self, n: ast.ContractStmt(
        kind=self.field_text(n, "kind"),
        condition=self.expr(n.child_by_field_id(FIELD.condition)),
        span=span(n),
    ),
    "autoloop_statement": lambda self, n: ast.Autoloop(
        params=self._harness_params(n), body=self.block(n.child_by_field_id(FIELD.body)), span=span(n)
    ),
    "with_context_statement": lambda self, n: ast.WithContext(
        params=self._harness_params(n), body=self.block(n.child_by_field_id(FIELD.body)), span=span(n)
    ),
    "context_policy_statement": lambda self, n: ast.ContextPolicy(
        params=self._harness_params(n), span=span(n)
    ),
    "try_agent_statement": Lowerer._try_agent,
    "restore_statement": lambda self, n: ast.Restore(
        snapshot=self.expr(n.child_by_field_id(FIELD.snapshot)),
        condition=self.expr_opt(n.child_by_field_id(FIELD.condition)),
        span=span(n),
    ),
    "verify_statement": lambda self, n: ast.Verify(
        subject=self.expr(n.child_by_field_id(FIELD.subject)),
        type=self.type_opt(n.child_by_field_id(FIELD.type)),
        against=self.expr_opt(n.child_by_field_id(FIELD.against)),
        span=span(n),
    ),
    "reflect_statement": lambda self, n: ast.Reflect(
        note=self.expr(n.child_by_field_id(FIELD.note)), span=span(n)
    ),
    "unharnessed_statement": Lowerer._unharnessed,
    "hook_statement": Lowerer._hook,
    "pass_statement": lambda self, n: ast.Pass(
        message=self.expr(n.child_by_field_id(FIELD.message)),
        actor=self.expr(n.child_by_field_id(FIELD.actor)),
        span=span(n),
    ),
}
_DECLARATIONS: dict[str, Callable[[Lowerer, TSNode], ast.Decl]] = {
    "include_declaration": Lowerer._include,
    "import_declaration": Lowerer._import,
    "agent_declaration": Lowerer.agent,
    "tool_declaration": Lowerer._tool,
    "tool_function_declaration": Lowerer._tool_fn,
    "protocol_declaration": Lowerer._protocol,
    "flow_declaration": Lowerer.flow,
    "test_declaration": Lowerer._test,
    "type_declaration": Lowerer._type_decl,
    "struct_declaration": Lowerer._struct,
    "enum_declaration": Lowerer._enum,
    "trait_declaration": Lowerer._trait,
    "impl_declaration": Lowerer._impl,
    "job_declaration": Lowerer._job,
    "server_declaration": Lowerer._server,
    "db_declaration": Lowerer._handle,
    "kv_declaration": Lowerer._handle,
    "auth_declaration": Lowerer._handle,
}


@cache
def _builders_by_kind_id() -> tuple[dict[int, Callable[[Lowerer, TSNode], Any]], ...]:
    """The tables above keyed by the grammar's node kind ids: `node.kind_id` is a number,
    where `node.type` makes a new string to look up on every read. (A name may have several ids,
    as an alias has; each gets the name's builder.)"""
    from nexa_lang.parsing import nexa_language

    language = nexa_language()
    names = {kind_id: language.node_kind_for_id(kind_id) for kind_id in range(language.node_kind_count)}
    return tuple(
        {kind_id: table[name] for kind_id, name in names.items() if name in table}
        for table in (_DECLARATIONS, _STATEMENTS, _EXPRESSIONS)
    )


def lower(root: TSNode, source: bytes, path: str | None = None) -> ast.Module:
    return Lowerer(source, path).module(root)


def lower_outline(root: TSNode, source: bytes, path: str | None = None) -> ast.Module:
    """Only the top-level `include`s and the flows' names (bodies left empty): what deciding which
    files are program roots and what they include needs (nexa_lang.context), at a fraction of the
    cost of `lower`."""
    lowerer = Lowerer(source, path)
    items: list[ast.Decl | ast.Stmt] = []
    for child in root.named_children:
        if child.type == "include_declaration":
            items.append(lowerer.item(child))  # type: ignore[arg-type]
        elif child.type == "flow_declaration":
            name, name_span = lowerer._named(child)
            items.append(ast.FlowDecl(name=name, name_span=name_span, span=span(child)))
        elif child.is_error:
            flow = lowerer.unfinished_flow(child, body=False)
            if flow is not None:
                items.append(ast.FlowDecl(name=flow.name, name_span=flow.name_span, span=flow.span))
    return ast.Module(path=path, items=items, span=span(root))


def iter_errors(root: TSNode) -> Iterator[TSNode]:
    """ERROR and MISSING nodes, outermost first; the tree is not descended below an ERROR."""
    if not root.has_error:
        return
    cursor = root.walk()
    while True:
        node = cursor.node
        descend = True
        if node is not None and (node.is_error or node.is_missing):
            yield node
            descend = False
        if descend and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
