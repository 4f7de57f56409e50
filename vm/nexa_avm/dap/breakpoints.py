"""Breakpoints: the statements of a compiled program by line, and the rules that say when to stop.

A breakpoint is bound to the first-instructions of statements (`Instr` objects with
`starts_statement`), so the stepping hook finds one with a dictionary look-up on the instruction it
is about to run. A line with no statement moves the breakpoint to the next line that has one, as
editors expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..bytecode import Code, CompiledProgram, Instr
from .locations import Locations, normalize_path


@dataclass
class Statement:
    code: Code
    index: int  # of its first instruction in code.instrs
    instr: Instr
    path: str  # normalized
    line: int  # 0-based


def program_codes(program: CompiledProgram) -> list[Code]:
    """Every code object, nested ones (lambdas, branches, defers) included."""
    seen: set[int] = set()
    codes: list[Code] = []
    for top in program.all_codes():
        for code in top.walk():
            if id(code) not in seen:
                seen.add(id(code))
                codes.append(code)
    return codes


class StatementTable:
    def __init__(self, program: CompiledProgram, locations: Locations) -> None:
        self.by_path: dict[str, dict[int, list[Statement]]] = {}
        self.first_index: dict[int, int] = {}  # id(code) -> index of its first statement
        for code in program_codes(program):
            for index, instr in enumerate(code.instrs):
                if not instr.starts_statement:
                    continue
                self.first_index.setdefault(id(code), index)
                path = normalize_path(instr.file or code.file or "<input>")
                line = locations.line_of(path, instr.span[0])
                statement = Statement(code, index, instr, path, line)
                self.by_path.setdefault(path, {}).setdefault(line, []).append(statement)

    def at_line(self, path: str, line: int, *, look_ahead: int = 50) -> list[Statement]:
        """The statements starting on 0-based `line`, else on the next line that has some."""
        lines = self.by_path.get(normalize_path(path), {})
        for candidate in range(line, line + look_ahead + 1):
            found = lines.get(candidate)
            if found:
                return found
        return []

    def in_lines(self, path: str, first: int, last: int) -> list[Statement]:
        lines = self.by_path.get(normalize_path(path), {})
        return [s for line in range(first, last + 1) for s in lines.get(line, [])]

    def first_statement(self, code: Code) -> Statement | None:
        index = self.first_index.get(id(code))
        if index is None:
            return None
        instr = code.instrs[index]
        return Statement(code, index, instr, normalize_path(instr.file or code.file or "<input>"), 0)


_HIT = re.compile(r"^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$")


def parse_hit_condition(text: str) -> tuple[str, int] | None:
    """`5` (the fifth hit), `== 5`, `>= 5`, `> 5`, `< 5`, `<= 5`, `% 5` (every fifth)."""
    match = _HIT.match(text)
    if match is None:
        return None
    return match.group(1) or "==", int(match.group(2))


def hit_matches(rule: tuple[str, int], hits: int) -> bool:
    operator, number = rule
    if operator == "==":
        return hits == number
    if operator == ">=":
        return hits >= number
    if operator == "<=":
        return hits <= number
    if operator == ">":
        return hits > number
    if operator == "<":
        return hits < number
    return number > 0 and hits % number == 0


@dataclass
class Breakpoint:
    id: int
    path: str
    line: int  # 0-based line it is bound to (or was asked for, when unverified)
    condition: str | None = None
    hit_rule: tuple[str, int] | None = None
    log_message: str | None = None
    statements: list[Statement] = field(default_factory=list)
    message: str | None = None
    hits: int = 0
    kind: str = "line"  # line | function
    name: str = ""

    @property
    def verified(self) -> bool:
        return bool(self.statements) and self.message is None

    def to_dap(self, locations: Locations) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "verified": self.verified}
        if self.message:
            body["message"] = self.message
        if self.statements:
            first = self.statements[0]
            line, column = locations.to_client(first.path, first.instr.span[0])
            body["line"] = line
            body["column"] = column
            if self.kind == "line":
                body["source"] = {"path": first.path, "name": first.path.rsplit("/", 1)[-1]}
        elif self.kind == "line":
            body["line"] = locations.line_to_client(self.line)
        return body


def function_codes(program: CompiledProgram, name: str) -> list[Code]:
    """The codes a function breakpoint on `name` stops before: a flow, an agent's run, a
    `@tool fn`, a member function `Agent.fn` or an impl method `Type.method`."""
    found: list[Code] = []
    if name in program.flows:
        found.append(program.flows[name])
    agent = program.agents.get(name)
    if agent is not None and agent.run_code is not None:
        found.append(agent.run_code)
    tool = program.tool_fns.get(name)
    if tool is not None:
        found.append(tool.code)
    owner, _, member = name.partition(".")
    if member:
        agent = program.agents.get(owner)
        if agent is not None and member in agent.functions:
            found.append(agent.functions[member])
        method = program.impls.get(owner, {}).get(member)
        if method is not None:
            found.append(method)
    return found
