"""Harness primitives at run time (L§7.10): lifecycle hooks, context budgets, snapshots.

Hooks (L§7.10.6, D67). A hook statement registers its block for the rest of the activation,
including calls made from it: the registration lives in the activation's locals under the hidden
name `$hooks` (names starting with `$` are never visible to the program), and a run finds every hook
by walking its caller chain. `before_step`/`after_step` fire around every agent run,
`on_error(e: K)` when a run fails with a matching error (which still propagates),
`before_tool(name)`/`after_tool(name)` around every call of that tool. A hook body runs in the
registering activation's scope; hooks do not fire while a hook body runs.

Context budgets (L§7.10.2, E403). The innermost `with_context`/`context_policy` of the caller chain
and the agent's `context_policy` property bound each request at `max_tokens` (4 characters a token,
1,000 an image). Messages that do not fit are dropped oldest first (`sliding_window`), least relevant
first (`importance_weighted`: shared key terms with the new user message, then age), or replaced by
one summary from the provider (`summarize`). System messages and the new user message are never
removed; an assistant message that called tools and the tool results that answer it go together.
Only the request is trimmed: the agent's stored history is not changed.

Snapshots (L§7.10.4). `snapshot()` keeps the activation's locals as a structural copy (lists, dicts,
structs and records are copied, sharing between them kept; other values are immutable or reference
kinds) and every agent's history list. Agent histories are written copy-on-write by the interpreter
(a run builds a new list and stores it at commit), so a snapshot shares them instead of copying.
"""

from __future__ import annotations

import contextvars
import math
from typing import TYPE_CHECKING, Any

from .errors import NexaError
from .values import Record, StructValue

if TYPE_CHECKING:
    from .interpreter import Frame, Interpreter

HOOKS = "$hooks"
_in_hook: contextvars.ContextVar[bool] = contextvars.ContextVar("nexa_in_hook", default=False)


# ------------------------------------------------------------------------------------ hooks


def register_hook(frame: Frame, event: str, name: str | None, kind: str | None, code: Any) -> None:
    hooks = frame.locals.get(HOOKS)
    if hooks is None:
        hooks = frame.locals[HOOKS] = []
    hooks.append((event, name, kind, code, frame))


def hooks_for(frame: Frame | None, event: str) -> list[tuple[Any, ...]]:
    """Registered hooks of `event` visible from `frame`, outermost activation first."""
    found: list[list[tuple[Any, ...]]] = []
    seen: set[int] = set()
    scope = frame
    while scope is not None:
        locals_ = scope.locals
        if id(locals_) not in seen:
            seen.add(id(locals_))
            hooks = locals_.get(HOOKS)
            if hooks:
                found.append([h for h in hooks if h[0] == event])
        scope = scope.parent
    return [hook for group in reversed(found) for hook in group]


async def _run_hook(vm: Interpreter, hook: tuple[Any, ...], bindings: dict[str, Any] | None = None) -> None:
    _, _, _, code, registering = hook
    if bindings:
        registering.locals.update(bindings)
    token = _in_hook.set(True)
    try:
        await vm.execute(vm.shared_frame(code, registering))
    finally:
        _in_hook.reset(token)


async def fire_step_hooks(vm: Interpreter, frame: Frame | None, event: str) -> None:
    if frame is None or _in_hook.get():
        return
    for hook in hooks_for(frame, event):
        vm.record("hook", event=event)
        await _run_hook(vm, hook)


async def fire_error_hooks(vm: Interpreter, frame: Frame | None, error: NexaError) -> None:
    if frame is None or _in_hook.get():
        return
    for hook in hooks_for(frame, "on_error"):
        _, name, kind, _, _ = hook
        if kind not in (None, "Error", error.kind):
            continue
        vm.record("hook", event="on_error", error_kind=error.kind)
        await _run_hook(vm, hook, {name: error} if name else None)


async def fire_tool_hooks(vm: Interpreter, frame: Frame | None, event: str, tool: str) -> None:
    if frame is None or _in_hook.get():
        return
    for hook in hooks_for(frame, event):
        if hook[1] in (None, tool):
            vm.record("hook", event=event, tool=tool)
            await _run_hook(vm, hook)


async def run_hooked(vm: Interpreter, caller: Frame, run: Any) -> Any:
    """An agent run (`run` is its coroutine) with before_step/after_step/on_error around it."""
    try:
        await fire_step_hooks(vm, caller, "before_step")
    except BaseException:
        run.close()
        raise
    try:
        value = await run
    except NexaError as error:
        await fire_error_hooks(vm, caller, error)
        raise
    await fire_step_hooks(vm, caller, "after_step")
    return value


def has_hooks(frame: Frame | None) -> bool:
    seen: set[int] = set()
    scope = frame
    while scope is not None:
        if id(scope.locals) not in seen:
            seen.add(id(scope.locals))
            if scope.locals.get(HOOKS):
                return True
        scope = scope.parent
    return False


# ------------------------------------------------------------------------------------ context


STRATEGIES = {"sliding_window", "importance_weighted", "summarize", "smart_summarization"}


def estimate_tokens(message: Any) -> int:
    content = message.content
    if isinstance(content, str):
        chars, images = len(content), 0
    else:
        chars = sum(len(getattr(p, "text", "")) for p in content)
        images = sum(1 for p in content if not hasattr(p, "text"))
    for call in message.tool_calls:
        chars += len(call.name) + len(call.arguments)
    return math.ceil(chars / 4) + 1000 * images


def context_bound(frame: Frame, agent: Any) -> tuple[int, str] | None:
    """(max_tokens, strategy) of the innermost scope of the caller chain and the agent's policy."""
    bounds: list[int] = []
    strategy: str | None = None
    scope = frame.parent
    while scope is not None:
        if scope.contexts:
            max_tokens, scope_strategy = scope.contexts[-1]
            bounds.append(int(max_tokens))
            strategy = str(scope_strategy)
            break
        scope = scope.parent
    policy = agent.settings.get("context_policy")
    if isinstance(policy, dict) and isinstance(policy.get("max_tokens"), int | float):
        bounds.append(int(policy["max_tokens"]))
        if strategy is None and policy.get("strategy"):
            strategy = str(policy["strategy"])
    if not bounds:
        return None
    return min(bounds), strategy or "sliding_window"


async def _summarized(
    vm: Interpreter,
    messages: list[Any],
    sizes: list[int],
    dropped: set[int],
    pending: list[list[int]],
    total: int,
    budget: int,
) -> tuple[list[Any], int]:
    """The kept messages with one summary of the dropped ones after the system messages; more
    messages are summarized while the summary does not fit. Without room for any summary the
    dropped messages are left out (as `sliding_window` does)."""
    from .providers import Message, SummaryRequest

    while True:
        older = tuple(messages[i] for i in sorted(dropped))
        summary = await vm.provider.summarize(SummaryRequest(older, vm.judge_model))
        note = Message.system(f"Previous conversation summary: {summary}")
        if total + estimate_tokens(note) <= budget or not pending:
            break
        group = pending.pop(0)
        dropped.update(group)
        total -= sum(sizes[i] for i in group)
    kept = [m for i, m in enumerate(messages) if i not in dropped]
    if total + estimate_tokens(note) <= budget:
        position = 0
        while position < len(kept) and kept[position].role == "system":
            position += 1
        kept.insert(position, note)
        total += estimate_tokens(note)
    return kept, total


def _units(messages: list[Any]) -> list[list[int]]:
    """Indexes of removable messages grouped: an assistant tool-call message with its tool results."""
    units: list[list[int]] = []
    for index, message in enumerate(messages):
        if message.role == "tool" and units and messages[units[-1][0]].tool_calls:
            units[-1].append(index)
        else:
            units.append([index])
    return units


async def fit_context(vm: Interpreter, frame: Frame, agent: Any, request: Any) -> Any:
    """The request with its messages trimmed to the budget in force (E403 when it cannot fit)."""
    bound = context_bound(frame, agent)
    if bound is None:
        return request
    budget, strategy = bound
    messages = list(request.messages)
    sizes = [estimate_tokens(m) for m in messages]
    total = sum(sizes)
    if total <= budget:
        return request
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=len(messages) - 1)
    removable = [i for i, m in enumerate(messages) if m.role != "system" and i != last_user]
    units = _units([messages[i] for i in removable])
    groups = [[removable[j] for j in unit] for unit in units]
    if strategy == "importance_weighted":
        from .providers.keyterms import key_terms

        wanted = key_terms(messages[last_user].text()) if messages else frozenset()

        def score(group: list[int]) -> tuple[int, int]:
            shared = len(wanted & key_terms(" ".join(messages[i].text() for i in group)))
            return shared, group[0]

        order = sorted(groups, key=score)
    else:
        order = list(groups)
    dropped: set[int] = set()
    pending = list(order)
    while pending and total > budget:
        group = pending.pop(0)
        dropped.update(group)
        total -= sum(sizes[i] for i in group)
    kept = [m for i, m in enumerate(messages) if i not in dropped]
    if strategy in ("summarize", "smart_summarization") and dropped:
        kept, total = await _summarized(vm, messages, sizes, dropped, pending, total, budget)
    if total > budget:
        raise NexaError(
            "AgentError",
            f"agent '{agent.name}' needs about {total} tokens but its context budget is {budget}",
            "E403",
        )
    vm.agent_record(agent, "info", "context", budget=budget, strategy=strategy, dropped=len(dropped))
    return request._replace(messages=tuple(kept))


# ------------------------------------------------------------------------------------ snapshots


def copy_value(value: Any, memo: dict[int, Any]) -> Any:
    """A structural copy of plain containers (aliasing kept); other values are shared."""
    known = memo.get(id(value))
    if known is not None:
        return known
    if isinstance(value, Record):
        copied: Any = Record(value.protocol, {})
        memo[id(value)] = copied
        copied.update({k: copy_value(v, memo) for k, v in value.items()})
        return copied
    if type(value) is dict:
        copied = {}
        memo[id(value)] = copied
        copied.update({k: copy_value(v, memo) for k, v in value.items()})
        return copied
    if type(value) is list:
        copied = []
        memo[id(value)] = copied
        copied.extend(copy_value(v, memo) for v in value)
        return copied
    if isinstance(value, StructValue):
        copied = StructValue(value.type_name, {})
        memo[id(value)] = copied
        copied.fields.update({k: copy_value(v, memo) for k, v in value.fields.items()})
        return copied
    return value


def copy_locals(locals_: dict[str, Any]) -> dict[str, Any]:
    memo: dict[int, Any] = {}
    return {name: copy_value(value, memo) for name, value in locals_.items()}
