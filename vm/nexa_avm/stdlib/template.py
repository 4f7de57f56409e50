"""`std.template` (S§1.9): render template text (L§1.6.6) with data."""

from __future__ import annotations

from typing import Any

from ..templates import render_template
from ..values import to_text
from . import Param, Registry, StdCall

registry = Registry("template")


def render_with(text: str, data: dict[str, Any]) -> str:
    return render_template(text, lambda name: data.get(name))


@registry.function("pure", "Render template text with data", Param("t", "str"), Param("data", "map", {}))
def render(call: StdCall, t: str, data: dict[str, Any]) -> str:
    return render_with(t, data)


@registry.function("pure", "Check template text once for repeated rendering", Param("text", "str"))
def compile_template(call: StdCall, text: str) -> str:
    return text


@registry.function(
    "asset-read", "Read a template file and render it", Param("path", "str"), Param("data", "map", {})
)
def render_file(call: StdCall, path: str, data: dict[str, Any]) -> str:
    full = call.asset(path)
    try:
        with open(full, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise call.fail(f"cannot read '{path}': {error.strerror or error}", path=path) from None
    return render_with(text, data)


@registry.function(
    "pure",
    "Render text with agent_name, agent_desc and agent_tools bound, plus data",
    Param("agent", "any"),
    Param("text", "str"),
    Param("data", "map", {}),
)
def agent_template_prompt(call: StdCall, agent: Any, text: str, data: dict[str, Any]) -> str:
    return render_with(text, {**_agent_slots(call, agent), **data})


@registry.function(
    "pure",
    "Render text for an agent; each slot comes from the first of the source maps that has it",
    Param("agent", "any"),
    Param("text", "str"),
    Param("sources", "map"),
)
def agent_template_slot_fill(call: StdCall, agent: Any, text: str, sources: Any) -> str:
    maps = [
        m for m in (sources.values() if isinstance(sources, dict) else sources or []) if isinstance(m, dict)
    ]
    bound = _agent_slots(call, agent)

    def lookup(name: str) -> Any:
        for each in maps:
            if name in each:
                return each[name]
        return bound.get(name)

    return render_template(text, lookup)


def _agent_slots(call: StdCall, agent: Any) -> dict[str, Any]:
    """`agent_name`, `agent_desc` (description, else role) and `agent_tools` (L§7.3.9)."""
    settings = getattr(agent, "settings", {})
    return {
        "agent_name": getattr(agent, "name", to_text(agent)),
        "agent_desc": to_text(settings.get("description") or settings.get("role") or ""),
        "agent_tools": ", ".join(t.name for t in call.vm.tools_of(agent)) if hasattr(agent, "spec") else "",
    }
