"""Choosing the provider, the default model and the judge model of a run (stdlib §4.3, §4.4),
and putting the run's provider together (`--record` and `--replay` wrap it, §4.6).

`config` is the parsed `nexa.toml` (or `[tool.nexa]`) as a mapping; `model_names` is the secrets
file's `default` block `MODEL_NAME` entry (`{"strong": …, "weak": …}`), when there is one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .backoff import Sleep
from .base import Provider
from .errors import ProviderError
from .models import Implementation, ModelIdError, parse_model_id
from .routing import ModelRouter

IMPLEMENTATIONS: tuple[Implementation, ...] = ("offline", "openai")
DEFAULT_MODEL_OF: dict[Implementation, str] = {"offline": "offline", "openai": "gpt-4o-mini"}


def choose_implementation(
    cli_value: str | None, *, environ: Mapping[str, str], config: Mapping[str, Any]
) -> Implementation:
    """`--provider` > `NEXA_PROVIDER` > `[llm] provider` > `offline`; any other value is E202."""
    candidates = [
        ("--provider", cli_value),
        ("NEXA_PROVIDER", environ.get("NEXA_PROVIDER")),
        ("llm.provider", _section(config, "llm").get("provider")),
    ]
    for key, value in candidates:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = value.strip() if isinstance(value, str) else value
        for implementation in IMPLEMENTATIONS:
            if text == implementation:
                return implementation
        raise ProviderError.invalid_config(key, f"{text!r} is not one of 'offline', 'openai'")
    return "offline"


def choose_default_model(
    selected: Implementation,
    *,
    cli_model: str | None,
    environ: Mapping[str, str],
    config: Mapping[str, Any],
    model_names: Mapping[str, Any] | None = None,
) -> str:
    """`--model` > `NEXA_DEFAULT_MODEL` > `[agent] default_model` > `MODEL_NAME.strong` > built-in."""
    if cli_model is not None:
        check_model_option("--model", cli_model, config)
        return cli_model
    return (
        _first_model(
            environ.get("NEXA_DEFAULT_MODEL"),
            _section(config, "agent").get("default_model"),
            (model_names or {}).get("strong"),
        )
        or DEFAULT_MODEL_OF[selected]
    )


def choose_judge_model(
    default_model: str,
    *,
    environ: Mapping[str, str],
    config: Mapping[str, Any],
    model_names: Mapping[str, Any] | None = None,
) -> str:
    """`NEXA_JUDGE_MODEL` > `[llm] judge_model` > `MODEL_NAME.weak` > the default model."""
    return (
        _first_model(
            environ.get("NEXA_JUDGE_MODEL"),
            _section(config, "llm").get("judge_model"),
            (model_names or {}).get("weak"),
        )
        or default_model
    )


def check_model_option(key: str, model: str, config: Mapping[str, Any]) -> None:
    """An invalid `--model` is E202 with the reason E005 would give."""
    try:
        parse_model_id(model, tuple(_section(config, "providers")))
    except ModelIdError as error:
        raise ProviderError.invalid_config(key, error.reason) from None


def open_provider(
    selected: Implementation,
    *,
    default_model: str,
    environ: Mapping[str, str],
    config: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
    record: Path | None = None,
    replay: Path | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Provider:
    """The provider a run uses: the router, recorded to `record`, or a replay of `replay`."""
    if record is not None and replay is not None:
        raise ProviderError.invalid_config("--replay", "cannot be combined with --record")
    if replay is not None:
        from .cassette import ReplayingProvider  # cassettes only for --record/--replay (start-up time)

        return ReplayingProvider(replay)
    router = ModelRouter(
        selected,
        default_model=default_model,
        environ=environ,
        config=config,
        secrets=secrets,
        sleep=sleep,
    )
    if record is None:
        return router
    from .cassette import RecordingProvider

    return RecordingProvider(router, record)


def _section(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = config.get(name)
    return value if isinstance(value, Mapping) else {}


def _first_model(*candidates: object) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None
