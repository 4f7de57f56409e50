"""`db` handles (S§1.7, L§3.12, §7.11.3) under the offline provider; output asserted exactly."""

from __future__ import annotations

import re


def run_ok(nexa, source: str, *options: str) -> str:
    outcome = nexa(source, *options)
    assert outcome.code == 0, outcome.err
    return outcome.out


def test_query_execute_and_query_one_use_placeholders_and_return_rows_as_dicts(nexa):
    out = run_ok(
        nexa,
        """db app = connect("sqlite://:memory:")
flow main {
    execute(app, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)")
    n = execute(app, "INSERT INTO users (name, age) VALUES (?, ?), (?, ?)", ["Ann", 31, "Bo", 27])
    print("inserted " + n)
    print(query(app, "SELECT name, age FROM users ORDER BY age"))
    print(query_one(app, "SELECT name FROM users WHERE age > ?", [30]))
    print(query_one(app, "SELECT name FROM users WHERE age > ?", [99]) == none)
}
""",
    )
    assert out == (
        'inserted 2\n[{"name": "Bo", "age": 27}, {"name": "Ann", "age": 31}]\n{"name": "Ann"}\ntrue\n'
    )


def test_rollback_undoes_the_transaction_and_commit_keeps_it(nexa):
    out = run_ok(
        nexa,
        """db app = connect("sqlite://:memory:")
flow main {
    execute(app, "CREATE TABLE t (x INTEGER)")
    execute(app, "INSERT INTO t VALUES (1), (2)")
    begin(app)
    execute(app, "DELETE FROM t")
    rollback(app)
    print(len(query(app, "SELECT * FROM t")))
    begin(app)
    execute(app, "DELETE FROM t WHERE x = 1")
    commit(app)
    print(query(app, "SELECT x FROM t"))
}
""",
    )
    assert out == '2\n[{"x": 2}]\n'


def test_an_sql_error_is_a_catchable_tool_error_e104(nexa):
    out = run_ok(
        nexa,
        """db app = connect("sqlite://:memory:")
flow main {
    try { query(app, "SELECT * FROM missing") } catch (e) { print(e.kind + " " + e.code + " " + e.message) }
}
""",
    )
    assert out == "ToolError E104 query: no such table: missing\n"


def test_an_uncaught_sql_error_ends_the_run_with_a_located_report(nexa):
    outcome = nexa('db app = connect("sqlite://:memory:")\nflow main {\n    execute(app, "NOT SQL")\n}\n')
    assert outcome.code == 1
    assert outcome.err.startswith('Error: ToolError: execute: near "NOT": syntax error\n  --> main.nx:3:5\n')
    assert "= code E104 (tool-execution-failed)" in outcome.err


def test_close_returns_true_once_and_later_use_is_e104(nexa):
    out = run_ok(
        nexa,
        """db app = connect("sqlite://:memory:")
flow main {
    print(app, close(app), close(app))
    try { query(app, "SELECT 1") } catch (e) { print(e.code, e.message) }
}
""",
    )
    # the handle's text form is `<db #ID>` (L§7.1.3); ids count handles across the whole test process
    assert re.fullmatch(r"<db #\d+> true false\nE104 query: the database connection is closed\n", out), out


def test_a_sqlite_file_is_relative_to_the_program_directory_and_persists(nexa, tmp_path):
    source = """db app = connect("sqlite://data/app.db")
flow main {
    execute(app, "CREATE TABLE IF NOT EXISTS visits (n INTEGER)")
    execute(app, "INSERT INTO visits VALUES (1)")
    print(query_one(app, "SELECT count(*) AS c FROM visits").c)
}
"""
    (tmp_path / "data").mkdir()
    assert run_ok(nexa, source, "--allow-write", "data") == "1\n"
    assert run_ok(nexa, source, "--allow-write", "data") == "2\n"
    assert (tmp_path / "data" / "app.db").is_file()


def test_a_sqlite_file_outside_the_write_allow_list_is_e402(nexa, tmp_path):
    outcome = nexa('db app = connect("sqlite://app.db")\nflow main { print(1) }\n')
    assert outcome.code == 1
    assert outcome.err.startswith(
        f"Error: RuntimeError: connect denied: {tmp_path.resolve()}/app.db is outside the write allow-list; "
        "allow it with --allow-write or [sandbox] fs_write\n  --> main.nx:1:1\n  = code E402"
    )
    caught = run_ok(
        nexa,
        'flow main {\n    try { connect("sqlite://x.db") } catch (e) { print(e.kind, e.code) }\n}\n',
    )
    assert caught == "ToolError E402\n"


def test_a_sqlite_file_in_the_state_directory_needs_no_permission(nexa):
    source = 'db app = connect("sqlite://.nexa_cache/app.db")\n'
    source += 'flow main { print(execute(app, "CREATE TABLE t (x)")) }\n'
    assert run_ok(nexa, source) == "0\n"


def test_agent_memory_functions_store_query_list_and_delete(nexa):
    out = run_ok(
        nexa,
        """db app = connect("sqlite://:memory:")
flow main {
    agent_memory_store(app, "Writer", "tone", "dry")
    agent_memory_store(app, "Writer", "tone", "warm")
    agent_memory_store(app, "Writer", "length", "short")
    print(agent_memory_query(app, "Writer", "tone"), agent_memory_query(app, "Writer", "x") == none)
    items = agent_memory_list(app, "Writer")
    print(len(items), items[0].key, items[0].value)
    print(agent_memory_delete(app, "Writer", "tone"), agent_memory_delete(app, "Writer", "tone"))
}
""",
    )
    assert out == "warm true\n2 length short\ntrue false\n"


def test_memory_db_keeps_the_agent_history_in_the_database_across_runs(nexa, tmp_path):
    source = """db app = connect("sqlite://memory.db")
agent Echo { prompt: "Repeat.", memory = db(app) }
flow main(word) {
    Echo.run(word)
    row = query_one(app, "SELECT agent, key, instr(value, 'first') > 0 AS a, "
        + "instr(value, 'second') > 0 AS b FROM nexa_agent_memory")
    print(row.agent, row.key, row.a, row.b, agent_memory_list(app, "Echo"))
}
"""
    first = nexa(source, "--allow-write", ".", args=["first"])
    assert (first.code, first.out) == (0, "Echo _history 1 0 []\n"), first.err
    second = nexa(source, "--allow-write", ".", args=["second"])
    assert (second.code, second.out) == (0, "Echo _history 1 1 []\n"), second.err


def test_a_postgres_declaration_without_a_driver_is_e100_at_start(nexa):
    outcome = nexa('db pg = connect("postgres://u:p@localhost:5432/app")\nflow main { print("never") }\n')
    assert outcome.code == 1
    assert outcome.out == ""
    assert outcome.err.startswith("Error: RuntimeError: connect: PostgreSQL driver not available")
    assert "  --> main.nx:1:1\n" in outcome.err


def test_connect_in_code_with_postgres_is_a_catchable_e104(nexa):
    out = run_ok(
        nexa,
        """flow main {
    try { connect("postgres://localhost/app") } catch (e) { print(e.kind, e.code) }
}
""",
    )
    assert out == "ToolError E104\n"


def test_the_corpus_database_program_passes_its_test(nexa, corpus_dir):
    source = (corpus_dir / "v1.2/test_database.nx").read_text(encoding="utf-8")
    outcome = nexa(source, command="test", name="test_database.nx")
    assert outcome.code == 0, outcome.err
    assert outcome.out == "[PASS] database initialization and query\n1 passed, 0 failed\n"


def test_the_std_db_namespaces_reach_the_same_functions(nexa):
    out = run_ok(
        nexa,
        """flow main {
    d = std.db.sqlite.connect(":memory:")
    std.db.sqlite.execute(d, "CREATE TABLE t (x)")
    std.db.sqlite.execute(d, "INSERT INTO t VALUES (?)", [5])
    std.db.memory.store(d, "A", "k", "v")
    print(std.db.sqlite.query_one(d, "SELECT x FROM t").x, std.db.memory.query(d, "A", "k"))
}
""",
    )
    assert out == "5 v\n"
