"""The pure and clock namespaces of `std` called from code (S§2.3–2.8, §1.9), offline provider."""

from __future__ import annotations


def run_main(nexa, body: str, *options: str) -> str:
    outcome = nexa(f"flow main {{\n{body}\n}}\n", *options)
    assert outcome.code == 0, outcome.err
    return outcome.out


def test_json_functions(nexa):
    body = """
    print(std.json.json_parse("{\\"a\\": [1, 2.5, null]}"))
    print(std.json.json_get("{\\"user\\": {\\"tags\\": [\\"x\\", \\"y\\"]}}", "user.tags.1"))
    print(std.json.json_get("{\\"a\\": 1}", "b.c"))
    print(std.json.json_stringify({"k": [1, "中"]}, 0))
    """
    assert run_main(nexa, body) == '{"a": [1, 2.5, null]}\ny\n\n{"k": [1, "中"]}\n'


def test_json_parse_of_invalid_text_is_e302_with_the_position(nexa):
    body = """
    try { std.json.json_parse("{oops") } catch (e) { print(e.code, e.kind, e.detail.line, e.detail.column) }
    """
    assert run_main(nexa, body) == "E302 ToolError 1 2\n"


def test_text_functions(nexa):
    body = """
    print(std.text.text_split("a,b,c", ",", 1))
    print(std.text.text_replace("aaa", "a", "b", 2), std.text.text_upper("straße"), std.text.text_lower("ÀB"))
    """
    assert run_main(nexa, body) == '{"parts": ["a", "b,c"], "count": 2}\nbba STRASSE àb\n'


def test_hash_functions(nexa):
    body = """
    print(std.hash.hash_md5("abc"))
    print(std.hash.hash_sha256(""))
    print(std.hash.base64_encode("你好"), std.hash.base64_decode("5L2g5aW9"))
    """
    assert run_main(nexa, body) == (
        "900150983cd24fb0d6963f7d28e17f72\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "5L2g5aW9 你好\n"
    )


def test_math_calc_uses_its_own_parser(nexa):
    body = """
    print(std.math.math_calc("2 * (3 + 4) - -1"))
    print(std.math.math_calc("7 / 2").result)
    try { std.math.math_calc("__import__('os')") } catch (e) { print(e.code, e.message) }
    try { std.math.math_calc("1/0") } catch (e) { print(e.code, e.message) }
    """
    assert run_main(nexa, body) == (
        '{"result": 15, "expression": "2 * (3 + 4) - -1"}\n'
        "3.5\n"
        "E302 invalid arguments for 'std.math.math_calc': "
        "only digits, + - * / . ( ) and spaces are accepted\n"
        "E302 invalid arguments for 'std.math.math_calc': division by zero\n"
    )


def test_math_random_is_seeded_by_seed(nexa):
    body = "print(std.math.math_random(1, 1000), std.math.math_random(5, 5))"
    first = run_main(nexa, body, "--seed", "7")
    assert first == run_main(nexa, body, "--seed", "7")
    assert first.split()[1] == "5"


def test_regex_functions(nexa):
    body = r"""
    print(std.regex.regex_match("\\d+", "a1 b22 c333"))
    print(std.regex.regex_match("(\\w)=(\\d)", "a=1, b=2").matches)
    print(std.regex.regex_match("HELLO", "hello Hello", "i").count)
    print(std.regex.regex_replace("(\\w+)@(\\w+)", "\\2 at \\1", "me@home"))
    try { std.regex.regex_match("x", "y", "q") } catch (e) { print(e.code) }
    bad = "(" + ""
    try { std.regex.regex_match(bad, "y") } catch (e) { print(e.code) }
    """
    assert run_main(nexa, body) == (
        '{"matches": ["1", "22", "333"], "count": 3}\n[["a", "1"], ["b", "2"]]\n2\nhome at me\nE302\nE302\n'
    )


def test_time_functions(nexa):
    body = """
    print(std.time.time_diff("2024-01-01T00:00:00", "2024-01-02T12:00:00", "hours"))
    print(std.time.time_format("2024-03-05T07:08:09", "%d/%m/%Y %H-%M-%S"))
    print(std.time.time_sleep(0.01))
    print(len(std.time.time_now("%Y")), std.time.time_timestamp().timestamp > 1700000000)
    try { std.time.time_diff("yesterday", "2024-01-01") } catch (e) { print(e.code, e.message) }
    """
    assert run_main(nexa, body) == (
        '{"value": 36, "unit": "hours", "days": 1, "seconds": 129600.0}\n'
        "05/03/2024 07-08-09\n"
        '{"sleep": 0.01}\n'
        "4 true\n"
        "E302 invalid arguments for 'std.time.time_diff': 'start' is not an ISO-8601 time: 'yesterday'\n"
    )


def test_template_namespace(nexa):
    body = """
    print(std.template.render("Hi {{ name | upper }}{{#if vip}}!{{/if}}", {"name": "lin", "vip": true}))
    """
    assert run_main(nexa, body) == "Hi LIN!\n"


def test_deprecated_short_names_reach_the_canonical_function(nexa):
    outcome = nexa('flow main { print(std.text.upper("x"), std.hash.md5("")) }\n')
    assert outcome.out == "X d41d8cd98f00b204e9800998ecf8427e\n"


def test_arguments_are_bound_by_name_and_validated(nexa):
    body = """
    print(std.text.text_replace(text="a-b", old="-", new="+"))
    upper = std.text.text_upper
    three = int("3")
    try { upper(three) } catch (e) { print(e.code, e.message) }
    try { upper() } catch (e) { print(e.code, e.message) }
    try { upper("a", nope="b") } catch (e) { print(e.code, e.message) }
    """
    assert run_main(nexa, body) == (
        "a+b\n"
        "E302 invalid arguments for 'std.text.text_upper': 'text' must be a string, found an integer\n"
        "E302 invalid arguments for 'std.text.text_upper': missing 'text'\n"
        "E302 invalid arguments for 'std.text.text_upper': unknown argument 'nope'\n"
    )


def test_unknown_std_names_are_e303_at_run_time():
    from nexa_avm.errors import NexaError
    from nexa_avm.stdlib import _namespace_value

    for path, member in (("os", None), ("pipe", "anything"), ("fs", "raed")):
        try:
            namespace = _namespace_value(None, path)  # type: ignore[arg-type]
            namespace.members["__getattr__"](member)
        except NexaError as error:
            assert (error.code, error.kind) == ("E303", "ToolError")
            full = f"std.{path}" if path == "os" else f"std.{path}.{member}"
            assert error.message == f"unknown std function or namespace '{full}'"
        else:
            raise AssertionError(path)


def test_concurrent_namespace_holds_the_prelude_functions(nexa):
    body = """
    let [tx, rx] = std.concurrent.channel()
    send(tx, 5)
    print(std.concurrent.recv(rx))
    """
    assert run_main(nexa, body) == "5\n"
