"""`db` handles (S§1.7): SQLite through the standard library's sqlite3; `?` placeholders; rows as
dicts. PostgreSQL needs a driver (psycopg); without one, opening a `postgres://` URL fails with
"driver not available" (E104 from `connect(…)` in code, E100 for a `db` declaration)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from ..errors import NexaError, runtime_error
from ..providers import Message
from ..values import Handle, to_text

MEMORY_TABLE = "nexa_agent_memory"


def tool_error(function: str, reason: str, **detail: Any) -> NexaError:
    return NexaError("ToolError", f"{function}: {reason}", "E104", detail=detail)


class DbHandle(Handle):
    """Printed `<db #ID>` like every handle (L§7.1.3): never with its URL, which may hold a password."""

    kind = "db"

    def __init__(self, url: str, connection: sqlite3.Connection, engine: str) -> None:
        super().__init__()
        self.url = url
        self.connection = connection
        self.engine = engine
        self.closed = False


def connect(
    url: str, base_dir: str | None, *, declared: bool = False, check: Callable[[str], None] | None = None
) -> DbHandle:
    """Opens `sqlite://:memory:`, `sqlite://PATH` (relative to the program directory); `check`
    sees the file's absolute path first (the sandbox's fs-write rule)."""
    if url.startswith(("postgres://", "postgresql://")):
        reason = "PostgreSQL driver not available (install psycopg to use postgres:// URLs)"
        if declared:
            raise runtime_error(f"connect: {reason}")
        raise tool_error("connect", reason, url=url)
    if not url.startswith("sqlite://"):
        message = f"unsupported database URL '{url}' (use sqlite://PATH or sqlite://:memory:)"
        if declared:
            raise runtime_error(f"connect: {message}")
        raise tool_error("connect", message, url=url)
    path = url[len("sqlite://") :] or ":memory:"
    if path != ":memory:" and not os.path.isabs(path):
        path = os.path.join(base_dir or os.getcwd(), path)
    if path != ":memory:" and check is not None:
        check(path)
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        if declared:
            raise runtime_error(f"connect: cannot open '{url}': {error}") from None
        raise tool_error("connect", f"cannot open '{url}': {error}", url=url) from None
    connection.row_factory = sqlite3.Row
    return DbHandle(url, connection, "sqlite")


def _handle(value: Any, function: str) -> DbHandle:
    if not isinstance(value, DbHandle):
        raise runtime_error(f"{function}() needs a db handle, got {to_text(value) or 'none'}")
    if value.closed:
        raise tool_error(function, "the database connection is closed")
    return value


def _params(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_sql_value(v) for v in value]
    return [_sql_value(value)]


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | bytes):
        return value
    if isinstance(value, str):
        return to_text(value, reveal=True)
    return to_text(value, reveal=True)


def _run(db: DbHandle, function: str, sql: str, params: Any) -> sqlite3.Cursor:
    try:
        return db.connection.execute(to_text(sql, reveal=True), _params(params))
    except sqlite3.Error as error:
        raise tool_error(function, str(error), sql=to_text(sql), engine=db.engine) from None


def query(db: Any, sql: Any, params: Any = None) -> list[dict[str, Any]]:
    handle = _handle(db, "query")
    cursor = _run(handle, "query", sql, params)
    return [dict(row) for row in cursor.fetchall()]


def query_one(db: Any, sql: Any, params: Any = None) -> dict[str, Any] | None:
    handle = _handle(db, "query_one")
    row = _run(handle, "query_one", sql, params).fetchone()
    return dict(row) if row is not None else None


def execute(db: Any, sql: Any, params: Any = None) -> int:
    handle = _handle(db, "execute")
    cursor = _run(handle, "execute", sql, params)
    return max(cursor.rowcount, 0)


def transaction(db: Any, statement: str) -> None:
    handle = _handle(db, statement.lower())
    try:
        if statement == "BEGIN" and handle.connection.in_transaction:
            raise tool_error("begin", "a transaction is already open")
        if statement != "BEGIN" and not handle.connection.in_transaction:
            raise tool_error(statement.lower(), "no transaction is open")
        handle.connection.execute(statement)
    except sqlite3.Error as error:
        raise tool_error(statement.lower(), str(error)) from None


def close(db: Any) -> bool:
    if not isinstance(db, DbHandle):
        raise runtime_error("close() needs a db handle")
    if db.closed:
        return False
    db.connection.close()
    db.closed = True
    return True


# --- agent memory (S§1.7) -----------------------------------------------------------------


def _memory_table(db: DbHandle) -> None:
    _run(
        db,
        "agent_memory",
        f"CREATE TABLE IF NOT EXISTS {MEMORY_TABLE} (agent TEXT NOT NULL, key TEXT NOT NULL, "
        "value TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (agent, key))",
        [],
    )


def memory_store(db: Any, agent: Any, key: Any, value: Any) -> bool:
    handle = _handle(db, "agent_memory_store")
    _memory_table(handle)
    _run(
        handle,
        "agent_memory_store",
        f"INSERT OR REPLACE INTO {MEMORY_TABLE} (agent, key, value, updated_at) VALUES (?, ?, ?, ?)",
        [_name(agent), to_text(key), to_text(value, reveal=True), time.time()],
    )
    return True


def memory_query(db: Any, agent: Any, key: Any) -> str | None:
    handle = _handle(db, "agent_memory_query")
    _memory_table(handle)
    row = _run(
        handle,
        "agent_memory_query",
        f"SELECT value FROM {MEMORY_TABLE} WHERE agent = ? AND key = ?",
        [_name(agent), to_text(key)],
    ).fetchone()
    return row["value"] if row is not None else None


def memory_delete(db: Any, agent: Any, key: Any) -> bool:
    handle = _handle(db, "agent_memory_delete")
    _memory_table(handle)
    cursor = _run(
        handle,
        "agent_memory_delete",
        f"DELETE FROM {MEMORY_TABLE} WHERE agent = ? AND key = ?",
        [_name(agent), to_text(key)],
    )
    return cursor.rowcount > 0


def memory_list(db: Any, agent: Any) -> list[dict[str, Any]]:
    handle = _handle(db, "agent_memory_list")
    _memory_table(handle)
    rows = _run(
        handle,
        "agent_memory_list",
        f"SELECT key, value, updated_at FROM {MEMORY_TABLE} WHERE agent = ? AND key NOT LIKE '\\_%' "
        "ESCAPE '\\' ORDER BY key",
        [_name(agent)],
    ).fetchall()
    return [dict(row) for row in rows]


def _name(agent: Any) -> str:
    return to_text(getattr(agent, "name", agent))


class MemoryBackend(Handle):
    """`memory = db(h)` in an agent: its history lives in `nexa_agent_memory` of `h`, under the
    reserved key `_history` (not listed by `agent_memory_list`). A handle on `h`, printed
    `<memory_backend #ID>` (docs/runtime-decisions.md)."""

    kind = "memory_backend"

    def __init__(self, db: DbHandle) -> None:
        super().__init__()
        self.db = db

    def load(self, agent: str) -> list[Message] | None:
        import json

        if self.db.closed:
            return None
        text = memory_query(self.db, agent, "_history")
        if text is None:
            return None
        try:
            return [Message.from_json(m) for m in json.loads(text)]
        except (ValueError, KeyError, TypeError):
            return None

    def save(self, agent: str, history: list[Message]) -> None:
        import json

        if self.db.closed:
            return
        memory_store(
            self.db, agent, "_history", json.dumps([m.to_json() for m in history], ensure_ascii=False)
        )
