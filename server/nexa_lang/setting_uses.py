"""Every setting a program writes, with the table entry that governs it (S§3, S§5.2, L§3.10–3.11).

One list per program, made on first use, that E010 (bad values), W003 (quoted booleans and
integers) and W007 (unknown keys) all read: agent properties, the keys of a `context_policy` dict,
`@limit`-style decorator parameters, tool declaration keys, `@tool(…)` configuration,
`autoloop`/`with_context`/`context_policy` parameters, job options and server `cors` objects.
Each use is judged once (`SettingUse.verdict`), for E010 and W003 both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.properties import AGENT_PROPERTIES, DECORATORS, SETTINGS, SettingSpec, Verdict, judge_value

AGENT = "agent"  # the place of agent properties (W007 words them differently)


@dataclass(eq=False)
class SettingUse:
    file: SourceFile
    place: str  # agent | tool | @tool | autoloop | with_context | context_policy | job | cors | @name
    owner: str  # the agent, tool or job name ("" for statements)
    key: str
    key_span: Span
    value: ast.Expr
    spec: SettingSpec | None  # None: not a key of this place (W007)
    known_keys: tuple[str, ...]  # the keys of the place, for suggestions

    @property
    def source(self) -> str:
        return self.file.text_of(self.value.span)

    @cached_property
    def verdict(self) -> Verdict | None:
        """`judge_value` of the value against the key's table entry; None for an unknown key."""
        return judge_value(self.spec.value, self.value, self.source) if self.spec is not None else None


_USES: WeakKeyDictionary[Program, list[SettingUse]] = WeakKeyDictionary()


def setting_uses(program: Program) -> list[SettingUse]:
    """Every setting of the program, files in merge order (made once per program; the rules
    that read it do not change it)."""
    found = _USES.get(program)
    if found is None:
        found = _USES[program] = [use for file in program.files for use in _file_uses(file)]
    return found


def _file_uses(file: SourceFile) -> Iterator[SettingUse]:
    for node in file.nodes.of(
        ast.AgentDecl,
        ast.ToolDecl,
        ast.ToolFnDecl,
        ast.JobDecl,
        ast.Autoloop,
        ast.WithContext,
        ast.ContextPolicy,
        ast.ServerItem,
    ):
        if isinstance(node, ast.AgentDecl):
            yield from _agent(file, node)
        elif isinstance(node, ast.ToolDecl):
            for prop in node.properties:
                yield _use(file, "tool", node.name, prop.key, prop.key_span, prop.value)
        elif isinstance(node, ast.ToolFnDecl):
            for option in node.options:
                yield _use(file, "@tool", node.name, option.key, option.key_span, option.value)
        elif isinstance(node, ast.JobDecl):
            for option in [*node.options, *node.properties]:
                yield _use(file, "job", node.name, option.key, option.key_span, option.value)
        elif isinstance(node, ast.Autoloop | ast.WithContext | ast.ContextPolicy):
            place = {ast.Autoloop: "autoloop", ast.WithContext: "with_context"}.get(
                type(node), "context_policy"
            )
            for param in node.params:
                yield _use(file, place, "", param.name, param.name_span, harness_value(param))
        elif isinstance(node, ast.ServerItem) and node.kind == "cors" and node.options is not None:
            for entry in node.options.entries:
                yield _use(file, "cors", "", entry.key, entry.key_span, entry.value)


def _agent(file: SourceFile, agent: ast.AgentDecl) -> Iterator[SettingUse]:
    for prop in agent.properties:
        yield _use(file, AGENT, agent.name, prop.key, prop.key_span, prop.value)
        if prop.key == "context_policy" and isinstance(prop.value, ast.DictLit):
            for entry in prop.value.entries:
                yield _use(file, "context_policy", agent.name, entry.key, entry.key_span, entry.value)
    for decorator in agent.decorators:
        spec = DECORATORS.get(decorator.name)
        if spec is None:
            continue  # an unknown decorator is E010's own case
        for argument in decorator.arguments:
            setting = AGENT_PROPERTIES[spec.property] if argument.name in spec.parameters else None
            yield SettingUse(
                file,
                f"@{decorator.name}",
                agent.name,
                argument.name,
                argument.name_span,
                argument.value,
                setting,
                spec.parameters,
            )


def _use(file: SourceFile, place: str, owner: str, key: str, key_span: Span, value: ast.Expr) -> SettingUse:
    table = AGENT_PROPERTIES if place == AGENT else SETTINGS[place]
    return SettingUse(file, place, owner, key, key_span, value, table.get(key), tuple(table))


def harness_value(param: ast.HarnessParam) -> ast.Expr:
    """A harness parameter's value as an expression node (the lowering keeps it as a literal)."""
    value, span = param.value, param.value_span
    if param.is_symbol and isinstance(value, str):
        return ast.Name(id=value, span=span)
    if isinstance(value, bool):
        return ast.Bool(value=value, span=span)
    if isinstance(value, int | float):
        return ast.Number(value=value, text=str(value), span=span)
    return ast.StringLit(value=value, span=span)
