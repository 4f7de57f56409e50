"""Template strings (L§1.6.6): `{{ path | filter }}`, `{{{ raw }}}`, `{{#for}}`, `{{#if}}`, `{{> partial}}`.

A small renderer: paths are looked up through a callback (unbound names render empty, D31); every
filter of S§1.9 is a small function in `_FILTERS` (R13–R15), an unknown filter leaves the value
unchanged. Partials come from the
run's `TemplatePartials` (S§1.9 `agent_template_register`); which registrations a render sees, what a
partial's names are and the nesting limit are docs/runtime-decisions.md R10–R12.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

from .errors import runtime_error
from .values import Secret, equal, float_text, to_json_text, to_text, truthy

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


# ----------------------------------------------------------------------------------- filters
# One small function per filter (S§1.9, L§1.6.6), `args` being the filter's arguments as text. A
# filter that does not apply to the value's kind leaves it unchanged, as an unknown filter does;
# the choices the spec leaves open are docs/runtime-decisions.md R13–R15.

FilterArgs = list[str]
_FILTER = re.compile(r"\s*(\w+)\s*(?:\((.*)\))?\s*\Z", re.S)
# one argument: quoted text (commas allowed inside) or a bare word up to the next comma
_FILTER_ARG = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([^,]*?))\s*(?:,|\Z)", re.S)
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
# a CJK character is a word on its own (CJK text has no spaces between words)
_WORDS = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
# filters after which a `{{ }}` tag does not escape its output again
UNESCAPED_FILTERS = frozenset(("raw", "safe", "escape"))


def filter_arguments(raw: str | None) -> FilterArgs:
    if raw is None or not raw.strip():
        return []
    args: FilterArgs = []
    position = 0
    while position < len(raw):
        match = _FILTER_ARG.match(raw, position)
        if match is None or match.end() == position:
            break
        quoted, single, bare = match.groups()
        args.append(quoted if quoted is not None else single if single is not None else bare)
        position = match.end()
    if raw.rstrip().endswith(","):
        args.append("")
    return args


def _int_arg(name: str, args: FilterArgs, index: int, default: int | None) -> int | None:
    if index >= len(args) or args[index] == "":
        return default
    text = args[index]
    if re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        return int(text)
    raise runtime_error(f"template filter '{name}' expects a whole number, got '{text}'")


def _number(value: Any) -> int | float | None:
    """A number, or text that `float()` reads (R9); None for anything else (R13)."""
    if type(value) is int or type(value) is float:
        return value
    if isinstance(value, str) and not isinstance(value, Secret):
        from .prelude import _DECIMAL_FLOAT, _DECIMAL_INT

        if _DECIMAL_INT.match(value):
            return _int64(int(value))
        if _DECIMAL_FLOAT.match(value):
            return float(value)
    return None


def _int64(value: int) -> int:
    if not -(2**63) <= value <= 2**63 - 1:
        raise runtime_error("integer overflow (64-bit)")
    return value


def _text_filter(operation: Callable[[str], Any]) -> Callable[[Any, FilterArgs], Any]:
    return lambda value, args: operation(to_text(value))


def _truncate(value: Any, args: FilterArgs) -> Any:
    n = _int_arg("truncate", args, 0, 100)
    return to_text(value)[: max(n or 0, 0)]


def _replace(value: Any, args: FilterArgs) -> Any:
    return to_text(value).replace(args[0], args[1]) if len(args) == 2 else value


def _default(value: Any, args: FilterArgs) -> Any:
    return value if truthy(value) else (args[0] if args else "")


def _length(value: Any, args: FilterArgs) -> Any:
    return len(value) if isinstance(value, list | dict | str) else 0


def _join(value: Any, args: FilterArgs) -> Any:
    if not isinstance(value, list):
        return value
    return (args[0] if args else ",").join(to_text(v) for v in value)


def _first(value: Any, args: FilterArgs) -> Any:
    return (value[0] if value else None) if isinstance(value, list) else value


def _last(value: Any, args: FilterArgs) -> Any:
    return (value[-1] if value else None) if isinstance(value, list) else value


def _reverse(value: Any, args: FilterArgs) -> Any:
    return list(reversed(value)) if isinstance(value, list) else to_text(value)[::-1]


def _slice(value: Any, args: FilterArgs) -> Any:
    if not isinstance(value, list | str):
        return value
    start = _int_arg("slice", args, 0, 0)
    end = _int_arg("slice", args, 1, None)
    return value[start:end]


def _json(value: Any, args: FilterArgs) -> Any:
    return to_json_text(value)


def _number_filter(value: Any, args: FilterArgs) -> Any:
    decimals = _int_arg("number", args, 0, 2) or 0
    if decimals < 0:
        raise runtime_error(f"template filter 'number' expects 0 or more decimals, got {decimals}")
    number = _number(value)
    if number is None:
        return value
    if math.isnan(number) or math.isinf(number):
        return float_text(float(number))
    return f"{number:.{decimals}f}"


def _abs(value: Any, args: FilterArgs) -> Any:
    number = _number(value)
    if number is None:
        return value
    return _int64(abs(number)) if type(number) is int else abs(number)


def _rounding(operation: Callable[[float], int]) -> Callable[[Any, FilterArgs], Any]:
    def apply(value: Any, args: FilterArgs) -> Any:
        number = _number(value)
        if number is None:
            return value
        if type(number) is int:
            return number
        if math.isnan(number) or math.isinf(number):
            return number  # no whole number to give: the float is kept
        return _int64(operation(number))

    return apply


def _url_encode(value: Any, args: FilterArgs) -> Any:
    return "".join(
        c if c in _URL_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
        for c in to_text(value)
    )


def _line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _indent(value: Any, args: FilterArgs) -> Any:
    width = max(_int_arg("indent", args, 0, 2) or 0, 0)
    pad = " " * width
    return "\n".join(pad + line if line.strip() else line for line in to_text(value).split("\n"))


def _date(value: Any, args: FilterArgs) -> Any:
    from datetime import UTC, datetime

    fmt = args[0] if args and args[0] else "%Y-%m-%d"
    if type(value) is int or type(value) is float:
        try:
            moment = datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError):
            return value
    elif isinstance(value, str) and not isinstance(value, Secret):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    else:
        return value
    try:
        return moment.strftime(fmt)
    except ValueError:  # a directive the C library refuses
        raise runtime_error(f"template filter 'date' cannot use the format '{fmt}'") from None


def _sort_key(value: Any) -> tuple[int, Any]:
    """R14: none, then booleans, numbers, text, and anything else by its text form."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if type(value) is int or type(value) is float:
        return (2, -math.inf if math.isnan(value) else value)
    if isinstance(value, str):
        return (3, str.__str__(value))
    return (4, to_text(value))


def _sort(value: Any, args: FilterArgs) -> Any:
    return sorted(value, key=_sort_key) if isinstance(value, list) else value


def _unique(value: Any, args: FilterArgs) -> Any:
    if not isinstance(value, list):
        return value
    kept: list[Any] = []
    seen: set[tuple[str, Any]] = set()
    for item in value:
        if item is None or isinstance(item, bool | int | float | str):
            # kind-tagged so that `true` and `1` stay apart while `1` and `1.0` are one (L§7.1.5)
            key = ("b" if isinstance(item, bool) else "s" if isinstance(item, str) else "n", item)
            if key not in seen:
                seen.add(key)
                kept.append(item)
        elif not any(equal(item, other) for other in kept):
            kept.append(item)
    return kept


_FILTERS: dict[str, Callable[[Any, FilterArgs], Any]] = {
    "upper": _text_filter(str.upper),
    "uppercase": _text_filter(str.upper),
    "lower": _text_filter(str.lower),
    "lowercase": _text_filter(str.lower),
    "capitalize": _text_filter(lambda text: text[:1].upper() + text[1:]),
    "trim": _text_filter(str.strip),
    "truncate": _truncate,
    "replace": _replace,
    "escape": _text_filter(lambda text: html.escape(text, quote=True)),
    "raw": lambda value, args: value,
    "safe": lambda value, args: value,
    "default": _default,
    "length": _length,
    "first": _first,
    "last": _last,
    "reverse": _reverse,
    "join": _join,
    "slice": _slice,
    "json": _json,
    "number": _number_filter,
    "url_encode": _url_encode,
    "strip_tags": _text_filter(lambda text: _TAGS.sub("", text)),
    "word_count": _text_filter(lambda text: len(_WORDS.findall(text))),
    "line_count": _text_filter(_line_count),
    "indent": _indent,
    "date": _date,
    "sort": _sort,
    "unique": _unique,
    "abs": _abs,
    "ceil": _rounding(math.ceil),
    "floor": _rounding(math.floor),
}


def filter_name(spec: str) -> str | None:
    match = _FILTER.match(spec)
    return match.group(1) if match else None


def _apply_filter(value: Any, spec: str) -> Any:
    match = _FILTER.match(spec)
    if match is None:
        return value
    apply = _FILTERS.get(match.group(1))
    if apply is None:
        return value  # an unknown filter leaves the value unchanged (L§1.6.6)
    return apply(value, filter_arguments(match.group(2)))


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
        safe = any(filter_name(p) in UNESCAPED_FILTERS for p in pieces[1:])
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
