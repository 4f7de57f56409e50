"""Auth built-ins (S§1.8) without a server: JWT (HS256), sessions, CSRF, API keys, OAuth settings."""

from __future__ import annotations

import re


def run_ok(nexa, source: str) -> str:
    outcome = nexa(source)
    assert outcome.code == 0, outcome.err
    return outcome.out


PROVIDERS = """auth login = enable_auth('[{"name":"github","client_id":"CID","client_secret":"CS"}]')"""


def main_of(body: str, head: str = "") -> str:
    return f"{head}\nflow main {{\n{body}\n}}\n"


def test_jwt_sign_and_verify_round_trip_with_expiry(nexa):
    out = run_ok(
        nexa,
        main_of(
            """    token = jwt_sign({sub: "ann", role: "admin"}, "k1", {expires_in: 60})
    claims = jwt_verify(token, "k1")
    print(claims.sub, claims.role, claims.exp - claims.iat)"""
        ),
    )
    assert out == "ann admin 60\n"


def test_jwt_verify_rejects_a_wrong_secret_a_tampered_and_an_expired_token(nexa):
    out = run_ok(
        nexa,
        main_of(
            """    token = jwt_sign({sub: "ann"}, "k1")
    tampered = token + "x"
    print(jwt_verify(token, "other") == none, jwt_verify(tampered, "k1") == none)
    print(jwt_verify(jwt_sign({sub: "x"}, "k1", {expires_in: -1}), "k1") == none)
    print(jwt_decode(tampered).sub)
    try { jwt_decode("garbage") } catch (e) { print(e.code) }"""
        ),
    )
    assert out == "true true\ntrue\nann\nE100\n"


def test_sessions_and_csrf_on_a_request_dict(nexa):
    out = run_ok(
        nexa,
        main_of(
            """    req = {method: "GET", path: "/", headers: {}, cookies: {}, body: ""}
    print(get_user(req) == none, get_session(req) == none)
    set_session(req, {user: {name: "Ann"}, theme: "dark"})
    print(get_user(req).name, get_session(req).data)
    t = csrf_token(req)
    print(len(t), verify_csrf(req, t), verify_csrf(req, "nope"), csrf_token(req) == t)
    print(csrf_field(req) == "<input type=\\"hidden\\" name=\\"csrf_token\\" value=\\"" + t + "\\">")"""
        ),
    )
    assert out == 'true true\nAnn {"theme": "dark"}\n64 true false true\ntrue\n'


def test_agent_api_keys(nexa):
    out = run_ok(
        nexa,
        main_of(
            """    key = agent_api_key_generate("Helper", 3600)
    info = agent_api_key_verify(key)
    print(key[0] + key[1] + key[2] + key[3], len(key), info.agent, info.expires_at - info.created_at)
    print(agent_api_key_verify("nxk_bad") == none)
    print(agent_api_key_verify(agent_api_key_generate("Old", -1)) == none)"""
        ),
    )
    assert out == "nxk_ 44 Helper 3600\ntrue\ntrue\n"


def test_enable_auth_declaration_and_oauth(nexa):
    out = run_ok(
        nexa,
        main_of(
            '    print(login)\n    print(oauth("google", "id", "secret", {scope: "email"}))',
            head=PROVIDERS,
        ),
    )
    expected = '{"name": "google", "client_id": "id", "client_secret": "secret", "scope": "email"}'
    assert re.fullmatch(rf"<auth #\d+>\n{re.escape(expected)}\n", out), out  # `<KIND #ID>` (L§7.1.3)


def test_malformed_providers_stop_the_program_at_the_declaration(nexa):
    outcome = nexa('auth a = enable_auth("[not json")\nflow main { print(1) }\n')
    assert outcome.code == 1
    assert outcome.err.startswith("Error: RuntimeError: enable_auth: the providers are not JSON")
    assert "  --> main.nx:1:1\n" in outcome.err
