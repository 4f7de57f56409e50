"""E303 std-function-not-found: literal std paths that name no namespace or function."""


def test_e303_unknown_namespace_in_uses(found) -> None:
    text = 'agent Browser uses std.web { prompt: "Fetch pages." }\n'
    assert found(text, "E303") == [("E303", 1, 24, "unknown std namespace 'std.web'")]


def test_e303_not_reported_for_known_namespaces_functions_and_strings(found) -> None:
    text = 'agent B uses std.http, std.fs.file_read, "std.time", std.db.sqlite { prompt: "x" }\n'
    assert found(text, "E303") == []


def test_e303_unknown_function_in_a_call(found) -> None:
    text = 'flow main { print(std.json.parse_js("{}")) }\n'
    assert found(text, "E303") == [("E303", 1, 28, "'std.json' has no function 'parse_js'")]


def test_e303_suggests_the_same_words_in_another_order_and_fixes_it(found, fixed) -> None:
    # diagnostics.md E303's own example: edit distance misses the swap, the word order check finds it.
    text = 'flow main { print(std.json.parse_json("{}")) }\n'
    assert found(text, "E303") == [
        ("E303", 1, 28, "'std.json' has no function 'parse_json'; did you mean 'json_parse'?")
    ]
    assert fixed(text, "E303") == 'flow main { print(std.json.json_parse("{}")) }\n'


def test_e303_word_order_needs_exactly_the_same_words(found) -> None:
    # Near misses: an extra or a missing word is no reordering, and one word has no order.
    assert found('flow main { std.json.parse_json_now("{}") }\n', "E303") == [
        ("E303", 1, 22, "'std.json' has no function 'parse_json_now'")
    ]
    assert found('flow main { std.json.parsejson("{}") }\n', "E303") == [
        ("E303", 1, 22, "'std.json' has no function 'parsejson'")
    ]


def test_e303_suggests_the_closest_function_and_fixes_it(found, fixed) -> None:
    text = 'flow main { print(std.fs.file_raed("a.txt")) }\n'
    assert found(text, "E303") == [
        ("E303", 1, 26, "'std.fs' has no function 'file_raed'; did you mean 'file_read'?")
    ]
    assert fixed(text, "E303") == text.replace("file_raed", "file_read")


def test_e303_deprecated_short_names_are_w003_not_e303(found) -> None:
    assert found("flow main { print(std.time.now()) }\n", "E303") == []


def test_e303_calls_through_internal_namespaces(found) -> None:
    assert found("flow main { std.pipe.run(1) }\n", "E303") == [
        ("E303", 1, 22, "'std.pipe' has no function 'run'")
    ]


def test_e303_import_of_an_unknown_namespace_and_string_item(found) -> None:
    text = 'import std.os\nagent A uses "std.httpx" { prompt: "x" }\n'
    assert found(text, "E303") == [
        ("E303", 1, 12, "unknown std namespace 'std.os'; did you mean 'fs'?"),
        ("E303", 2, 19, "unknown std namespace 'std.httpx'; did you mean 'http'?"),
    ]


def test_e303_std_concurrent_holds_every_function_of_s1_6_spawn_included(found) -> None:
    # S§2.11: std.concurrent.channel() ≡ channel(), for all of S§1.6.
    text = (
        "flow main {\n    t = std.concurrent.spawn(fn() { return 1 })\n"
        "    print(std.concurrent.await_task(t))\n"
    )
    assert found(text + "}\n", "E303") == []
    # Near miss: a name S§1.6 does not have.
    assert found(text + "    std.concurrent.spawn_all()\n}\n", "E303") == [
        ("E303", 4, 20, "'std.concurrent' has no function 'spawn_all'")
    ]
