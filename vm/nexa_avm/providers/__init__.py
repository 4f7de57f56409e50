"""LLM providers of the Agent VM behind one interface (stdlib §4).

`offline` (the default, deterministic, no network) and `openai` (any OpenAI-compatible endpoint),
routed by model string, optionally recorded to or replayed from a cassette. The interpreter builds
one with `open_provider(...)` and calls `complete`, `stream`, `check`, `classify` and `summarize`.
"""

from typing import TYPE_CHECKING, Any

# Names are imported from their modules on first use (PEP 562), so that a run with the offline
# provider never loads the HTTP provider, ssl or the cassette code (start-up time, bench/vm.py).
_MODULES = {
    "Provider": "base",
    "ReplyStream": "base",
    "RecordingProvider": "cassette",
    "ReplayingProvider": "cassette",
    "ProviderError": "errors",
    "Choice": "judge",
    "Classification": "judge",
    "ConditionCheck": "judge",
    "Judgement": "judge",
    "JudgePurpose": "judge",
    "Label": "judge",
    "SummaryRequest": "judge",
    "similarity": "keyterms",
    "ImagePart": "messages",
    "Message": "messages",
    "ModelRequest": "messages",
    "Reply": "messages",
    "ResponseFormat": "messages",
    "RetryPolicy": "messages",
    "TextPart": "messages",
    "ToolCall": "messages",
    "ToolSpec": "messages",
    "Usage": "messages",
    "ModelId": "models",
    "ModelIdError": "models",
    "parse_model_id": "models",
    "OfflineProvider": "offline",
    "OpenAIProvider": "openai",
    "ModelRouter": "routing",
    "choose_default_model": "selection",
    "choose_implementation": "selection",
    "choose_judge_model": "selection",
    "open_provider": "selection",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .base import Provider, ReplyStream
    from .cassette import RecordingProvider, ReplayingProvider
    from .errors import ProviderError
    from .judge import (
        Choice,
        Classification,
        ConditionCheck,
        Judgement,
        JudgePurpose,
        Label,
        SummaryRequest,
    )
    from .keyterms import similarity
    from .messages import (
        ImagePart,
        Message,
        ModelRequest,
        Reply,
        ResponseFormat,
        RetryPolicy,
        TextPart,
        ToolCall,
        ToolSpec,
        Usage,
    )
    from .models import ModelId, ModelIdError, parse_model_id
    from .offline import OfflineProvider
    from .openai import OpenAIProvider
    from .routing import ModelRouter
    from .selection import (
        choose_default_model,
        choose_implementation,
        choose_judge_model,
        open_provider,
    )

__all__ = [
    "Choice",
    "Classification",
    "ConditionCheck",
    "ImagePart",
    "Judgement",
    "JudgePurpose",
    "Label",
    "Message",
    "ModelId",
    "ModelIdError",
    "ModelRequest",
    "ModelRouter",
    "OfflineProvider",
    "OpenAIProvider",
    "Provider",
    "ProviderError",
    "RecordingProvider",
    "ReplayingProvider",
    "Reply",
    "ReplyStream",
    "ResponseFormat",
    "RetryPolicy",
    "SummaryRequest",
    "TextPart",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "choose_default_model",
    "choose_implementation",
    "choose_judge_model",
    "open_provider",
    "parse_model_id",
    "similarity",
]
