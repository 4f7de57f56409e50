"""`std.http` against a real HTTP server on 127.0.0.1 (S§2.2): the host allow-list, redirects checked
again, status handling, the model's view of a body."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/hello":
            self._send(200, f"hi 你好 {self.headers.get('User-Agent')} {self.headers.get('X-Token', '')}")
        elif self.path == "/redirect":
            self._send(302, "", {"Location": "/hello"})
        elif self.path == "/away":
            self._send(302, "", {"Location": "http://localhost:1/x"})
        elif self.path == "/long":
            self._send(200, "x" * 2500)
        else:
            self._send(404, "no such page")

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length", 0))
        return self.rfile.read(length).decode("utf-8")

    def do_POST(self) -> None:
        self._send(201, f"{self.headers.get('Content-Type')} {self._body()}")

    def do_PUT(self) -> None:
        self._send(400, "bad " + self._body())

    def do_DELETE(self) -> None:
        self._send(200, "deleted " + self.path)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run_main(nexa, body: str, *options: str):
    return nexa(f"flow main {{\n{body}\n}}\n", *options)


def test_get_of_an_allowed_host(nexa, server):
    body = f'print(std.http.http_get("http://{server}/hello", {{"X-Token": "t1"}}))'
    outcome = run_main(nexa, body, "--allow-net", server)
    assert (outcome.code, outcome.out) == (0, "hi 你好 nexa-avm/0.1.0 t1\n"), outcome.err


def test_get_of_a_host_not_listed_is_e402(nexa, server):
    port = server.split(":")[1]
    outcome = run_main(
        nexa, f'print(std.http.http_get("http://{server}/hello"))', "--allow-net", "127.0.0.1:1"
    )
    assert outcome.code == 1
    assert (
        f"std.http.http_get denied: host 127.0.0.1:{port} is not in the net allow-list; "
        "allow it with --allow-net or [sandbox] net"
    ) in outcome.err
    assert "= code E402 (permission-denied)" in outcome.err


def test_an_entry_without_port_allows_every_port_of_that_host(nexa, server):
    outcome = run_main(
        nexa, f'print(std.http.http_get("http://{server}/redirect"))', "--allow", "net:127.0.0.1"
    )
    assert outcome.out.startswith("hi 你好"), outcome.err


def test_redirect_targets_are_checked_again(nexa, server):
    body = f'try {{ std.http.http_get("http://{server}/away") }} catch (e) {{ print(e.code, e.message) }}'
    outcome = run_main(nexa, body, "--allow-net", server)
    assert outcome.out == (
        "E402 std.http.http_get denied: host localhost:1 is not in the net allow-list; "
        "allow it with --allow-net or [sandbox] net\n"
    )


def test_get_with_an_error_status_is_e104_with_the_status(nexa, server):
    body = (
        f'try {{ std.http.http_get("http://{server}/nope") }} '
        "catch (e) { print(e.code, e.message, e.detail.status) }"
    )
    outcome = run_main(nexa, body, "--allow-net", server)
    assert outcome.out == f"E104 std.http.http_get: http://{server}/nope answered with status 404 404\n"


def test_post_put_delete_return_status_and_body(nexa, server):
    body = f"""
    print(std.http.http_post("http://{server}/items", "{{\\"a\\": 1}}"))
    print(std.http.http_put("http://{server}/items", "x", content_type="text/plain"))
    print(std.http.http_delete("http://{server}/items/7"))
    """
    outcome = run_main(nexa, body, "--allow-net", server)
    assert outcome.out == (
        '{"status": 201, "body": "application/json {\\"a\\": 1}"}\n'
        '{"status": 400, "body": "bad x"}\n'
        '{"status": 200, "body": "deleted /items/7"}\n'
    ), outcome.err


def test_connection_failure_is_e104(nexa):
    body = 'try { std.http.http_get("http://127.0.0.1:1/", {}, 2) } catch (e) { print(e.code, e.kind) }'
    assert run_main(nexa, body, "--allow-net", "127.0.0.1").out == "E104 ToolError\n"


def test_only_http_and_https_urls(nexa):
    body = 'try { std.http.http_get("file:///etc/passwd") } catch (e) { print(e.code, e.message) }'
    assert run_main(nexa, body).out == (
        "E402 std.http.http_get denied: only http:// and https:// URLs may be fetched, not 'file:///etc/passwd'\n"
    )


def test_a_model_sees_the_body_cut_at_2000_characters(nexa, server):
    source = f"""agent Web uses std.http {{ prompt: "fetch" }}
flow main {{ print(Web.run("@call http_get {{\\"url\\": \\"http://{server}/long\\"}}")) }}
"""
    outcome = nexa(source, "--allow-net", server)
    assert outcome.code == 0, outcome.err
    assert outcome.out == "[Web] \nhttp_get -> " + "x" * 200 + "\n"
