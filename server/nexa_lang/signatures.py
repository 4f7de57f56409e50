"""Signatures of the built-in functions and std functions (S§1, S§2) and the deprecated short std
names (S§2.12), as data.

Written the way the spec writes them (`file_read(path: str, encoding: str = "utf-8") -> str`) and
parsed once. E012 (too many or unknown arguments), E302 (a missing or wrongly typed argument of a std
function), W003 (deprecated names), signature help and hover read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from nexa_lang.prelude import DEPRECATED_STD_NAMES


@dataclass(frozen=True)
class ParamSig:
    name: str
    type: str  # as written in the spec ("str", "number", "str | list | map", "" when not given)
    has_default: bool = False
    variadic: bool = False  # `*rest`

    @property
    def is_required(self) -> bool:
        return not self.has_default and not self.variadic and not self.type.endswith("?")


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[ParamSig, ...]
    returns: str = "any"

    @property
    def is_variadic(self) -> bool:
        return any(p.variadic for p in self.params)

    def param(self, name: str) -> ParamSig | None:
        return next((p for p in self.params if p.name == name and not p.variadic), None)


def parse_signature(text: str) -> Signature:
    """`name(p: T, q: U = d, *r: V) -> R` as the spec writes it."""
    head, _, returns = text.partition("->")
    name, _, rest = head.strip().partition("(")
    inside = rest.rstrip()[:-1] if rest.rstrip().endswith(")") else rest
    params = []
    for part in _split_top(inside):
        part = part.strip()
        if not part:
            continue
        declared, has_default, _ = part.partition("=")
        pname, _, ptype = declared.partition(":")
        pname = pname.strip()
        variadic = pname.startswith("*")
        params.append(ParamSig(pname.lstrip("*"), ptype.strip(), bool(has_default), variadic))
    return Signature(name.strip(), tuple(params), returns.strip() or "any")


def _split_top(text: str) -> list[str]:
    parts, depth, current, quote = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


# std functions by namespace (S§2.1–2.11).
_STD: dict[str, tuple[str, ...]] = {
    "fs": (
        'file_read(path: str, encoding: str = "utf-8") -> str',
        'file_write(path: str, content: str, encoding: str = "utf-8") -> map',
        'file_append(path: str, content: str, encoding: str = "utf-8") -> map',
        "file_exists(path: str) -> map",
        'file_list(directory: str, pattern: str = "*") -> map',
        "file_delete(path: str) -> map",
    ),
    "http": (
        "http_get(url: str, headers: map = {}, timeout: number = 30) -> str",
        'http_post(url: str, data: str, headers: map = {}, content_type: str = "application/json", '
        "timeout: number = 30) -> map",
        'http_put(url: str, data: str, headers: map = {}, content_type: str = "application/json", '
        "timeout: number = 30) -> map",
        "http_delete(url: str, headers: map = {}, timeout: number = 30) -> map",
    ),
    "time": (
        'time_now(format: str = "%Y-%m-%d %H:%M:%S") -> str',
        'time_diff(start: str, end: str, unit: str = "seconds") -> map',
        'time_format(iso_string: str, format: str = "%Y-%m-%d %H:%M:%S") -> str',
        "time_sleep(seconds: number) -> map",
        "time_timestamp() -> map",
    ),
    "json": (
        "json_parse(text: str) -> any",
        "json_get(text: str, path: str) -> any",
        "json_stringify(data: any, indent: int = 2) -> str",
    ),
    "text": (
        'text_split(text: str, delimiter: str = "\\n", max_splits: int = -1) -> map',
        "text_replace(text: str, old: str, new: str, count: int = -1) -> str",
        "text_upper(text: str) -> str",
        "text_lower(text: str) -> str",
    ),
    "hash": (
        "hash_md5(text: str) -> str",
        "hash_sha256(text: str) -> str",
        "base64_encode(text: str) -> str",
        "base64_decode(text: str) -> str",
    ),
    "math": ("math_calc(expression: str) -> map", "math_random(min_val: int, max_val: int) -> int"),
    "regex": (
        'regex_match(pattern: str, text: str, flags: str = "") -> map',
        'regex_replace(pattern: str, replacement: str, text: str, flags: str = "") -> str',
    ),
    "shell": ("shell_exec(command: str, timeout: number = 30) -> map", "shell_which(command: str) -> map"),
    "ask_human": ('ask_human(prompt: str, default: str = "") -> str',),
    "db.memory": (
        "query(db: DbHandle, agent: str, key: str) -> str?",
        "store(db: DbHandle, agent: str, key: str, value: str) -> bool",
        "delete(db: DbHandle, agent: str, key: str) -> bool",
        "list(db: DbHandle, agent: str) -> list[map]",
    ),
}

DB_SIGNATURES = (  # the functions of a database handle (S§1.7), also signature help's
    "query(db: DbHandle, sql: str, params: list = []) -> list[map]",
    "query_one(db: DbHandle, sql: str, params: list = []) -> map?",
    "execute(db: DbHandle, sql: str, params: list = []) -> int",
    "begin(db: DbHandle) -> none",
    "commit(db: DbHandle) -> none",
    "rollback(db: DbHandle) -> none",
    "close(db: DbHandle) -> bool",
)
_STD["db.sqlite"] = ('connect(path: str = ":memory:") -> DbHandle', *DB_SIGNATURES)
_STD["db.postgres"] = ("connect(url: str) -> DbHandle", *DB_SIGNATURES)

# S§1.9: prelude functions, also `std.template.*`
_TEMPLATES = (
    "render(t: Template | str, data: map = {}) -> str",
    "compile_template(text: str) -> Template",
    "render_file(path: str, data: map = {}) -> str",
    "agent_template_prompt(agent: Agent, text: str, data: map = {}) -> str",
    "agent_template_slot_fill(agent: Agent, text: str, sources: map) -> str",
    "agent_template_register(agent: Agent, name: str, text: str) -> map",
    "agent_template_list(agent: Agent? = none) -> list[map]",
)
_STD["template"] = _TEMPLATES

# Prelude functions with a fixed signature (S§1.1–1.3, 1.6, 1.9); the others (dispatching on
# their first argument, such as `get`/`close`, or taking handles) have no fixed parameter list here.
_PRELUDE: tuple[str, ...] = (
    "print(*values: any) -> none",
    'input(prompt: str = "") -> str?',
    "exit(code: int = 0) -> never",
    "str(x: any) -> str",
    "int(x: str | number | bool) -> int",
    "float(x: str | number) -> float",
    "bool(x: any) -> bool",
    "len(x: str | list | map) -> int",
    "abs(x: number) -> number",
    "min(*xs: number | str | list) -> number | str",  # a single list argument is searched (S§1.2)
    "max(*xs: number | str | list) -> number | str",
    "secret(name: str) -> Secret",
    "img(path: str) -> Image",
    "channel() -> list",
    "send(tx: Sender, value: any) -> bool",
    "recv(rx: Receiver) -> any",
    # S§1.6: "Durations are int milliseconds or strings" for the whole section (the VM reads both)
    "recv_timeout(rx: Receiver, ms: int | str) -> any",
    "try_recv(rx: Receiver) -> any",
    "select(receivers: list, timeout_ms: int | str | none = none) -> map",
    "await_task(t: Task) -> any",
    "try_await(t: Task) -> map",
    "cancel_task(t: Task) -> bool",
    "parallel(handlers: list) -> list",
    "race(handlers: list) -> any",
    "after(delay: int | str, handler: fn) -> Timer",
    "schedule(interval: int | str, handler: fn) -> Timer",
    "cancel_schedule(t: Timer) -> bool",
    "sleep_ms(ms: int | str) -> none",
    "thread_count() -> int",
    "parse_interval(v: int | str) -> int",
    *_TEMPLATES,
)

PRELUDE_SIGNATURES: dict[str, Signature] = {s.name: s for s in map(parse_signature, _PRELUDE)}

# The prelude functions of S§1.7, 1.8 and 1.11 whose one signature the checker's argument rules
# (E012, E302, W008, W010) use as well: those with a fixed parameter list. `close`, `get`, `set`,
# `del`, `has`, `list` and `open` dispatch on their first argument (S-2) and stay out.
_KV = (
    "get(kv: KvHandle, key: str, default: any = none) -> any",
    "get_int(kv: KvHandle, key: str, default: int = 0) -> int",
    'get_str(kv: KvHandle, key: str, default: str = "") -> str',
    "get_json(kv: KvHandle, key: str) -> any",
    "set(kv: KvHandle, key: str, value: any, opts: map = {}) -> bool",
    "set_nx(kv: KvHandle, key: str, value: any, opts: map = {}) -> bool",
    "del(kv: KvHandle, key: str) -> bool",
    "has(kv: KvHandle, key: str) -> bool",
    'list(kv: KvHandle, prefix: str = "") -> list[str]',
    "expire(kv: KvHandle, key: str, ttl_seconds: int) -> bool",
    "ttl(kv: KvHandle, key: str) -> int?",
    "flush(kv: KvHandle) -> bool",
    "incr(kv: KvHandle, key: str, amount: int = 1) -> int",
)
_SHARED_NAMES = ("get", "set", "del", "has", "list")
_HANDLE_FUNCTIONS: tuple[str, ...] = (
    *(d for d in DB_SIGNATURES if not d.startswith("close(")),
    "agent_memory_query(db: DbHandle, agent: str, key: str) -> str?",
    "agent_memory_store(db: DbHandle, agent: str, key: str, value: str) -> bool",
    "agent_memory_delete(db: DbHandle, agent: str, key: str) -> bool",
    "agent_memory_list(db: DbHandle, agent: str) -> list[map]",
    "text(content: str, status: int = 200) -> Response",
    "html(content: str, status: int = 200) -> Response",
    "json(data: any, status: int = 200) -> Response",
    "redirect(url: str, status: int = 302) -> Response",
    'status(code: int, body: str = "") -> Response',
    "parse_form(req: Request) -> map",
    "parse_json_body(req: Request) -> any",
    *(k for k in _KV if k.partition("(")[0] not in _SHARED_NAMES),
    *("kv_" + k for k in _KV),  # every kv function also answers to a kv_ name (L§6.5.4)
    "agent_kv_query(kv: KvHandle, query: str) -> list[map]",
    "agent_kv_store(kv: KvHandle, key: str, value: any, context: map? = none) -> bool",
    "agent_kv_context(kv: KvHandle, agent: Agent | str) -> map",
)
CHECKED_PRELUDE_SIGNATURES: dict[str, Signature] = {
    **PRELUDE_SIGNATURES,
    **{s.name: s for s in map(parse_signature, _HANDLE_FUNCTIONS)},
}


@cache
def std_signatures() -> dict[str, dict[str, Signature]]:
    """namespace → function name → signature (deprecated short names map to the canonical one)."""
    table = {ns: {s.name: s for s in map(parse_signature, texts)} for ns, texts in _STD.items()}
    for ns, aliases in DEPRECATED_STD_NAMES.items():
        for old, new in aliases.items():
            table[ns].setdefault(old, table[ns][new])
    return table


def std_signature(namespace: str, function: str) -> Signature | None:
    return std_signatures().get(namespace, {}).get(function)


# S§2.11: namespaces that hold built-ins of S§1.6–1.11 under the same names (`std.kv.get` ≡ `get`).
_BUILTIN_NAMESPACES = frozenset({"kv", "concurrent", "auth", "template"})


def std_builtin(namespace: str, function: str) -> str | None:
    """The prelude function that `std.{namespace}.{function}` is (S§2.11), or None when the std
    function is its own (`std.fs.file_read`, and `connect` of the database namespaces, which takes
    a path or a URL of its engine)."""
    if namespace in _BUILTIN_NAMESPACES:
        return function
    if namespace in ("db.sqlite", "db.postgres"):
        return None if function == "connect" else function  # "the 1.7 function"
    if namespace == "db.memory":
        return f"agent_memory_{function}"  # std.db.memory.query ≡ agent_memory_query
    return None
