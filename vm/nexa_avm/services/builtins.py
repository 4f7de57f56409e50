"""The service built-ins (L§6.5.4, S§1.7, §1.8, §1.11) as prelude entries.

Names shared with other built-ins (`close`, `list`, `get`, `set`, `del`, `has`, `open`) dispatch on
the first argument (S-2): a kv or db handle selects the service function, anything else goes to the
built-in the name had before (or is an error when it had none)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import runtime_error
from ..values import Namespace, to_text

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .runtime import ServiceRuntime

Fn = Callable[..., Any]


class _Lazy:
    """A function of a service module, imported at the first call: every run registers these
    built-ins, few programs call them (sqlite3, email, hmac… stay unimported)."""

    __slots__ = ("module", "name", "fn")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self.fn: Fn | None = None

    def __call__(self, *args: Any) -> Any:
        if self.fn is None:
            self.fn = getattr(import_module(f"{__package__}.{self.module}"), self.name)
        return self.fn(*args)


def _instance_of(module: str, name: str) -> Callable[[Any], bool]:
    """isinstance against a class of a service module without importing it: nothing is an
    instance of a class whose module was never imported."""

    def test(value: Any) -> bool:
        loaded = sys.modules.get(f"{__package__}.{module}")
        return loaded is not None and isinstance(value, getattr(loaded, name))

    return test


def _kv(name: str) -> Fn:
    return _Lazy("kvstore", name)


def _db(name: str) -> Fn:
    return _Lazy("databases", name)


def _response(name: str) -> Fn:
    return _Lazy("responses", name)


def _auth(name: str) -> Fn:
    return _Lazy("auth", name)


is_kv_handle = _instance_of("kvstore", "KvHandle")
is_db_handle = _instance_of("databases", "DbHandle")

KV_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "get": (_kv("kv_get"), ("kv", "key", "default")),
    "get_int": (_kv("kv_get_int"), ("kv", "key", "default")),
    "get_str": (_kv("kv_get_str"), ("kv", "key", "default")),
    "get_json": (_kv("kv_get_json"), ("kv", "key")),
    "set": (_kv("kv_set"), ("kv", "key", "value", "opts")),
    "set_nx": (_kv("kv_set_nx"), ("kv", "key", "value", "opts")),
    "del": (_kv("kv_del"), ("kv", "key")),
    "has": (_kv("kv_has"), ("kv", "key")),
    "list": (_kv("kv_list"), ("kv", "prefix")),
    "expire": (_kv("kv_expire"), ("kv", "key", "ttl_seconds")),
    "ttl": (_kv("kv_ttl"), ("kv", "key")),
    "flush": (_kv("kv_flush"), ("kv",)),
    "incr": (_kv("kv_incr"), ("kv", "key", "amount")),
}

_transaction = _db("transaction")

DB_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "query": (_db("query"), ("db", "sql", "params")),
    "query_one": (_db("query_one"), ("db", "sql", "params")),
    "execute": (_db("execute"), ("db", "sql", "params")),
    "begin": (lambda db: _transaction(db, "BEGIN"), ("db",)),
    "commit": (lambda db: _transaction(db, "COMMIT"), ("db",)),
    "rollback": (lambda db: _transaction(db, "ROLLBACK"), ("db",)),
    "agent_memory_query": (_db("memory_query"), ("db", "agent", "key")),
    "agent_memory_store": (_db("memory_store"), ("db", "agent", "key", "value")),
    "agent_memory_delete": (_db("memory_delete"), ("db", "agent", "key")),
    "agent_memory_list": (_db("memory_list"), ("db", "agent")),
}

RESPONSE_FUNCTIONS: dict[str, tuple[Fn, tuple[str, ...]]] = {
    "text": (_response("text"), ("content", "status")),
    "html": (_response("html"), ("content", "status")),
    "json": (_response("json"), ("data", "status")),
    "redirect": (_response("redirect"), ("url", "status")),
    "status": (_response("status"), ("code", "body")),
    "parse_form": (_response("parse_form"), ("req",)),
    "parse_json_body": (_response("parse_json_body"), ("req",)),
}

JOB_QUEUE_METHODS = ("status", "cancel", "retry", "list_jobs", "clear_completed", "stats")


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

    def shared(name: str, fn: Fn, params: tuple[str, ...], handle: Callable[[Any], bool]) -> None:
        """A name that also belongs to another built-in: dispatch on the first argument."""
        before = previous.get(name)

        def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
            first = args[0] if args else kwargs.get(params[0])
            if handle(first) or before is None:
                return fn(*bind(name, params, args, kwargs))
            return before.fn(args, kwargs, frame)

        out[name] = Builtin(name, call)

    base_dir = services.base_dir
    for name, (fn, params) in KV_FUNCTIONS.items():
        register("kv_" + name, fn, params)
        if name in ("get", "set", "del", "has", "list"):
            shared(name, fn, params, is_kv_handle)
        else:
            register(name, fn, params)

    def open_store(path: Any = ":memory:") -> Any:
        from .kvstore import open_store

        return open_store(to_text(path), base_dir, check=services.file_check("open", declared=False))

    register("kv_open", open_store, ("path",))
    shared("open", open_store, ("path",), lambda first: isinstance(first, str))
    register("kv_close", _kv("kv_close"), ("kv",))
    for name, fn_params in (
        ("agent_kv_query", (_kv("agent_kv_query"), ("kv", "query"))),
        ("agent_kv_store", (_kv("agent_kv_store"), ("kv", "key", "value", "context"))),
        ("agent_kv_context", (_kv("agent_kv_context"), ("kv", "agent"))),
    ):
        register(name, *fn_params)

    for name, (fn, params) in DB_FUNCTIONS.items():
        register(name, fn, params)

    def connect(url: Any) -> Any:
        from .databases import connect

        check = services.file_check("connect", declared=False)
        return connect(to_text(url, reveal=True), base_dir, check=check)

    register("connect", connect, ("url",))

    def memory_backend(handle: Any) -> Any:
        if not is_db_handle(handle):
            raise runtime_error("db() needs a db handle (memory = db(h))")
        from .databases import MemoryBackend

        return MemoryBackend(handle)

    register("db", memory_backend, ("h",))

    close_before = previous.get("close")

    def close(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
        first = args[0] if args else None
        if is_db_handle(first):
            return _db("close")(first)
        if is_kv_handle(first):
            return _kv("kv_close")(first)
        if close_before is None:
            raise runtime_error("close() needs a db or kv handle")
        return close_before.fn(args, kwargs, frame)

    out["close"] = Builtin("close", close)

    for name, (fn, params) in RESPONSE_FUNCTIONS.items():
        register(name, fn, params)

    def auth(method: str) -> Fn:  # a method of the run's AuthService (made at the first call)
        return lambda *args: getattr(services.auth, method)(*args)

    jwt_sign, jwt_verify = _auth("jwt_sign"), _auth("jwt_verify")
    register("enable_auth", auth("enable"), ("providers", "options"))
    register("oauth", _auth("oauth"), ("name", "client_id", "client_secret", "opts"))
    register("get_user", auth("get_user"), ("req",))
    register("require_auth", auth("get_user"), ("req",))
    register("get_session", auth("get_session"), ("req",))
    register("session_data", auth("session_data"), ("req",))
    register("set_session", auth("set_session"), ("req", "data"))
    register("logout_user", auth("logout"), ("req",))
    register("handle_auth_logout", auth("logout"), ("req",))
    register(
        "jwt_sign",
        lambda c, s, o=None: jwt_sign(c, s, o, services.auth.clock),
        ("claims", "secret", "options"),
    )
    register("jwt_verify", lambda t, s: jwt_verify(t, s, services.auth.clock), ("token", "secret"))
    register("jwt_decode", _auth("jwt_decode"), ("token",))
    register("csrf_token", auth("csrf_token"), ("req",))
    register("csrf_field", auth("csrf_field"), ("req",))
    register("verify_csrf", auth("verify_csrf"), ("req", "token"))
    register("agent_api_key_generate", auth("api_key_generate"), ("agent_name", "ttl"))
    register("agent_api_key_verify", auth("api_key_verify"), ("key",))
    register("agent_auth_context", auth("agent_auth_context"), ("req", "agent"))
    register("handle_auth_start", auth("auth_start"), ("req", "provider"))
    register("handle_auth_callback", auth("auth_callback"), ("req", "provider"))
    return out


def job_queue_value(services: ServiceRuntime) -> Namespace:
    """`JobQueue.status(id)` …: the run's job queue, made at the first call (jobs.py)."""
    from ..interpreter import Builtin

    def method(name: str) -> Any:
        def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
            return getattr(services.jobs, name)(*args, *kwargs.values())  # as jobs._positional

        return Builtin(f"JobQueue.{name}", call)

    return Namespace("JobQueue", {name: method(name) for name in JOB_QUEUE_METHODS})


def program_dir(vm: Interpreter) -> str:
    root = vm.program.module.file
    return os.path.dirname(os.path.abspath(root)) if root else os.getcwd()
