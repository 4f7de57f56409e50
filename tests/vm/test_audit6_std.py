"""Audit 6 (std namespaces at run time): std.time, std.fs, std.http, std.shell, std.concurrent and
`server` declarations, each compared with stdlib.md / nexa-language.md."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.vm.conftest import Runner


def test_time_diff_takes_a_time_without_offset_as_local_time(nexa: Runner) -> None:
    # S§2.3: "Times are local unless they carry an offset", so the two forms can be compared.
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-01T00:00:00+00:00", '
        '"2024-01-01T00:00:00").seconds)\n}\n'
    )
    expected = (
        datetime(2024, 1, 1).astimezone() - datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    ).total_seconds()
    assert done.code == 0, done.err
    assert float(done.out) == expected


def test_time_diff_of_two_offsets_is_unchanged(nexa: Runner) -> None:
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-01T00:00:00+00:00", '
        '"2024-01-01T01:30:00+01:00", "minutes"))\n}\n'
    )
    assert done.out == '{"value": 30, "unit": "minutes", "days": 0, "seconds": 1800.0}\n'


def test_time_diff_days_are_whole_days_with_the_sign_of_the_difference(nexa: Runner) -> None:
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-02T12:00:00", "2024-01-01T00:00:00").days)\n'
        '    print(std.time.time_diff("2024-01-01T00:00:00", "2024-01-02T12:00:00").days)\n}\n'
    )
    assert done.out == "-1\n1\n"


def _listing_tree(root: Path) -> None:
    (root / "out").mkdir()
    (root / "outbox").mkdir()
    (root / "outbox" / "s.txt").write_text("secret", encoding="utf-8")
    (root / "out" / "w.txt").write_text("x", encoding="utf-8")
    (root / "out" / "link").symlink_to(root / "outbox")


def test_file_list_does_not_reveal_names_outside_the_allow_list(nexa: Runner, tmp_path: Path) -> None:
    # S§0.3: fs-read covers "listing directories" and is an allow-list; `..` and links are resolved.
    _listing_tree(tmp_path)
    done = nexa(
        'flow main() {\n    print(std.fs.file_list("out", "../outbox/*").count)\n'
        '    print(std.fs.file_list("out", "link/*").count)\n'
        '    print(std.fs.file_list("out", "**/*.txt").files)\n}\n',
        "--allow-read",
        "out",
    )
    assert done.code == 0, done.err
    assert done.out == '0\n0\n["out/w.txt"]\n'


def test_file_list_inside_the_allow_list_is_unchanged(nexa: Runner, tmp_path: Path) -> None:
    _listing_tree(tmp_path)
    done = nexa(
        'flow main() {\n    print(std.fs.file_list("out"))\n'
        '    print(std.fs.file_list(".", "outbox/*"))\n}\n',
        "--allow-read",
        ".",
    )
    assert done.code == 0, done.err
    assert done.out == (
        '{"files": ["out/link", "out/w.txt"], "count": 2}\n{"files": ["./outbox/s.txt"], "count": 1}\n'
    )


class _Hops(BaseHTTPRequestHandler):
    """`/hop/N` redirects to `/hop/N-1`; `/hop/0` answers 200."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        hops = int(self.path.rsplit("/", 1)[1])
        self.send_response(302 if hops else 200)
        if hops:
            self.send_header("Location", f"/hop/{hops - 1}")
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"done")


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hops)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_more_than_five_redirects_is_e104(nexa: Runner, hops: str) -> None:
    # S§2.2: redirects are followed up to 5; the 6th is a failure, not an empty 302 body.
    done = nexa(
        f'flow main() {{\n    try {{ std.http.http_get("{hops}/hop/6") }}\n'
        "    catch (e) { print(e.code, e.message) }\n}\n",
        "--allow-net",
        "127.0.0.1",
    )
    assert done.code == 0, done.err
    assert done.out == f"E104 std.http.http_get: {hops}/hop/6 redirected more than 5 times\n"


def test_five_redirects_are_followed(nexa: Runner, hops: str) -> None:
    done = nexa(
        f'flow main() {{\n    print(std.http.http_get("{hops}/hop/5"))\n}}\n', "--allow-net", "127.0.0.1"
    )
    assert (done.code, done.out) == (0, "done\n"), done.err


def test_shell_timeout_note_does_not_start_with_an_empty_line(nexa: Runner) -> None:
    done = nexa(
        'flow main() {\n    print(std.shell.shell_exec("sleep 5", timeout=0.3).stderr)\n'
        '    print(std.shell.shell_exec("echo oops >&2; printf x >&2; sleep 5", timeout=0.3).stderr)\n}\n',
        "--allow-shell",
    )
    assert done.code == 0, done.err
    assert done.out == (
        "[nexa] the command was killed after 0.3 s\noops\nx\n[nexa] the command was killed after 0.3 s\n"
    )
