"""The HTTP server (L§3.11, §7.11.2, S§1.8): the real `nexa serve` / `nexa run` in its own process
on 127.0.0.1 with a free port, real HTTP requests, exact answers."""

from __future__ import annotations

import http.client
import shutil
import time
from pathlib import Path

import pytest

APP = """
auth site = enable_auth("[]")
secret_key = "s3cret"
cfg = enable_auth("[]", {session_secret: secret_key})

agent Upper { prompt: "Shout." }
agent Lower { prompt: "Whisper." }
agent Weather { role: "weather forecast", prompt: "Report the weather forecast." }

server 9 {
    cors { origins: ["https://app.example"], methods: ["GET", "POST"], credentials: true, max_age: 600 }
    middleware [tag_request]
    require_auth "/private"
    static "/files" from "./www"
    route GET "/hello/{name}" => hello
    route POST "/echo" => echo
    route GET "/login/{who}" => login
    route GET "/private/me" => me
    route GET "/token" => token
    route GET "/go" => go
    route GET "/teapot" => teapot
    route GET "/fail" => fail
    route GET "/missing" => nowhere
    route POST "/shout" => Upper |>> Lower
    route GET "/plain" => plain
    semantic route "/weather" => Weather
    group "/admin" {
        middleware [only_admins]
        route GET "/" => admin_home
        route GET "/users/{id}/posts/{post}" => admin_post
    }
}

flow tag_request(req) {
    req.headers["x-seen"] = "yes"
    if req.path == "/blocked" { return none }
    return req
}
flow only_admins(req) {
    if req.query.admin == "1" { return req }
    return none
}
flow hello(name, req) { return json({hello: name, seen: req.headers["x-seen"], q: req.query}) }
flow echo(request) {
    data = parse_json_body(request)
    return json({got: data, method: request.method}, 201)
}
flow login(who, req) {
    set_session(req, {user: {name: who}})
    return text("welcome " + who)
}
flow me(req) { return {user: req.user, also: get_user(req)} }
flow token() { return text(jwt_sign({name: "jwt-user"}, secret_key)) }
flow go() { return redirect("/hello/there") }
flow teapot() { return status(418, "short and stout") }
flow fail() { raise RuntimeError("handler broke") }
flow plain() { return "just text" }
flow admin_home() { return html("<h1>admin</h1>") }
flow admin_post(id, post) { return {id: id, post: post} }
"""


def write_app(folder: Path) -> None:
    (folder / "app.nx").write_text(APP, encoding="utf-8")
    (folder / "www").mkdir()
    (folder / "www" / "index.html").write_text("<p>index</p>", encoding="utf-8")
    (folder / "www" / "a.txt").write_text("file a", encoding="utf-8")
    (folder / "secret.txt").write_text("top secret", encoding="utf-8")


@pytest.fixture(scope="module")
def app(tmp_path_factory, server_starter):
    """One server for the tests that do not stop it."""
    folder = tmp_path_factory.mktemp("app")
    write_app(folder)
    with server_starter(folder, "app.nx") as server:
        yield server


@pytest.fixture
def own_app(tmp_path, server_starter):
    """A server of the test's own, for tests that stop it."""
    write_app(tmp_path)
    with server_starter(tmp_path, "app.nx") as server:
        yield server


def test_a_flow_gets_path_parameters_and_the_request(app):
    reply = app.get("/hello/%E4%B8%96%E7%95%8C?x=1&y=")
    assert (reply.status, reply.headers["content-type"]) == (200, "application/json")
    assert reply.json() == {"hello": "世界", "seen": "yes", "q": {"x": "1", "y": ""}}


def test_a_json_body_and_a_status_from_json(app):
    reply = app.request("POST", "/echo", body='{"a": [1, 2]}', headers={"Content-Type": "application/json"})
    assert (reply.status, reply.json()) == (201, {"got": {"a": [1, 2]}, "method": "POST"})


def test_response_helpers_redirect_status_text_and_html(app):
    go = app.get("/go")
    assert (go.status, go.headers["location"], go.body) == (302, "/hello/there", "")
    teapot = app.get("/teapot")
    assert (teapot.status, teapot.body) == (418, "short and stout")
    plain = app.get("/plain")
    assert (plain.status, plain.headers["content-type"], plain.body) == (
        200,
        "text/plain; charset=utf-8",
        "just text",
    )


def test_middleware_returning_none_answers_403(app):
    assert app.get("/blocked").status == 403


def test_group_routes_are_prefixed_and_run_the_group_middleware(app):
    assert app.get("/admin").status == 403
    home = app.get("/admin/?admin=1")
    assert (home.status, home.headers["content-type"], home.body) == (
        200,
        "text/html; charset=utf-8",
        "<h1>admin</h1>",
    )
    post = app.get("/admin/users/7/posts/42?admin=1")
    assert post.json() == {"id": "7", "post": "42"}


def test_require_auth_answers_401_then_a_session_cookie_lets_the_user_in(app):
    assert app.get("/private/me").status == 401
    login = app.get("/login/ann")
    assert login.body == "welcome ann"
    cookie = login.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("nexa_session=")
    me = app.get("/private/me", headers={"Cookie": cookie})
    assert (me.status, me.json()) == (200, {"user": {"name": "ann"}, "also": {"name": "ann"}})


def test_a_bearer_jwt_signed_with_the_session_secret_authenticates(app):
    token = app.get("/token").body
    me = app.get("/private/me", headers={"Authorization": "Bearer " + token})
    assert me.status == 200
    assert me.json()["user"]["name"] == "jwt-user"
    assert app.get("/private/me", headers={"Authorization": "Bearer " + token + "x"}).status == 401


def test_static_files_and_index_html(app):
    a = app.get("/files/a.txt")
    assert (a.status, a.headers["content-type"], a.body) == (200, "text/plain; charset=utf-8", "file a")
    assert app.get("/files/").body == "<p>index</p>"
    assert app.request("HEAD", "/files/a.txt").body == ""


@pytest.mark.parametrize(
    "path", ["/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/..%2fsecret.txt", "/files/%00"]
)
def test_static_files_cannot_escape_their_directory(app, path):
    reply = app.get(path)
    assert reply.status in (400, 404)
    assert "top secret" not in reply.body


def test_cors_preflight_and_headers_for_an_allowed_origin(app):
    preflight = app.request(
        "OPTIONS",
        "/echo",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-allow-methods"] == "GET, POST"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert preflight.headers["access-control-max-age"] == "600"
    other = app.get("/plain", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_an_agent_chain_feeds_each_output_to_the_next(app):
    reply = app.request("POST", "/shout", body="hi there")
    assert (reply.status, reply.body) == (200, "[Lower] [Upper] hi there")


def test_a_semantic_route_is_chosen_by_the_judge_and_otherwise_404(app):
    weather = app.request("POST", "/somewhere", body="what is the weather forecast for tomorrow")
    assert (weather.status, weather.body) == (200, "[Weather] what is the weather forecast for tomorrow")
    assert app.get("/nothing/here").status == 404


def test_a_handler_error_answers_500_and_the_server_keeps_serving(own_app):
    reply = own_app.get("/fail")
    assert (reply.status, reply.json()) == (500, {"error": "RuntimeError: handler broke", "code": "E100"})
    assert own_app.get("/plain").status == 200
    code, log = own_app.stop()
    assert code == 0
    assert "nexa: GET /fail answered 500\nError: RuntimeError: handler broke\n" in log


def test_a_route_target_that_resolves_to_nothing_answers_500(app):
    reply = app.get("/missing")
    assert (reply.status, reply.json()) == (500, {"error": "route target 'nowhere' resolves to nothing"})


def test_keep_alive_serves_several_requests_on_one_connection(app):
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=20)
    try:
        for _ in range(3):
            connection.request("GET", "/plain")
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b"just text")
    finally:
        connection.close()


def test_a_malformed_request_line_is_400(app):
    import socket

    with socket.create_connection(("127.0.0.1", app.port), timeout=20) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_sigterm_stops_the_server_gracefully(own_app):
    assert own_app.get("/plain").status == 200
    code, log = own_app.stop()
    assert code == 0
    assert log.endswith("nexa: stopping the servers\n")


# --------------------------------------------------------------------------- corpus programs


def test_the_corpus_http_server_program_is_served_by_nexa_run(corpus_dir, tmp_path, served):
    shutil.copy(corpus_dir / "v1.2/test_http_server.nx", tmp_path / "server.nx")
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "site.css").write_text("body{}", encoding="utf-8")
    with served("server.nx", command="run") as server:
        health = server.get("/health")
        assert health.json() == {"status": "ok", "version": "1.0", "timestamp": "2024-01-01"}
        assert server.get("/users/42").json() == {"id": "42", "name": "User 42", "email": "42@example.com"}
        home = server.get("/")
        assert home.body == "<h1>Welcome to Nexa HTTP Server</h1><p>Agent-Native, Intent-Driven</p>"
        assert server.get("/admin").body == "<h1>Admin Dashboard</h1><p>Management Console</p>"
        assert server.get("/assets/site.css").body == "body{}"
        chat = server.request("GET", "/chat", body="hello bot")
        assert (chat.status, chat.body) == (200, "[ChatBot] hello bot")
        cors = server.get("/health", headers={"Origin": "https://any.example"})
        assert cors.headers["access-control-allow-origin"] == "*"
        assert server.get("/no/such/page").status == 404
        code, log = server.stop()
    assert code == 0
    assert "W012 'get_user' hides the built-in function" in log


def test_the_corpus_auth_program(corpus_dir, tmp_path, served):
    shutil.copy(corpus_dir / "v1.2/test_auth.nx", tmp_path / "auth.nx")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    with served("auth.nx") as server:
        assert server.get("/dashboard").status == 401
        assert server.get("/dashboard/settings").status == 401
        missing = server.get("/auth/google")
        assert (missing.status, missing.json()) == (
            500,
            {"error": "route target 'auth_start_handler' resolves to nothing"},
        )
        logo = server.get("/public/logo.svg")
        assert (logo.status, logo.headers["content-type"], logo.body) == (200, "image/svg+xml", "<svg/>")
        assert (
            server.get("/public/logo.svg", headers={"Origin": "https://x"}).headers[
                "access-control-allow-origin"
            ]
            == "*"
        )


def test_the_dashboard_member_function_answers_an_authenticated_request(tmp_path, served):
    (tmp_path / "dash.nx").write_text(
        """auth myAuth = enable_auth('[{"name":"google","client_id":"GID","client_secret":"GS"}]')
server apiServer {
    require_auth "/dashboard"
    route GET "/dashboard" => dashboard_handler
    route GET "/auth/google" => start
    route GET "/key" => key
}
agent dashboardBot {
    model "gpt-4"
    fn dashboard_handler(req) {
        let user = get_user(req)
        return html("<h1>Hello, " + user.agent + "!</h1>")
    }
}
flow start(req) { return handle_auth_start(req, "google") }
flow key() { return agent_api_key_generate("dashboardBot") }
""",
        encoding="utf-8",
    )
    with served("dash.nx") as server:
        key = server.get("/key").body
        dash = server.get("/dashboard", headers={"X-API-Key": key})
        assert (dash.status, dash.body) == (200, "<h1>Hello, dashboardBot!</h1>")
        start = server.get("/auth/google")
        assert start.status == 302
        location = start.headers["location"]
        assert location.startswith("https://accounts.google.com/o/oauth2/v2/auth?client_id=GID&redirect_uri=")
        assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{server.port}%2Fauth%2Fgoogle%2Fcallback" in location
        assert "&response_type=code&scope=openid+email+profile&state=" in location


def test_a_named_server_uses_nexa_port(tmp_path, monkeypatch):
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    (tmp_path / "named.nx").write_text('server api { route GET "/" => home }\nflow home() { return "hi" }\n')
    env = {"NEXA_PORT": str(free), "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("nexa")), "run", "named.nx"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line == f"nexa: serving http://127.0.0.1:{free}/ (server api)\n"
        connection = http.client.HTTPConnection("127.0.0.1", free, timeout=20)
        connection.request("GET", "/")
        assert connection.getresponse().read() == b"hi"
        connection.close()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_serve_refuses_a_program_without_a_server(nexa):
    outcome = nexa('flow main { print("x") }\n', command="serve")
    assert (outcome.code, outcome.out, outcome.err) == (2, "", "nexa: main.nx declares no server\n")


def test_jobs_run_while_the_program_is_served(tmp_path, served):
    (tmp_path / "jobs.nx").write_text(
        """kv done = open(":memory:")
job Count on "work" { perform(n) { incr(done, "total", n) } }
server 1 {
    route POST "/add/{n}" => add
    route GET "/total" => total
}
flow add(n) { return {job: Count.enqueue({n: int(n)})} }
flow total() { return {total: get_int(done, "total"), stats: JobQueue.stats().completed} }
""",
        encoding="utf-8",
    )
    with served("jobs.nx") as server:
        assert server.request("POST", "/add/2").json() == {"job": "job_1"}
        assert server.request("POST", "/add/5").json() == {"job": "job_2"}
        deadline = time.monotonic() + 10
        while server.get("/total").json() != {"total": 7, "stats": 2} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.get("/total").json() == {"total": 7, "stats": 2}
