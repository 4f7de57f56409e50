"""`std.http` — HTTP client (S§2.2), on the standard library's `urllib.request`.

Class net: the URL's host must be in the `net` allow-list, and so must every redirect target (at
most 5). Bodies are limited to 10 MiB and decoded with the response charset (UTF-8 by default).
Requests run in a worker thread so that other branches of the program keep running.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from typing import Any

from . import Param, Registry, StdCall, result_text

registry = Registry("http")
BODY_LIMIT = 10 * 1024 * 1024
MODEL_BODY_LIMIT = 2_000
MAX_REDIRECTS = 5
USER_AGENT = "nexa-avm/0.1.0"


def _cut(body: str) -> str:
    if len(body) <= MODEL_BODY_LIMIT:
        return body
    return body[:MODEL_BODY_LIMIT] + f"…[truncated {len(body) - MODEL_BODY_LIMIT} chars]"


def _body_text(value: Any) -> str:
    return _cut(value) if isinstance(value, str) else result_text(value)


def _status_text(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("body"), str):
        value = {**value, "body": _cut(value["body"])}
    return result_text(value)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, call: StdCall) -> None:
        super().__init__()
        self.call = call

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        self.call.check_url(newurl)  # every redirect target is checked again (S§0.3)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _request(
    call: StdCall,
    method: str,
    url: str,
    data: str | None,
    headers: dict[str, Any],
    content_type: str | None,
    timeout: float,
) -> tuple[int, str]:
    call.check_url(url)
    sent = {"User-Agent": USER_AGENT}
    if content_type is not None and data is not None:
        sent["Content-Type"] = content_type
    sent.update({str(k): str(v) for k, v in headers.items()})
    body = data.encode("utf-8") if data is not None else None
    request = urllib.request.Request(url, data=body, headers=sent, method=method)
    opener = urllib.request.build_opener(_Redirects(call))
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if str(error.msg).startswith(_Redirects.inf_msg):
            error.close()
            # the redirect limit of S§2.2 (5, or a loop): a failure, not the last 3xx answer
            raise call.fail(f"{url} redirected more than {MAX_REDIRECTS} times", url=url) from None
        response = error
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise call.fail(f"{url} did not answer within {timeout:g} s", url=url) from None
        raise call.fail(f"cannot reach {url}: {reason}", url=url) from None
    except TimeoutError:
        raise call.fail(f"{url} did not answer within {timeout:g} s", url=url) from None
    except OSError as error:
        raise call.fail(f"cannot reach {url}: {error}", url=url) from None
    with response:
        try:
            raw = response.read(BODY_LIMIT + 1)
        except TimeoutError:
            raise call.fail(f"{url} did not answer within {timeout:g} s", url=url) from None
        except OSError as error:
            raise call.fail(f"reading the answer of {url} failed: {error}", url=url) from None
        if len(raw) > BODY_LIMIT:
            raise call.fail(f"the answer of {url} is larger than 10 MiB", url=url)
        charset = response.headers.get_content_charset() or "utf-8"
        try:
            text = raw.decode(charset, errors="replace")
        except LookupError:
            text = raw.decode("utf-8", errors="replace")
        return int(response.status), text


async def _run(
    call: StdCall,
    method: str,
    url: str,
    data: str | None,
    headers: dict[str, Any],
    content_type: str | None,
    timeout: float,
) -> tuple[int, str]:
    if timeout <= 0:
        raise call.bad_argument("timeout must be > 0")
    return await asyncio.to_thread(_request, call, method, url, data, headers, content_type, float(timeout))


@registry.function(
    "net",
    "GET a URL and return the response body",
    Param("url", "str"),
    Param("headers", "map", {}),
    Param("timeout", "number", 30),
    result_text=_body_text,
)
async def http_get(call: StdCall, url: str, headers: dict[str, Any], timeout: float) -> str:
    status, body = await _run(call, "GET", url, None, headers, None, timeout)
    if status >= 400:
        raise call.fail(f"{url} answered with status {status}", url=url, status=status)
    return body


def _sender(method: str) -> Any:
    async def send(
        call: StdCall, url: str, data: str, headers: dict[str, Any], content_type: str, timeout: float
    ) -> dict[str, Any]:
        status, body = await _run(call, method, url, data, headers, content_type, timeout)
        return {"status": status, "body": body}

    return send


_BODY_PARAMS = (
    Param("url", "str"),
    Param("data", "str"),
    Param("headers", "map", {}),
    Param("content_type", "str", "application/json"),
    Param("timeout", "number", 30),
)


async def http_post(call: StdCall, **arguments: Any) -> dict[str, Any]:
    return await _sender("POST")(call, **arguments)


async def http_put(call: StdCall, **arguments: Any) -> dict[str, Any]:
    return await _sender("PUT")(call, **arguments)


registry.function(
    "net", "POST data to a URL; returns status and body", *_BODY_PARAMS, result_text=_status_text
)(http_post)
registry.function(
    "net", "PUT data to a URL; returns status and body", *_BODY_PARAMS, result_text=_status_text
)(http_put)


@registry.function(
    "net",
    "DELETE a URL; returns status and body",
    Param("url", "str"),
    Param("headers", "map", {}),
    Param("timeout", "number", 30),
    result_text=_status_text,
)
async def http_delete(call: StdCall, url: str, headers: dict[str, Any], timeout: float) -> dict[str, Any]:
    status, body = await _run(call, "DELETE", url, None, headers, None, timeout)
    return {"status": status, "body": body}
