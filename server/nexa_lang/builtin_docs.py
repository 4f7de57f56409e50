"""One-line meanings of the built-in functions, std functions and agent members (S§1, S§2), for
hover, completion and signature help.

The signatures themselves live in `nexa_lang.signatures` (parsed once from the spec's text); this
module only adds what a reader of a tooltip needs beside them: what the function does, in the
spec's words, shortened to one line. A name missing here simply shows its signature alone.
"""

from __future__ import annotations

from nexa_lang.signatures import Signature, parse_signature

# Prelude functions (S§1.1–1.11), by name.
PRELUDE_DOCS: dict[str, str] = {
    "print": "Writes the text forms separated by one space, then a newline, to stdout.",
    "input": "Writes `prompt` without a newline and reads one line; `none` at end of input.",
    "exit": "Ends the program at once with process status `code`; pending `defer`s do not run.",
    "str": "The text form of `x` (L§7.1.3).",
    "int": "Truncates floats toward zero; parses a decimal string; otherwise E100.",
    "float": "Parses decimal or scientific notation; otherwise E100.",
    "bool": "Truthiness of `x` (L§7.1.4).",
    "len": "Characters (code points), elements, or keys.",
    "abs": "Absolute value.",
    "min": "Smallest argument (a single list argument is searched instead).",
    "max": "Largest argument (a single list argument is searched instead).",
    "secret": 'Looks `name` up in the secrets file, then the environment; `""` when not found.',
    "img": "Reads an image file (relative to this file); passed to `Agent.run` it becomes an image part.",
    "join": "Groups agents: `join(A, B).run(x)` runs them concurrently on the same input.",
    "Some": "A present option value.",
    "Ok": "A success value.",
    "Err": "A failure value.",
    "channel": "A new unbounded channel: `let [tx, rx] = channel()`.",
    "send": "Enqueues a value; `false` if the channel is closed.",
    "recv": "Waits for the next value; `none` once the channel is closed and drained.",
    "recv_timeout": "Like `recv`, `none` after `ms` milliseconds.",
    "try_recv": "The next value if one is waiting, else `none`; never waits.",
    "close": "Closes a channel (or a database handle).",
    "select": "Waits for the first receiver with a value: `{status, channel, value}`.",
    "spawn": "Runs a zero-argument lambda, a flow or an agent on its own task.",
    "await_task": "Waits for a task; returns its value or re-raises its error.",
    "try_await": '`{status: "ok", value}` or `{status: "error", error}`; never waits.',
    "cancel_task": "Requests cancellation; `true` if the task had not finished.",
    "parallel": "Runs all lambdas concurrently; their values in list order.",
    "race": "The value of the first lambda to succeed; the others are cancelled.",
    "after": "Runs the lambda once after the delay.",
    "schedule": "Runs the lambda repeatedly, first after one interval.",
    "cancel_schedule": "Stops a timer; `true` if it was active.",
    "sleep_ms": "Waits `ms` milliseconds.",
    "thread_count": "Number of available CPU threads.",
    "parse_interval": 'Milliseconds for `500`, `"100ms"`, `"5s"`, `"1m"`, `"1h"`.',
    "connect": "Opens a database connection (`sqlite://…` or `postgres://…`).",
    "query": "Rows as maps column → value.",
    "query_one": "The first row or `none`.",
    "execute": "Runs a statement; the number of affected rows.",
    "begin": "Starts a transaction.",
    "commit": "Commits the transaction.",
    "rollback": "Rolls the transaction back.",
    "render": "Renders template text or a compiled template with `data`.",
    "compile_template": "Parses template text once for repeated `render`.",
    "render_file": "Reads a template file and renders it.",
    "agent_template_prompt": "Renders `text` with `agent_name`, `agent_desc`, `agent_tools`, `data` bound.",
    "agent_template_slot_fill": "Like `agent_template_prompt`; a slot from the first source map having it.",
    "agent_template_register": "Registers a named template for the agent: the partial `{{> name path}}`.",
    "agent_template_list": "The registered templates `{agent, name}`, of one agent or of all.",
    "text": "A `text/plain` response.",
    "html": "A `text/html` response.",
    "json": "A JSON response.",
    "redirect": "A redirect response (`Location` header).",
    "status": "A bare status response with an optional text body.",
    "open": "Opens or creates a key-value store.",
    "get": "The stored value or `default`.",
    "set": "Stores a value; `opts.ttl` = seconds until expiry.",
    "del": "Deletes a key; `true` if it existed.",
    "has": "Whether a key is present.",
    "incr": "Adds to an integer value and returns the new value.",
}

# std functions (S§2.1–2.10), by function name (unique across the namespaces that have docs).
STD_DOCS: dict[str, str] = {
    "file_read": "Reads a whole file (class fs-read).",
    "file_write": "Creates or replaces a file: `{path, chars}` (class fs-write).",
    "file_append": "Appends to a file, creating it if absent: `{path, chars}`.",
    "file_exists": "`{exists, path}`; true for files and directories.",
    "file_list": "Glob relative to `directory`: `{files, count}`.",
    "file_delete": "Deletes a file: `{deleted}`.",
    "http_get": "GET request; the response body (class net).",
    "http_post": "POST request: `{status, body}`.",
    "http_put": "PUT request: `{status, body}`.",
    "http_delete": "DELETE request: `{status, body}`.",
    "time_now": "The current local time, formatted.",
    "time_diff": "Difference of two ISO-8601 times: `{value, unit, days, seconds}`.",
    "time_format": "Reformats an ISO-8601 time.",
    "time_sleep": "Sleeps (at most 3600 s): `{sleep}`.",
    "time_timestamp": "Unix seconds: `{timestamp}`.",
    "json_parse": "Parses JSON text.",
    "json_get": 'The value at a dot-separated path (`"user.tags.0"`), or `none`.',
    "json_stringify": "JSON text of a value.",
    "text_split": "`{parts, count}`; `max_splits` ≤ 0 means unlimited.",
    "text_replace": "Replaces `old` by `new` (`count` ≤ 0 replaces all).",
    "text_upper": "Unicode upper case.",
    "text_lower": "Unicode lower case.",
    "hash_md5": "32 lower-case hex digits.",
    "hash_sha256": "64 lower-case hex digits.",
    "base64_encode": "Standard alphabet, padded.",
    "base64_decode": "Decodes base64 to UTF-8 text.",
    "math_calc": "Evaluates `+ - * / ( )` arithmetic: `{result, expression}`.",
    "math_random": "A random integer in `[min_val, max_val]`.",
    "regex_match": "All non-overlapping matches: `{matches, count}`.",
    "regex_replace": "Replaces matches; `\\1` and `\\g<name>` refer to groups.",
    "shell_exec": "Runs a command with `/bin/sh -c` (off unless `--allow-shell`).",
    "shell_which": "Searches `PATH`: `{command, path, found}`.",
    "ask_human": "Asks the terminal user; non-interactive runs return `default` at once.",
}

# What each std namespace offers (S§2 overview).
NAMESPACE_DOCS: dict[str, str] = {
    "fs": "files (fs-read / fs-write allow-lists)",
    "http": "HTTP client (net allow-list)",
    "time": "clock",
    "json": "JSON parsing and formatting",
    "text": "string helpers",
    "hash": "hashes and base64",
    "math": "arithmetic and random numbers",
    "regex": "regular expressions (Python `re` syntax)",
    "shell": "processes (off unless `--allow-shell`)",
    "ask_human": "human in the loop",
    "db": "databases: `std.db.sqlite`, `std.db.postgres`, `std.db.memory`",
    "db.sqlite": "SQLite databases",
    "db.postgres": "PostgreSQL databases",
    "db.memory": "agent memory stored in a database",
    "kv": "key-value stores",
    "concurrent": "structured concurrency",
    "auth": "authentication helpers",
    "template": "templates",
}


# Members every agent has (S§1.4), as signatures plus meaning.
AGENT_MEMBERS: dict[str, tuple[Signature, str]] = {
    "run": (
        parse_signature("run(*inputs: any) -> str | Record[P] | any"),
        "One model conversation turn: the inputs' text forms joined with one space; returns the "
        "reply, a record when the agent implements a protocol, or parsed JSON.",
    ),
    "run_result": (
        parse_signature("run_result(*inputs: any) -> Result[any, str]"),
        "Like `run`, but failures become `Err(message)` instead of raising.",
    ),
    "clone": (
        parse_signature("clone(new_name: str, *overrides: any) -> Agent"),
        "A new agent with this one's configuration (overridden by named properties) and a fresh history.",
    ),
}

# Fields of an error value, as bound by `catch (e)`, `catch_correction(e)` and `on_error(e)`:
# L§7.7.1 (`kind`, `message`, the ContractViolation and PropagatedError fields) and S§0.2.
ERROR_FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("str", "The error kind (L§7.7.1), e.g. `ToolError`, or the name of a user kind."),
    "message": ("str", "The error message; it is also the error's text form."),
    "code": ("str", 'The diagnostic code, e.g. `"E104"` (S§0.2).'),
    "file": ("str", "The file where the error was raised."),
    "line": ("int", "The line where the error was raised (1-based)."),
    "column": ("int", "The column where the error was raised (1-based)."),
    "detail": ("map", 'Code-specific data, e.g. `{tool: "file_read", path: "/etc/x"}`.'),
    "value": ("any", "The payload of the `Err(…)` or `Option::None` that `?` propagated (PropagatedError)."),
    "clause": ("str", "The contract clause that failed (ContractViolation)."),
    "clause_type": ("str", "`requires` or `ensures` (ContractViolation)."),
    "is_semantic": (
        "bool",
        "Whether the failed clause was judged by a model (ContractViolation).",
    ),
}

# Members of a declared tool and of a job (S§1.4, S§1.10).
TOOL_MEMBERS: dict[str, tuple[Signature, str]] = {
    "run": (parse_signature("run(*args: any) -> any"), "Calls the tool's implementation directly."),
}
JOB_MEMBERS: dict[str, tuple[Signature, str]] = {
    "enqueue": (
        parse_signature("enqueue(args: map, options: map = {}) -> str"),
        "Queues a run of `perform`; returns the job id.",
    ),
    "enqueue_in": (
        parse_signature("enqueue_in(delay_seconds: number, args: map, options: map = {}) -> str"),
        "Runs no earlier than the delay.",
    ),
    "enqueue_at": (
        parse_signature("enqueue_at(unix_time: number, args: map, options: map = {}) -> str"),
        "Runs no earlier than the time.",
    ),
}


def signature_text(signature: Signature, prefix: str = "") -> str:
    """`prefix` + `name(p: T, q: U = …) -> R`, the way the spec writes signatures."""
    parts = []
    for param in signature.params:
        text = ("*" if param.variadic else "") + param.name
        if param.type:
            text += f": {param.type}"
        if param.has_default:
            text += " = …"
        parts.append(text)
    return f"{prefix}{signature.name}({', '.join(parts)}) -> {signature.returns}"
