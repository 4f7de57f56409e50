"""Template strings (L§1.6.6): `{{ path | filter }}`, `{{{ raw }}}`, `{{#for}}`, `{{#if}}`.

A small renderer: paths are looked up through a callback (unbound names render empty, D31); the
common filters are implemented, an unknown filter leaves the value unchanged.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from .values import to_text, truthy

_TAG = re.compile(r"\{\{\{(.*?)\}\}\}|\{\{(.*?)\}\}", re.S)
_PATH_STEP = re.compile(r"\.([A-Za-z_@][A-Za-z0-9_]*)|\[(\d+)\]")


def render_template(text: str, lookup: Callable[[str], Any]) -> str:
    text = text.replace("\\{", "\x00").replace("\\}", "\x01")
    rendered = _render(text, lookup)
    return rendered.replace("\x00", "{").replace("\x01", "}")


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


def _render(text: str, lookup: Callable[[str], Any]) -> str:
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
                    out.append(_render(main, lambda n, names=names: names[n] if n in names else lookup(n)))
            else:
                out.append(_render(empty, lookup))
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
                    out.append(_render(branch, lookup))
                    break
            position = end[1]
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
