"""The Agent VM's instruction set, code objects and disassembler.

A straightforward stack machine. A `Code` holds the instructions of one activation kind: the top level
of a program, a flow, a test, a lambda, an agent member function or impl method, an `@tool fn`, a
deferred expression, a `fork` branch, or the run of an agent (`Agent.run`, L§7.3.2). Every
instruction keeps the byte span of the source it was compiled from and the file it came from, so an
error, a breakpoint and a DAG node point at the same text. `starts_statement` marks the first
instruction of each statement: the interpreter calls its stepping hook there (see interpreter.py).

Nothing here imports the front-end: code objects are plain data (picklable), so a compiled program
can be cached and run without parsing again.

`OPCODES` is the documented table: for each opcode its operand, its stack effect (`before → after`,
top of stack on the right) and what it does. docs/bytecode.md is generated from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import IntEnum
from typing import Any, NamedTuple


class Op(IntEnum):
    # data and names
    NOP = 0
    CONST = 1
    LOAD = 2
    STORE = 3
    POP = 4
    DUP = 5
    SWAP = 6
    BUILD_LIST = 7
    BUILD_DICT = 8
    BUILD_STRING = 9
    TEMPLATE = 10
    GET_ATTR = 11
    SET_ATTR = 12
    GET_INDEX = 13
    SET_INDEX = 14
    BINARY = 15
    UNARY = 16
    TO_BOOL = 17
    MAKE_FUNCTION = 18
    MAKE_CHAIN = 19
    VARIANT = 20
    DESTRUCTURE = 21
    # control
    JUMP = 30
    JUMP_IF_FALSE = 31
    JUMP_IF_TRUE = 32
    JUMP_IF_PRESENT = 33
    JUMP_IF_OK = 34
    SWITCH = 35
    RETURN = 36
    RETURN_RESULT = 37
    SETUP_TRY = 38
    POP_TRY = 39
    RAISE = 40
    RAISE_KIND = 41
    ASSERT = 42
    ASSERT_AGAINST = 43
    CONTRACT = 44
    DEFER = 45
    TRY_UNWRAP = 46
    CALL = 47
    PIPE_CALL = 48
    PRINT = 49
    PYTHON = 50
    MATCH = 51
    CHECK_TYPE = 52
    # loops
    ITER_INIT = 60
    FOR_ITER = 61
    LOOP_ENTER = 62
    LOOP_NEXT = 63
    LOOP_RESULT = 64
    LOOP_EXIT = 65
    UNTIL_TEST = 66
    JUDGE_LOCALS = 67
    # agents
    AGENT_CREATE = 70
    AGENT_RUN = 71
    AGENT_CLONE = 72
    AGENT_INPUT = 73
    LLM_CALL = 74
    LLM_STREAM = 75
    VALIDATE = 76
    AGENT_COMMIT = 77
    # DAG operators and semantic control flow
    PIPELINE = 80
    FORK = 81
    FIRE = 82
    MERGE = 83
    CONSENSUS = 84
    PIPE = 85
    BRANCH = 86
    CLASSIFY = 87
    RUN_WITH = 88
    SEMANTIC_IF = 89
    FORK_MERGE = 90
    # concurrency
    SPAWN = 100
    SPAWN_ACTOR = 101
    PASS = 102
    AWAIT = 103
    RECEIVE = 104
    # harness
    SNAPSHOT = 110
    RESTORE = 111
    VERIFY = 112
    REFLECT = 113
    HOOK = 114
    CONTEXT_ENTER = 115
    CONTEXT_EXIT = 116
    SELECT_CORRECTION = 117


# opcode: (operand, stack effect, meaning)
OPCODES: dict[Op, tuple[str, str, str]] = {
    Op.NOP: ("—", "→", "does nothing (a statement that compiles to nothing keeps its step point)"),
    Op.CONST: ("value", "→ v", "push a constant"),
    Op.LOAD: (
        "name",
        "→ v",
        "push a variable: locals, enclosing activations, agent members, globals, "
        "declarations, prelude (L§6.3); unbound is E108",
    ),
    Op.STORE: ("name", "v →", "bind a local of the activation (a global at top level, D44)"),
    Op.POP: ("—", "v →", "discard the top value"),
    Op.DUP: ("—", "v → v v", "duplicate the top value"),
    Op.SWAP: ("—", "a b → b a", "swap the two top values"),
    Op.BUILD_LIST: ("n", "v1…vn → list", "a list of the n top values"),
    Op.BUILD_DICT: ("keys", "v1…vn → dict", "a dict with the given keys, in order"),
    Op.BUILD_STRING: ("n", "v1…vn → str", "concatenate the text forms (string interpolation)"),
    Op.TEMPLATE: ("text", "→ str", "render a template string with the visible variables (L§1.6.6)"),
    Op.GET_ATTR: ("name", "obj → v", "member read (L§5.3): field, dict key, agent property or method"),
    Op.SET_ATTR: ("name", "obj v →", "member assignment: dict key, struct or record field"),
    Op.GET_INDEX: ("—", "obj i → v", "index read; out of range is E100"),
    Op.SET_INDEX: ("—", "obj i v →", "index assignment (D23)"),
    Op.BINARY: ("operator", "a b → r", "arithmetic or comparison (L§5.5)"),
    Op.UNARY: ("operator", "a → r", "`-` or `not`"),
    Op.TO_BOOL: ("—", "v → bool", "truthiness (L§7.1.4)"),
    Op.MAKE_FUNCTION: ("code", "→ fn", "a closure over the current activation (lambda, fork branch)"),
    Op.MAKE_CHAIN: ("n", "r1…rn → chain", "a runnable that runs r1…rn one after another (`A : B >> C`)"),
    Op.VARIANT: ("(enum, variant)", "→ v", "`Enum::Variant`: a unit value or a constructor"),
    Op.DESTRUCTURE: ("pattern", "v →", "bind a `let` pattern; a mismatch is E100"),
    Op.JUMP: ("target", "→", "continue at target"),
    Op.JUMP_IF_FALSE: ("target", "v →", "jump when v is falsy"),
    Op.JUMP_IF_TRUE: ("target", "v →", "jump when v is truthy"),
    Op.JUMP_IF_PRESENT: (
        "target",
        "v → v | v →",
        "`??`: keep v and jump unless it is empty (L§5.7.1), else pop it",
    ),
    Op.JUMP_IF_OK: (
        "target",
        "v → v | v →",
        "`otherwise`: keep v (Ok/Some unwrapped) and jump unless it is Err/Option::None, else pop it",
    ),
    Op.SWITCH: ("targets", "i →", "jump to targets[i]; i = -1 (no label) jumps to the last target"),
    Op.RETURN: ("—", "v →", "leave the activation with v (running its defers)"),
    Op.RETURN_RESULT: ("mode", "→", "leave at the end of a body: the local `result` (flows, D16) or none"),
    Op.SETUP_TRY: (
        "(handler, kind)",
        "→",
        "install a handler for errors of kind (None = all); the handler starts with the error pushed",
    ),
    Op.POP_TRY: ("—", "→", "remove the innermost handler"),
    Op.RAISE: ("—", "v →", "raise v: an error value again, anything else as RuntimeError (D27)"),
    Op.RAISE_KIND: ("kind", "message →", "`raise Kind(message)`"),
    Op.ASSERT: ("condition text", "v →", "AssertionError (E110) unless v is truthy"),
    Op.ASSERT_AGAINST: ("condition text", "c v →", "semantic assert: judge condition c against v"),
    Op.CONTRACT: (
        "(clause, where, name)",
        "v →",
        "`requires`/`ensures`: ContractViolation (E109) unless v holds; a string is judged",
    ),
    Op.DEFER: ("code", "→", "run code when the activation ends, last registered first (L§4.12)"),
    Op.TRY_UNWRAP: ("—", "v → v", "postfix `?`: unwrap Ok/Some, raise PropagatedError for Err/None"),
    Op.CALL: (
        "(n, keywords)",
        "f a1…an → r",
        "call a flow, function, lambda, tool, agent, struct, "
        "variant or built-in; keywords name the last arguments",
    ),
    Op.PIPE_CALL: (
        "(n, keywords, source)",
        "x f a1…an → r",
        "`x >> f(a…)` / `x |> f(a…)`: call with x prepended; source applies the data-source rule to x (D38)",
    ),
    Op.PRINT: ("n", "v1…vn →", "write the text forms, space-separated, and a newline to stdout"),
    Op.PYTHON: (
        "code",
        "→",
        "a `python!` block in the Python host (python_host.py; an `@tool fn` body returns its value); "
        "E402 without --allow-python (L§7.9.6)",
    ),
    Op.MATCH: ("pattern", "s → s bool", "try a pattern on the subject; bind its names on success"),
    Op.ITER_INIT: ("mode", "v → it", "start iterating (`each`, `each2` for pairs, `pattern`)"),
    Op.FOR_ITER: ("target", "it → it x… | it →", "push the next element(s) or pop and jump"),
    Op.LOOP_ENTER: (
        "(kind, max, timeout)",
        "→",
        "start a `loop … until` / `autoloop`: reset runtime.meta (L§7.6.1)",
    ),
    Op.LOOP_NEXT: ("target", "→", "count an iteration; at the cap write E106 / stop, jump to target"),
    Op.LOOP_RESULT: ("—", "v →", "remember v as runtime.meta.last_result"),
    Op.LOOP_EXIT: ("—", "→", "leave the innermost loop state"),
    Op.UNTIL_TEST: ("—", "v → bool", "an `until` value: a string is judged against the locals (D60)"),
    Op.JUDGE_LOCALS: (
        "(condition, purpose)",
        "→ bool",
        "condition check against the text of the activation's locals",
    ),
    Op.AGENT_CREATE: ("name", "→", "initialize a declared agent (L§7.2 step 3, §7.3.1)"),
    Op.AGENT_RUN: (
        "(n, keywords)",
        "A a1…an → r",
        "`A.run(…)`: run an agent (L§7.3.2), or call `run` of another value",
    ),
    Op.AGENT_CLONE: ("(n, keywords)", "A a1…an → A'", "`A.clone(name, key = value…)` (L§7.3.5)"),
    Op.AGENT_INPUT: ("—", "→", "in an agent run: build the user message from `args` (L§7.3.2 step 1)"),
    Op.LLM_CALL: ("—", "→ reply", "the model loop: request, fallback chain, tool calls (step 4)"),
    Op.LLM_STREAM: ("—", "→ reply", "the model loop with the reply streamed to stdout (L§7.3.8)"),
    Op.VALIDATE: (
        "retry target",
        "reply → v",
        "parse/validate structured output; on failure add a "
        "correction and jump back, E103 when attempts are used up (L§7.3.3)",
    ),
    Op.AGENT_COMMIT: ("—", "v → v", "append the turn to the history, remember the reply (step 6)"),
    Op.PIPELINE: ("—", "a R → r", "`a >> R` (L§7.5.2)"),
    Op.FORK: ("—", "a Rs → list", "`a |>> [R…]` or parallel map `xs |>> R` (L§7.5.3)"),
    Op.FIRE: ("—", "a Rs → none", "`a || [R…]`: fire and forget (L§7.5.4)"),
    Op.MERGE: ("—", "L M → r", "`L &>> M` (L§7.5.5)"),
    Op.CONSENSUS: ("—", "L J → r", "`L && J` consensus or `a && [R…]` vote (L§7.5.5)"),
    Op.PIPE: ("—", "a f → r", "`a |> f` (L§7.5.8)"),
    Op.BRANCH: ("—", "x A B → r", "`x ?? A : B`: the judge picks A or B, which runs with x (L§7.5.6)"),
    Op.CLASSIFY: (
        "(labels, question, purpose, warn, question_on_stack)",
        "x [q] → x i",
        "classification judge call; i = -1 for no label; an interpolated question `q` is on the stack",
    ),
    Op.RUN_WITH: ("—", "x e → r", "run e with x when e is runnable, else e"),
    Op.SEMANTIC_IF: (
        "(condition, fast_match)",
        "v [c] → bool",
        "condition check (L§7.6.2); condition None: the interpolated condition `c` is on the stack",
    ),
    Op.FORK_MERGE: ("(codes, names, strategy)", "→ v", "`fork [...] merge s` (L§7.10.5)"),
    Op.SPAWN: ("—", "f → task", "`spawn(f)`: start a task (L§7.9.3)"),
    Op.SPAWN_ACTOR: ("(name, n, keywords)", "a1…an → actor", "`spawn Name(args)` (L§7.9.5)"),
    Op.PASS: ("—", "v h →", "`pass v to h`"),
    Op.AWAIT: ("—", "v → r", "`await`: a task's or actor's result, other values unchanged"),
    Op.RECEIVE: ("—", "→ v", "`receive()` inside an actor"),
    Op.CHECK_TYPE: (
        "(type, place, of_result)",
        "v → v",
        "check a declared type per the type mode (E111), converting digits outside `strict`; "
        "`of_result`: the local `result` instead of the top value",
    ),
    Op.SNAPSHOT: ("—", "→ s", "`snapshot()`: a copy of the locals and the agents' histories (L§7.10.4)"),
    Op.RESTORE: ("—", "s →", "`restore(s)`: locals and histories back (harness.py)"),
    Op.VERIFY: ("(mode, text)", "v [t] →", "`verify` (L§7.10.8)"),
    Op.REFLECT: ("—", "v →", "`reflect`: queue a note for the next agent run (L§7.10.7)"),
    Op.HOOK: (
        "(event, name, kind, code)",
        "→",
        "register a lifecycle hook for the rest of the activation (L§7.10.6; harness.py fires it)",
    ),
    Op.CONTEXT_ENTER: ("(max_tokens, strategy)", "→", "`with_context`/`context_policy` bound (L§7.10.2)"),
    Op.CONTEXT_EXIT: ("—", "→", "leave the innermost context bound"),
    Op.SELECT_CORRECTION: ("kinds", "e → e i", "`try_agent`: pick the catch_correction branch (D66)"),
}


class Instr:
    """One instruction: opcode, operand, source span (bytes) and file."""

    __slots__ = ("op", "arg", "span", "file", "starts_statement")

    def __init__(
        self, op: Op, arg: Any, span: tuple[int, int], file: str | None, starts_statement: bool = False
    ) -> None:
        self.op = op
        self.arg = arg
        self.span = span
        self.file = file
        self.starts_statement = starts_statement

    def __getstate__(self) -> tuple[Any, ...]:
        return (int(self.op), self.arg, self.span, self.file, self.starts_statement)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        op, self.arg, self.span, self.file, self.starts_statement = state
        self.op = Op(op)

    def __repr__(self) -> str:
        return f"Instr({self.op.name}, {self.arg!r}, {self.span})"


# The containers below are plain classes: a `nexa run` that hits the bytecode cache defines them
# at start-up, and a dataclass costs about a millisecond to define.


class ParamSpec:
    def __init__(
        self, name: str, default: Any = None, has_default: bool = False, type_text: str | None = None
    ) -> None:
        self.name = name
        self.default = default  # a literal value
        self.has_default = has_default
        self.type_text = type_text

    def __repr__(self) -> str:
        return f"ParamSpec({self.name!r}, {self.default!r}, {self.has_default}, {self.type_text!r})"


class Code:
    """The instructions of one activation."""

    def __init__(
        self,
        name: str,
        kind: str,  # module | flow | test | lambda | function | method | tool_fn | defer | branch | agent_run
        file: str | None,
        span: tuple[int, int] = (0, 0),
        params: list[ParamSpec] | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.file = file
        self.span = span
        self.params: list[ParamSpec] = params if params is not None else []
        self.instrs: list[Instr] = []
        self.ensures: list[tuple[Code, str, bool]] = []  # (condition code, text, semantic)
        self.children: list[Code] = []  # nested codes, for the disassembler
        # CALL index → its arguments' spans, in push order (E111 points at the argument)
        self.argument_spans: dict[int, tuple[tuple[int, int], ...]] = {}

    def __repr__(self) -> str:
        return f"<Code {self.kind} {self.name}: {len(self.instrs)} instructions>"

    def walk(self) -> Iterator[Code]:
        yield self
        for child in self.children:
            yield from child.walk()


# ------------------------------------------------------------------------------------ programs
# What the compiler produces for a whole program (compiler.py fills it in).


class AgentSpec:
    def __init__(self, name: str, file: str | None, span: tuple[int, int]) -> None:
        self.name = name
        self.file = file
        self.span = span
        self.properties: dict[str, Any] = {}  # literal property values
        self.computed: dict[str, Code] = {}  # `key = expr` members
        self.decorators: dict[str, Any] = {}  # setting -> value
        self.uses: list[str] = []
        self.protocol: str | None = None
        self.run_code: Code | None = None
        self.functions: dict[str, Code] = {}
        self.lets: dict[str, Code] = {}
        self.is_structured = False
        self.streams = False

    def __repr__(self) -> str:
        return f"<AgentSpec {self.name}>"


class ToolFnSpec:
    def __init__(
        self, name: str, code: Code, description: str, options: dict[str, Any], schema: dict[str, Any]
    ) -> None:
        self.name = name
        self.code = code
        self.description = description
        self.options = options
        self.schema = schema


class ToolSpecDecl:
    def __init__(
        self, name: str, properties: dict[str, Any], file: str | None, span: tuple[int, int]
    ) -> None:
        self.name = name
        self.properties = properties
        self.file = file
        self.span = span


class CompiledProgram:
    def __init__(self, module: Code, files: dict[str, bytes]) -> None:
        self.module = module
        self.files = files  # path (or "<input>") -> source bytes, for positions
        self.flows: dict[str, Code] = {}
        self.flow_order: list[str] = []
        self.tests: list[tuple[str, Code]] = []
        self.agents: dict[str, AgentSpec] = {}
        self.agent_order: list[str] = []
        self.protocols: dict[str, list[tuple[str, Any]]] = {}
        self.structs: dict[str, list[str]] = {}
        self.enums: dict[str, dict[str, tuple[str, ...] | None]] = {}  # None: a unit variant
        self.impls: dict[str, dict[str, Code]] = {}
        self.tools: dict[str, ToolSpecDecl] = {}
        self.tool_fns: dict[str, ToolFnSpec] = {}
        self.type_aliases: dict[str, Any] = {}
        self.semantic_types: dict[str, str] = {}  # type name -> its constraint (`T @ "…"`, L§3.8)
        self.unsupported: list[tuple[str, str, str | None, tuple[int, int]]] = []
        self.has_server = False
        # service declarations (services/specs.py): db/kv/auth handles in source order, jobs, servers
        self.handles: list[Any] = []
        self.jobs: dict[str, Any] = {}
        self.servers: list[Any] = []

    def all_codes(self) -> list[Code]:
        codes = [self.module, *self.flows.values(), *(c for _, c in self.tests)]
        for agent in self.agents.values():
            codes.extend(agent.computed.values())
            if agent.run_code is not None:
                codes.append(agent.run_code)
            codes.extend(agent.functions.values())
            codes.extend(agent.lets.values())
        for methods in self.impls.values():
            codes.extend(methods.values())
        codes.extend(t.code for t in self.tool_fns.values())
        codes.extend(h.argument for h in self.handles if h.argument is not None)
        for job in self.jobs.values():
            codes.extend(c for c in (job.perform, job.on_failure) if c is not None)
        return codes


# ------------------------------------------------------------------------------------ patterns
# Run-time patterns (L§5.10.2), compiled from the AST's patterns so that code objects need no AST.
# NamedTuples: immutable and cheap to define at start-up. They are tuples, so code that tells
# operands apart tests for a pattern before a tuple; and `PWild()` is empty, so test `is None`.


class PWild(NamedTuple):
    pass


class PLiteral(NamedTuple):
    value: Any


class PBind(NamedTuple):
    name: str


class PList(NamedTuple):
    elements: tuple[Any, ...]
    has_rest: bool = False
    rest: str | None = None


class PMap(NamedTuple):
    entries: tuple[tuple[str, Any], ...]  # (key, pattern or None: bind the key's name)
    has_rest: bool = False
    rest: str | None = None


class PVariant(NamedTuple):
    enum: str
    variant: str
    arguments: tuple[Any, ...] = ()


Pattern = PWild | PLiteral | PBind | PList | PMap | PVariant


def pattern_text(pattern: Any) -> str:
    if isinstance(pattern, PWild):
        return "_"
    if isinstance(pattern, PLiteral):
        return repr(pattern.value)
    if isinstance(pattern, PBind):
        return pattern.name
    if isinstance(pattern, PList):
        parts = [pattern_text(p) for p in pattern.elements]
        if pattern.has_rest:
            parts.append(".." + (pattern.rest or ""))
        return "[" + ", ".join(parts) + "]"
    if isinstance(pattern, PMap):
        parts = [k if p is None else f"{k}: {pattern_text(p)}" for k, p in pattern.entries]
        if pattern.has_rest:
            parts.append(".." + (pattern.rest or ""))
        return "{" + ", ".join(parts) + "}"
    if isinstance(pattern, PVariant):
        args = f"({', '.join(pattern_text(p) for p in pattern.arguments)})" if pattern.arguments else ""
        return f"{pattern.enum}::{pattern.variant}{args}"
    return "?"


# ------------------------------------------------------------------------------------ disassembler


def operand_text(instr: Instr) -> str:
    return "" if instr.arg is None else _short(instr.arg)


def _short(value: Any) -> str:
    if isinstance(value, Code):
        return f"<code {value.name}>"
    if isinstance(value, PWild | PLiteral | PBind | PList | PMap | PVariant):  # before tuple: they are tuples
        return pattern_text(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def disassemble(code: Code, line_of: Any, line_text: Any) -> str:
    """The bytecode of `code` and every nested code, each statement preceded by its source line.

    `line_of(file, offset)` gives a 1-based line number, `line_text(file, line)` that line's text.
    """
    out: list[str] = []
    for each in code.walk():
        out.append(f"== {each.kind} {each.name} ({each.file or '<input>'}) ==")
        shown_line: tuple[str | None, int] | None = None
        for index, instr in enumerate(each.instrs):
            line = line_of(instr.file, instr.span[0])
            if instr.starts_statement and (instr.file, line) != shown_line:
                out.append(f"   {line:>4} | {line_text(instr.file, line).strip()}")
                shown_line = (instr.file, line)
            marker = ">" if instr.starts_statement else " "
            out.append(f"  {marker}{index:>5}  {instr.op.name:<18}{operand_text(instr)}")
        out.append("")
    return "\n".join(out)


def opcode_table_markdown() -> str:
    """The opcode table as Markdown (docs/bytecode.md)."""
    rows = ["| opcode | operand | stack | meaning |", "| --- | --- | --- | --- |"]
    for op, (operand, effect, meaning) in OPCODES.items():
        # a `|` in any cell (even inside backticks, GFM) would end the cell
        cells = [f"`{op.name}`", operand, f"`{effect}`", meaning]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)
