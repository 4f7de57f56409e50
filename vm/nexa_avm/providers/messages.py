"""Requests to a model and its replies (stdlib §4.6, §5.3, §5.5).

The shapes follow the OpenAI chat-completions wire format, which every provider of the VM speaks or
imitates: the HTTP provider sends `to_json()` as is, the cassette keys requests by it, and the offline
rules read the same fields.

The records are `NamedTuple`s: immutable, and much cheaper to define than frozen dataclasses, which
matters because every `nexa run` defines them at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

Role = Literal["system", "user", "assistant", "tool"]
ToolChoice = Literal["auto", "required", "none"]
JsonObject = dict[str, Any]


class TextPart(NamedTuple):
    text: str

    def to_json(self) -> JsonObject:
        return {"type": "text", "text": self.text}


class ImagePart(NamedTuple):
    """An `Image` value (stdlib §0.1), kept as base64 so requests stay JSON for cassettes."""

    media_type: str
    data_base64: str

    def to_json(self) -> JsonObject:
        url = f"data:{self.media_type};base64,{self.data_base64}"
        return {"type": "image_url", "image_url": {"url": url}}


ContentPart = TextPart | ImagePart


class ToolCall(NamedTuple):
    id: str
    name: str
    # The arguments exactly as the model wrote them: the tool loop parses them, and invalid JSON is
    # an E302 result for the model (stdlib §5.5 b), not a provider failure.
    arguments: str = "{}"

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ToolCall:
        function = data.get("function") or {}
        return cls(
            id=str(data.get("id") or ""),
            name=str(function.get("name") or ""),
            arguments=str(function.get("arguments") or "{}"),
        )


class Message(NamedTuple):
    role: Role
    content: str | tuple[ContentPart, ...] = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None  # for role "tool": the call this message answers

    @classmethod
    def system(cls, text: str) -> Message:
        return cls("system", text)

    @classmethod
    def user(cls, content: str | Sequence[ContentPart]) -> Message:
        return cls("user", content if isinstance(content, str) else tuple(content))

    @classmethod
    def assistant(cls, text: str = "", tool_calls: Sequence[ToolCall] = ()) -> Message:
        return cls("assistant", text, tuple(tool_calls))

    @classmethod
    def tool(cls, call_id: str, result_text: str) -> Message:
        return cls("tool", result_text, tool_call_id=call_id)

    def text(self) -> str:
        """The content as plain text; image parts are written `<image>` (stdlib §4.5.1)."""
        if isinstance(self.content, str):
            return self.content
        return " ".join(p.text if isinstance(p, TextPart) else "<image>" for p in self.content)

    def to_json(self) -> JsonObject:
        data: JsonObject = {"role": self.role}
        if isinstance(self.content, str):
            # An assistant turn that only calls tools has no text; the API wants null there.
            data["content"] = None if (self.tool_calls and not self.content) else self.content
        else:
            data["content"] = [part.to_json() for part in self.content]
        if self.tool_calls:
            data["tool_calls"] = [call.to_json() for call in self.tool_calls]
        if self.tool_call_id is not None:
            data["tool_call_id"] = self.tool_call_id
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        content = data.get("content")
        parts: str | tuple[ContentPart, ...]
        if isinstance(content, list):
            parts = tuple(_part_from_json(p) for p in content)
        else:
            parts = content or ""
        return cls(
            role=data["role"],
            content=parts,
            tool_calls=tuple(ToolCall.from_json(c) for c in data.get("tool_calls") or ()),
            tool_call_id=data.get("tool_call_id"),
        )


def _part_from_json(data: Mapping[str, Any]) -> ContentPart:
    if data.get("type") == "image_url":
        url = str(data["image_url"]["url"])
        head, _, payload = url.partition(",")
        return ImagePart(head.removeprefix("data:").removesuffix(";base64"), payload)
    return TextPart(str(data.get("text", "")))


class ToolSpec(NamedTuple):
    """A tool offered to the model, with `parameters` already mapped to JSON Schema (stdlib §5.3)."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] | None = None  # None: no parameters

    def to_json(self) -> JsonObject:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": dict(self.parameters or {"type": "object", "properties": {}}),
            },
        }


class ResponseFormat(NamedTuple):
    """A request for JSON output: any object (`schema` None) or one matching `schema`."""

    schema: Mapping[str, Any] | None = None
    name: str = "reply"

    def to_json(self) -> JsonObject:
        if self.schema is None:
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": self.name, "schema": dict(self.schema)}}


class RetryPolicy(NamedTuple):
    """Attempts for one model and the back-off between them (`retry`, `retry_delay`, stdlib §3.1)."""

    attempts: int = 3
    delay: float = 1.0
    max_delay: float = 60.0

    def delay_after(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return min(self.delay * 2 ** (attempt - 1), self.max_delay)


class ModelRequest(NamedTuple):
    """One chat request. `model` is the identifier as written (`"deepseek/deepseek-chat"`)."""

    model: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    response_format: ResponseFormat | None = None
    timeout: float = 30.0
    retry: RetryPolicy = RetryPolicy()
    # The asking agent: the offline reply starts with its name (stdlib §4.5.1); traces show it.
    agent: str = ""

    def params(self) -> JsonObject:
        """Settings that change the reply, for the cassette key (stdlib §4.6); unset ones omitted."""
        params: JsonObject = {
            "agent": self.agent or None,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "tool_choice": self.tool_choice,
            "response_format": self.response_format.to_json() if self.response_format else None,
        }
        return {key: value for key, value in params.items() if value is not None}


class Usage(NamedTuple):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_json(self) -> JsonObject:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Usage:
        data = data or {}
        return cls(int(data.get("prompt_tokens") or 0), int(data.get("completion_tokens") or 0))


class Reply(NamedTuple):
    """A model's answer: text, or tool calls to run before asking again (stdlib §5.5)."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = Usage()
    model: str = ""  # the model that answered, as the server names it
    provider: str = ""  # the provider id that served it (`offline`, `openai`, `deepseek`, …)
    finish_reason: str | None = None
    attempts: int = 1  # attempts spent on this model, for the interpreter's `retry` budget

    def to_json(self) -> JsonObject:
        return {
            "text": self.text,
            "tool_calls": [call.to_json() for call in self.tool_calls],
            "usage": self.usage.to_json(),
            "model": self.model,
            "finish_reason": self.finish_reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, provider: str = "") -> Reply:
        return cls(
            text=str(data.get("text") or ""),
            tool_calls=tuple(ToolCall.from_json(c) for c in data.get("tool_calls") or ()),
            usage=Usage.from_json(data.get("usage")),
            model=str(data.get("model") or ""),
            provider=provider,
            finish_reason=data.get("finish_reason"),
        )
