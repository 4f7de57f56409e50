"""The behaviour of a `server` declaration (L§3.11, §7.11.2): CORS preflight, middleware,
`require_auth`, routes with `{name}` parameters, group middleware, static files, semantic routes
chosen by the judge, then 404. Route targets are agents, flows, agent member functions (D70) or
chains of them; a target that resolves to nothing answers 500."""

from __future__ import annotations

import mimetypes
import os
import re
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import NexaError
from ..providers import Label
from ..values import to_text
from .http import HttpRequest
from .responses import Response, as_response
from .responses import json as json_response
from .specs import RouteSpec, ServerSpec

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .runtime import ServiceRuntime

DEFAULT_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
DEFAULT_HEADERS = ["Content-Type", "Authorization"]
_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class Unresolved(Exception):
    pass


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def match_path(template: str, path: str) -> dict[str, str] | None:
    """`/users/{id}` against `/users/42` → {"id": "42"}; trailing slashes do not matter."""
    wanted, given = segments(template), segments(path)
    if len(wanted) != len(given):
        return None
    params: dict[str, str] = {}
    for pattern, value in zip(wanted, given, strict=True):
        name = _PARAM.match(pattern)
        if name is not None:
            params[name.group(1)] = value
        elif pattern != value:
            return None
    return params


def is_under(path: str, prefix: str) -> bool:
    """Whole path components: `/admin` covers `/admin` and `/admin/x`, not `/administrator`."""
    wanted = segments(prefix)
    return segments(path)[: len(wanted)] == wanted


class ServerApp:
    def __init__(self, vm: Interpreter, services: ServiceRuntime, spec: ServerSpec) -> None:
        self.vm = vm
        self.services = services
        self.spec = spec
        root = vm.program.module.file
        self.base_dir = Path(os.path.dirname(os.path.abspath(root)) if root else os.getcwd())

    # --- requests -----------------------------------------------------------------------------

    def request_value(self, http: HttpRequest) -> dict[str, Any] | None:
        parts = urlsplit(http.target)
        path = unquote(parts.path)
        if not path.startswith("/") or "\0" in path:
            return None
        headers: dict[str, str] = {}
        for name, value in http.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        query = {
            k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query, keep_blank_values=True).items()
        }
        cookies: dict[str, str] = {}
        if "cookie" in headers:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(headers["cookie"])
            except CookieError:
                pass
            cookies = {k: m.value for k, m in jar.items()}
        return {
            "method": http.method,
            "path": path,
            "params": {},
            "query": query,
            "headers": headers,
            "body": http.body.decode("utf-8", "replace"),
            "cookies": cookies,
            "user": None,
        }

    async def handle(self, http: HttpRequest) -> Response:
        request = self.request_value(http)
        if request is None:
            return Response(400, b"malformed request target", "text/plain; charset=utf-8")
        try:
            response = await self.dispatch(request)
        except NexaError as error:
            response = self.failure(request, error)
        self.add_cors(request, response)
        for cookie in self.services.auth.take_cookies(request):
            response.headers.append(("Set-Cookie", cookie))
        self.vm.record("http", method=request["method"], path=request["path"], status=response.status)
        return response

    def failure(self, request: dict[str, Any], error: NexaError) -> Response:
        from ..cli import error_report

        self.vm.err.write(f"nexa: {request['method']} {request['path']} answered 500\n{error_report(error)}")
        self.vm.err.flush()
        return json_response({"error": f"{error.kind}: {error.message}", "code": error.code}, 500)

    async def dispatch(self, request: dict[str, Any]) -> Response:
        spec = self.spec
        method = request["method"]
        if (
            method == "OPTIONS"
            and spec.cors is not None
            and "access-control-request-method" in request["headers"]
        ):
            return Response(204)
        for name in spec.middleware:
            outcome = await self.middleware(name, request)
            if isinstance(outcome, Response):
                return outcome
            request = outcome
        for prefix in spec.require_auth:
            if is_under(request["path"], prefix):
                user = self.services.auth.get_user(request)
                if user is None:
                    return json_response({"error": "authentication required"}, 401)
                request["user"] = user
        for route in spec.routes:
            if route.method == "SEMANTIC":
                continue
            if route.method != method and not (method == "HEAD" and route.method == "GET"):
                continue
            params = match_path(route.path, request["path"])
            if params is None:
                continue
            request["params"] = params
            return await self.run_route(route, request)
        if method in ("GET", "HEAD"):
            static = self.static_file(request["path"])
            if static is not None:
                return static
        semantic = [r for r in spec.routes if r.method == "SEMANTIC"]
        if semantic:
            route = await self.choose_semantic(semantic, request)
            if route is not None:
                return await self.run_route(route, request)
        return json_response({"error": "not found", "path": request["path"]}, 404)

    async def middleware(self, name: str, request: dict[str, Any]) -> dict[str, Any] | Response:
        try:
            target = self.resolve(name)
        except Unresolved:
            return self.unresolved(name)
        result = await self.vm.call_value(target, [request], {}, None)
        if result is None:
            return json_response({"error": "forbidden"}, 403)
        if isinstance(result, Response):
            return result
        if isinstance(result, dict):
            return result
        return request

    # --- targets ------------------------------------------------------------------------------

    def resolve(self, name: str) -> Any:
        """Top-level agents and flows first, then a uniquely named agent member function (D70)."""
        from ..interpreter import Function

        vm = self.vm
        if name in vm.agents:
            return vm.agents[name]
        declared = vm.declarations.get(name)
        if isinstance(declared, Function):
            return declared
        members = [a for a in vm.agents.values() if name in a.spec.functions]
        if len(members) == 1:
            return Function(members[0].spec.functions[name], agent=members[0])
        raise Unresolved(name)

    def unresolved(self, name: str) -> Response:
        self.vm.err.write(f"nexa: route target '{name}' resolves to nothing (D70): 500\n")
        return json_response({"error": f"route target '{name}' resolves to nothing"}, 500)

    async def run_route(self, route: RouteSpec, request: dict[str, Any]) -> Response:
        try:
            stages = [self.resolve(name) for name in route.stages]
        except Unresolved as missing:
            return self.unresolved(str(missing))
        for name in route.middleware:
            outcome = await self.middleware(name, request)
            if isinstance(outcome, Response):
                return outcome
            request = outcome
        if not stages:
            return self.unresolved("")
        value: Any = await self.call_first(stages[0], request)
        for stage in stages[1:]:
            value = await self.vm.run_stage(stage, value, None)
        return as_response(value)

    async def call_first(self, target: Any, request: dict[str, Any]) -> Any:
        from ..agents import AgentRuntime
        from ..interpreter import Function

        vm = self.vm
        if isinstance(target, AgentRuntime):
            return await vm.run_agent(target, [request["body"] or request], None)
        assert isinstance(target, Function)
        params = [p.name for p in target.code.params]
        path_params = request["params"]
        kwargs: dict[str, Any] = {}
        for name in params:
            if name in path_params:
                kwargs[name] = path_params[name]
            elif name in ("req", "request"):
                kwargs[name] = request
        if len(params) == 1 and not kwargs:
            kwargs[params[0]] = request
        return await vm.call_function(target, [], kwargs, None)

    async def choose_semantic(self, routes: list[RouteSpec], request: dict[str, Any]) -> RouteSpec | None:
        labels = []
        for route in routes:
            try:
                target = self.resolve(route.stages[0]) if route.stages else None
            except Unresolved:
                target = None
            label = self.vm.runnable_label(target) if target is not None else Label(route.path)
            description = f"{route.path} {label.description}".strip()
            labels.append(Label(label.name, description))
        subject = f"{request['method']} {request['path']} {request['body']}".strip()
        index = await self.vm.classify(labels, subject)
        return routes[index] if 0 <= index < len(routes) else None

    # --- static files and CORS ----------------------------------------------------------------

    def static_file(self, path: str) -> Response | None:
        for prefix, directory in self.spec.statics:
            if not is_under(path, prefix):
                continue
            rest = segments(path)[len(segments(prefix)) :]
            if any(part in ("..", ".") or "\\" in part for part in rest):
                return json_response({"error": "not found", "path": path}, 404)
            root = (self.base_dir / directory).resolve()
            candidate = root.joinpath(*rest).resolve() if rest else root
            if candidate != root and root not in candidate.parents:
                return json_response({"error": "not found", "path": path}, 404)
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.is_file():
                continue
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            return Response(200, data, kind)
        return None

    def add_cors(self, request: dict[str, Any], response: Response) -> None:
        cors = self.spec.cors
        origin = request["headers"].get("origin")
        if cors is None or not origin:
            return
        origins = cors.get("origins", ["*"])
        origins = origins if isinstance(origins, list) else [origins]
        credentials = cors.get("credentials") is True
        if "*" in origins and not credentials:
            response.headers.append(("Access-Control-Allow-Origin", "*"))
        elif "*" in origins or origin in origins:
            response.headers.append(("Access-Control-Allow-Origin", origin))
            response.headers.append(("Vary", "Origin"))
        else:
            return
        if credentials:
            response.headers.append(("Access-Control-Allow-Credentials", "true"))
        if request["method"] == "OPTIONS":
            methods = cors.get("methods") or DEFAULT_METHODS
            headers = cors.get("headers") or DEFAULT_HEADERS
            response.headers.append(("Access-Control-Allow-Methods", ", ".join(to_text(m) for m in methods)))
            response.headers.append(("Access-Control-Allow-Headers", ", ".join(to_text(h) for h in headers)))
            if cors.get("max_age") is not None:
                response.headers.append(("Access-Control-Max-Age", to_text(cors["max_age"])))
