"""Audit 5 (static E-codes): each test pins a disagreement with diagnostics.md / nexa-language.md that
was fixed, next to a near miss that must not change."""

from collections.abc import Callable

Found = Callable[..., list[tuple[str, int, int, str]]]


def test_e001_not_reported_for_globals_bound_in_top_level_blocks_loops_matches_catches_forks(
    found: Found,
) -> None:
    # L§6.1: for/for each variables, match bindings, catch variables and fork branch names are
    # globals at top level, and blocks open no scope (L§6.2), so a flow may read all of them
    text = (
        'agent Bot { prompt: "Answer." }\n'
        "if (true) { in_block = 1 }\n"
        "for each item in [1, 2] { last_item = item }\n"
        "for (k, v) in [[1, 2]] { print(k) }\n"
        "match [1, 2] { [m1, m2] => print(m1) }\n"
        'try { raise Oops("x") } catch (top_err) { print(top_err) }\n'
        'best = fork [b1 = Bot.run("a"), b2 = Bot.run("b")] merge first\n'
        "flow main {\n"
        "    print(in_block, item, last_item, k, v, m1, m2, top_err, b1, b2, best)\n"
        "}\n"
    )
    assert found(text, "E001") == []


def test_e001_still_reported_for_a_name_bound_only_in_another_flow(found: Found) -> None:
    text = (
        "flow other() { for each item in [1] { seen = item } }\n"
        "flow main {\n"
        "    other()\n"
        "    print(seen)\n"
        "}\n"
    )
    assert found(text, "E001") == [("E001", 4, 11, "undeclared name 'seen'")]


def test_e303_not_reported_for_std_kv_and_std_auth_functions_of_their_tables(found: Found) -> None:
    # S§2.11: std.kv holds every function of S§1.11 (agent_kv_*, and the kv_ names too) and
    # std.auth every auth function of S§1.8; the VM runs all of these
    text = (
        'kv cache = open(":memory:")\n'
        'agent Keeper uses std.kv.agent_kv_query, std.auth.agent_auth_context { prompt: "Keep." }\n'
        "flow main {\n"
        '    print(std.kv.agent_kv_store(cache, "agent:A:k", "v"), std.kv.agent_kv_context(cache, "A"))\n'
        '    print(std.kv.kv_get(cache, "k"), std.kv.kv_set(cache, "k", 1))\n'
        '    print(std.auth.agent_api_key_generate("A"), std.auth.session_data(none))\n'
        "    print(std.auth.set_session(none, {}))\n"
        '    print(std.auth.handle_auth_start(none, "google"), std.auth.handle_auth_logout(none))\n'
        "}\n"
    )
    assert found(text, "E303") == []


def test_e303_still_reported_for_unknown_kv_and_auth_names(found: Found) -> None:
    text = (
        'kv cache = open(":memory:")\n'
        "flow main {\n"
        '    print(std.kv.kv_nope(cache), std.kv.kv_agent_kv_query(cache, "q"), std.auth.json({}))\n'
        "}\n"
    )
    assert found(text, "E303") == [
        ("E303", 3, 18, "'std.kv' has no function 'kv_nope'"),
        ("E303", 3, 41, "'std.kv' has no function 'kv_agent_kv_query'"),
        ("E303", 3, 81, "'std.auth' has no function 'json'"),
    ]


RECORDS = (
    "protocol Quote { price: float, currency: str }\n"
    'agent Pricer implements Quote { prompt: "Quote a price." }\n'
)


def test_e002_does_not_type_an_implementing_agents_reply_outside_field_access(found: Found) -> None:
    # diagnostics.md §2.5: the protocol of `A.run(…)` is certain "for field access and G004 only"
    text = RECORDS + (
        'flow label() -> str { return Pricer.run("two tickets") }\n'
        "flow main {\n"
        '    let text: str = Pricer("one ticket")\n'
        '    q = Pricer.run("two tickets")\n'
        '    print(text, label(), q * 2, Pricer.run("x") + 1, q < 3)\n'
        "}\n"
    )
    assert found(text, "E002") == []


def test_e002_still_reports_a_missing_field_of_an_implementing_agents_reply(found: Found) -> None:
    text = RECORDS + (
        "flow main {\n"
        '    q = Pricer.run("two tickets")\n'
        '    print(q.cost, Pricer.run("x").price * 2)\n'
        '    let n: int = "many"\n'
        "}\n"
    )
    assert found(text, "E002") == [
        ("E002", 5, 13, "'Quote' has no field 'cost'"),
        ("E002", 6, 18, "type mismatch: expected int, found str"),
    ]


def test_e004_reports_a_repeated_job_handler_parameter(found: Found) -> None:
    # diagnostics.md E004 case 2: "a parameter" repeats inside one declaration; perform and
    # on_failure take parameters like a flow (L§3.10)
    text = (
        'job Resize on "media" {\n'
        "    perform(image_id, image_id) { print(image_id) }\n"
        "    on_failure(err, err) { print(err) }\n"
        "}\n"
    )
    assert found(text, "E004") == [
        ("E004", 2, 23, "duplicate declaration of 'image_id'; first declared at line 2"),
        ("E004", 3, 21, "duplicate declaration of 'err'; first declared at line 3"),
    ]


def test_e004_not_reported_for_the_same_name_in_perform_and_on_failure(found: Found) -> None:
    text = (
        'job Resize on "media" {\n'
        "    perform(image_id, width) { print(image_id, width) }\n"
        "    on_failure(image_id, attempt) { print(image_id, attempt) }\n"
        "}\n"
    )
    assert found(text, "E004") == []
