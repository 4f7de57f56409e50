"""`kv` handles (S§1.11): a SQLite-backed store of JSON values with optional expiry."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from ..errors import runtime_error
from ..values import Handle, is_number, to_plain, to_text
from .databases import tool_error


class KvHandle(Handle):
    kind = "kv"

    def __init__(self, path: str, connection: sqlite3.Connection, clock: Callable[[], float]) -> None:
        super().__init__()
        self.path = path
        self.connection = connection
        self.clock = clock
        self.closed = False
        connection.execute(
            "CREATE TABLE IF NOT EXISTS nexa_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL)"
        )

    # --- storage ------------------------------------------------------------------------------

    def _purge(self, key: str | None = None) -> None:
        now = self.clock()
        if key is None:
            self.connection.execute(
                "DELETE FROM nexa_kv WHERE expires_at IS NOT NULL AND expires_at <= ?", [now]
            )
        else:
            self.connection.execute(
                "DELETE FROM nexa_kv WHERE key = ? AND expires_at IS NOT NULL AND expires_at <= ?", [key, now]
            )

    def row(self, key: str) -> tuple[Any, float | None] | None:
        self._purge(key)
        found = self.connection.execute(
            "SELECT value, expires_at FROM nexa_kv WHERE key = ?", [key]
        ).fetchone()
        if found is None:
            return None
        return json.loads(found[0]), found[1]

    def put(self, key: str, value: Any, ttl: Any = None) -> None:
        expires = self.clock() + float(ttl) if ttl is not None and is_number(ttl) else None
        text = json.dumps(to_plain(value, reveal=True), ensure_ascii=False)
        self.connection.execute(
            "INSERT OR REPLACE INTO nexa_kv (key, value, expires_at) VALUES (?, ?, ?)", [key, text, expires]
        )

    def keys(self, prefix: str = "") -> list[str]:
        self._purge()
        rows = self.connection.execute("SELECT key FROM nexa_kv ORDER BY key").fetchall()
        return [r[0] for r in rows if r[0].startswith(prefix)]


def open_store(
    path: str,
    base_dir: str | None,
    clock: Callable[[], float] = time.time,
    check: Callable[[str], None] | None = None,
) -> KvHandle:
    """`check` sees a file store's absolute path first (the sandbox's fs-write rule)."""
    target = path or ":memory:"
    if target != ":memory:" and not os.path.isabs(target):
        target = os.path.join(base_dir or os.getcwd(), target)
    if target != ":memory:" and check is not None:
        check(target)
    try:
        connection = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        return KvHandle(path or ":memory:", connection, clock)
    except sqlite3.Error as error:
        raise runtime_error(f"open: cannot open the key-value store '{path}': {error}") from None


def _store(value: Any, function: str) -> KvHandle:
    if not isinstance(value, KvHandle):
        raise runtime_error(f"{function}() needs a kv handle")
    if value.closed:
        raise tool_error(function, "the key-value store is closed")
    return value


def _key(value: Any) -> str:
    return to_text(value, reveal=True)


def kv_get(kv: Any, key: Any, default: Any = None) -> Any:
    found = _store(kv, "get").row(_key(key))
    return default if found is None else found[0]


def kv_get_int(kv: Any, key: Any, default: Any = 0) -> int:
    found = _store(kv, "get_int").row(_key(key))
    if found is None:
        return default
    value = found[0]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        if isinstance(value, float) and math.isfinite(value):
            return int(value)
        return int(str(value).strip())
    except ValueError:
        raise runtime_error(
            f"get_int: the value of '{_key(key)}' is not an integer: {to_text(value)}"
        ) from None


def kv_get_str(kv: Any, key: Any, default: Any = "") -> str:
    found = _store(kv, "get_str").row(_key(key))
    return default if found is None else to_text(found[0])


def kv_get_json(kv: Any, key: Any) -> Any:
    found = _store(kv, "get_json").row(_key(key))
    if found is None:
        return None
    value = found[0]
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _ttl_of(opts: Any) -> Any:
    return opts.get("ttl") if isinstance(opts, dict) else None


def kv_set(kv: Any, key: Any, value: Any, opts: Any = None) -> bool:
    _store(kv, "set").put(_key(key), value, _ttl_of(opts))
    return True


def kv_set_nx(kv: Any, key: Any, value: Any, opts: Any = None) -> bool:
    store = _store(kv, "set_nx")
    if store.row(_key(key)) is not None:
        return False
    store.put(_key(key), value, _ttl_of(opts))
    return True


def kv_del(kv: Any, key: Any) -> bool:
    store = _store(kv, "del")
    store._purge(_key(key))
    return store.connection.execute("DELETE FROM nexa_kv WHERE key = ?", [_key(key)]).rowcount > 0


def kv_has(kv: Any, key: Any) -> bool:
    return _store(kv, "has").row(_key(key)) is not None


def kv_list(kv: Any, prefix: Any = "") -> list[str]:
    return _store(kv, "list").keys(_key(prefix) if prefix is not None else "")


def kv_expire(kv: Any, key: Any, ttl: Any) -> bool:
    store = _store(kv, "expire")
    if store.row(_key(key)) is None:
        return False
    if not is_number(ttl):
        raise runtime_error(f"expire: ttl must be a number of seconds, got {to_text(ttl)}")
    store.connection.execute(
        "UPDATE nexa_kv SET expires_at = ? WHERE key = ?", [store.clock() + ttl, _key(key)]
    )
    return True


def kv_ttl(kv: Any, key: Any) -> int | None:
    store = _store(kv, "ttl")
    found = store.row(_key(key))
    if found is None or found[1] is None:
        return None
    return max(0, math.ceil(found[1] - store.clock() - 1e-6))


def kv_flush(kv: Any) -> bool:
    _store(kv, "flush").connection.execute("DELETE FROM nexa_kv")
    return True


def kv_incr(kv: Any, key: Any, amount: Any = 1) -> int:
    store = _store(kv, "incr")
    found = store.row(_key(key))
    current = 0 if found is None else found[0]
    if isinstance(current, bool) or not isinstance(current, int):
        raise runtime_error(f"incr: the value of '{_key(key)}' is not an integer: {to_text(current)}")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise runtime_error(f"incr: the amount must be an integer, got {to_text(amount)}")
    expires = found[1] if found is not None else None
    new = current + amount
    store.connection.execute(
        "INSERT OR REPLACE INTO nexa_kv (key, value, expires_at) VALUES (?, ?, ?)",
        [_key(key), json.dumps(new), expires],
    )
    return new


def kv_close(kv: Any) -> bool:
    store = _store(kv, "close")
    store.connection.close()
    store.closed = True
    return True


# --- agent-native (S§1.11) ----------------------------------------------------------------


def agent_kv_query(kv: Any, query: Any) -> list[dict[str, Any]]:
    store = _store(kv, "agent_kv_query")
    words = [w.lower() for w in to_text(query, reveal=True).split()]
    found = []
    for key in store.keys():
        row = store.row(key)
        if row is None:
            continue
        value = row[0]
        haystacks = [key.lower()] + ([value.lower()] if isinstance(value, str) else [])
        if any(w in h for w in words for h in haystacks):
            found.append({"key": key, "value": value})
    return found


def agent_kv_store(kv: Any, key: Any, value: Any, context: Any = None) -> bool:
    store = _store(kv, "agent_kv_store")
    store.put(_key(key), value)
    if context is not None:
        store.put("_ctx:" + _key(key), context)
    return True


def agent_kv_context(kv: Any, agent: Any) -> dict[str, Any]:
    store = _store(kv, "agent_kv_context")
    name = to_text(getattr(agent, "name", agent))
    prefix = f"agent:{name}:"
    entries = {}
    for key in store.keys(prefix):
        row = store.row(key)
        if row is not None:
            entries[key] = row[0]
    return {"agent_name": name, "keys": list(entries), "count": len(entries), "entries": entries}
