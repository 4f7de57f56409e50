"""Model identifiers (stdlib §4.2) and which provider serves each one (stdlib §4.3).

`parse_model_id` gives the reasons of E005 word for word, so the VM can report a bad `--model` (E202)
or a bad computed model string with the same words the checker uses for literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

Implementation = Literal["offline", "openai"]

KNOWN_PROVIDERS = frozenset(
    {
        "openai", "anthropic", "deepseek", "minimax", "zhipu", "moonshot", "qwen", "mistral",
        "groq", "together", "openrouter", "ollama", "vllm", "lmstudio", "local", "offline",
    }
)  # fmt: skip

_ALLOWED_CHARACTER = re.compile(r"[A-Za-z0-9._\-:/@+]")
_PROVIDER_FORM = re.compile(r"[a-z][a-z0-9_-]*")


class ModelIdError(ValueError):
    """A string that breaks a rule of stdlib §4.2; `reason` is E005's reason text."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid model identifier '{text}': {reason}")
        self.text = text
        self.reason = reason


class ModelId(NamedTuple):
    text: str  # as written
    provider: str | None  # None: no provider part (`"llama3:8b"`, `"gpt-4o"`)
    name: str  # the model name sent to the server

    @property
    def is_offline(self) -> bool:
        return self.provider == "offline"


def parse_model_id(text: str, declared_providers: Iterable[str] = ()) -> ModelId:
    """Split and validate `text` as stdlib §4.2 says; raise ModelIdError with E005's reason."""
    if text == "":
        raise ModelIdError(text, "it is empty")
    if text != text.strip():
        raise ModelIdError(text, "it has surrounding white space")
    for character in text:
        if not _ALLOWED_CHARACTER.fullmatch(character):
            raise ModelIdError(text, f"'{character}' is not allowed")
    if text == "offline":
        return ModelId(text, "offline", "default")

    provider, separator, name = _split_provider(text)
    if provider is None:
        _check_name(text, text)
        return ModelId(text, None, text)
    if provider != provider.lower() and _PROVIDER_FORM.fullmatch(provider.lower()):
        raise ModelIdError(text, "the provider must be lower case")
    known = KNOWN_PROVIDERS.union(declared_providers)
    if not _PROVIDER_FORM.fullmatch(provider) or provider not in known:
        raise ModelIdError(text, f"unknown provider '{provider}'")
    if name == "":
        raise ModelIdError(text, f"the model name after '{provider}{separator}' is missing")
    _check_name(text, name)
    return ModelId(text, provider, name)


def _split_provider(text: str) -> tuple[str | None, str, str]:
    if "/" in text:
        provider, _, name = text.partition("/")
        return provider, "/", name
    before, _, after = text.partition(":")
    # Only a known id turns `x:` into a provider prefix: `"llama3:8b"` is a model name with a tag.
    # Compared lower-cased so that `"OpenAI:gpt-4o"` gets the lower-casing reason, not silence.
    if ":" in text and before.lower() in KNOWN_PROVIDERS:
        return before, ":", after
    return None, "", text


def _check_name(text: str, name: str) -> None:
    if not name[0].isalnum() or name.endswith(("/", ":")):
        raise ModelIdError(
            text, "the model name must start with a letter or digit and not end with '/' or ':'"
        )


class Route(NamedTuple):
    """Where one request goes: the implementation, the endpoint's provider id, the wire name."""

    implementation: Implementation
    endpoint: str  # provider id whose endpoint settings are used (stdlib §4.7); "offline" for offline
    model: str  # the model name sent on the wire


def route_model(model_id: ModelId, selected: Implementation) -> Route:
    """The table of stdlib §4.3: `offline` models stay offline; the rest follow the selection."""
    if selected == "offline" or model_id.is_offline:
        return Route("offline", "offline", model_id.name)
    return Route("openai", model_id.provider or "openai", model_id.name)
