"""Where a provider id's requests go and with which key (stdlib §4.7).

Sources, in the spec's order: environment variables, `nexa.toml` (`[providers.<p>]`, `[llm]`, passed
in already parsed), the secrets file's flat entries (passed in as a mapping). Keys never leave this
module except inside the Endpoint, whose repr hides them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

BUILT_IN_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "deepseek": "https://api.deepseek.com/v1",
    "ollama": "http://127.0.0.1:11434/v1",
}


@dataclass(frozen=True)
class Endpoint:
    provider: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)

    @property
    def chat_url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    @property
    def is_loopback(self) -> bool:
        return is_loopback_url(self.base_url)


def variable_prefix(provider: str) -> str:
    """`P` of the spec's variable names: upper case, `-` as `_` (environment names have no `-`)."""
    return provider.upper().replace("-", "_")


def resolve_endpoint(
    provider: str,
    *,
    environ: Mapping[str, str],
    config: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> Endpoint | None:
    """The endpoint of `provider`, or None when no base URL is configured (E202 at first use)."""
    config = config or {}
    secrets = secrets if secrets is not None else {}
    p = variable_prefix(provider)
    section = _table(_table(config, "providers"), provider)
    llm = _table(config, "llm")

    if provider == "openai":
        base_candidates = [
            environ.get("NEXA_OPENAI_BASE_URL"),
            environ.get("OPENAI_BASE_URL"),
            section.get("base_url"),
            secrets.get("OPENAI_API_BASE"),
            secrets.get("BASE_URL"),
            environ.get("NEXA_LLM_BASE_URL"),
            llm.get("base_url"),
        ]
    else:
        base_candidates = [
            environ.get(f"NEXA_{p}_BASE_URL"),
            environ.get(f"{p}_BASE_URL"),
            section.get("base_url"),
            secrets.get(f"{p}_BASE_URL"),
            environ.get("NEXA_LLM_BASE_URL"),
            llm.get("base_url"),
        ]
    base_url = _first(*base_candidates, BUILT_IN_BASE_URLS.get(provider))
    if base_url is None:
        return None

    key_variable = section.get("api_key_env")
    api_key = _first(
        environ.get(f"NEXA_{p}_API_KEY"),
        environ.get(f"{p}_API_KEY"),
        environ.get(key_variable) if isinstance(key_variable, str) else None,
        secrets.get(f"{p}_API_KEY"),
        environ.get("NEXA_LLM_API_KEY"),
        secrets.get("API_KEY"),
    )
    return Endpoint(provider, base_url, api_key)


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _table(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    return value if isinstance(value, Mapping) else {}


def _first(*candidates: object) -> str | None:
    """The first non-empty string: an empty variable counts as unset."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None
