"""The one error type a provider raises: a coded runtime error (diagnostics.md §9, §10).

Providers never let a socket, JSON or TLS exception escape: each failure becomes a ProviderError with
the code the interpreter reports (E101, E102, E105, E202), so the user sees one line, not a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

# Error kind of L§7.7.1 for each code a provider raises (stdlib §0.2).
KIND_OF_CODE = {
    "E100": "RuntimeError",
    "E101": "TimeoutError",
    "E102": "AgentError",
    "E105": "AgentError",
    "E202": "AgentError",
}


class ProviderError(Exception):
    """A failed model request, with its diagnostic code and a reason safe to show (never a key)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        reason: str,
        provider: str = "",
        model: str = "",
        status: int | None = None,
        is_retryable: bool = False,
        retry_after: float | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.provider = provider
        self.model = model
        self.status = status
        self.is_retryable = is_retryable
        self.retry_after = retry_after
        self.timeout = timeout
        # How many attempts were spent on this model when the error was raised (set by the retry loop).
        self.attempts = 1

    @property
    def kind(self) -> str:
        return KIND_OF_CODE.get(self.code, "AgentError")

    @classmethod
    def timed_out(cls, *, provider: str, model: str, seconds: float) -> ProviderError:
        reason = f"no reply within {seconds:g} s"
        return cls(
            "E101",
            f"model '{model}' gave no reply within {seconds:g} s",
            reason=reason,
            provider=provider,
            model=model,
            is_retryable=True,
            timeout=seconds,
        )

    @classmethod
    def call_failed(
        cls,
        *,
        provider: str,
        model: str,
        reason: str,
        status: int | None = None,
        is_retryable: bool = False,
        retry_after: float | None = None,
    ) -> ProviderError:
        return cls(
            "E102",
            f"model call failed on '{model}': {reason}",
            reason=reason,
            provider=provider,
            model=model,
            status=status,
            is_retryable=is_retryable,
            retry_after=retry_after,
        )

    @classmethod
    def auth_failed(
        cls, *, provider: str, model: str, reason: str, status: int | None = None
    ) -> ProviderError:
        return cls(
            "E105",
            f"authentication failed for provider '{provider}': {reason}",
            reason=reason,
            provider=provider,
            model=model,
            status=status,
        )

    @classmethod
    def no_endpoint(cls, *, provider: str, model: str = "") -> ProviderError:
        return cls(
            "E202",
            f"no endpoint configured for provider '{provider}'",
            reason="no endpoint configured",
            provider=provider,
            model=model,
        )

    @classmethod
    def invalid_config(cls, key: str, reason: str) -> ProviderError:
        return cls("E202", f"invalid configuration value for '{key}': {reason}", reason=reason)

    def describe_for(self, agent: str, fallbacks_tried: Sequence[str] = ()) -> str:
        """The message of diagnostics.md §9 for an agent run that ended with this error."""
        if self.code == "E101":
            tried = ", ".join(f"'{m}'" for m in fallbacks_tried) or "none"
            seconds = f"{self.timeout:g}" if self.timeout is not None else "?"
            return (
                f"agent '{agent}' timed out after {seconds} s on '{self.model}' "
                f"({self.attempts} attempts; fallbacks tried: {tried})"
            )
        if self.code == "E102":
            return f"model call failed for agent '{agent}' on '{self.model}': {self.reason}"
        return self.message
