"""The provider of a run: each request goes where its model string says (stdlib §4.3).

Under the `offline` selection every request is answered offline; under `openai`, `offline…` models
still are, and every other model goes to the HTTP endpoint of its provider id. Endpoints are resolved
at their first request, so a missing one is E202 (or a missing key E105) on the agent call that
needed it, not at start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from .backoff import Sleep
from .base import Provider, ReplyStream
from .errors import ProviderError
from .judge import Choice, Classification, ConditionCheck, Judgement, SummaryRequest
from .messages import ModelRequest, Reply
from .models import Implementation, ModelIdError, Route, parse_model_id, route_model
from .offline import OfflineProvider

if TYPE_CHECKING:  # endpoints and the HTTP provider (ssl) are imported only when a model routes to one
    from .openai import OpenAIProvider


class ModelRouter(Provider):
    def __init__(
        self,
        selected: Implementation,
        *,
        default_model: str,
        environ: Mapping[str, str],
        config: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        offline: OfflineProvider | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.selected: Implementation = selected
        self.default_model = default_model
        self._environ = environ
        self._config = config or {}
        self._secrets = secrets if secrets is not None else {}
        self._sleep = sleep
        self._offline = offline or OfflineProvider(environ=environ, sleep=sleep)
        self._endpoints: dict[str, OpenAIProvider] = {}
        providers_table = self._config.get("providers")
        self._declared = tuple(providers_table) if isinstance(providers_table, Mapping) else ()

    def route(self, model: str) -> Route:
        model = model or self.default_model
        try:
            return route_model(parse_model_id(model, self._declared), self.selected)
        except ModelIdError as error:
            raise ProviderError.call_failed(provider="", model=model, reason=str(error)) from None

    def provider_id_for(self, model: str) -> str:
        try:
            return self.route(model).endpoint
        except ProviderError:
            return ""

    def provider_for(self, model: str) -> Provider:
        route = self.route(model)
        if route.implementation == "offline":
            return self._offline
        provider = self._endpoints.get(route.endpoint)
        if provider is None:
            from .endpoints import resolve_endpoint

            endpoint = resolve_endpoint(
                route.endpoint, environ=self._environ, config=self._config, secrets=self._secrets
            )
            if endpoint is None:
                raise ProviderError.no_endpoint(provider=route.endpoint, model=model)
            from .openai import OpenAIProvider

            provider = self._endpoints[route.endpoint] = OpenAIProvider(endpoint, sleep=self._sleep)
        return provider

    def _defaulted(self, request: ModelRequest) -> ModelRequest:
        return request if request.model else request._replace(model=self.default_model)

    async def complete(self, request: ModelRequest) -> Reply:
        request = self._defaulted(request)
        return await self.provider_for(request.model).complete(request)

    def stream(self, request: ModelRequest) -> ReplyStream:
        request = self._defaulted(request)

        async def events() -> AsyncGenerator[str | Reply, None]:
            # Routing errors surface while iterating, like every other failure of a stream.
            inner = self.provider_for(request.model).stream(request)
            async for chunk in inner:
                yield chunk
            yield inner.reply

        return ReplyStream(events())

    # A judge that cannot be reached is a failed judgement (L§7.4: false, or no label), not an error.

    async def check(self, check: ConditionCheck) -> Judgement:
        check = check if check.model else check._replace(model=self.default_model)
        try:
            provider = self.provider_for(check.model)
        except ProviderError as error:
            return Judgement(False, 0.0, failure=f"{error.code} {error.reason}")
        return await provider.check(check)

    async def classify(self, classification: Classification) -> Choice:
        if not classification.model:
            classification = classification._replace(model=self.default_model)
        try:
            provider = self.provider_for(classification.model)
        except ProviderError as error:
            return Choice(None, failure=f"{error.code} {error.reason}")
        return await provider.classify(classification)

    async def summarize(self, summary: SummaryRequest) -> str:
        summary = summary if summary.model else summary._replace(model=self.default_model)
        return await self.provider_for(summary.model).summarize(summary)
