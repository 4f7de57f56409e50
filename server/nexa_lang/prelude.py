"""Names predefined in every program (spec L§6.5, S§1) and the `std` namespaces (L§6.6, S§2).

Only names here; signatures and documentation for completion and hover live beside them as they are
added. A program's own declarations and variables shadow every prelude name.
"""

CORE_FUNCTIONS = frozenset(
    "print input exit str int float bool len abs min max secret img join Some Ok Err old "
    "json html text redirect status".split()
)
PREDEFINED_VALUES = frozenset("std secrets runtime JobQueue Option Result".split())
CONCURRENCY_FUNCTIONS = frozenset(
    "channel send recv recv_timeout try_recv close select spawn await_task try_await cancel_task "
    "parallel race after schedule cancel_schedule sleep_ms thread_count parse_interval".split()
)
SERVICE_FUNCTIONS = frozenset(
    # database
    "db query query_one execute begin commit rollback close connect "
    "agent_memory_store agent_memory_query agent_memory_list agent_memory_delete "
    # key-value (also with a kv_ prefix, see is_prelude_name)
    "open get get_int get_str get_json set set_nx del has list expire ttl flush incr "
    "agent_kv_query agent_kv_store agent_kv_context "
    # auth and HTTP
    "enable_auth get_user get_session logout_user require_auth oauth jwt_sign jwt_verify jwt_decode "
    "csrf_token csrf_field verify_csrf agent_api_key_generate agent_api_key_verify agent_auth_context "
    "handle_auth_start handle_auth_callback handle_auth_logout session_data set_session "
    "parse_form parse_json_body "
    # templates
    "render render_file compile_template agent_template_prompt agent_template_slot_fill "
    "agent_template_register agent_template_list".split()
)
KV_FUNCTIONS = frozenset("get get_int get_str get_json set set_nx del has list expire ttl flush incr".split())

PRELUDE_NAMES: frozenset[str] = CORE_FUNCTIONS | PREDEFINED_VALUES | CONCURRENCY_FUNCTIONS | SERVICE_FUNCTIONS

# std namespaces and their functions (S§2). Empty tuples: accepted namespaces that offer nothing.
STD_NAMESPACES: dict[str, tuple[str, ...]] = {
    "fs": ("file_read", "file_write", "file_append", "file_exists", "file_list", "file_delete"),
    "http": ("http_get", "http_post", "http_put", "http_delete"),
    "time": ("time_now", "time_diff", "time_format", "time_sleep", "time_timestamp"),
    "json": ("json_parse", "json_get", "json_stringify"),
    "text": ("text_split", "text_replace", "text_upper", "text_lower"),
    "hash": ("hash_md5", "hash_sha256", "base64_encode", "base64_decode"),
    "math": ("math_calc", "math_random"),
    "regex": ("regex_match", "regex_replace"),
    "shell": ("shell_exec", "shell_which"),
    "ask_human": ("ask_human",),
    "db.sqlite": ("connect", "query", "query_one", "execute", "close", "begin", "commit", "rollback"),
    "db.postgres": ("connect", "query", "query_one", "execute", "close", "begin", "commit", "rollback"),
    "db.memory": ("query", "store", "delete", "list"),
    "kv": tuple(sorted(KV_FUNCTIONS | {"open", "agent_kv_query", "agent_kv_store", "agent_kv_context"})),
    "concurrent": tuple(sorted(CONCURRENCY_FUNCTIONS)),  # S§2.11: all of S§1.6, spawn included
    "auth": (
        "enable_auth",
        "get_user",
        "get_session",
        "logout_user",
        "require_auth",
        "oauth",
        "jwt_sign",
        "jwt_verify",
        "jwt_decode",
        "csrf_token",
        "csrf_field",
        "verify_csrf",
        "session_data",
        "set_session",
        "agent_api_key_generate",
        "agent_api_key_verify",
        "agent_auth_context",
        "handle_auth_start",
        "handle_auth_callback",
        "handle_auth_logout",
    ),
    "template": (
        "render",
        "render_file",
        "compile_template",
        "agent_template_prompt",
        "agent_template_slot_fill",
        "agent_template_register",
        "agent_template_list",
    ),
    "pipe": (),
    "defer": (),
    "null_coalesce": (),
    "string": (),
    "match": (),
    "struct": (),
    "enum": (),
    "trait": (),
}


# Aliases of S§2.12: namespace → {short name: canonical name}.
DEPRECATED_STD_NAMES: dict[str, dict[str, str]] = {
    "fs": {
        "read": "file_read",
        "write": "file_write",
        "append": "file_append",
        "exists": "file_exists",
        "list": "file_list",
        "delete": "file_delete",
    },
    "http": {"get": "http_get", "post": "http_post", "put": "http_put", "delete": "http_delete"},
    "time": {
        "now": "time_now",
        "diff": "time_diff",
        "format": "time_format",
        "sleep": "time_sleep",
        "timestamp": "time_timestamp",
    },
    "json": {"parse": "json_parse", "get": "json_get", "stringify": "json_stringify"},
    "text": {"split": "text_split", "replace": "text_replace", "upper": "text_upper", "lower": "text_lower"},
    "hash": {"md5": "hash_md5", "sha256": "hash_sha256"},
    "math": {"calc": "math_calc", "random": "math_random"},
    "regex": {"match": "regex_match", "replace": "regex_replace"},
    "shell": {"execute": "shell_exec", "exec": "shell_exec", "which": "shell_which"},
}


def is_prelude_name(name: str) -> bool:
    if name in PRELUDE_NAMES:
        return True
    return name.startswith("kv_") and name[3:] in KV_FUNCTIONS
