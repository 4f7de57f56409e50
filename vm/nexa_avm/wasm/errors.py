"""`ToolError`: a failed WASM tool call, as a value the caller recovers from (S§0.2, S§0.4).

Codes: E401 vm-execution-failed (a trap or a broken limit, the message names the limit), E402
permission-denied (a path outside the preopens, a socket), E104 tool-execution-failed (the module is
missing or cannot be instantiated, or the tool exited with a non-zero status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nexa_avm.errors import CODE_NAMES, NexaError


@dataclass(frozen=True)
class ToolError:
    code: str
    message: str
    tool: str
    detail: dict[str, Any] = field(default_factory=dict)

    kind = "ToolError"

    @property
    def name(self) -> str:
        return CODE_NAMES.get(self.code, "runtime-error")

    def text(self) -> str:
        """What a model receives instead of the result (S§0.4)."""
        return f"Error: {self.code} {self.name}: {self.message}"

    def to_nexa_error(self) -> NexaError:
        """The `ToolError` a call written in Nexa code raises (catchable, S§0.2)."""
        return NexaError(self.kind, self.message, self.code, detail={"tool": self.tool, **self.detail})


def limit_reached(tool: str, limit: str, value: str, **detail: Any) -> ToolError:
    """E401 `tool '{tool}' stopped: {limit} limit of {value} reached` (diagnostics.md)."""
    return ToolError(
        "E401",
        f"tool '{tool}' stopped: {limit} limit of {value} reached",
        tool,
        {"limit": limit, "value": value, **detail},
    )


def trapped(tool: str, what: str, **detail: Any) -> ToolError:
    """E401 for a trap that is not a limit (`unreachable`, a division by zero, …)."""
    return ToolError("E401", f"tool '{tool}' stopped: trap: {what}", tool, {"trap": what, **detail})


def access_denied(tool: str, action: str, target: str, reason: str, allow: str) -> ToolError:
    """E402 `{action} denied: {reason}; allow it with {flag} or [sandbox] {key}`."""
    return ToolError(
        "E402",
        f"{action} of '{target}' denied: {reason}; allow it with {allow}",
        tool,
        {"action": action, "path" if action != "connect" else "host": target},
    )


def failed(tool: str, reason: str, **detail: Any) -> ToolError:
    """E104 `{tool}: {reason}`."""
    return ToolError("E104", f"{tool}: {reason}", tool, dict(detail))
