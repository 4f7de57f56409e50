"""The code table of diagnostics.md §3 (and the H-codes of §7), as data.

Every diagnostic code of the project, its rule name, default severity and one-line summary. Rules,
selectors, suppressions and output all look codes up here; a code that is not in this table does not
exist. The table is copied by hand from the spec; `tests/check/test_codes.py` re-reads the spec's
tables and compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Higher is more severe: hint 0 … error 3 (for `--severity` thresholds)."""
        return _RANKS[self]


_RANKS = {Severity.HINT: 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Tag(str, Enum):
    UNNECESSARY = "unnecessary"
    DEPRECATED = "deprecated"


class Family(str, Enum):
    """Code families of §1.3; the value is the prefix that identifies them."""

    STATIC_ERROR = "E0"
    WARNING = "W"
    GRAPH = "G"
    HARNESS = "H"
    SANDBOX = "S"
    META = "M"
    RUNTIME = "E1"
    CONFIG = "E2"
    TOOLS = "E3"
    VM = "E4"


_STATIC_FAMILIES = {
    Family.STATIC_ERROR,
    Family.WARNING,
    Family.GRAPH,
    Family.HARNESS,
    Family.SANDBOX,
    Family.META,
}
# E302/E303 are also reported by the checker (static uses), so they can be selected (§14.2).
_STATIC_TOOL_CODES = {"E302", "E303"}


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    severity: Severity
    summary: str
    # Severity under `[lint.harness] mode = "strict"` (H-codes only).
    strict_severity: Severity | None = None
    tags: frozenset[Tag] = frozenset()

    @property
    def family(self) -> Family:
        return family_of(self.code)

    @property
    def is_static(self) -> bool:
        """True for codes the checker reports, which configuration may select, ignore and re-severity."""
        return self.family in _STATIC_FAMILIES or self.code in _STATIC_TOOL_CODES

    @property
    def url_fragment(self) -> str:
        """The GitHub-style anchor of the code's heading in diagnostics.md."""
        return f"{self.code.lower()}-{self.name}"


def family_of(code: str) -> Family:
    if code.startswith("E"):
        return Family(code[:2])
    return Family(code[0])


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

# (code, default severity, name, summary) — diagnostics.md §3, in its order.
_TABLE: list[tuple[str, Severity, str, str]] = [
    ("E001", _E, "undeclared-identifier", "a name in a program root resolves to nothing"),
    ("E002", _E, "type-mismatch", "certain types do not fit (operator, return, field, runnable)"),
    ("E003", _E, "missing-required-property", "a tool without `description`, a job without `perform`"),
    ("E004", _E, "duplicate-declaration", "a name, key, parameter or field declared twice"),
    ("E005", _E, "invalid-model-identifier", "a model string breaks S§4.2"),
    ("E006", _E, "protocol-not-found", "`implements X`: no protocol X"),
    ("E007", _E, "tool-not-found", "`uses`/`tools`/`before_tool` item names no tool"),
    ("E008", _E, "syntax-error", "an ERROR or MISSING node"),
    ("E009", _E, "invalid-regex", "a literal `fast_match` or std.regex pattern does not compile"),
    ("E010", _E, "invalid-property-value", "a setting's value has the wrong type, range or enum word"),
    ("E011", _E, "loop-control-outside-loop", "`break`/`continue` not inside a loop"),
    ("E012", _E, "unexpected-argument", "too many positional arguments or an unknown named one"),
    ("E013", _E, "return-outside-function", "`return` at top level"),
    ("E014", _E, "unknown-module", "`import` of something that is not `std`"),
    ("E015", _E, "invalid-match", "intent arms mixed with patterns; two guards on one arm"),
    ("W001", _W, "unused-declaration", "an agent, tool or protocol is never referenced"),
    ("W002", _W, "performance-hint", "parallelizable calls, one-element fan-out, hot long prompt"),
    ("W003", _W, "deprecated-syntax", "upstream's old spellings"),
    ("W004", _W, "agent-without-instructions", "no `prompt` and no `description`"),
    ("W005", _W, "possibly-undefined-name", "an unresolved name where it may be defined elsewhere"),
    ("W006", _W, "file-not-found", "an included or referenced file does not exist"),
    ("W007", _W, "unknown-key", "unknown property, setting key or template filter"),
    ("W008", _W, "missing-arguments", "fewer arguments than required parameters"),
    ("W009", _W, "unreachable-code", "statements after `return`/`break`/`continue`/`raise`/`exit`"),
    ("W010", _W, "argument-type-mismatch", "a certain argument type does not fit a typed parameter"),
    ("W011", _W, "unknown-type", "an unknown type name or type string"),
    ("W012", _W, "shadowed-name", "a declaration hides a prelude name; a local hides a global"),
    ("G001", _W, "unused-fork-result", "the result of `|>>` is discarded"),
    ("G002", _W, "unreachable-from-entry", "an agent or flow no entry point reaches"),
    ("G003", _E, "unbounded-loop", "a loop with no way to end"),
    ("G004", _E, "stage-type-mismatch", "a pipeline stage receives a type it does not accept"),
    ("G005", _W, "identical-branches", "both arms of a semantic choice are the same"),
    ("G006", _W, "recursive-flows", "flows call each other in a cycle"),
    ("G007", _W, "unawaited-spawn", "a spawned task or actor is never awaited or used"),
    ("G008", _W, "intent-match-without-default", "an intent `match` without `_`"),
    ("G009", _W, "secret-literal", "a string literal looks like a credential"),
    ("G010", _W, "fire-and-forget-value-used", "the value of `||` (always `none`) is used"),
    # H001–H020: diagnostics.md §7 (severity warning; `_STRICT_ERRORS` become errors in strict mode).
    ("H001", _W, "autoloop-implicit-bound", "an `autoloop` has neither `max_steps` nor `exit_when`"),
    ("H002", _W, "autoloop-too-many-steps", "`max_steps` is greater than 1,000"),
    ("H003", _W, "autoloop-without-timeout", "an `autoloop` has no `timeout`"),
    ("H004", _W, "autoloop-without-verify", "an `autoloop` body contains no `verify` statement"),
    ("H005", _W, "correction-without-reflect", "a `catch_correction` body contains no `reflect`"),
    ("H006", _W, "empty-tool-description", 'an `@tool("…")` description is empty or white space'),
    ("H007", _W, "risky-tool-without-approval", "a high-risk `@tool` without `requires_approval: true`"),
    ("H008", _W, "risky-tool-without-sandbox", "a high-risk `@tool` without `sandbox: true`"),
    ("H009", _W, "tool-without-return-type", "an `@tool fn` has no result type"),
    ("H010", _W, "context-without-max-tokens", "a `with_context` has no `max_tokens`"),
    ("H011", _W, "context-budget-too-large", "a context `max_tokens` above 200,000"),
    ("H012", _W, "context-policy-without-strategy", "a `context_policy` has no `strategy`"),
    ("H013", _W, "restore-of-non-snapshot", "`restore(x)` of a variable never assigned from `snapshot()`"),
    ("H014", _W, "fork-single-branch", "`fork [ … ] merge …` has fewer than two branches"),
    ("H015", _W, "nonstandard-merge-strategy", "the merge strategy is not a standard one"),
    ("H016", _W, "empty-hook", "a `before_step` or `after_step` block is empty"),
    ("H017", _W, "empty-reflect", "`reflect` of an empty or white-space string literal"),
    ("H018", _W, "vague-verify", "a `verify` condition shorter than 10 characters"),
    ("H019", _W, "unharnessed-without-reason", '`unharnessed { … }` without `("reason")`'),
    ("H020", _W, "unharnessed-too-large", "an `unharnessed` block has more than 5 statements"),
    ("S001", _I, "capability-not-granted", "code that the configured sandbox will deny"),
    ("M001", _I, "unused-suppression", "a suppression that suppresses nothing"),
    ("E100", _E, "runtime-error", "bad operands, index, conversion, `raise`, depth limit"),
    ("E101", _E, "agent-timeout", "the model chain ended with a timeout"),
    ("E102", _E, "model-call-failed", "the model chain failed"),
    ("E103", _E, "protocol-validation-failed", "the reply never matched the protocol/JSON format"),
    ("E104", _E, "tool-execution-failed", "a tool or std function failed (called from code)"),
    ("E105", _E, "authentication-failed", "missing key or rejected credentials"),
    ("E106", _W, "loop-limit-reached", "`loop … until` stopped at the iteration cap"),
    ("E107", _W, "no-intent-matched", "an intent `match` chose no arm and has no `_`"),
    ("E108", _E, "undefined-name", "an unbound name was evaluated"),
    ("E109", _E, "contract-violation", "`requires`/`ensures` failed"),
    ("E110", _E, "assertion-failed", "`assert` failed; `verify` failed (strict)"),
    ("E111", _E, "type-violation", "a value broke a declared type (strict type mode)"),
    ("E201", _E, "config-file-not-found", "an explicitly named configuration file is missing"),
    ("E202", _E, "invalid-config-value", "bad `nexa.toml` content, CLI value or provider setting"),
    ("E203", _E, "secrets-error", "the secrets file cannot be read or parsed"),
    ("E301", _E, "mcp-connection-failed", "an MCP server cannot be reached or listed"),
    ("E302", _E, "invalid-tool-arguments", "arguments do not fit a tool's schema"),
    ("E303", _E, "std-function-not-found", "unknown std namespace or function"),
    ("E401", _E, "vm-execution-failed", "a WASM trap or an internal VM failure"),
    ("E402", _E, "permission-denied", "the sandbox or an approval refused an action"),
    ("E403", _E, "context-overflow", "a request cannot fit its context budget"),
    ("E404", _E, "consensus-timeout", "a consensus step did not finish in time"),
]

# §7 "strict" column: these H-codes are errors in strict harness mode.
_STRICT_ERRORS = {"H001", "H006", "H007", "H010", "H014", "H019"}
# §1.1 "tags".
_TAGS = {
    "W001": frozenset({Tag.UNNECESSARY}),
    "W009": frozenset({Tag.UNNECESSARY}),
    "G002": frozenset({Tag.UNNECESSARY}),
    "M001": frozenset({Tag.UNNECESSARY}),
    "W003": frozenset({Tag.DEPRECATED}),
}


def _strict_severity(code: str) -> Severity | None:
    if not code.startswith("H"):
        return None
    return Severity.ERROR if code in _STRICT_ERRORS else Severity.WARNING


CODES: dict[str, CodeInfo] = {
    code: CodeInfo(code, name, severity, summary, _strict_severity(code), _TAGS.get(code, frozenset()))
    for code, severity, name, summary in _TABLE
}
CODES_BY_NAME: dict[str, CodeInfo] = {info.name: info for info in CODES.values()}


def lookup(code_or_name: str) -> CodeInfo | None:
    """The code named by a code (`w001`, any case) or a rule name (`unused-declaration`)."""
    key = code_or_name.strip()
    return CODES.get(key.upper()) or CODES_BY_NAME.get(key.lower())


SYNTAX_ERROR = "E008"
UNUSED_SUPPRESSION = "M001"
CONFIG_FILE_NOT_FOUND = "E201"
INVALID_CONFIG_VALUE = "E202"
