"""Model identifiers (stdlib §4.2), routing (§4.3), default and judge models (§4.4), endpoints (§4.7)."""

from __future__ import annotations

import pytest

from nexa_avm.providers import (
    ModelIdError,
    ProviderError,
    choose_default_model,
    choose_implementation,
    choose_judge_model,
    parse_model_id,
)
from nexa_avm.providers.endpoints import resolve_endpoint
from nexa_avm.providers.models import Route, route_model

# ---- 4.2 ----


@pytest.mark.parametrize(
    ("text", "provider", "name"),
    [
        ("gpt-4o", None, "gpt-4o"),
        ("openai:gpt-4o", "openai", "gpt-4o"),
        ("openai/gpt-4o", "openai", "gpt-4o"),
        ("deepseek/deepseek-chat", "deepseek", "deepseek-chat"),
        ("llama3:8b", None, "llama3:8b"),
        ("openrouter/meta-llama/llama-3-70b", "openrouter", "meta-llama/llama-3-70b"),
        ("offline", "offline", "default"),
        ("offline/timeout", "offline", "timeout"),
        ("glm-5", None, "glm-5"),
        ("dummy_model", None, "dummy_model"),
        ("claude-3.5-sonnet", None, "claude-3.5-sonnet"),
    ],
)
def test_valid_identifiers_split_into_provider_and_name(text: str, provider: str | None, name: str) -> None:
    model_id = parse_model_id(text)
    assert (model_id.provider, model_id.name) == (provider, name)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        (" gpt-4o", "it has surrounding white space"),
        ("gpt 4o", "' ' is not allowed"),
        ("gpt-4o!", "'!' is not allowed"),
        ("DeepSeek/deepseek-chat", "the provider must be lower case"),
        ("OpenAI:gpt-4o", "the provider must be lower case"),
        ("opnai/gpt-4o-mini", "unknown provider 'opnai'"),
        ("/gpt-4o", "unknown provider ''"),
        ("openai/", "the model name after 'openai/' is missing"),
        ("openai/-x", "the model name must start with a letter or digit and not end with '/' or ':'"),
        ("llama3:", "the model name must start with a letter or digit and not end with '/' or ':'"),
        ("openrouter/meta/", "the model name must start with a letter or digit and not end with '/' or ':'"),
    ],
)
def test_invalid_identifiers_give_the_e005_reason(text: str, reason: str) -> None:
    with pytest.raises(ModelIdError) as caught:
        parse_model_id(text)
    assert caught.value.reason == reason
    assert str(caught.value) == f"invalid model identifier '{text}': {reason}"


def test_a_provider_declared_in_the_configuration_is_accepted() -> None:
    assert parse_model_id("labbox/qwen2-7b", declared_providers=["labbox"]).provider == "labbox"


def test_a_colon_prefix_that_is_not_a_known_provider_stays_in_the_name() -> None:
    assert parse_model_id("labbox:qwen2", declared_providers=["labbox"]).provider is None


# ---- 4.3 ----


@pytest.mark.parametrize(
    ("text", "offline_route", "openai_route"),
    [
        ("offline", Route("offline", "offline", "default"), Route("offline", "offline", "default")),
        ("offline/x", Route("offline", "offline", "x"), Route("offline", "offline", "x")),
        ("gpt-4o", Route("offline", "offline", "gpt-4o"), Route("openai", "openai", "gpt-4o")),
        ("openai:gpt-4o", Route("offline", "offline", "gpt-4o"), Route("openai", "openai", "gpt-4o")),
        (
            "deepseek/deepseek-chat",
            Route("offline", "offline", "deepseek-chat"),
            Route("openai", "deepseek", "deepseek-chat"),
        ),
    ],
)
def test_routes_follow_the_table_of_4_3(text: str, offline_route: Route, openai_route: Route) -> None:
    model_id = parse_model_id(text)
    assert route_model(model_id, "offline") == offline_route
    assert route_model(model_id, "openai") == openai_route


# ---- selection of the provider and of the models ----


def test_provider_selection_order_is_flag_then_environment_then_config() -> None:
    config = {"llm": {"provider": "openai"}}
    assert choose_implementation(None, environ={}, config={}) == "offline"
    assert choose_implementation(None, environ={}, config=config) == "openai"
    assert choose_implementation(None, environ={"NEXA_PROVIDER": "offline"}, config=config) == "offline"
    assert choose_implementation("openai", environ={"NEXA_PROVIDER": "offline"}, config={}) == "openai"


def test_an_unknown_provider_selection_is_e202() -> None:
    with pytest.raises(ProviderError) as caught:
        choose_implementation(None, environ={}, config={"llm": {"provider": "anthropic-native"}})
    assert caught.value.code == "E202"
    assert caught.value.message.startswith("invalid configuration value for 'llm.provider'")


def test_default_model_order() -> None:
    names = {"strong": "glm-5", "weak": "glm-4-flash"}
    config = {"agent": {"default_model": "deepseek/deepseek-chat"}}
    env = {"NEXA_DEFAULT_MODEL": "openai/gpt-4o"}
    assert choose_default_model("offline", cli_model=None, environ={}, config={}) == "offline"
    assert choose_default_model("openai", cli_model=None, environ={}, config={}) == "gpt-4o-mini"
    assert choose_default_model("openai", cli_model=None, environ={}, config={}, model_names=names) == "glm-5"
    assert (
        choose_default_model("openai", cli_model=None, environ={}, config=config, model_names=names)
        == "deepseek/deepseek-chat"
    )
    assert choose_default_model("openai", cli_model=None, environ=env, config=config) == "openai/gpt-4o"
    assert choose_default_model("openai", cli_model="m1", environ=env, config=config) == "m1"


def test_an_invalid_model_option_is_e202() -> None:
    with pytest.raises(ProviderError) as caught:
        choose_default_model("openai", cli_model="opnai/x", environ={}, config={})
    assert caught.value.code == "E202"
    assert caught.value.message == "invalid configuration value for '--model': unknown provider 'opnai'"


def test_judge_model_order() -> None:
    names = {"weak": "glm-4-flash"}
    assert choose_judge_model("gpt-4o", environ={}, config={}) == "gpt-4o"
    assert choose_judge_model("gpt-4o", environ={}, config={}, model_names=names) == "glm-4-flash"
    config = {"llm": {"judge_model": "gpt-4o-mini"}}
    assert choose_judge_model("gpt-4o", environ={}, config=config, model_names=names) == "gpt-4o-mini"
    env = {"NEXA_JUDGE_MODEL": "offline"}
    assert choose_judge_model("gpt-4o", environ=env, config=config) == "offline"


# ---- 4.7 ----


def test_openai_base_url_order() -> None:
    secrets = {"OPENAI_API_BASE": "http://s1/v1"}
    config = {"providers": {"openai": {"base_url": "http://c/v1"}}}

    def base(environ: dict[str, str], **kw: object) -> str:
        endpoint = resolve_endpoint("openai", environ=environ, **kw)  # type: ignore[arg-type]
        assert endpoint is not None
        return endpoint.base_url

    assert base({}) == "https://api.openai.com/v1"
    assert base({"NEXA_LLM_BASE_URL": "http://llm/v1"}) == "http://llm/v1"
    assert base({"NEXA_LLM_BASE_URL": "http://llm/v1"}, secrets=secrets) == "http://s1/v1"
    assert base({}, secrets=secrets, config=config) == "http://c/v1"
    assert base({"OPENAI_BASE_URL": "http://e/v1"}, config=config) == "http://e/v1"
    assert base({"OPENAI_BASE_URL": "http://e/v1", "NEXA_OPENAI_BASE_URL": "http://n/v1"}) == "http://n/v1"


def test_other_providers_have_built_in_urls_only_for_deepseek_and_ollama() -> None:
    assert resolve_endpoint("deepseek", environ={}).base_url == "https://api.deepseek.com/v1"  # type: ignore[union-attr]
    assert resolve_endpoint("ollama", environ={}).base_url == "http://127.0.0.1:11434/v1"  # type: ignore[union-attr]
    assert resolve_endpoint("anthropic", environ={}) is None
    assert resolve_endpoint("anthropic", environ={"NEXA_LLM_BASE_URL": "http://x/v1"}) is not None


def test_declared_provider_uses_its_config_section() -> None:
    config = {"providers": {"labbox": {"base_url": "http://10.0.0.5:8000/v1"}}}
    endpoint = resolve_endpoint("labbox", environ={}, config=config)
    assert endpoint is not None and endpoint.base_url == "http://10.0.0.5:8000/v1"


def test_api_key_order() -> None:
    config = {"providers": {"deepseek": {"api_key_env": "MY_DS_KEY"}}}

    def key(environ: dict[str, str], secrets: dict[str, str] | None = None) -> str | None:
        endpoint = resolve_endpoint("deepseek", environ=environ, config=config, secrets=secrets)
        assert endpoint is not None
        return endpoint.api_key

    assert key({}) is None
    assert key({}, {"API_KEY": "k6"}) == "k6"
    assert key({"NEXA_LLM_API_KEY": "k5"}, {"API_KEY": "k6"}) == "k5"
    assert key({"NEXA_LLM_API_KEY": "k5"}, {"DEEPSEEK_API_KEY": "k4"}) == "k4"
    assert key({"MY_DS_KEY": "k3"}, {"DEEPSEEK_API_KEY": "k4"}) == "k3"
    assert key({"MY_DS_KEY": "k3", "DEEPSEEK_API_KEY": "k2"}) == "k2"
    assert key({"NEXA_DEEPSEEK_API_KEY": "k1", "DEEPSEEK_API_KEY": "k2"}) == "k1"


def test_an_empty_variable_counts_as_unset() -> None:
    endpoint = resolve_endpoint("openai", environ={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": " "})
    assert endpoint is not None
    assert (endpoint.base_url, endpoint.api_key) == ("https://api.openai.com/v1", None)


def test_the_key_does_not_appear_in_the_endpoint_repr() -> None:
    endpoint = resolve_endpoint("openai", environ={"OPENAI_API_KEY": "sk-secret-123"})
    assert "sk-secret-123" not in repr(endpoint)
