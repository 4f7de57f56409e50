"""Agents at run time (L§7.3): configuration, system prompt, history, structured output.

An `AgentRuntime` is the value an agent name evaluates to. The steps of a run are instructions of
the agent's run code (AGENT_INPUT, LLM_CALL/LLM_STREAM, VALIDATE, AGENT_COMMIT, see bytecode.py); the
interpreter executes them with the helpers here.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from .bytecode import AgentSpec
from .providers import Message, ResponseFormat, RetryPolicy, ToolSpec
from .schemas import json_schema_of, protocol_schema, type_string_spec
from .values import Record, is_number, to_text

_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```$", re.S)
UNSET = object()


LOG_LEVELS = ("debug", "info", "warning", "error")  # the `log_level` words, lowest first


def _as_bool(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _as_number(value: Any, default: float) -> float:
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


class AgentRuntime:
    """One declared (or cloned) agent: its settings and its conversation history."""

    kind = "agent"

    def __init__(self, spec: AgentSpec, properties: dict[str, Any], *, default_model: str) -> None:
        self.spec = spec
        self.name = spec.name
        self.properties = properties
        self.history: list[Message] = []
        self.last_reply: Any = UNSET
        self.lock = asyncio.Lock()
        self.default_model = default_model
        self.system_prompt = ""
        self.let_values: dict[str, Any] = {}
        self.cached_tools: list[ToolSpec] | None = None
        self.cached_format: Any = UNSET
        settings = dict(properties)
        settings.update(spec.decorators)  # a decorator wins over the property (L§3.1.2)
        self.settings = settings
        self.models = self._model_chain()
        self.retry = max(1, int(_as_number(settings.get("retry"), 3)))
        self.retry_delay = _as_number(settings.get("retry_delay"), 1.0)
        self.timeout = _as_number(settings.get("timeout"), 30.0)
        max_tokens = settings.get("max_tokens")
        self.max_tokens = int(_as_number(max_tokens, 0)) or None if max_tokens is not None else None
        temperature = settings.get("temperature")
        self.temperature = _as_number(temperature, 0.0) if temperature is not None else None
        self.max_tool_calls = int(_as_number(settings.get("max_tool_calls"), 10))
        self.priority = _as_number(settings.get("priority"), 0.0)  # for the scheduler (metadata, W007)
        self.tool_call_strategy = str(settings.get("tool_call_strategy") or "auto")
        history_turns = settings.get("max_history_turns")
        self.max_history_turns = int(_as_number(history_turns, 0)) if history_turns is not None else None
        memory = settings.get("memory")
        self.memory = memory if isinstance(memory, str) else "local"

    def text_form(self) -> str:
        return f"<agent {self.name}>"

    # --- configuration -------------------------------------------------------------------------

    def _model_chain(self) -> list[str]:
        models: list[str] = []
        model = self.settings.get("model")
        for item in model if isinstance(model, list) else [model]:
            if isinstance(item, tuple) and item and item[0] == "fallback":
                item = item[1]
            if isinstance(item, str) and item:
                models.append(item)
        fallback = self.settings.get("fallback")
        for item in fallback if isinstance(fallback, list) else [fallback]:
            if isinstance(item, tuple) and item and item[0] == "fallback":
                item = item[1]
            if isinstance(item, str) and item:
                models.append(item)
        return models or [self.default_model]

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.retry, delay=self.retry_delay)

    def traces(self, level: str) -> bool:
        """Whether a trace record of `level` reaches the trace: `log_level` (S§3.1, default `info`)
        is the minimum level of this agent's records (decision R34)."""
        minimum = str(self.settings.get("log_level") or "info").strip().lower()
        floor = LOG_LEVELS.index(minimum) if minimum in LOG_LEVELS else 1
        return LOG_LEVELS.index(level) >= floor

    @property
    def logs_full_text(self) -> bool:
        """`logging: true` (S§3.1; the string "true" is accepted with W003)."""
        return _as_bool(self.settings.get("logging"))

    def build_system_prompt(self, protocols: dict[str, list[tuple[str, Any]]], base_dir: str | None) -> None:
        """L§7.3.1."""
        prompt = self.settings.get("prompt") or self.settings.get("description") or ""
        prompt = to_text(prompt, reveal=True)
        role = to_text(self.settings.get("role") or "", reveal=True)
        text = f"Role: {role}. {prompt}".strip() if role else prompt.strip()
        if self.spec.protocol and self.spec.protocol in protocols:
            fields = ", ".join(
                f"{name} ({_type_words(spec)})" for name, spec in protocols[self.spec.protocol]
            )
            text += (
                "\n\nAnswer with one JSON object containing exactly these fields: "
                f"{fields}; and nothing else."
            )
        experience = self.settings.get("experience")
        if isinstance(experience, str) and experience:
            for folder in (base_dir, os.getcwd()):
                if folder is None:
                    continue
                path = os.path.join(folder, experience)
                try:
                    with open(path, encoding="utf-8") as handle:
                        text += "\n\n[Experience]\n" + handle.read()
                    break
                except OSError:
                    continue
        self.system_prompt = text
        self.history = [Message.system(text)] if text else []

    def response_format(self, protocols: dict[str, list[tuple[str, Any]]]) -> ResponseFormat | None:
        if self.spec.protocol and self.spec.protocol in protocols:
            return ResponseFormat(
                protocol_schema(protocols[self.spec.protocol], protocols), self.spec.protocol
            )
        schema = self.settings.get("output_schema")
        if isinstance(schema, dict):
            return ResponseFormat(output_schema_to_json(schema), "reply")
        if self.settings.get("output_format") == "json":
            return ResponseFormat(None)
        return None

    def clone(self, name: str, overrides: dict[str, Any]) -> AgentRuntime:
        base = self.spec
        spec = AgentSpec(name, base.file, base.span)  # `computed` members are not cloned
        spec.properties = dict(base.properties)
        spec.decorators = dict(base.decorators)
        spec.uses = list(base.uses)
        spec.protocol, spec.run_code = base.protocol, base.run_code
        spec.functions, spec.lets = base.functions, base.lets
        spec.is_structured, spec.streams = base.is_structured, base.streams
        properties = dict(self.properties)
        properties.update(overrides)
        for key in overrides:
            spec.decorators.pop(key, None)
        clone = AgentRuntime(spec, properties, default_model=self.default_model)
        return clone

    def member(self, name: str) -> Any:
        if name == "name":
            return self.name
        if name == "model":
            return self.models[0]
        if name in self.settings:
            value = self.settings[name]
            return list(value) if isinstance(value, list) else value
        if name in ("role", "prompt", "description"):
            return ""
        return UNSET


def _type_words(spec: Any) -> str:
    kind = spec[0]
    if kind == "named":
        return spec[1]
    if kind == "list":
        return f"list of {_type_words(spec[1])}"
    if kind == "optional":
        return f"{_type_words(spec[1])}, optional"
    if kind == "enum":
        return "one of " + "|".join(spec[1])
    if kind == "dict":
        return "object"
    if kind == "union":
        return " or ".join(_type_words(s) for s in spec[1])
    return "any"


def output_schema_to_json(schema: dict[str, Any]) -> dict[str, Any]:
    """`output_schema` (S§3.1) as JSON Schema."""

    properties: dict[str, Any] = {}
    for key, value in schema.items():
        if isinstance(value, dict):
            properties[key] = output_schema_to_json(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            properties[key] = {"type": "array", "items": output_schema_to_json(value[0])}
        elif isinstance(value, str):
            properties[key] = json_schema_of(type_string_spec(value), {})
        else:
            properties[key] = {}
    return {"type": "object", "properties": properties, "required": list(schema)}


# ------------------------------------------------------------------------------ validation


class Validation(NamedTuple):
    value: Any = None
    problems: Sequence[str] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_json_reply(text: str) -> Any:
    """D53: whitespace and one enclosing Markdown code fence are removed first."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    return json.loads(stripped)


def validate_reply(
    text: str, protocol: str | None, protocols: dict[str, list[tuple[str, Any]]]
) -> Validation:
    """L§7.3.3: parse, check the fields, coerce leniently, drop extra fields."""
    try:
        data = parse_json_reply(text)
    except (ValueError, TypeError):
        return Validation(problems=["the reply is not JSON"])
    if protocol is None or protocol not in protocols:
        # `output_format: "json"` returns a dict or list value (L§7.3.3, decision R35)
        if not isinstance(data, dict | list):
            return Validation(problems=["the reply is not a JSON object"])
        return Validation(value=data)
    if not isinstance(data, dict):
        return Validation(problems=["the reply is not a JSON object"])
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in protocols[protocol]:
        if name not in data or data[name] is None:
            if spec[0] == "optional" or spec[0] == "any":
                fields[name] = None
            else:
                problems.append(f"missing field '{name}'")
            continue
        value, problem = coerce(data[name], spec, protocols)
        if problem:
            problems.append(f"'{name}' {problem}")
        fields[name] = value
    return Validation(value=Record(protocol, fields), problems=problems)


def coerce(value: Any, spec: Any, protocols: dict[str, list[tuple[str, Any]]]) -> tuple[Any, str | None]:
    kind = spec[0]
    if kind == "any":
        return value, None
    if kind == "optional":
        return (None, None) if value is None else coerce(value, spec[1], protocols)
    if kind == "enum":
        if isinstance(value, str) and value in spec[1]:
            return value, None
        return value, f"should be one of {'|'.join(spec[1])}, got {json.dumps(value, ensure_ascii=False)}"
    if kind == "list":
        if not isinstance(value, list):
            return value, f"should be list, got {json.dumps(value, ensure_ascii=False)}"
        items = []
        for item in value:
            coerced, problem = coerce(item, spec[1], protocols)
            if problem:
                return value, problem
            items.append(coerced)
        return items, None
    if kind == "dict":
        return (value, None) if isinstance(value, dict) else (value, "should be dict")
    if kind == "union":
        for option in spec[1]:
            coerced, problem = coerce(value, option, protocols)
            if problem is None:
                return coerced, None
        return value, "matches none of the union's types"
    name = spec[1]
    shown = json.dumps(value, ensure_ascii=False)
    if name == "str":
        # L§7.3.3 lists the lenient coercions (numeric strings to numbers, "true"/"false" to bools);
        # a number or bool for a str field is a validation problem (decision R33)
        if isinstance(value, str):
            return value, None
        return value, f"should be str, got {shown}"
    if name == "int":
        if type(value) is int:
            return value, None
        if type(value) is float and value.is_integer():
            return int(value), None
        if isinstance(value, str):
            try:
                return int(value.strip()), None
            except ValueError:
                pass
        return value, f"should be int, got {shown}"
    if name == "float":
        if is_number(value):
            return value, None
        if isinstance(value, str):
            try:
                return float(value.strip()), None
            except ValueError:
                pass
        return value, f"should be float, got {shown}"
    if name == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true", None
        return value, f"should be bool, got {shown}"
    if name in protocols:
        if not isinstance(value, dict):
            return value, f"should be {name}, got {shown}"
        inner = validate_reply(json.dumps(value), name, protocols)
        return (inner.value, None) if inner.ok else (value, "; ".join(inner.problems))
    return value, None


def tool_specs(agent: AgentRuntime, tool_fns: dict[str, Any], tools: dict[str, Any]) -> list[ToolSpec]:
    """The offered tool set (L§7.3.4): the uses list plus every `@tool fn`."""
    if agent.tool_call_strategy == "none":
        return []
    names: list[str] = []
    for item in agent.spec.uses:
        names.append(item)
    for key in ("tools", "uses"):
        value = agent.settings.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                names.append(item)
    specs: dict[str, ToolSpec] = {}
    for name in names:
        if name in tools:
            decl = tools[name]
            description = str(decl.properties.get("description") or "")
            specs[name] = ToolSpec(name, description, declared_tool_schema(decl.properties.get("parameters")))
        elif name.startswith("std."):  # S§2: a whole namespace or one function
            from .stdlib import offered_functions

            for function in offered_functions([name]):
                if function.name not in specs:
                    specs[function.name] = function.tool_spec()
    for name, fn in tool_fns.items():
        specs[name] = ToolSpec(name, fn.description, fn.schema)
    return list(specs.values())


def declared_tool_schema(parameters: Any) -> dict[str, Any]:

    properties: dict[str, Any] = {}
    required: list[str] = []
    if isinstance(parameters, dict):
        for key, value in parameters.items():
            if isinstance(value, dict):
                properties[key] = {k: v for k, v in value.items() if k != "required"}
                if "default" not in value and value.get("required") is not False:
                    required.append(key)
            else:
                properties[key] = json_schema_of(type_string_spec(str(value)), {})
                required.append(key)
    return {"type": "object", "properties": properties, "required": required}
