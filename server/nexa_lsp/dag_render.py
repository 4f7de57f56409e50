"""Text renderings of a flow graph (the `nexa/dag` dictionary) for `nexa-lsp --dag`: Mermaid and DOT.

Both keep the node ids of the JSON form, show each node's label and kind, and label edges that carry
one (branch arms, intent routes).
"""

from __future__ import annotations

from typing import Any

# Node shapes by kind: control nodes look different from the agents and tools that do the work.
MERMAID_SHAPES = {
    "input": ("([", "])"),
    "output": ("([", "])"),
    "branch": ("{", "}"),
    "intent_match": ("{", "}"),
    "semantic_if": ("{", "}"),
    "fork": ("[/", "\\]"),
    "merge": ("[\\", "/]"),
    "loop": ("((", "))"),
}
DOT_SHAPES = {
    "input": "oval",
    "output": "oval",
    "branch": "diamond",
    "intent_match": "diamond",
    "semantic_if": "diamond",
    "fork": "trapezium",
    "merge": "invtrapezium",
    "loop": "circle",
}


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def to_mermaid(graph: dict[str, Any]) -> str:
    lines = ["flowchart TD"]
    if graph.get("flow"):
        lines.insert(0, f"%% flow {graph['flow']}")
    for node in graph["nodes"]:
        opening, closing = MERMAID_SHAPES.get(node["kind"], ("[", "]"))
        label = _mermaid_text(f"{node['label']} ({node['kind']})")
        lines.append(f"    {node['id']}{opening}{label}{closing}")
    for edge in graph["edges"]:
        arrow = f"-->|{_mermaid_text(edge['label'])}|" if edge.get("label") else "-->"
        lines.append(f"    {edge['source']} {arrow} {edge['target']}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_text(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def to_dot(graph: dict[str, Any]) -> str:
    name = graph.get("flow") or "flow"
    lines = [f"digraph {_dot_text(name)} {{", "    rankdir=TB;"]
    for node in graph["nodes"]:
        shape = DOT_SHAPES.get(node["kind"], "box")
        label = f'"{_dot_escape(node["label"])}\\n({node["kind"]})"'  # \n: a line break in DOT
        lines.append(f"    {node['id']} [label={label}, shape={shape}];")
    for edge in graph["edges"]:
        attributes = f" [label={_dot_text(edge['label'])}]" if edge.get("label") else ""
        lines.append(f"    {edge['source']} -> {edge['target']}{attributes};")
    lines.append("}")
    return "\n".join(lines) + "\n"
