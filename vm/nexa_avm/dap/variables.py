"""Variables as the debugger shows them: scopes of a paused activation, values with lazily expanded
children (lists, dicts, structs, variants, records, errors, agents with their model, role, tools and
conversation), and assignment into the container a variable lives in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..agents import UNSET, AgentRuntime
from ..errors import NexaError
from ..interpreter import Frame, Interpreter
from ..values import Record, StructValue, VariantValue, kind_name, to_text

PREVIEW = 120


def value_text(value: Any) -> str:
    if isinstance(value, str):
        text = json.dumps(str.__str__(value), ensure_ascii=False) if type(value) is str else to_text(value)
    elif isinstance(value, AgentRuntime):
        text = f"<agent {value.name}> ({value.models[0] if value.models else ''})"
    elif isinstance(value, NexaError):
        text = f"{value.kind}: {value.message}"
    elif value is UNSET:
        text = "none"
    else:
        try:
            text = to_text(value)
        except Exception:  # a value kind to_text does not know: show something rather than fail
            text = repr(value)
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def message_text(message: Any) -> str:
    text = message.text() if hasattr(message, "text") else to_text(message)
    if getattr(message, "tool_calls", ()):
        calls = ", ".join(f"{c.name}({c.arguments})" for c in message.tool_calls)
        text = f"{text} [tool calls: {calls}]".strip()
    return f"{message.role}: {text}"


class Children:
    """What a variablesReference stands for: a list of (name, value) pairs computed on demand, and
    how to assign one of them."""

    def __init__(
        self,
        items: Callable[[], list[tuple[str, Any]]],
        assign: Callable[[str, Any], None] | None = None,
    ) -> None:
        self.items = items
        self.assign = assign


class Variables:
    def __init__(self, vm: Interpreter) -> None:
        self.vm = vm
        self.handles: dict[int, Children] = {}
        self._by_object: dict[int, int] = {}
        self._next = 1

    def clear(self) -> None:
        self.handles.clear()
        self._by_object.clear()

    def add(self, children: Children, key: Any = None) -> int:
        if key is not None and id(key) in self._by_object:
            return self._by_object[id(key)]
        handle = self._next
        self._next += 1
        self.handles[handle] = children
        if key is not None:
            self._by_object[id(key)] = handle
        return handle

    # --- scopes ------------------------------------------------------------------------------

    def scopes(self, frame: Frame) -> list[dict[str, Any]]:
        vm = self.vm
        found: list[dict[str, Any]] = []
        if frame.code.kind != "module":
            found.append(
                self._scope("Locals", "locals", self._dict_children(frame.locals), len(frame.locals))
            )
        found.append(self._scope("Globals", "globals", self._dict_children(vm.globals), len(vm.globals)))
        found.append(
            self._scope("Agents", "agents", Children(self._agents), len(vm.all_agents), expensive=False)
        )
        found.append(self._scope("Memory/Context", "registers", Children(lambda: self._context(frame)), None))
        return found

    def _scope(
        self, name: str, hint: str, children: Children, count: int | None, expensive: bool = False
    ) -> dict[str, Any]:
        scope: dict[str, Any] = {
            "name": name,
            "presentationHint": hint,
            "variablesReference": self.add(children),
            "expensive": expensive,
        }
        if count is not None:
            scope["namedVariables"] = count
        return scope

    def _agents(self) -> list[tuple[str, Any]]:
        vm = self.vm
        items: list[tuple[str, Any]] = list(vm.agents.items())
        declared = {id(a) for a in vm.agents.values()}
        items += [(a.name, a) for a in vm.all_agents if id(a) not in declared]
        return items

    def _context(self, frame: Frame) -> list[tuple[str, Any]]:
        vm = self.vm
        items: list[tuple[str, Any]] = []
        run = frame.run
        if run is not None:
            items.append(("agent", run.agent))
            items.append(("input", run.input_text))
            items.append(("messages", _Conversation(run.messages)))
            items.append(("attempts", run.attempts))
        if frame.agent is not None and run is None:
            items.append(("self", frame.agent))
        if frame.contexts:
            items.append(("context bounds", [to_text(list(c)) for c in frame.contexts]))
        meta = vm.meta
        items.append(
            ("runtime.meta", {"kind": meta.kind, "count": meta.count, "last_result": meta.last_result})
        )
        if vm.reflections:
            items.append(("pending reflections", list(vm.reflections)))
        for agent in vm.all_agents:
            if agent.memory in ("persistent", "long") or agent.history:
                items.append((f"{agent.name}.memory", _Conversation(agent.history)))
        return items

    # --- values ------------------------------------------------------------------------------

    def _dict_children(self, mapping: dict[str, Any]) -> Children:
        def assign(name: str, value: Any) -> None:
            mapping[name] = value

        return Children(lambda: list(mapping.items()), assign)

    def children_of(self, value: Any) -> Children | None:
        if isinstance(value, list):

            def set_item(name: str, item: Any) -> None:
                value[int(name.strip("[]"))] = item

            return Children(lambda: [(f"[{i}]", v) for i, v in enumerate(value)], set_item)
        if isinstance(value, dict):  # dicts and records
            return Children(lambda: [(str(k), v) for k, v in value.items()], value.__setitem__)
        if isinstance(value, StructValue):
            return Children(lambda: list(value.fields.items()), value.fields.__setitem__)
        if isinstance(value, VariantValue):
            if not value.values:
                return None
            names = value.names or tuple(f"[{i}]" for i in range(len(value.values)))
            return Children(lambda: list(zip(names, value.values, strict=False)))
        if isinstance(value, AgentRuntime):
            return Children(lambda: self._agent_items(value))
        if isinstance(value, NexaError):
            return Children(
                lambda: [
                    ("kind", value.kind),
                    ("message", value.message),
                    ("code", value.code),
                    ("line", value.line),
                    ("column", value.column),
                ]
            )
        if isinstance(value, _Conversation):
            return Children(lambda: [(f"[{i}]", _MessageView(m)) for i, m in enumerate(value.messages)])
        return None

    def _agent_items(self, agent: AgentRuntime) -> list[tuple[str, Any]]:
        from ..agents import tool_specs

        try:
            tools = [t.name for t in tool_specs(agent, self.vm.program.tool_fns, self.vm.program.tools)]
        except Exception:  # tools that cannot be described still leave the rest to show
            tools = list(agent.spec.uses)
        role = agent.member("role")
        items: list[tuple[str, Any]] = [
            ("model", agent.models[0] if agent.models else None),
            ("fallbacks", agent.models[1:]),
            ("role", role if role is not UNSET else ""),
            ("tools", tools),
            ("conversation", _Conversation(agent.history)),
            ("system prompt", agent.system_prompt),
            ("memory", agent.memory),
        ]
        if agent.last_reply is not UNSET:
            items.append(("last reply", agent.last_reply))
        return items

    def describe(self, name: str, value: Any) -> dict[str, Any]:
        children = self.children_of(value)
        if isinstance(value, _Conversation):
            text = f"{len(value.messages)} messages"
            kind = "conversation"
        elif isinstance(value, _MessageView):
            text = message_text(value.message)
            if len(text) > PREVIEW:
                text = text[: PREVIEW - 1] + "…"
            kind = "message"
        else:
            text = value_text(value)
            kind = (
                "agent"
                if isinstance(value, AgentRuntime)
                else kind_name(value)
                if value is not UNSET
                else "none"
            )
        described: dict[str, Any] = {
            "name": name,
            "value": text,
            "type": kind,
            "variablesReference": self.add(children, value) if children is not None else 0,
        }
        if isinstance(value, list):
            described["indexedVariables"] = len(value)
        return described

    def list(self, handle: int, start: int | None = None, count: int | None = None) -> list[dict[str, Any]]:
        children = self.handles.get(handle)
        if children is None:
            raise KeyError(handle)
        items = children.items()
        if start is not None or count is not None:
            begin = start or 0
            items = items[begin : begin + count] if count else items[begin:]
        return [self.describe(name, value) for name, value in items]


class _Conversation:
    def __init__(self, messages: list[Any]) -> None:
        self.messages = list(messages)


class _MessageView:
    def __init__(self, message: Any) -> None:
        self.message = message


def is_record(value: Any) -> bool:
    return isinstance(value, Record)
