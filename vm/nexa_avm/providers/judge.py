"""Judge operations (L§7.4): condition checks, classifications and history summaries.

A model-backed provider answers them through `complete` with the judge model: the prompts and the
reading of the answers live here, so every such provider asks and reads the same way. The offline
provider answers them by rule instead (stdlib §4.5.4).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from .errors import ProviderError
from .messages import Message, ModelRequest, ResponseFormat, RetryPolicy

T = TypeVar("T")

JUDGE_ATTEMPTS = 3  # L§7.4: each judge call is attempted up to 3 times
JUDGE_RETRY = RetryPolicy(attempts=JUDGE_ATTEMPTS)


class JudgePurpose(StrEnum):
    """The construct that asks for a condition check; the offline rules depend on it."""

    SEMANTIC_IF = "semantic_if"
    LOOP_UNTIL = "loop_until"
    AUTOLOOP_EXIT = "autoloop_exit_when"
    ASSERT = "assert"
    VERIFY = "verify"
    CONTRACT = "contract"
    SEMANTIC_TYPE = "semantic_type"


class ConditionCheck(NamedTuple):
    condition: str
    target: str
    purpose: JudgePurpose
    model: str  # the judge model (stdlib §4.4)
    timeout: float = 30.0


class Label(NamedTuple):
    name: str
    description: str = ""


class Classification(NamedTuple):
    labels: tuple[Label, ...]
    target: str
    model: str
    question: str | None = None
    timeout: float = 30.0


class SummaryRequest(NamedTuple):
    """Older history messages to fold into one system message (`max_history_turns`, L§7.3.5)."""

    messages: tuple[Message, ...]
    model: str
    timeout: float = 30.0


class Judgement(NamedTuple):
    matched: bool
    confidence: float = 1.0
    failure: str | None = None  # set when every attempt failed and `matched` is the default false


class Choice(NamedTuple):
    label: str | None  # None: no label (the `_` arm, `none`, `B`, 404)
    failure: str | None = None


class UnusableAnswer(ValueError):
    """The judge replied, but not with the JSON object asked for (counts as a failed attempt)."""


def condition_request(check: ConditionCheck) -> ModelRequest:
    system = (
        "You are a strict judge. Decide whether the condition holds for the target text. "
        'Answer with one JSON object {"matched": true or false, "confidence": a number from 0 to 1} '
        "and nothing else."
    )
    user = f"Condition: {check.condition}\n\nTarget:\n{check.target}"
    return _judge_request(check.model, check.timeout, system, user)


def classification_request(classification: Classification) -> ModelRequest:
    lines = [
        f"- {label.name}: {label.description}" if label.description else f"- {label.name}"
        for label in classification.labels
    ]
    system = (
        "You are a strict classifier. Choose the one label that fits the target text best, or "
        'none if no label fits. Answer with one JSON object {"label": "<label>"} or '
        '{"label": null} and nothing else.'
    )
    question = f"Question: {classification.question}\n\n" if classification.question else ""
    user = f"{question}Labels:\n" + "\n".join(lines) + f"\n\nTarget:\n{classification.target}"
    return _judge_request(classification.model, classification.timeout, system, user)


def summary_request(summary: SummaryRequest) -> ModelRequest:
    transcript = "\n".join(f"{m.role}: {m.text()}" for m in summary.messages if m.text())
    system = (
        "Summarize the following conversation in a few sentences, keeping names, facts and "
        "decisions. Answer with the summary only."
    )
    return ModelRequest(
        model=summary.model,
        messages=(Message.system(system), Message.user(transcript)),
        temperature=0.0,
        timeout=summary.timeout,
        retry=JUDGE_RETRY,
    )


def _judge_request(model: str, timeout: float, system: str, user: str) -> ModelRequest:
    # One attempt per request: the judge's own loop counts attempts, unusable answers included.
    return ModelRequest(
        model=model,
        messages=(Message.system(system), Message.user(user)),
        temperature=0.0,
        response_format=ResponseFormat(),
        timeout=timeout,
        retry=RetryPolicy(attempts=1),
    )


def read_condition_answer(text: str) -> Judgement:
    answer = _json_object(text)
    matched = _as_bool(answer.get("matched"))
    if matched is None:
        raise UnusableAnswer('the answer has no boolean "matched"')
    confidence = answer.get("confidence", 1.0)
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        confidence = 1.0
    return Judgement(matched, min(max(float(confidence), 0.0), 1.0))


def read_classification_answer(text: str, labels: Sequence[Label]) -> Choice:
    answer = _json_object(text)
    if "label" not in answer:
        raise UnusableAnswer('the answer has no "label"')
    chosen = answer["label"]
    if chosen is None or (isinstance(chosen, str) and chosen.strip().casefold() in {"", "none"}):
        return Choice(None)
    if not isinstance(chosen, str):
        raise UnusableAnswer("the label is not a string")
    for label in labels:
        if label.name == chosen.strip() or label.name.casefold() == chosen.strip().casefold():
            return Choice(label.name)
    raise UnusableAnswer(f"'{chosen}' is not one of the labels")


_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n(.*)\n\s*```$", re.DOTALL)


def _json_object(text: str) -> dict[str, Any]:
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        raise UnusableAnswer(f"the answer is not JSON ({error.msg})") from None
    if not isinstance(value, dict):
        raise UnusableAnswer("the answer is not a JSON object")
    return value


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


async def run_judge_attempts(
    attempt: Callable[[], Awaitable[T]],
    on_failure: Callable[[str], T],
    *,
    policy: RetryPolicy = JUDGE_RETRY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Up to `policy.attempts` tries; after the last failure the L§7.4 default (`on_failure`).

    A failure that cannot change on a second try (a refused key, a bad request) ends early.
    """
    reason = "no attempt made"
    for number in range(1, policy.attempts + 1):
        try:
            return await attempt()
        except UnusableAnswer as error:
            reason = f"unusable answer: {error}"
        except ProviderError as error:
            reason = f"{error.code} {error.reason}"
            if not error.is_retryable:
                break
            if number < policy.attempts:
                await sleep(policy.delay_after(number, error.retry_after))
    return on_failure(reason)
