"""Agent properties, decorators and the other settings checked like them, as data (S§3, S§5.2).

The one authority the checker (E010 invalid values, W003 quoted booleans and integers, W007 unknown
keys), completion and hover read: for each key its value type, default, legal values, the text
E010 says it expected, and the one-line meaning. `judge_value` decides what a literal written for a
key means: fine, accepted with W003, or E010 (with what was expected and what was found).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nexa_lang import ast

# ------------------------------------------------------------------------------ value types

# Kinds of value (S§3 "value types"); `expected` phrases are E010's `{expected}`.
STR = "str"
BOOL = "bool"
INT = "int"
NUMBER = "number"
ENUM = "enum"
MODEL_ID = "model-id"
PATH = "path"
TYPE = "type"
TOOL_LIST = "tool-list"
DICT = "dict"
STR_LIST = "str-list"
ANY = "any"


@dataclass(frozen=True)
class ValueSpec:
    """What a key accepts. Numbers: `low`/`high` bounds, `low_open` for `> low`."""

    kind: str
    expected: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    words: tuple[str, ...] = ()  # enum words (also accepted beside another kind, e.g. cache)
    also_bool: bool = False  # `cache`: bool or a word; `experience`: a path, bool ignored
    non_empty: bool = False
    allows_db_call: bool = False  # `memory = db(h)`
    duration_string: bool = False  # job `timeout: "120s"`

    def in_range(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high


def _int(low: int | None = None, high: int | None = None) -> ValueSpec:
    if low is not None and high is not None:
        text = f"an integer from {low} to {high}"
    elif low is not None:
        text = f"an integer >= {low}"
    else:
        text = "an integer"
    return ValueSpec(INT, text, low, high)


def _enum(*words: str) -> ValueSpec:
    return ValueSpec(ENUM, "one of " + ", ".join(f'"{w}"' for w in words), words=words)


def _seconds(high: float | None = None) -> ValueSpec:
    return ValueSpec(NUMBER, "a number of seconds > 0", 0, high, low_open=True)


STRING = ValueSpec(STR, "a string")
BOOLEAN = ValueSpec(BOOL, "true or false")
TYPE_EXPRESSION = ValueSpec(TYPE, "a type")
TOOLS = ValueSpec(TOOL_LIST, "a list of tools or a uses-item string")
MODEL = ValueSpec(MODEL_ID, "a model identifier string or a list of them")
CONTEXT_STRATEGIES = ("sliding_window", "importance_weighted", "summarize", "smart_summarization")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    value: ValueSpec
    default: str
    meaning: str


def _table(*specs: SettingSpec) -> dict[str, SettingSpec]:
    return {spec.key: spec for spec in specs}


# ------------------------------------------------------------------------------ S§3.1

AGENT_PROPERTIES: dict[str, SettingSpec] = _table(
    SettingSpec("role", STRING, '""', 'persona; the system prompt starts with "Role: <role>. " when set'),
    SettingSpec("prompt", STRING, '""', "the instruction text; system prompt = role line + prompt"),
    SettingSpec(
        "description", STRING, '""', "human-facing summary; used as the prompt when `prompt` is absent"
    ),
    SettingSpec(
        "model",
        MODEL,
        "configured default",
        'primary model; list elements after the first are `fallback: "…"`',
    ),
    SettingSpec("fallback", MODEL, "none", "models tried in order when a request fails with E101 or E102"),
    SettingSpec(
        "memory",
        ValueSpec(
            ENUM,
            'one of "local", "short", "session", "shared", "cow", "persistent", "long" or db(h)',
            words=("local", "short", "session", "shared", "cow", "persistent", "long"),
            allows_db_call=True,
        ),
        "local",
        "persistence of the conversation history",
    ),
    SettingSpec(
        "max_history_turns", _int(1), "unlimited", "keep the last N user turns; older ones are summarized"
    ),
    SettingSpec(
        "context_compression",
        BOOLEAN,
        "false",
        "summarize the oldest half of the history instead of failing with E403",
    ),
    SettingSpec(
        "experience",
        ValueSpec(PATH, "a file path string", also_bool=True),
        "none",
        "a text file appended to the system prompt",
    ),
    SettingSpec("stream", BOOLEAN, "false", "write reply tokens to stdout as they arrive"),
    SettingSpec(
        "cache",
        ValueSpec(BOOL, 'true, false or "smart"', words=("smart",)),
        "false",
        "reuse the stored reply of an identical request",
    ),
    SettingSpec("cache_ttl", _int(1), "3600", "age limit of cached replies, in seconds"),
    SettingSpec(
        "cache_threshold",
        ValueSpec(NUMBER, "a number > 0 and <= 1", 0, 1, low_open=True),
        "0.95",
        'similarity for `cache: "smart"`',
    ),
    SettingSpec("max_tokens", _int(1, 1_000_000), "provider default", "reply length limit"),
    SettingSpec(
        "timeout", _seconds(86_400), "30", "limit per model request, in seconds; exceeding it is E101"
    ),
    SettingSpec("retry", _int(1, 100), "3", "maximum attempts per model for one run (1 = no retry)"),
    SettingSpec(
        "retry_delay",
        ValueSpec(NUMBER, "a number of seconds >= 0", 0),
        "1",
        "base of the exponential back-off between attempts",
    ),
    SettingSpec(
        "temperature",
        ValueSpec(NUMBER, "a number from 0 to 2", 0, 2),
        "provider default",
        "sampling temperature",
    ),
    SettingSpec("tools", TOOLS, "[]", "extra tools offered to the model"),
    SettingSpec("uses", TOOLS, "—", "the body spelling of the `uses` clause"),
    SettingSpec("max_tool_calls", _int(0, 1000), "10", "tool-call rounds per run"),
    SettingSpec(
        "tool_call_strategy",
        _enum("auto", "required", "none"),
        "auto",
        "whether the model may, must or cannot call tools",
    ),
    SettingSpec("tool_timeout", _seconds(), "30", "limit per tool execution, in seconds"),
    SettingSpec(
        "output_format",
        _enum("text", "json"),
        "text",
        "`json`: the reply must be one JSON object, returned parsed",
    ),
    SettingSpec(
        "output_schema",
        ValueSpec(DICT, "a dict of field types"),
        "none",
        'field → type string; implies `output_format: "json"`',
    ),
    SettingSpec("input_type", TYPE_EXPRESSION, "any", "declared input type (checker only)"),
    SettingSpec("output_type", TYPE_EXPRESSION, "str", "declared output type (checker only)"),
    SettingSpec(
        "context_policy",
        ValueSpec(DICT, "a dict {max_tokens: int, strategy: word}"),
        "none",
        "default context bound for every run",
    ),
    SettingSpec("logging", BOOLEAN, "false", "record full requests and replies in the run trace"),
    SettingSpec(
        "log_level",
        _enum("debug", "info", "warning", "error"),
        "info",
        "minimum level of this agent's trace records",
    ),
)


# ------------------------------------------------------------------------------ S§3.2


@dataclass(frozen=True)
class DecoratorSpec:
    name: str
    parameters: tuple[str, ...]  # accepted parameter names, the first is the documented one
    property: str  # the agent property it sets

    @property
    def value(self) -> ValueSpec:
        return AGENT_PROPERTIES[self.property].value


DECORATORS: dict[str, DecoratorSpec] = {
    spec.name: spec
    for spec in (
        DecoratorSpec("limit", ("max_tokens",), "max_tokens"),
        DecoratorSpec("timeout", ("seconds",), "timeout"),
        DecoratorSpec("retry", ("max_attempts", "count"), "retry"),
        DecoratorSpec("temperature", ("value",), "temperature"),
    )
}


# ------------------------------------------------------------------------------ S§3.3, S§5.2, L§3.10

CONTEXT_SETTINGS: dict[str, SettingSpec] = _table(
    SettingSpec("max_tokens", _int(1), "100000", "token budget of the context"),
    SettingSpec(
        "strategy",
        _enum(*CONTEXT_STRATEGIES),
        "sliding_window",
        "how the context is cut down to the budget",
    ),
)

# Place name (as W007 words it: "unknown {place} key") → its keys.
SETTINGS: dict[str, dict[str, SettingSpec]] = {
    "autoloop": _table(
        SettingSpec("max_steps", _int(1, 100_000), "50", "iteration cap of the loop"),
        SettingSpec(
            "exit_when",
            ValueSpec(STR, "a non-empty string", non_empty=True),
            "none",
            "condition that ends the loop",
        ),
        SettingSpec("timeout", _seconds(), "none", "time limit of the whole loop, in seconds"),
    ),
    "with_context": CONTEXT_SETTINGS,
    "context_policy": CONTEXT_SETTINGS,
    "@tool": _table(
        SettingSpec(
            "risk_level",
            _enum("low", "medium", "high", "critical"),
            "low",
            "shown in hover and traces; drives H007",
        ),
        SettingSpec("requires_approval", BOOLEAN, "false", "a human confirms each model-initiated call"),
        SettingSpec("sandbox", BOOLEAN, "false", "advisory; read by H008"),
        SettingSpec(
            "category",
            _enum("general", "system", "network", "file", "data"),
            "general",
            "metadata for hover and traces",
        ),
    ),
    "job": _table(
        SettingSpec("priority", _enum("low", "normal", "high", "critical"), "normal", "queue priority"),
        SettingSpec("retry", _int(0), "3", "attempts after the first failure"),
        SettingSpec(
            "timeout",
            ValueSpec(
                NUMBER,
                'a number of seconds > 0 or a duration string such as "120s"',
                0,
                low_open=True,
                duration_string=True,
            ),
            "30",
            "time limit of one attempt",
        ),
        SettingSpec(
            "backoff", _enum("fixed", "linear", "exponential"), "exponential", "delay growth between attempts"
        ),
        SettingSpec(
            "unique", STRING, "none", 'deduplicate identical arguments for a duration ("args for 1h")'
        ),
    ),
    "tool": _table(
        SettingSpec("description", STRING, "—", "what the tool does, for the model"),
        SettingSpec(
            "parameters",
            ValueSpec(DICT, "a dict of parameter types"),
            "{}",
            "parameter name → type string or JSON schema",
        ),
        SettingSpec(
            "wasm",
            ValueSpec(PATH, "a path string", non_empty=True),
            "—",
            "WebAssembly module implementing the tool",
        ),
        SettingSpec(
            "mcp",
            ValueSpec(STR, "a non-empty string", non_empty=True),
            "—",
            "MCP server URL, configured name or descriptor path",
        ),
        SettingSpec(
            "python",
            ValueSpec(PATH, "a path string", non_empty=True),
            "—",
            "Python file defining a function named like the tool",
        ),
        SettingSpec("max_memory_pages", _int(1, 65_536), "256", "WASM memory limit in 64 KiB pages"),
        SettingSpec("max_table_elements", _int(1), "1024", "WASM table size limit"),
        SettingSpec("max_cpu_time_ms", _int(1), "5000", "WASM CPU time limit in milliseconds"),
        SettingSpec("max_output_bytes", _int(1), "10485760", "limit of the tool's output"),
        SettingSpec(
            "allowed_paths",
            ValueSpec(STR_LIST, "a list of path strings"),
            "[]",
            "read-only preopened directories",
        ),
        SettingSpec(
            "writable_paths",
            ValueSpec(STR_LIST, "a list of path strings"),
            "[]",
            "writable preopened directories",
        ),
        SettingSpec("network", BOOLEAN, "false", "network access (WASI offers no sockets: must stay false)"),
    ),
    "cors": _table(
        SettingSpec("origins", ValueSpec(ANY, "a list of origins"), "[]", "allowed origins"),
        SettingSpec("methods", ValueSpec(ANY, "a list of methods"), "[]", "allowed methods"),
        SettingSpec("headers", ValueSpec(ANY, "a list of headers"), "[]", "allowed headers"),
        SettingSpec("credentials", BOOLEAN, "false", "allow credentials"),
        SettingSpec("max_age", _int(0), "none", "seconds a preflight answer may be cached"),
    ),
}

TOOL_SOURCES = ("mcp", "python", "wasm")


# ------------------------------------------------------------------------------ judging a literal


@dataclass(frozen=True)
class Verdict:
    """The outcome of `judge_value`. `ok` and not `quoted`: nothing to say."""

    ok: bool
    expected: str = ""
    found: str = ""
    quoted: str | None = None  # "boolean"/"integer": accepted with W003
    literal: str = ""  # the replacement for a quoted value (`true`, `2`)
    suggestion: str | None = None  # closest enum word, for E010's fix
    suggestion_text: str = ""  # that word written in the value's own form
    db_handle: ast.Name | None = None  # `db(h)`: the handle name, for the caller to resolve
    nested: list[tuple[ast.DictEntry, Verdict]] = field(default_factory=list)


GOOD = Verdict(True)
_DIGITS = re.compile(r"[0-9]+")
_DURATION = re.compile(r"\s*[0-9]+(\.[0-9]+)?\s*(ms|s|m|h|d)?\s*")


def number_of(expr: ast.Expr) -> int | float | None:
    """The value of a number literal, also `-3` (a unary minus on a literal)."""
    if isinstance(expr, ast.Number):
        return expr.value
    if isinstance(expr, ast.Unary) and expr.op == "-" and isinstance(expr.operand, ast.Number):
        return -expr.operand.value
    return None


def describe(expr: ast.Expr, text: str) -> str:
    """E010's `{found}`: `a string`, `3`, `true`, `a list`, `a call`, …; `text` is the source."""
    if isinstance(expr, ast.TemplateLit):  # not a string literal (S§3 value forms): it renders at run time
        return "a template string"
    if isinstance(expr, ast.StringLit):
        return "a string"
    if number_of(expr) is not None or isinstance(expr, ast.Bool | ast.NoneLit):
        return text
    kinds: list[tuple[type[ast.Node], str]] = [
        (ast.ListLit, "a list"),
        (ast.DictLit, "a dict"),
        (ast.Call, "a call"),
        (ast.Name, "a name"),
        (ast.Member, "a member access"),
        (ast.Lambda, "a lambda"),
    ]
    for kind, words in kinds:
        if isinstance(expr, kind):
            return words
    return "an expression"


def _bad(spec: ValueSpec, expr: ast.Expr, text: str, found: str | None = None) -> Verdict:
    return Verdict(False, spec.expected, found if found is not None else describe(expr, text))


def _word(spec: ValueSpec, word: str, written: str, as_string: bool) -> Verdict:
    if word in spec.words:
        return GOOD
    suggestion = closest_word(word, spec.words)
    return Verdict(
        False,
        spec.expected,
        written,
        suggestion=suggestion,
        suggestion_text=(f'"{suggestion}"' if as_string else suggestion) if suggestion else "",
    )


def closest_word(word: str, words: tuple[str, ...]) -> str | None:
    """The key or word within edit distance 2 of `word` (E010's and W007's fixes): the nearest,
    the first of the table on ties. A swap of two adjacent characters counts as one edit, so the
    misspelling `modle` suggests `model`, not `role` (W007's example)."""
    best, best_distance = None, 3
    for candidate in words:
        distance = transposing_distance(word, candidate)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def transposing_distance(a: str, b: str) -> int:
    """Edit distance where an adjacent transposition is one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def judge_value(spec: ValueSpec, expr: ast.Expr, source: str = "") -> Verdict:
    """Judge the value `expr` (whose source text is `source`) against `spec`."""
    text = source
    if isinstance(expr, ast.Missing):
        return GOOD  # a syntax error already says it
    kind = spec.kind
    if kind == ANY:
        return GOOD
    if kind == ENUM or (spec.words and isinstance(expr, ast.StringLit | ast.Name)):
        if isinstance(expr, ast.StringLit):
            if kind == BOOL and expr.value.lower() in ("true", "false"):
                return _quoted_bool(expr)
            return _word(spec, expr.value, f'"{expr.value}"', True)
        if isinstance(expr, ast.Name):
            return _word(spec, expr.id, expr.id, False)
        if spec.allows_db_call and _is_db_call(expr):
            assert isinstance(expr, ast.Call)
            argument = expr.arguments[0].value if len(expr.arguments) == 1 else None
            if isinstance(argument, ast.Name):
                return Verdict(True, spec.expected, argument.id, db_handle=argument)
            return _bad(spec, expr, text)
        if kind == ENUM:
            return _bad(spec, expr, text)
    if kind in (STR, PATH):
        if spec.also_bool and isinstance(expr, ast.Bool):
            return GOOD
        if isinstance(expr, ast.StringLit):
            if spec.non_empty and not expr.value.strip():
                return Verdict(False, spec.expected, "an empty string")
            return GOOD
        return _bad(spec, expr, text)
    if kind == BOOL:
        if isinstance(expr, ast.Bool):
            return GOOD
        if isinstance(expr, ast.StringLit) and expr.value.lower() in ("true", "false"):
            return _quoted_bool(expr)
        return _bad(spec, expr, text)
    if kind in (INT, NUMBER):
        return _judge_number(spec, expr, text)
    if kind == MODEL_ID:
        return _judge_models(spec, expr, text)
    if kind == TYPE:
        return GOOD if _is_type_expression(expr) else _bad(spec, expr, text)
    if kind == TOOL_LIST:
        if isinstance(expr, ast.StringLit):
            return GOOD
        if isinstance(expr, ast.ListLit) and all(
            isinstance(e, ast.Name | ast.Member | ast.StringLit) for e in expr.elements
        ):
            return GOOD
        return _bad(spec, expr, text)
    if kind == DICT:
        return GOOD if isinstance(expr, ast.DictLit) else _bad(spec, expr, text)
    if kind == STR_LIST:
        if isinstance(expr, ast.ListLit) and all(isinstance(e, ast.StringLit) for e in expr.elements):
            return GOOD
        return _bad(spec, expr, text)
    return GOOD


def _quoted_bool(expr: ast.StringLit) -> Verdict:
    return Verdict(True, quoted="boolean", literal=expr.value.lower())


def _is_db_call(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.function, ast.Name) and expr.function.id == "db"


def _judge_number(spec: ValueSpec, expr: ast.Expr, text: str) -> Verdict:
    value = number_of(expr)
    quoted = False
    if value is None and isinstance(expr, ast.StringLit):
        stripped = expr.value
        if spec.kind == INT and _DIGITS.fullmatch(stripped):
            value, quoted = int(stripped), True
        elif spec.duration_string and _DURATION.fullmatch(stripped):
            return GOOD
    if value is None or isinstance(expr, ast.Bool):
        return _bad(spec, expr, text)
    if spec.kind == INT and isinstance(value, float):
        return _bad(spec, expr, text, text)
    if not spec.in_range(value):
        return _bad(spec, expr, text, str(value) if quoted else text)
    if quoted:
        return Verdict(True, quoted="integer", literal=str(value))
    return GOOD


def _judge_models(spec: ValueSpec, expr: ast.Expr, text: str) -> Verdict:
    """Only the shape: a string, or a list of strings (`fallback:` entries allowed); the strings
    themselves are E005's business."""
    if isinstance(expr, ast.StringLit):
        return GOOD
    if isinstance(expr, ast.ListLit) and expr.elements:
        for element in expr.elements:
            inner = element.value if isinstance(element, ast.FallbackElement) else element
            if not isinstance(inner, ast.StringLit | ast.Missing):
                return Verdict(False, spec.expected, describe(inner, ""))
        return GOOD
    return _bad(spec, expr, text)


def _is_type_expression(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.Name | ast.StringLit | ast.NoneLit):
        return True
    if isinstance(expr, ast.Index):
        return _is_type_expression(expr.object) and _is_type_expression(expr.index)
    if isinstance(expr, ast.ListLit):  # `dict[str, int]` lowers its arguments as a list
        return all(_is_type_expression(e) for e in expr.elements)
    if isinstance(expr, ast.Binary) and expr.op == "|":
        return _is_type_expression(expr.left) and _is_type_expression(expr.right)
    if isinstance(expr, ast.TryExpr):  # `T?`
        return _is_type_expression(expr.operand)
    return False
