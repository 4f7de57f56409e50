"""E007 tool-not-found: a `uses`/`tools`/`before_tool` item names no tool.

Why: the agent would be offered nothing under that name (or the hook would never run), which is
almost always a typo or a missing declaration.
Example: `agent Support uses lookup_ordr { … }` next to `tool lookup_order`. Fix (unsafe): change
to the closest tool name, or declare the tool before the agent. Declared tools, `@tool fn`s and
prelude functions are tools (S§5.1); `std.…` items are E303's, strings W006's. In a library checked
standalone or an open program an undeclared item is W005 instead.
"""

from collections.abc import Iterator

from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.prelude import is_prelude_name
from nexa_lang.rules.unresolved import (
    TOOL_KINDS,
    ToolItem,
    agent_start,
    change_to,
    did_you_mean,
    kind_word,
    leniency,
    names_of_kind,
    tool_items,
)


@rule("E007", "tool-not-found")
def check(program: Program) -> Iterator[Diagnostic]:
    lenient = leniency(program) is not None
    for item in tool_items(program):
        symbol = program.lookup(item.name)
        if symbol is not None and symbol.kind not in TOOL_KINDS:
            message = f"'{item.name}' is a {kind_word(symbol)}, not a tool"
            yield Diagnostic.error(item.span, message, path=item.file.path)
        elif symbol is None and not is_prelude_name(item.name) and not lenient:
            yield _not_found(program, item)


def _not_found(program: Program, item: ToolItem) -> Diagnostic:
    hint, candidate = did_you_mean(item.name, names_of_kind(program, *TOOL_KINDS))
    fixes = change_to(item.span, candidate)
    if item.agent is not None:
        fixes.append(
            Fix.insert(
                agent_start(item.agent),
                f'tool {item.name} {{\n    description: "",\n    parameters: {{}}\n}}\n\n',
                f"Declare tool '{item.name}'",
                Safety.UNSAFE,
            )
        )
    return Diagnostic.error(
        item.span, f"tool '{item.name}' not found{hint}", path=item.file.path, fixes=fixes
    )
