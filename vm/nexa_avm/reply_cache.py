"""The reply cache of agents with `cache: true` or `cache: "smart"` (L§7.3.7, S§3.1).

Replies are kept in `.nexa_cache/replies/<Agent>.json` (the VM's state directory): an identical
request — same model, messages and tools — reuses the stored reply; with `"smart"`, a request whose
last user message is similar enough (`cache_threshold`, default 0.95; the offline provider's key-term
Jaccard similarity, S§4.5.6) reuses it too. Entries older than `cache_ttl` seconds (default 3600)
are ignored. Only final text replies are stored (a reply that calls tools is not).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .interpreter import Interpreter

CACHE_DIR = os.path.join(".nexa_cache", "replies")


def cache_mode(agent: Any) -> str | None:
    value = agent.settings.get("cache")
    if value is True or (isinstance(value, str) and value.lower() == "true"):
        return "exact"
    if isinstance(value, str) and value.lower() == "smart":
        return "smart"
    return None


def _number(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def request_key(request: Any) -> str:
    data = {
        "model": request.model,
        "messages": [m.to_json() for m in request.messages],
        "tools": [t.to_json() for t in request.tools],
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _last_user(request: Any) -> str:
    for message in reversed(request.messages):
        if message.role == "user":
            return message.text()
    return ""


class ReplyCache:
    def __init__(self, folder: str = CACHE_DIR, clock: Any = time.time) -> None:
        self.folder = folder
        self.clock = clock
        self.entries: dict[str, list[dict[str, Any]]] = {}

    def _path(self, agent: str) -> str:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in agent) or "agent"
        return os.path.join(self.folder, safe + ".json")

    def _load(self, agent: str) -> list[dict[str, Any]]:
        entries = self.entries.get(agent)
        if entries is None:
            try:
                with open(self._path(agent), encoding="utf-8") as handle:
                    entries = list(json.load(handle))
            except (OSError, ValueError, TypeError):
                entries = []
            self.entries[agent] = entries
        return entries

    def lookup(self, agent: str, request: Any, mode: str, ttl: float, threshold: float) -> str | None:
        now = self.clock()
        fresh = [
            e for e in self._load(agent) if now - e.get("time", 0) <= ttl and e.get("model") == request.model
        ]
        key = request_key(request)
        for entry in reversed(fresh):
            if entry.get("key") == key:
                return str(entry.get("text", ""))
        if mode == "smart":
            from .providers import similarity

            asked = _last_user(request)
            best, best_score = None, 0.0
            for entry in reversed(fresh):
                score = similarity(asked, str(entry.get("last_user", "")))
                if score >= threshold and score > best_score:
                    best, best_score = entry, score
            if best is not None:
                return str(best.get("text", ""))
        return None

    def store(self, agent: str, request: Any, text: str, ttl: float) -> None:
        now = self.clock()
        entries = [e for e in self._load(agent) if now - e.get("time", 0) <= ttl]
        entries.append(
            {
                "key": request_key(request),
                "model": request.model,
                "last_user": _last_user(request),
                "text": text,
                "time": now,
            }
        )
        self.entries[agent] = entries
        try:
            os.makedirs(self.folder, exist_ok=True)
            temporary = self._path(agent) + f".{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, ensure_ascii=False)
            os.replace(temporary, self._path(agent))
        except OSError:
            pass


async def complete(vm: Interpreter, agent: Any, request: Any) -> Any:
    """`provider.complete(request)`, through the cache when the agent asks for one."""
    mode = cache_mode(agent)
    if mode is None:
        return await vm.provider.complete(request)
    cache = getattr(vm, "_reply_cache", None)
    if cache is None:
        cache = ReplyCache()
        vm._reply_cache = cache  # type: ignore[attr-defined]
    ttl = _number(agent.settings.get("cache_ttl"), 3600.0)
    threshold = _number(agent.settings.get("cache_threshold"), 0.95)
    hit = cache.lookup(agent.name, request, mode, ttl, threshold)
    if hit is not None:
        from .providers import Reply

        vm.agent_record(agent, "info", "cache_hit", model=request.model)
        return Reply(text=hit, model=request.model, provider="cache")
    reply = await vm.provider.complete(request)
    if not reply.tool_calls:
        cache.store(agent.name, request, reply.text, ttl)
    return reply
