"""`kv` handles (S§1.11): SQLite-backed JSON values with expiry; unqualified and `kv_` names."""

from __future__ import annotations


def run_ok(nexa, source: str, *options: str) -> str:
    outcome = nexa(source, *options)
    assert outcome.code == 0, outcome.err
    return outcome.out


def kv_program(body: str) -> str:
    return f'kv cache = open(":memory:")\nflow main {{\n{body}\n}}\n'


def test_get_and_set_keep_json_values_and_defaults(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    set(cache, "user:1", {name: "Ann", tags: ["a"]})
    print(get(cache, "user:1"), get(cache, "nope") == none, get(cache, "nope", "dflt"))"""
        ),
    )
    assert out == '{"name": "Ann", "tags": ["a"]} true dflt\n'


def test_typed_getters_and_incr(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    set(cache, "n", 41)
    print(get_str(cache, "n") + "!", get_int(cache, "n") + 1, incr(cache, "n"), incr(cache, "fresh", 5))
    print(get_int(cache, "absent"), get_str(cache, "absent") == "")"""
        ),
    )
    assert out == "41! 42 42 5\n0 true\n"


def test_incr_of_a_non_integer_is_e100(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    set(cache, "name", "Bo")
    try { incr(cache, "name") } catch (e) { print(e.code + " " + e.message) }"""
        ),
    )
    assert out == "E100 incr: the value of 'name' is not an integer: Bo\n"


def test_list_is_sorted_by_key_and_filtered_by_prefix(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    set(cache, "user:2", "Bo")
    set(cache, "user:1", "Ann")
    set(cache, "other", 1)
    print(list(cache, "user:"), list(cache), has(cache, "other"), has(cache, "zz"))"""
        ),
    )
    assert out == '["user:1", "user:2"] ["other", "user:1", "user:2"] true false\n'


def test_set_nx_stores_only_an_absent_key(nexa):
    out = run_ok(
        nexa,
        kv_program('    print(set_nx(cache, "lock", "w1"), set_nx(cache, "lock", "w2"), get(cache, "lock"))'),
    )
    assert out == "true false w1\n"


def test_expire_and_ttl(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    set(cache, "s", "v")
    print(ttl(cache, "s") == none, expire(cache, "s", 3600), ttl(cache, "s"), expire(cache, "zz", 5))
    set(cache, "short", "x", {ttl: 0.05})
    print(has(cache, "short"))
    sleep_ms(80)
    print(has(cache, "short"), get(cache, "short") == none, list(cache))"""
        ),
    )
    assert out == 'true true 3600 false\ntrue\nfalse true ["s"]\n'


def test_kv_prefixed_names_and_get_json(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    kv_set(cache, "raw", "{\\"a\\": 1}")
    print(kv_get_json(cache, "raw"), kv_has(cache, "raw"), kv_del(cache, "raw"), kv_del(cache, "raw"))
    kv_set(cache, "a", 1)
    print(kv_flush(cache), kv_list(cache))"""
        ),
    )
    assert out == '{"a": 1} true true false\ntrue []\n'


def test_agent_kv_functions(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    agent_kv_store(cache, "agent:Bot:likes", "green tea", {source: "chat"})
    set(cache, "agent:Other:x", "coffee")
    print(agent_kv_query(cache, "TEA biscuits"))
    print(get(cache, "_ctx:agent:Bot:likes"))
    print(agent_kv_context(cache, "Bot"))"""
        ),
    )
    assert out == (
        '[{"key": "agent:Bot:likes", "value": "green tea"}]\n'
        '{"source": "chat"}\n'
        '{"agent_name": "Bot", "keys": ["agent:Bot:likes"], "count": 1, '
        '"entries": {"agent:Bot:likes": "green tea"}}\n'
    )


def test_a_file_store_persists_between_runs(nexa, tmp_path):
    source = 'kv store = open("state.kv")\nflow main {\n    print(incr(store, "runs"))\n}\n'
    assert run_ok(nexa, source, "--allow-write", ".") == "1\n"
    assert run_ok(nexa, source, "--allow-write", ".") == "2\n"
    assert (tmp_path / "state.kv").is_file()
    denied = nexa(source)
    assert denied.code == 1
    assert "= code E402 (permission-denied)" in denied.err


def test_close_of_a_channel_still_closes_the_channel(nexa):
    out = run_ok(
        nexa,
        kv_program(
            """    ch = channel()
    print(close(ch[0]), close(cache))"""
        ),
    )
    assert out == "true true\n"


def test_the_corpus_kv_program_runs(nexa, corpus_dir):
    source = (corpus_dir / "v1.2/test_kv.nx").read_text(encoding="utf-8")
    source += '\nprint(user, visits, locked, exists, keys, remaining, has(myCache, "session:abc"))\n'
    outcome = nexa(source, name="test_kv.nx")
    assert outcome.code == 0, outcome.err
    assert outcome.out == 'Alice 1 true true ["user:123"] 3600 false\n'
