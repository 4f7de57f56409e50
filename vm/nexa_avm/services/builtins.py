"""The service built-ins (L§6.5.4, S§1.7, §1.8, §1.11) as prelude entries.

Names shared with other built-ins (`close`, `list`, `get`, `set`, `del`, `has`, `open`) dispatch on
the first argument (S-2): a kv or db handle selects the service function, anything else goes to the
built-in the name had before (or is an error when it had none)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import runtime_error
from ..values import to_text
from . import auth as authlib
from . import databases as dblib
from . import kvstore as kvlib
from . import responses as http_values

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .runtime import ServiceRuntime

Fn = Callable[..., Any]

KV_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "get": (kvlib.kv_get, ("kv", "key", "default")),
    "get_int": (kvlib.kv_get_int, ("kv", "key", "default")),
    "get_str": (kvlib.kv_get_str, ("kv", "key", "default")),
    "get_json": (kvlib.kv_get_json, ("kv", "key")),
    "set": (kvlib.kv_set, ("kv", "key", "value", "opts")),
    "set_nx": (kvlib.kv_set_nx, ("kv", "key", "value", "opts")),
    "del": (kvlib.kv_del, ("kv", "key")),
    "has": (kvlib.kv_has, ("kv", "key")),
    "list": (kvlib.kv_list, ("kv", "prefix")),
    "expire": (kvlib.kv_expire, ("kv", "key", "ttl_seconds")),
    "ttl": (kvlib.kv_ttl, ("kv", "key")),
    "flush": (kvlib.kv_flush, ("kv",)),
    "incr": (kvlib.kv_incr, ("kv", "key", "amount")),
}

DB_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "query": (dblib.query, ("db", "sql", "params")),
    "query_one": (dblib.query_one, ("db", "sql", "params")),
    "execute": (dblib.execute, ("db", "sql", "params")),
    "begin": (lambda db: dblib.transaction(db, "BEGIN"), ("db",)),
    "commit": (lambda db: dblib.transaction(db, "COMMIT"), ("db",)),
    "rollback": (lambda db: dblib.transaction(db, "ROLLBACK"), ("db",)),
    "agent_memory_query": (dblib.memory_query, ("db", "agent", "key")),
    "agent_memory_store": (dblib.memory_store, ("db", "agent", "key", "value")),
    "agent_memory_delete": (dblib.memory_delete, ("db", "agent", "key")),
    "agent_memory_list": (dblib.memory_list, ("db", "agent")),
}

RESPONSE_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "text": (http_values.text, ("content", "status")),
    "html": (http_values.html, ("content", "status")),
    "json": (http_values.json, ("data", "status")),
    "redirect": (http_values.redirect, ("url", "status")),
    "status": (http_values.status, ("code", "body")),
    "parse_form": (http_values.parse_form, ("req",)),
    "parse_json_body": (http_values.parse_json_body, ("req",)),
}


def bind(name: str, params: tuple[str, ...], args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
    """Positional and named arguments as a positional list (missing trailing ones left out)."""
    if len(args) > len(params):
        raise runtime_error(f"{name}() takes at most {len(params)} arguments, got {len(args)}")
    values = list(args)
    for key in kwargs:
        if key not in params:
            raise runtime_error(f"{name}() has no parameter '{key}'")
    for param in params[len(values) :]:
        if param in kwargs:
            values.append(kwargs[param])
        elif any(p in kwargs for p in params[params.index(param) + 1 :]):
            values.append(None)
        else:
            break
    return values


def service_builtins(vm: Interpreter, services: ServiceRuntime) -> dict[str, Any]:
    from ..interpreter import Builtin

    out: dict[str, Any] = {}
    previous = vm.prelude

    def register(name: str, fn: Fn, params: tuple[str, ...]) -> None:
        out[name] = Builtin(name, lambda args, kwargs, frame: fn(*bind(name, params, args, kwargs)))

    def shared(name: str, fn: Fn, params: tuple[str, ...], handle: type) -> None:
        """A name that also belongs to another built-in: dispatch on the first argument."""
        before = previous.get(name)

        def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
            first = args[0] if args else kwargs.get(params[0])
            if isinstance(first, handle) or before is None:
                return fn(*bind(name, params, args, kwargs))
            return before.fn(args, kwargs, frame)

        out[name] = Builtin(name, call)

    base_dir = services.base_dir
    for name, (fn, params) in KV_FUNCTIONS.items():
        register("kv_" + name, fn, params)
        if name in ("get", "set", "del", "has", "list"):
            shared(name, fn, params, kvlib.KvHandle)
        else:
            register(name, fn, params)

    def open_store(path: Any = ":memory:") -> kvlib.KvHandle:
        return kvlib.open_store(to_text(path), base_dir, check=services.file_check("open", declared=False))

    register("kv_open", open_store, ("path",))
    shared("open", open_store, ("path",), str)
    register("kv_close", kvlib.kv_close, ("kv",))
    for name, fn_params in (
        ("agent_kv_query", (kvlib.agent_kv_query, ("kv", "query"))),
        ("agent_kv_store", (kvlib.agent_kv_store, ("kv", "key", "value", "context"))),
        ("agent_kv_context", (kvlib.agent_kv_context, ("kv", "agent"))),
    ):
        register(name, *fn_params)

    for name, (fn, params) in DB_FUNCTIONS.items():
        register(name, fn, params)

    def connect(url: Any) -> dblib.DbHandle:
        check = services.file_check("connect", declared=False)
        return dblib.connect(to_text(url, reveal=True), base_dir, check=check)

    register("connect", connect, ("url",))

    def memory_backend(handle: Any) -> dblib.MemoryBackend:
        if not isinstance(handle, dblib.DbHandle):
            raise runtime_error("db() needs a db handle (memory = db(h))")
        return dblib.MemoryBackend(handle)

    register("db", memory_backend, ("h",))

    close_before = previous.get("close")

    def close(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
        first = args[0] if args else None
        if isinstance(first, dblib.DbHandle):
            return dblib.close(first)
        if isinstance(first, kvlib.KvHandle):
            return kvlib.kv_close(first)
        if close_before is None:
            raise runtime_error("close() needs a db or kv handle")
        return close_before.fn(args, kwargs, frame)

    out["close"] = Builtin("close", close)

    for name, (fn, params) in RESPONSE_FUNCTIONS.items():
        register(name, fn, params)

    auth = services.auth
    register("enable_auth", auth.enable, ("providers", "options"))
    register("oauth", authlib.oauth, ("name", "client_id", "client_secret", "opts"))
    register("get_user", auth.get_user, ("req",))
    register("require_auth", auth.get_user, ("req",))
    register("get_session", auth.get_session, ("req",))
    register("session_data", auth.session_data, ("req",))
    register("set_session", auth.set_session, ("req", "data"))
    register("logout_user", auth.logout, ("req",))
    register("handle_auth_logout", auth.logout, ("req",))
    register(
        "jwt_sign",
        lambda c, s, o=None: authlib.jwt_sign(c, s, o, auth.clock),
        ("claims", "secret", "options"),
    )
    register("jwt_verify", lambda t, s: authlib.jwt_verify(t, s, auth.clock), ("token", "secret"))
    register("jwt_decode", authlib.jwt_decode, ("token",))
    register("csrf_token", auth.csrf_token, ("req",))
    register("csrf_field", auth.csrf_field, ("req",))
    register("verify_csrf", auth.verify_csrf, ("req", "token"))
    register("agent_api_key_generate", auth.api_key_generate, ("agent_name", "ttl"))
    register("agent_api_key_verify", auth.api_key_verify, ("key",))
    register("agent_auth_context", auth.agent_auth_context, ("req", "agent"))
    register("handle_auth_start", auth.auth_start, ("req", "provider"))
    register("handle_auth_callback", auth.auth_callback, ("req", "provider"))
    return out


def program_dir(vm: Interpreter) -> str:
    root = vm.program.module.file
    return os.path.dirname(os.path.abspath(root)) if root else os.getcwd()
