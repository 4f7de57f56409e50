"""S001 capability-not-granted: what the configured sandbox (S§0.3) will deny, as information."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import SandboxSettings, Settings


def s001(text: str, **sandbox: object) -> list[tuple[int, int, str, str]]:
    """(1-based line, 0-based byte column, range text, message) of each S001 under `sandbox`."""
    settings = Settings(sandbox=SandboxSettings(**sandbox)).with_options(select=("S001",))  # type: ignore[arg-type]
    source = text.encode()
    result = []
    for d in check_source(text, None, settings):
        line_start = source.rfind(b"\n", 0, d.span.start) + 1
        result.append(
            (
                source[: d.span.start].count(b"\n") + 1,
                d.span.start - line_start,
                source[d.span.start : d.span.end].decode(),
                d.message,
            )
        )
    return result


def message(what: str, capability: str, flag: str, key: str) -> str:
    return (
        f"{what} needs the '{capability}' capability, which this configuration does not grant; "
        f"allow it with {flag} or [sandbox] {key}"
    )


SHELL_AGENT = 'agent Ops uses std.shell { prompt: "Check disk usage." }\n'


def test_s001_uses_std_shell_by_default() -> None:
    assert s001(SHELL_AGENT) == [
        (1, 15, "std.shell", message("'std.shell'", "process", "--allow-shell", "shell"))
    ]


def test_s001_is_information() -> None:
    assert [d.severity for d in check_source(SHELL_AGENT)] == [Severity.INFO]


def test_s001_not_reported_when_shell_is_on() -> None:
    assert s001(SHELL_AGENT, shell=True) == []


def test_s001_std_shell_call_points_at_the_path() -> None:
    text = 'flow main { print(std.shell.shell_exec("df -h")) }\n'
    assert s001(text) == [
        (
            1,
            18,
            "std.shell.shell_exec",
            message("'std.shell.shell_exec'", "process", "--allow-shell", "shell"),
        )
    ]


def test_s001_std_fs_needs_a_read_or_write_entry() -> None:
    text = 'agent Reader uses std.fs { prompt: "Read notes." }\n'
    assert [m for *_, m in s001(text)] == [message("'std.fs'", "fs-read", "--allow-read PATH", "fs_read")]
    assert s001(text, fs_read=("./data",)) == []
    assert s001(text, fs_write=("./out",)) == []


def test_s001_std_fs_write_call_names_fs_write() -> None:
    text = 'flow main { std.fs.file_write("out.txt", "x") }\n'
    assert [m for *_, m in s001(text)] == [
        message("'std.fs.file_write'", "fs-write", "--allow-write PATH", "fs_write")
    ]


def test_s001_std_http_when_net_is_empty() -> None:
    text = 'agent Web uses std.http { prompt: "Fetch." }\n'
    assert [m for *_, m in s001(text)] == [message("'std.http'", "net", "--allow-net HOST", "net")]
    assert s001(text, net=("api.example.com",)) == []


def test_s001_std_http_call_with_a_literal_url_outside_net() -> None:
    text = 'flow main { std.http.http_get("https://evil.example.org/x") }\n'
    expected = message("'std.http.http_get'", "net", "--allow-net evil.example.org", "net")
    assert [m for *_, m in s001(text, net=("api.example.com",))] == [expected]
    assert s001(text, net=("*.example.org",)) == []
    assert s001(text, net=("evil.example.org:8443",)) != []


def test_s001_std_http_call_with_a_computed_url_is_not_judged_when_net_is_set() -> None:
    assert s001("flow main(u) { std.http.http_get(u) }\n", net=("api.example.com",)) == []


def test_s001_mcp_over_http() -> None:
    text = 'agent M uses mcp:"http://fake.url" { prompt: "x" }\n'
    assert s001(text) == [
        (
            1,
            13,
            'mcp:"http://fake.url"',
            message("MCP server 'http://fake.url'", "net", "--allow-net fake.url", "net"),
        )
    ]
    assert s001(text, net=("fake.url",)) == []


def test_s001_python_block_points_at_the_token() -> None:
    text = 'flow main {\n    python! """\nprint(1)\n"""\n}\n'
    assert s001(text) == [
        (2, 4, "python!", message("python! block", "host-code", "--allow-python", "python"))
    ]
    assert s001(text, python=True) == []


def test_s001_python_tool_points_at_the_key() -> None:
    text = 'tool Helper { python: "helpers/tools.py" }\n'
    assert s001(text) == [
        (1, 14, "python", message("tool 'Helper'", "host-code", "--allow-python", "python"))
    ]


def test_s001_uses_property_string() -> None:
    text = 'agent News { prompt: "News.", uses: "std.http" }\n'
    assert [r[2] for r in s001(text)] == ['"std.http"']


def test_s001_not_reported_for_harmless_namespaces() -> None:
    assert s001('agent Clock uses std.time, std.json { prompt: "Tell the time." }\n') == []
