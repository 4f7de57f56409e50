"""`auth` (S§1.8): OAuth provider settings, server-side sessions behind a cookie, HS256 JWTs,
CSRF tokens and agent API keys. Everything here is local; only the OAuth code exchange would need
the network, and the VM does not make it (the callback answers that it is not available)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from ..errors import NexaError, runtime_error
from ..values import Handle, is_number, to_plain, to_text
from .responses import Response, redirect

SESSION_COOKIE = "nexa_session"

AUTHORIZE_URLS = {
    "google": ("https://accounts.google.com/o/oauth2/v2/auth", "openid email profile"),
    "github": ("https://github.com/login/oauth/authorize", "read:user user:email"),
    "microsoft": ("https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "openid email profile"),
    "gitlab": ("https://gitlab.com/oauth/authorize", "read_user"),
}


class AuthConfig(Handle):
    kind = "auth"

    def __init__(self, providers: dict[str, dict[str, Any]], options: dict[str, Any]) -> None:
        super().__init__()
        self.providers = providers
        self.options = options


def oauth(name: Any, client_id: Any, client_secret: Any, opts: Any = None) -> dict[str, Any]:
    provider = {"name": to_text(name), "client_id": to_text(client_id, reveal=True)}
    provider["client_secret"] = to_text(client_secret, reveal=True)
    if isinstance(opts, dict):
        provider.update(opts)
    return provider


def parse_providers(value: Any) -> dict[str, dict[str, Any]]:
    data = value
    if isinstance(value, str):
        try:
            data = json.loads(value) if value.strip() else []
        except ValueError as error:
            raise runtime_error(f"enable_auth: the providers are not JSON: {error}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise runtime_error("enable_auth: providers must be JSON text or a list of maps")
    providers: dict[str, dict[str, Any]] = {}
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise runtime_error("enable_auth: every provider needs a 'name'")
        providers[str(entry["name"])] = dict(entry)
    return providers


# --- JWT (HS256) ----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_sign(claims: Any, secret: Any, options: Any = None, now: Callable[[], float] = time.time) -> str:
    if not isinstance(claims, dict):
        raise runtime_error("jwt_sign: the claims must be a map")
    payload = to_plain(claims, reveal=True)
    if "iat" not in payload:
        payload["iat"] = int(now())
    expires_in = options.get("expires_in") if isinstance(options, dict) else None
    if is_number(expires_in):
        payload["exp"] = int(now() + expires_in)
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signature = hmac.new(to_text(secret, reveal=True).encode(), f"{header}.{body}".encode(), hashlib.sha256)
    return f"{header}.{body}.{_b64(signature.digest())}"


def jwt_decode(token: Any) -> dict[str, Any]:
    parts = to_text(token, reveal=True).split(".")
    try:
        if len(parts) != 3:
            raise ValueError("a JWT has three parts")
        claims = json.loads(_unb64(parts[1]))
        if not isinstance(claims, dict):
            raise ValueError("the payload is not an object")
        return claims
    except (ValueError, UnicodeDecodeError) as error:
        raise runtime_error(f"jwt_decode: malformed token: {error}") from None


def jwt_verify(token: Any, secret: Any, now: Callable[[], float] = time.time) -> dict[str, Any] | None:
    text = to_text(token, reveal=True)
    parts = text.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_unb64(parts[0]))
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            return None
        expected = hmac.new(
            to_text(secret, reveal=True).encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(expected, _unb64(parts[2])):
            return None
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    exp = claims.get("exp")
    if is_number(exp) and now() >= exp:
        return None
    return claims


# --- sessions, CSRF, API keys ---------------------------------------------------------------


class AuthService:
    """The auth state of one VM: the active configuration, sessions and API keys."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.config: AuthConfig | None = None
        self.sessions: dict[str, dict[str, Any]] = {}
        self.api_keys: dict[str, dict[str, Any]] = {}
        self.oauth_states: dict[str, str] = {}
        self._fallback_secret = secrets.token_hex(32)
        self.pending_cookies: dict[int, list[str]] = {}  # id(request) -> Set-Cookie values

    # configuration
    def enable(self, providers: Any, options: Any = None) -> AuthConfig:
        config = AuthConfig(parse_providers(providers), dict(options) if isinstance(options, dict) else {})
        self.config = config
        return config

    @property
    def secret(self) -> str:
        if self.config is not None and self.config.options.get("session_secret"):
            return to_text(self.config.options["session_secret"], reveal=True)
        return self._fallback_secret

    @property
    def session_ttl(self) -> float:
        ttl = self.config.options.get("session_ttl") if self.config is not None else None
        return float(ttl) if is_number(ttl) else 86400.0

    # sessions
    def session_id(self, request: Any) -> str | None:
        if not isinstance(request, dict):
            return None
        cookies = request.get("cookies") or {}
        sid = cookies.get(SESSION_COOKIE) if isinstance(cookies, dict) else None
        session = self.sessions.get(sid) if sid else None
        if session is None:
            return None
        if session["expires_at"] <= self.clock():
            del self.sessions[sid]  # type: ignore[arg-type]
            return None
        return sid  # type: ignore[no-any-return]

    def ensure_session(self, request: Any) -> str:
        sid = self.session_id(request)
        if sid is not None:
            return sid
        sid = secrets.token_urlsafe(24)
        self.sessions[sid] = {
            "id": sid,
            "user": None,
            "data": {},
            "expires_at": self.clock() + self.session_ttl,
        }
        if isinstance(request, dict):
            cookies = request.setdefault("cookies", {})
            if isinstance(cookies, dict):
                cookies[SESSION_COOKIE] = sid
            self.pending_cookies.setdefault(id(request), []).append(
                f"{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age={int(self.session_ttl)}"
            )
        return sid

    def get_session(self, request: Any) -> dict[str, Any] | None:
        sid = self.session_id(request)
        if sid is None:
            return None
        session = self.sessions[sid]
        return {
            "id": sid,
            "user": session["user"],
            "data": dict(session["data"]),
            "expires_at": session["expires_at"],
        }

    def session_data(self, request: Any) -> dict[str, Any] | None:
        sid = self.session_id(request)
        return dict(self.sessions[sid]["data"]) if sid is not None else None

    def set_session(self, request: Any, data: Any) -> bool:
        if not isinstance(data, dict):
            raise runtime_error("set_session: the data must be a map")
        sid = self.ensure_session(request)
        session = self.sessions[sid]
        for key, value in data.items():
            if key == "user":
                session["user"] = value
            else:
                session["data"][key] = value
        return True

    def get_user(self, request: Any) -> Any:
        if not isinstance(request, dict):
            return None
        if request.get("user") is not None:
            return request["user"]
        sid = self.session_id(request)
        if sid is not None and self.sessions[sid]["user"] is not None:
            return self.sessions[sid]["user"]
        headers = request.get("headers") or {}
        authorization = str(headers.get("authorization", "")) if isinstance(headers, dict) else ""
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
            claims = jwt_verify(token, self.secret, self.clock)
            if claims is not None:
                return claims
            key = self.api_key_verify(token)
            if key is not None:
                return key
        api_key = headers.get("x-api-key") if isinstance(headers, dict) else None
        if api_key:
            return self.api_key_verify(api_key)
        return None

    def logout(self, request: Any) -> Response:
        sid = self.session_id(request)
        if sid is not None:
            del self.sessions[sid]
        response = redirect("/")
        response.headers.append(("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0"))
        return response

    # CSRF
    def csrf_token(self, request: Any) -> str:
        sid = self.ensure_session(request)
        return hmac.new(self.secret.encode(), f"csrf:{sid}".encode(), hashlib.sha256).hexdigest()

    def csrf_field(self, request: Any) -> str:
        return f'<input type="hidden" name="csrf_token" value="{self.csrf_token(request)}">'

    def verify_csrf(self, request: Any, token: Any) -> bool:
        sid = self.session_id(request)
        if sid is None or not isinstance(token, str):
            return False
        expected = hmac.new(self.secret.encode(), f"csrf:{sid}".encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, token)

    # agent API keys
    def api_key_generate(self, agent: Any, ttl: Any = None) -> str:
        key = "nxk_" + secrets.token_hex(20)
        now = self.clock()
        self.api_keys[key] = {
            "agent": to_text(getattr(agent, "name", agent)),
            "created_at": int(now),
            "expires_at": int(now + ttl) if is_number(ttl) else None,
        }
        return key

    def api_key_verify(self, key: Any) -> dict[str, Any] | None:
        entry = self.api_keys.get(to_text(key, reveal=True))
        if entry is None:
            return None
        if entry["expires_at"] is not None and entry["expires_at"] <= self.clock():
            return None
        return dict(entry)

    def agent_auth_context(self, request: Any, agent: Any) -> dict[str, Any]:
        user = self.get_user(request)
        return {
            "agent": to_text(getattr(agent, "name", agent)),
            "user": user,
            "authenticated": user is not None,
            "session": self.session_data(request),
        }

    # OAuth
    def provider(self, name: Any) -> dict[str, Any]:
        providers = self.config.providers if self.config is not None else {}
        entry = providers.get(to_text(name))
        if entry is None:
            raise NexaError(
                "RuntimeError", f"auth: no OAuth provider named '{to_text(name)}' is enabled", "E100"
            )
        return entry

    def auth_start(self, request: Any, name: Any) -> Response:
        """The redirect to the provider's authorization page (no network)."""
        entry = self.provider(name)
        provider = to_text(name)
        known = AUTHORIZE_URLS.get(provider.lower(), ("", ""))
        authorize = entry.get("authorize_url") or known[0]
        if not authorize:
            raise runtime_error(f"auth: provider '{provider}' needs an 'authorize_url'")
        headers = request.get("headers") or {} if isinstance(request, dict) else {}
        host = headers.get("host", "localhost") if isinstance(headers, dict) else "localhost"
        callback = entry.get("redirect_uri") or f"http://{host}/auth/{provider}/callback"
        state = secrets.token_urlsafe(16)
        self.oauth_states[state] = provider
        query = {
            "client_id": to_text(entry.get("client_id", ""), reveal=True),
            "redirect_uri": callback,
            "response_type": "code",
            "scope": entry.get("scope") or known[1],
            "state": state,
        }
        return redirect(f"{authorize}?{urlencode(query)}")

    def auth_callback(self, request: Any, name: Any) -> Response:
        query = request.get("query") or {} if isinstance(request, dict) else {}
        state = query.get("state") if isinstance(query, dict) else None
        if not state or self.oauth_states.pop(state, None) != to_text(name):
            return Response(400, b"invalid OAuth state", "text/plain; charset=utf-8")
        raise NexaError(
            "ToolError",
            f"handle_auth_callback: the OAuth code exchange with '{to_text(name)}' needs the network, "
            "which this VM does not use",
            "E104",
        )

    def take_cookies(self, request: Any) -> list[str]:
        return self.pending_cookies.pop(id(request), [])
