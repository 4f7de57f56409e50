"""A request whose params do not fit their LSP type still gets an answer.

pygls turns each received JSON object into its lsprotocol type in `structure_message` (the
`json.loads` object hook). When that fails (a position with `line: -1`, a string where a number
belongs, a missing field) pygls logs the error and drops the message, so the client waits forever
for the answer. JSON-RPC 2.0 requires a response to every request: here a request that does not
structure becomes an `InvalidParams` answer naming the bad field, and such a notification is
logged and ignored.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import cattrs
from cattrs.v import format_exception
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

log = logging.getLogger("nexa_lsp")


@dataclass(frozen=True, slots=True)
class Unstructurable:
    """A request or notification whose params could not be read; `id` is None for a notification."""

    id: int | str | None
    method: str
    problem: str
    has_id: bool


class AnsweringProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        # Responses and error messages from the client keep pygls' own path.
        if "jsonrpc" not in data or "method" not in data or "error" in data:
            return super().structure_message(data)
        has_id = "id" in data
        fallback = JsonRPCRequestMessage if has_id else JsonRPCNotification
        try:
            message_type = self.get_message_type(data["method"]) or fallback
            return self._converter.structure(data, message_type)
        except Exception as exc:
            msg_id = data.get("id")
            if isinstance(msg_id, bool) or not isinstance(msg_id, int | str):
                msg_id = None
            return Unstructurable(msg_id, str(data["method"]), describe(exc), has_id)

    def handle_message(self, message: Any) -> None:
        if not isinstance(message, Unstructurable):
            super().handle_message(message)
            return
        if not message.has_id:
            log.warning("ignored %s notification with invalid params: %s", message.method, message.problem)
            return
        if message.id is None:
            # JSON-RPC 2.0: when the request's id cannot be read, the answer's id is null.
            code, text = JsonRpcInvalidRequest.CODE, "invalid request id"
        else:
            code, text = JsonRpcInvalidParams.CODE, message.problem
        # A plain dict: lsprotocol's ResponseErrorMessage would leave out a null id.
        error = {"code": code, "message": f"{message.method}: {text}"}
        self._send_data({"jsonrpc": "2.0", "id": message.id, "error": error})


def describe(exc: Exception) -> str:
    """A short account of why a message did not structure, with the JSON path of each bad field."""
    if not isinstance(exc, cattrs.BaseValidationError):
        return f"invalid params ({exc})"
    problems = [_camel_path(problem) for problem in cattrs.transform_error(exc, format_exception=_reason)]
    return "; ".join(problems[:3]) or "invalid params"


def _reason(exc: BaseException, type_: type | None) -> str:
    # A validator of lsprotocol's (no target type) says what is wrong: "Position.line should be in
    # range …"; a failed conversion to a type ("invalid literal for int()") is said by cattrs' text.
    if type_ is None and isinstance(exc, ValueError) and str(exc):
        return str(exc).rstrip(".")
    return format_exception(exc, type_)


def _camel_path(problem: str) -> str:
    """`… @ $.params.text_document` names the field as the client wrote it: `$.params.textDocument`."""
    text, at, path = problem.rpartition(" @ ")
    if not at:
        return problem
    return f"{text} at {re.sub(r'_([a-z])', lambda m: m.group(1).upper(), path)}"
