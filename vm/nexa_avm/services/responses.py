"""HTTP response values and request helpers (S§1.8): `text`, `html`, `json`, `redirect`, `status`,
`parse_form`, `parse_json_body`. A handler's other results become responses as L§7.11.2 says."""

from __future__ import annotations

import json as jsonlib
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

from ..errors import runtime_error
from ..values import Record, is_number, to_plain, to_text

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    411: "Length Required",
    413: "Payload Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class Response:
    """A value made by `text`/`html`/`json`/`redirect`/`status`; sent as is by the server."""

    kind = "response"

    def __init__(self, status: int, body: bytes = b"", content_type: str | None = None) -> None:
        self.status = status
        self.body = body
        self.headers: list[tuple[str, str]] = []
        if content_type is not None:
            self.headers.append(("Content-Type", content_type))

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def text_form(self) -> str:
        return f"<response {self.status}>"


def _status(value: Any, default: int) -> int:
    if value is None:
        return default
    if not is_number(value) or not 100 <= int(value) <= 599:
        raise runtime_error(f"an HTTP status must be a number from 100 to 599, got {to_text(value)}")
    return int(value)


def text(content: Any, status: Any = None) -> Response:
    return Response(_status(status, 200), to_text(content).encode(), "text/plain; charset=utf-8")


def html(content: Any, status: Any = None) -> Response:
    return Response(_status(status, 200), to_text(content).encode(), "text/html; charset=utf-8")


def json(data: Any, status: Any = None) -> Response:
    body = jsonlib.dumps(to_plain(data), ensure_ascii=False).encode()
    return Response(_status(status, 200), body, "application/json")


def redirect(url: Any, status: Any = None) -> Response:
    response = Response(_status(status, 302))
    response.headers.append(("Location", to_text(url)))
    return response


def status(code: Any, body: Any = "") -> Response:
    return Response(_status(code, 200), to_text(body).encode(), "text/plain; charset=utf-8")


def as_response(value: Any) -> Response:
    """L§7.11.2: a response as is, a dict or record JSON, a string text; none is 204."""
    if isinstance(value, Response):
        return value
    if value is None:
        return Response(204)
    if isinstance(value, dict | list | Record):
        return json(value)
    return text(value)


def parse_form(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise runtime_error("parse_form() needs the request")
    headers = request.get("headers") or {}
    content_type = str(headers.get("content-type", ""))
    body = to_text(request.get("body") or "")
    if content_type.startswith("multipart/form-data"):
        raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body.encode()
        message = BytesParser(policy=HTTP).parsebytes(raw)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True) or b""
                fields[str(name)] = payload.decode("utf-8", "replace")
        return fields
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body, keep_blank_values=True).items()}


def parse_json_body(request: Any) -> Any:
    if not isinstance(request, dict):
        raise runtime_error("parse_json_body() needs the request")
    body = to_text(request.get("body") or "")
    if not body.strip():
        return None
    try:
        return jsonlib.loads(body)
    except ValueError as error:
        raise runtime_error(f"parse_json_body: the body is not JSON: {error}") from None
