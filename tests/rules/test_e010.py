"""E010 invalid-property-value (diagnostics.md §4, S§3, S§5.2)."""

AGENT = 'agent S {{\n    prompt: "Summarize in one line.",\n    {line}\n}}\n'


def agent_with(line: str) -> str:
    return AGENT.format(line=line)


def test_e010_string_timeout_points_at_the_value(found):
    assert found(agent_with('timeout: "forever"'), "E010") == [
        ("E010", 3, 14, "invalid value for 'timeout': expected a number of seconds > 0, found a string")
    ]


def test_e010_not_reported_for_a_numeric_timeout(found):
    assert found(agent_with("timeout: 120"), "E010") == []


def test_e010_enum_word_outside_the_enum_offers_the_closest_word(found, fixed):
    text = agent_with('tool_call_strategy: "autto"')
    assert found(text, "E010") == [
        (
            "E010",
            3,
            25,
            'invalid value for \'tool_call_strategy\': expected one of "auto", "required", "none", '
            'found "autto"',
        )
    ]
    assert fixed(text, "E010") == agent_with('tool_call_strategy: "auto"')


def test_e010_no_fix_when_no_enum_word_is_close(diagnostics):
    [diagnostic] = diagnostics(agent_with('tool_call_strategy: "sometimes"'), "E010")
    assert diagnostic.fixes == ()


def test_e010_bare_enum_words_are_accepted_and_fixed_bare(found, fixed):
    assert found(agent_with("memory: persistent"), "E010") == []
    assert fixed(agent_with("memory: persistant"), "E010") == agent_with("memory: persistent")


def test_e010_number_outside_its_range(found):
    assert [m for *_, m in found(agent_with("temperature: 3, retry: 0, max_tokens: 12.5"), "E010")] == [
        "invalid value for 'temperature': expected a number from 0 to 2, found 3",
        "invalid value for 'retry': expected an integer from 1 to 100, found 0",
        "invalid value for 'max_tokens': expected an integer from 1 to 1000000, found 12.5",
    ]


def test_e010_wrong_types_for_boolean_and_model(found):
    assert [m for *_, m in found(agent_with('stream: "yes", model: 42'), "E010")] == [
        "invalid value for 'stream': expected true or false, found a string",
        "invalid value for 'model': expected a model identifier string or a list of them, found 42",
    ]


def test_e010_quoted_boolean_and_integer_are_not_errors(found):
    assert found(agent_with('stream: "TRUE", max_history_turns: "2"'), "E010") == []


def test_e010_non_literal_prompt(found):
    text = "agent S { prompt: make_prompt() }\n"
    assert found(text, "E010") == [
        ("E010", 1, 19, "invalid value for 'prompt': expected a string, found a call")
    ]


def test_e010_allowed_non_literal_forms_are_not_reported(found):
    text = (
        'db store = connect("sqlite://:memory:")\n'
        'agent S { prompt: "p", memory = db(store), tools = [query, execute], input_type: list[str] }\n'
    )
    assert found(text, "E010") == []


def test_e010_memory_db_of_something_that_is_not_a_db_handle(found):
    text = 'agent S { prompt: "p", memory = db(store) }\n'
    assert found(text, "E010") == [
        (
            "E010",
            1,
            36,
            "invalid value for 'memory': expected db(h) with a declared db handle h, found 'store'",
        )
    ]


def test_e010_unknown_decorator(found):
    text = '@cache(size=2)\nagent S { prompt: "p" }\n'
    assert found(text, "E010") == [
        ("E010", 1, 2, "unknown decorator '@cache'; expected one of @limit, @timeout, @retry, @temperature")
    ]


def test_e010_unknown_decorator_parameter_is_fixed_to_the_documented_name(found, fixed):
    text = '@retry(times=2)\nagent S { prompt: "p" }\n'
    assert found(text, "E010") == [
        (
            "E010",
            1,
            8,
            "invalid value for '@retry': expected parameter 'max_attempts' or 'count', found 'times'",
        )
    ]
    assert fixed(text, "E010") == '@retry(max_attempts=2)\nagent S { prompt: "p" }\n'


def test_e010_decorator_value_out_of_range(found):
    assert found('@temperature(value=2.5)\nagent S { prompt: "p" }\n', "E010") == [
        ("E010", 1, 20, "invalid value for 'value': expected a number from 0 to 2, found 2.5")
    ]


def test_e010_decorators_with_good_values_are_not_reported(found):
    text = '@retry(count=2)\n@limit(max_tokens=100)\n@timeout(seconds=1.5)\nagent S { prompt: "p" }\n'
    assert found(text, "E010") == []


def test_e010_output_schema_with_text_output_format(found):
    text = 'agent S { prompt: "p", output_schema: {"a": "string"}, output_format: "text" }\n'
    assert found(text, "E010") == [("E010", 1, 71, "'output_format' cannot be combined with 'output_schema'")]
    assert found(text.replace('"text"', '"json"'), "E010") == []


def test_e010_tool_mixing_mcp_with_parameters(found):
    text = 'tool t { mcp: "https://x.org/mcp", parameters: {"a": "string"} }\n'
    assert found(text, "E010") == [("E010", 1, 48, "'parameters' cannot be combined with 'mcp'")]
    assert found('tool t { wasm: "t.wasm", description: "d", parameters: {"a": "string"} }\n', "E010") == []


def test_e010_wasm_tool_with_network_and_a_limit_out_of_range(found):
    text = 'tool t { wasm: "t.wasm", description: "d", network: true, max_memory_pages: 70000 }\n'
    assert [m for *_, m in found(text, "E010")] == [
        "invalid value for 'network': expected false (WASI offers no sockets), found true",
        "invalid value for 'max_memory_pages': expected an integer from 1 to 65536, found 70000",
    ]


def test_e010_tool_config_job_option_and_harness_parameters(found):
    text = (
        '@tool("d", risk_level: "extreme") fn f(x: int) { return x }\n'
        'job J on "q" (priority: urgent) { perform(x) { } }\n'
        "flow main { autoloop(max_steps: 0) { print(1) } }\n"
    )
    assert found(text, "E010") == [
        (
            "E010",
            1,
            24,
            'invalid value for \'risk_level\': expected one of "low", "medium", "high", "critical", '
            'found "extreme"',
        ),
        (
            "E010",
            2,
            25,
            'invalid value for \'priority\': expected one of "low", "normal", "high", "critical", '
            "found urgent",
        ),
        ("E010", 3, 33, "invalid value for 'max_steps': expected an integer from 1 to 100000, found 0"),
    ]


def test_e010_empty_mcp_uses_item(found):
    assert found('agent S uses mcp:"" { prompt: "p" }\n', "E010") == [
        ("E010", 1, 14, "invalid value for 'mcp': expected a non-empty string, found an empty string")
    ]


def test_e010_fallback_entry_outside_a_model_list(found):
    text = 'flow main { xs = ["a", fallback: "b"] }\n'
    assert found(text, "E010") == [
        (
            "E010",
            1,
            24,
            "invalid value for 'fallback': expected an element of an agent's 'model' or 'fallback' list, "
            "found a 'fallback:' entry",
        )
    ]
    assert found('agent S { prompt: "p", model: ["a", fallback: "b"] }\n', "E010") == []


def test_e010_context_policy_entries(found):
    text = 'agent S { prompt: "p", context_policy: {max_tokens: 0, strategy: "summarize"} }\n'
    assert found(text, "E010") == [
        ("E010", 1, 53, "invalid value for 'max_tokens': expected an integer >= 1, found 0")
    ]


def test_e010_a_template_string_is_not_a_string_literal_and_is_named_so(found):
    # S§3's str accepts "…", '…', """…""" and r"…"; a template renders at run time.
    text = 'agent T {\n    prompt: template"""Hi {{ name }}"""\n}\n'
    assert found(text, "E010") == [
        ("E010", 2, 13, "invalid value for 'prompt': expected a string, found a template string")
    ]
    assert found('agent T {\n    prompt: """Hi {{ name }}"""\n}\n', "E010") == []
