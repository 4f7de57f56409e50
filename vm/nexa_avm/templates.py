"""Template strings (L§1.6.6): `{{ path | filter }}`, `{{{ raw }}}`, `{{#for}}`, `{{#if}}`, `{{> partial}}`.

A small renderer: paths are looked up through a callback (unbound names render empty, D31); the
common filters are implemented, an unknown filter leaves the value unchanged. Partials come from the
run's `TemplatePartials` (S§1.9 `agent_template_register`); which registrations a render sees, what a
partial's names are and the nesting limit are docs/runtime-decisions.md R10–R12.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any, NoReturn

from .errors import runtime_error
from .values import to_text, truthy

_TAG = re.compile(r"\{\{\{(.*?)\}\}\}|\{\{(.*?)\}\}", re.S)
_PATH_STEP = re.compile(r"\.([A-Za-z_@][A-Za-z0-9_]*)|\[(\d+)\]")
# A partial's name is what a `{{> name path}}` tag can spell: no spaces, no braces, no `|`.
PARTIAL_NAME = re.compile(r"[^\s{}|]+")
# `{{> name}}` or `{{> name path}}`; the path is one path or quoted text, as `_value` reads it.
_PARTIAL_PATH = r"[A-Za-z_@][A-Za-z0-9_]*(?:\.[A-Za-z_@][A-Za-z0-9_]*|\[\d+\])*|'[^']*'|\"[^\"]*\""
_PARTIAL_TAG = re.compile(rf">\s*({PARTIAL_NAME.pattern})(?:\s+({_PARTIAL_PATH}))?\s*\Z")
MAX_PARTIAL_DEPTH = 32  # R12: deep enough for data-driven recursion (trees), short of Python's stack

# name -> the partial's template text; raises a NexaError when the name cannot be used (R11)
PartialSource = Callable[[str], str]


class TemplatePartials:
    """The partial templates registered in one run, per agent name, in registration order (R10)."""

    def __init__(self) -> None:
        self.by_agent: dict[str, dict[str, str]] = {}

    def register(self, agent: str, name: str, text: str) -> None:
        self.by_agent.setdefault(agent, {})[name] = text  # again: the new text, same place in the list

    def entries(self, agent: str | None = None) -> list[dict[str, Any]]:
        return [
            {"agent": owner, "name": name}
            for owner, texts in self.by_agent.items()
            if agent is None or owner == agent
            for name in texts
        ]

    def source(self, agent: str | None) -> PartialSource:
        """The partials a render sees: the agent's own when it renders for an agent, otherwise a
        name registered for exactly one agent (R11)."""

        def find(name: str) -> str:
            if agent is not None:
                texts = self.by_agent.get(agent, {})
                if name not in texts:
                    others = sorted(owner for owner, t in self.by_agent.items() if name in t)
                    where = f" (it is registered for {', '.join(others)})" if others else ""
                    raise runtime_error(f"agent '{agent}' has no partial template '{name}'{where}")
                return texts[name]
            owners = [owner for owner, texts in self.by_agent.items() if name in texts]
            if not owners:
                return _no_partials(name)
            if len(owners) > 1:
                raise runtime_error(
                    f"partial template '{name}' is registered for several agents ({', '.join(owners)}); "
                    "render it for one of them with agent_template_prompt"
                )
            return self.by_agent[owners[0]][name]

        return find


def run_partials(vm: Any) -> TemplatePartials:
    """The registry of one run (an `Interpreter`), made at its first use: most runs register none."""
    found = getattr(vm, "template_partials", None)
    if found is None:
        found = vm.template_partials = TemplatePartials()
    return found


def _no_partials(name: str) -> NoReturn:
    raise runtime_error(f"unknown partial template '{name}' (register it with agent_template_register)")


def render_template(text: str, lookup: Callable[[str], Any], partials: PartialSource | None = None) -> str:
    rendered = _render(_hide_escapes(text), lookup, _Nesting(partials or _no_partials, ()))
    return rendered.replace("\x00", "{").replace("\x01", "}")


def _hide_escapes(text: str) -> str:
    """`\\{` `\\}` become placeholders until the whole render is done, partials included."""
    return text.replace("\\{", "\x00").replace("\\}", "\x01")


class _Nesting:
    """Where partials come from and the chain of partials being rendered (R12)."""

    def __init__(self, source: PartialSource, chain: tuple[str, ...]) -> None:
        self.source = source
        self.chain = chain

    def enter(self, name: str) -> _Nesting:
        chain = (*self.chain, name)
        if len(chain) > MAX_PARTIAL_DEPTH:
            shown = " > ".join(chain[:4]) + " > … > " + chain[-1]
            raise runtime_error(
                f"partial templates nested more than {MAX_PARTIAL_DEPTH} deep ({shown}); "
                "does a partial include itself with no data to end it?"
            )
        return _Nesting(self.source, chain)


def _value(path: str, lookup: Callable[[str], Any]) -> Any:
    path = path.strip()
    if not path:
        return None
    if (path[0] == path[-1]) and path[0] in "'\"" and len(path) >= 2:
        return path[1:-1]
    head = re.match(r"[A-Za-z_@][A-Za-z0-9_]*", path)
    if head is None:
        return None
    value = lookup(head.group(0))
    for match in _PATH_STEP.finditer(path, head.end()):
        key, index = match.groups()
        if isinstance(value, dict) and key is not None:
            value = value.get(key)
        elif isinstance(value, list) and index is not None and int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return value


def _apply_filter(value: Any, spec: str) -> Any:
    match = re.match(r"\s*(\w+)\s*(?:\((.*)\))?\s*$", spec)
    if match is None:
        return value
    name, raw_args = match.group(1), match.group(2)
    args = [a.strip().strip("'\"") for a in raw_args.split(",")] if raw_args else []
    text = to_text(value)
    if name in ("upper", "uppercase"):
        return text.upper()
    if name in ("lower", "lowercase"):
        return text.lower()
    if name == "capitalize":
        return text[:1].upper() + text[1:]
    if name == "trim":
        return text.strip()
    if name == "default":
        return value if truthy(value) else (args[0] if args else "")
    if name == "length":
        return len(value) if isinstance(value, list | dict | str) else 0
    if name == "truncate" and args:
        return text[: int(args[0])]
    if name == "replace" and len(args) == 2:
        return text.replace(args[0], args[1])
    if name == "join" and isinstance(value, list):
        return (args[0] if args else ", ").join(to_text(v) for v in value)
    if name == "first" and isinstance(value, list):
        return value[0] if value else None
    if name == "last" and isinstance(value, list):
        return value[-1] if value else None
    if name == "reverse":
        return list(reversed(value)) if isinstance(value, list) else text[::-1]
    if name == "json":
        from .values import to_json_text

        return to_json_text(value)
    return value


def _render(text: str, lookup: Callable[[str], Any], nesting: _Nesting) -> str:
    out: list[str] = []
    position = 0
    while position < len(text):
        match = _TAG.search(text, position)
        if match is None:
            out.append(text[position:])
            break
        out.append(text[position : match.start()])
        raw, escaped = match.group(1), match.group(2)
        body = (raw if raw is not None else escaped or "").strip()
        if body.startswith("#for"):
            end = _find_close(text, match.end(), "#for", "/for")
            inner = text[match.end() : end[0]]
            loop = re.match(r"#for\s+(\w+)\s+in\s+(.+)", body)
            items = _value(loop.group(2), lookup) if loop else None
            main, _, empty = inner.partition("{{#empty}}")
            if isinstance(items, list) and items:
                for index, item in enumerate(items):
                    names = {
                        loop.group(1) if loop else "item": item,
                        "@index": index,
                        "@index1": index + 1,
                        "@first": index == 0,
                        "@last": index == len(items) - 1,
                        "@length": len(items),
                        "@even": index % 2 == 0,
                        "@odd": index % 2 == 1,
                    }
                    out.append(_render(main, _scoped(names, lookup), nesting))
            else:
                out.append(_render(empty, lookup, nesting))
            position = end[1]
            continue
        if body.startswith("#if"):
            end = _find_close(text, match.end(), "#if", "/if")
            inner = text[match.end() : end[0]]
            branches = re.split(r"\{\{\s*#(elif\s+.*?|else)\s*\}\}", inner)
            conditions = [body[3:]] + [b[4:] if b.startswith("elif") else "" for b in branches[1::2]]
            bodies = branches[0::2]
            for condition, branch in zip(conditions, bodies, strict=False):
                if condition == "" or _condition(condition, lookup):
                    out.append(_render(branch, lookup, nesting))
                    break
            position = end[1]
            continue
        if body.startswith(">"):
            out.append(_render_partial(body, lookup, nesting))  # not escaped again: its tags escaped
            position = match.end()
            continue
        pieces = body.split("|")
        value = _value(pieces[0], lookup)
        for spec in pieces[1:]:
            value = _apply_filter(value, spec)
        rendered = to_text(value)
        safe = any(p.strip() in ("raw", "safe") for p in pieces[1:])
        out.append(rendered if raw is not None or safe else html.escape(rendered, quote=True))
        position = match.end()
    return "".join(out)


def _scoped(names: dict[str, Any], lookup: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda name: names[name] if name in names else lookup(name)


def _render_partial(tag: str, lookup: Callable[[str], Any], nesting: _Nesting) -> str:
    """`{{> name path}}`: the partial sees the value of `path` (its keys when a map, the value itself as
    `this`); `{{> name}}` sees the names of the including template (R12)."""
    match = _PARTIAL_TAG.match(tag)
    if match is None:
        raise runtime_error(f"malformed partial tag '{{{{{tag}}}}}': write {{{{> name path}}}}")
    name, path = match.groups()
    inner = nesting.enter(name)
    text = _hide_escapes(nesting.source(name))
    if path is None:
        return _render(text, lookup, inner)
    value = _value(path, lookup)
    names = {**value, "this": value} if isinstance(value, dict) else {"this": value}
    return _render(text, names.get, inner)


def _condition(condition: str, lookup: Callable[[str], Any]) -> bool:
    for op in ("==", "!="):
        if op in condition:
            left, right = condition.split(op, 1)
            equal = to_text(_value(left, lookup)) == to_text(_value(right, lookup))
            return equal if op == "==" else not equal
    return truthy(_value(condition, lookup))


def _find_close(text: str, start: int, opener: str, closer: str) -> tuple[int, int]:
    depth = 1
    for match in _TAG.finditer(text, start):
        body = (match.group(2) or "").strip()
        if body.startswith(opener):
            depth += 1
        elif body == closer:
            depth -= 1
            if depth == 0:
                return match.start(), match.end()
    return len(text), len(text)
