"""`std.template` (S§1.9): render template text (L§1.6.6) with data; register an agent's partials.

Partials registered with `agent_template_register` live for the run (docs/runtime-decisions.md
R10); `render`, `compile_template` and `render_file` render for no agent, `agent_template_prompt`
and `agent_template_slot_fill` for their agent, which decides which partials they see (R11).
"""

from __future__ import annotations

from typing import Any

from ..templates import PARTIAL_NAME, PartialSource, render_template, run_partials
from ..values import kind_name, to_text
from . import Param, Registry, StdCall

registry = Registry("template")


def render_with(call: StdCall, text: str, data: dict[str, Any], agent: str | None = None) -> str:
    return render_template(text, lambda name: data.get(name), _partials(call, agent))


def _partials(call: StdCall, agent: str | None) -> PartialSource:
    return run_partials(call.vm).source(agent)


@registry.function("pure", "Render template text with data", Param("t", "str"), Param("data", "map", {}))
def render(call: StdCall, t: str, data: dict[str, Any]) -> str:
    return render_with(call, t, data)


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
    return render_with(call, text, data)


@registry.function(
    "pure",
    "Render text with agent_name, agent_desc and agent_tools bound, plus data",
    Param("agent", "any"),
    Param("text", "str"),
    Param("data", "map", {}),
)
def agent_template_prompt(call: StdCall, agent: Any, text: str, data: dict[str, Any]) -> str:
    return render_with(call, text, {**_agent_slots(call, agent), **data}, _agent_name(agent))


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

    return render_template(text, lookup, _partials(call, _agent_name(agent)))


@registry.function(
    "pure",
    "Register a named template for an agent, usable as the partial {{> name path}}",
    Param("agent", "any"),
    Param("name", "str"),
    Param("text", "str"),
)
def agent_template_register(call: StdCall, agent: Any, name: str, text: str) -> dict[str, Any]:
    owner = _declared_agent(call, agent)
    if PARTIAL_NAME.fullmatch(name) is None:
        raise call.bad_argument(
            f"a partial's name needs no spaces, braces or '|' and at least one character: {name!r}"
        )
    run_partials(call.vm).register(owner, name, text)
    return {"agent": owner, "name": name}


@registry.function(
    "pure",
    "The registered templates as {agent, name}, of one agent or of all",
    Param("agent", "any", None),
)
def agent_template_list(call: StdCall, agent: Any) -> list[dict[str, Any]]:
    owner = None if agent is None else _declared_agent(call, agent)
    return run_partials(call.vm).entries(owner)


def _declared_agent(call: StdCall, agent: Any) -> str:
    """The name partials are filed under: an agent value, or the name of one of the program's agents
    (a model calling the function as a tool can only write the name)."""
    if getattr(agent, "kind", None) == "agent":
        return str(agent.name)
    if isinstance(agent, str) and agent in call.vm.agents:
        return agent
    given = f"{kind_name(agent)} {to_text(agent)!r}"
    raise call.bad_argument(
        f"'agent' must be an agent or the name of one of the program's agents, not {given}"
    )


def _agent_name(agent: Any) -> str:
    return str(getattr(agent, "name", to_text(agent)))


def _agent_slots(call: StdCall, agent: Any) -> dict[str, Any]:
    """`agent_name`, `agent_desc` (description, else role) and `agent_tools` (L§7.3.9)."""
    settings = getattr(agent, "settings", {})
    return {
        "agent_name": getattr(agent, "name", to_text(agent)),
        "agent_desc": to_text(settings.get("description") or settings.get("role") or ""),
        "agent_tools": ", ".join(t.name for t in call.vm.tools_of(agent)) if hasattr(agent, "spec") else "",
    }
