"""Model identifiers: the format of S§4.2 and the known provider ids of S§4.3.

`check_model_id` returns E005's reason for a bad string (word for word) or None, and
`model_id_fix` the repaired text the safe fixes write (trimmed, provider lower-cased).
Completion reads `KNOWN_PROVIDERS`, `KNOWN_MODEL_NAMES` and `usual_provider`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KNOWN_PROVIDERS: tuple[str, ...] = (
    "openai", "anthropic", "deepseek", "minimax", "zhipu", "moonshot", "qwen", "mistral",
    "groq", "together", "openrouter", "ollama", "vllm", "lmstudio", "local", "offline",
)  # fmt: skip

# Names seen in upstream's corpus and docs (S§4.1): for completion only, not a closed list.
KNOWN_MODEL_NAMES: tuple[str, ...] = (
    "gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo", "claude-3-opus",
    "claude-3-sonnet", "claude-3-haiku", "claude-3.5-sonnet", "claude-sonnet-4-20250514",
    "claude-haiku-4-20250514", "deepseek-chat", "deepseek-v3", "minimax-m2.5", "glm-5", "llama-2",
    "mistral",
)  # fmt: skip

# Which provider serves a known name (S§4.1: upstream's router and docs), by the name's start.
_USUAL_PROVIDERS: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"), ("claude-", "anthropic"), ("deepseek-", "deepseek"), ("minimax-", "minimax"),
    ("glm-", "zhipu"), ("llama", "ollama"), ("mistral", "mistral"),
)  # fmt: skip


def usual_provider(name: str) -> str | None:
    """The provider that usually serves the known model `name` (its own models), or None."""
    return next((provider for start, provider in _USUAL_PROVIDERS if name.startswith(start)), None)


_ALLOWED = re.compile(r"[A-Za-z0-9._\-:/@+]")
_PROVIDER = re.compile(r"[a-z][a-z0-9_-]*")


@dataclass(frozen=True)
class ModelIdProblem:
    reason: str  # E005's `{reason}`
    kind: str  # empty | space | char | case | provider | missing-name | name
    provider: str = ""
    provider_start: int = 0  # character offsets of the provider part in the text
    provider_end: int = 0


def split_provider(text: str) -> tuple[str | None, str, str]:
    """(provider, separator, name) by step 3 of S§4.2; provider None when there is none."""
    if "/" in text:
        provider, _, name = text.partition("/")
        return provider, "/", name
    before, _, after = text.partition(":")
    if ":" in text and before.lower() in KNOWN_PROVIDERS:
        return before, ":", after
    return None, "", text


def check_model_id(text: str, declared_providers: Iterable[str] = ()) -> ModelIdProblem | None:
    """The first rule of S§4.2 that `text` breaks, or None when it is a valid identifier."""
    if text == "":
        return ModelIdProblem("it is empty", "empty")
    if text != text.strip():
        return ModelIdProblem("it has surrounding white space", "space")
    for character in text:
        if not _ALLOWED.fullmatch(character):
            return ModelIdProblem(f"'{character}' is not allowed", "char")
    if text == "offline":
        return None
    provider, separator, name = split_provider(text)
    if provider is not None:
        span = (0, len(provider))
        if provider != provider.lower() and _PROVIDER.fullmatch(provider.lower()):
            return ModelIdProblem("the provider must be lower case", "case", provider, *span)
        if not _PROVIDER.fullmatch(provider) or provider not in {*KNOWN_PROVIDERS, *declared_providers}:
            return ModelIdProblem(f"unknown provider '{provider}'", "provider", provider, *span)
        if name == "":
            return ModelIdProblem(
                f"the model name after '{provider}{separator}' is missing", "missing-name", provider, *span
            )
    if not name[0].isalnum() or name.endswith(("/", ":")):
        return ModelIdProblem(
            "the model name must start with a letter or digit and not end with '/' or ':'", "name"
        )
    return None
