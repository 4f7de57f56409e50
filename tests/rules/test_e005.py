"""E005 invalid-model-identifier (diagnostics.md §4, S§4.2)."""


def test_e005_points_at_a_model_string_with_surrounding_space(found):
    text = 'agent Critic {\n    model: "deepseek/deepseek-chat ",\n    prompt: "p"\n}\n'
    assert found(text, "E005") == [
        ("E005", 2, 12, "invalid model identifier 'deepseek/deepseek-chat ': it has surrounding white space")
    ]


def test_e005_not_reported_for_a_valid_model_string(found):
    assert found('agent Critic { model: "deepseek/deepseek-chat", prompt: "p" }\n', "E005") == []


def test_e005_trim_fix_removes_the_space(fixed):
    text = 'agent C { model: " gpt-4o ", prompt: "p" }\n'
    assert fixed(text, "E005", unsafe=False) == 'agent C { model: "gpt-4o", prompt: "p" }\n'


def test_e005_upper_case_provider_is_lower_cased_by_a_safe_fix(found, fixed):
    text = 'agent C { model: "DeepSeek/deepseek-chat", prompt: "p" }\n'
    assert found(text, "E005") == [
        ("E005", 1, 18, "invalid model identifier 'DeepSeek/deepseek-chat': the provider must be lower case")
    ]
    assert fixed(text, "E005", unsafe=False) == 'agent C { model: "deepseek/deepseek-chat", prompt: "p" }\n'


def test_e005_unknown_provider_in_fallback_offers_the_closest_known_id(found, fixed):
    text = 'agent C { fallback: "opnai/gpt-4o-mini", prompt: "p" }\n'
    assert found(text, "E005") == [
        ("E005", 1, 21, "invalid model identifier 'opnai/gpt-4o-mini': unknown provider 'opnai'")
    ]
    assert fixed(text, "E005", unsafe=False) == text  # changing the provider is unsafe
    assert fixed(text, "E005") == 'agent C { fallback: "openai/gpt-4o-mini", prompt: "p" }\n'


def test_e005_checks_fallback_entries_of_a_model_list(found):
    text = 'agent C { model: ["gpt-4o", fallback: "openai/"], prompt: "p" }\n'
    assert found(text, "E005") == [
        ("E005", 1, 39, "invalid model identifier 'openai/': the model name after 'openai/' is missing")
    ]


def test_e005_reasons_for_empty_bad_character_and_bad_name(found):
    text = (
        'agent A { model: "", prompt: "p" }\nagent B { model: "gpt 4", prompt: "p" }\n'
        'agent C { model: "-x", prompt: "p" }\n'
    )
    assert [m for *_, m in found(text, "E005")] == [
        "invalid model identifier '': it is empty",
        "invalid model identifier 'gpt 4': ' ' is not allowed",
        "invalid model identifier '-x': "
        "the model name must start with a letter or digit and not end with '/' or ':'",
    ]


def test_e005_accepts_a_model_tag_and_a_colon_provider(found):
    text = 'agent A { model: "llama3:8b", fallback: ["openai:gpt-4o", "offline"], prompt: "p" }\n'
    assert found(text, "E005") == []


def test_e005_checks_the_model_argument_of_clone(found):
    text = 'agent A { prompt: "p" }\nflow main { b = A.clone("B", model = "nope/x") }\n'
    message = "invalid model identifier 'nope/x': unknown provider 'nope'"
    assert found(text, "E005") == [("E005", 2, 38, message)]
