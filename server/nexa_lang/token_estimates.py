"""Token estimates of agent requests and the context windows of known models.

Tokens are estimated the way the VM budgets a context (diagnostics.md E403, L§7.10.2): 4 characters
per token, rounded up, and 1,000 per image. The estimate is the same for every model: it is a
budget, not a tokenizer (for Chinese text real tokenizers spend about one token per character, so
the estimate is low there; it still orders calls correctly and matches what E403 counts).

`CONTEXT_WINDOWS` gives the context window in tokens of the model names that `model_ids` knows
(S§4.1). Where the numbers come from: the providers' published model documentation —
OpenAI's model pages (gpt-4: 8,192; gpt-3.5-turbo: 16,385; gpt-4-turbo, gpt-4o, gpt-4o-mini:
128,000), Anthropic's models overview (every Claude 3, 3.5 and 4 model: 200,000), DeepSeek's API
documentation at the V3 release (deepseek-chat: 64K = 65,536; the open DeepSeek-V3 model card:
128K = 131,072), Meta's Llama 2 paper (4,096) and Mistral's documentation for Mistral 7B v0.2 and
later (32,768). A model that is not listed here (glm-5, minimax-m2.5, claude-haiku-4-20250514,
any name a server may serve) has an unknown window: the editor says "context: unknown" rather than
guess. The `offline` provider has no window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nexa_lang.model_ids import split_provider

CHARS_PER_TOKEN = 4
TOKENS_PER_IMAGE = 1000

CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-4": 8_192,
    "gpt-4-turbo": 128_000,
    "gpt-4o": 128_000,
    "gpt-4o-mini": 128_000,
    "gpt-3.5-turbo": 16_385,
    "claude-3-opus": 200_000,
    "claude-3-sonnet": 200_000,
    "claude-3-haiku": 200_000,
    "claude-3.5-sonnet": 200_000,
    "claude-sonnet-4-20250514": 200_000,
    "deepseek-chat": 65_536,
    "deepseek-v3": 131_072,
    "llama-2": 4_096,
    "mistral": 32_768,
}


def estimate_tokens(text: str, images: int = 0) -> int:
    """Tokens of `text` (code points / 4, rounded up) plus 1,000 per image, as E403 counts."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) + TOKENS_PER_IMAGE * images


def model_name(model_id: str) -> str:
    """The model name of an identifier without its provider (`openai/gpt-4o` → `gpt-4o`)."""
    _, _, name = split_provider(model_id.strip())
    return name


def context_window(model_id: str) -> int | None:
    """The context window of a model identifier in tokens, or None when unknown."""
    return CONTEXT_WINDOWS.get(model_name(model_id))


@dataclass(frozen=True)
class ContextShare:
    tokens: int
    window: int | None  # None: unknown model (or offline)
    model: str | None  # None: the agent has no model (the configured default)
    exact: bool = True  # False: some input was not a literal, the estimate is a lower bound

    @property
    def share(self) -> float | None:
        return self.tokens / self.window if self.window else None

    def label(self) -> str:
        """The inlay text: `≈120 tokens · 0.1% of gpt-4o` or `≈120 tokens · context: unknown`."""
        amount = f"{'≥' if not self.exact else '≈'}{self.tokens:,} tokens"
        if self.window is None:
            return f"{amount} · context: unknown"
        percent = 100 * self.tokens / self.window
        shown = f"{percent:.1f}%" if percent < 10 else f"{percent:.0f}%"
        return f"{amount} · {shown} of {self.window:,} ({model_name(self.model or '')})"
