"""Run-time errors of the Agent VM (L§7.7, diagnostics.md §9, stdlib §0.2).

A `NexaError` is both the Python exception that unwinds activations and the error *value* a
`catch (e)` binds: it has `kind`, `message`, `code` and, once it has passed through an instruction,
the file and byte span of that instruction. `ExitProgram` (the `exit()` built-in) and `InternalError`
(E401, a VM bug) are not Nexa errors: no `catch` sees them.
"""

from __future__ import annotations

from typing import Any

# kebab-case names of the runtime codes, for the `= code E104 (tool-execution-failed)` line (§1.7).
CODE_NAMES = {
    "E100": "runtime-error",
    "E101": "agent-timeout",
    "E102": "model-call-failed",
    "E103": "protocol-validation-failed",
    "E104": "tool-execution-failed",
    "E105": "authentication-failed",
    "E106": "loop-limit-reached",
    "E107": "no-intent-matched",
    "E108": "undefined-name",
    "E109": "contract-violation",
    "E110": "assertion-failed",
    "E111": "type-violation",
    "E201": "config-file-not-found",
    "E202": "invalid-config-value",
    "E203": "secrets-error",
    "E301": "mcp-connection-failed",
    "E302": "invalid-tool-arguments",
    "E303": "std-function-not-found",
    "E401": "vm-execution-failed",
    "E402": "permission-denied",
    "E403": "context-overflow",
    "E404": "consensus-timeout",
}


class NexaError(Exception):
    """A coded runtime error; also the value of `e` in `catch (e)`."""

    def __init__(
        self,
        kind: str,
        message: str,
        code: str = "E100",
        *,
        value: Any = None,
        detail: dict[str, Any] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code
        self.value = value  # PropagatedError: the Err/None payload
        self.detail = detail or {}
        self.fields = fields or {}  # ContractViolation: clause, clause_type, is_semantic
        self.file: str | None = None
        self.span: tuple[int, int] | None = None
        self.line = 0  # 1-based, filled in by `locate`
        self.column = 0

    @property
    def is_located(self) -> bool:
        return self.span is not None

    def locate(self, file: str | None, span: tuple[int, int], line: int, column: int) -> None:
        self.file, self.span, self.line, self.column = file, span, line, column

    def member(self, name: str) -> Any:
        if name in self.fields:
            return self.fields[name]
        return {
            "kind": self.kind,
            "message": self.message,
            "code": self.code,
            "file": self.file or "",
            "line": self.line,
            "column": self.column,
            "detail": self.detail,
            "value": self.value,
        }.get(name)

    def __repr__(self) -> str:
        return f"NexaError({self.kind}, {self.message!r}, {self.code})"


def runtime_error(message: str, code: str = "E100") -> NexaError:
    return NexaError("RuntimeError", message, code)


def unknown_name(name: str) -> NexaError:
    return NexaError("RuntimeError", f"unknown name '{name}'", "E108")


class ExitProgram(Exception):
    """`exit(code)`: end the program at once; pending defers do not run (S§1.1)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class InternalError(Exception):
    """E401: the VM broke an invariant. Not catchable by the program; exit code 70 (L§7.2)."""

    def __init__(self, opcode: str, what: str) -> None:
        super().__init__(f"internal VM error at {opcode}: {what} — please report this bug")
        self.opcode = opcode
        self.file: str | None = None
        self.span: tuple[int, int] | None = None
