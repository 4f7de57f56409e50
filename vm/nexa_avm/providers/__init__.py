"""LLM providers of the Agent VM behind one interface (stdlib §4).

`offline` (the default, deterministic, no network) and `openai` (any OpenAI-compatible endpoint),
routed by model string, optionally recorded to or replayed from a cassette. The interpreter builds
one with `open_provider(...)` and calls `complete`, `stream`, `check`, `classify` and `summarize`.
"""

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
