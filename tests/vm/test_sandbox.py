"""The sandbox's rules (S§0.3): hosts, paths, switches and the flags that add to `[sandbox]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexa_avm.sandbox import Denied, FlagError, Sandbox, SandboxConfig, apply_flags, host_allowed


@pytest.mark.parametrize(
    ("host", "port", "entries", "allowed"),
    [
        ("api.example.com", 443, ["api.example.com"], True),
        ("API.example.com".lower(), 443, ["api.example.com"], True),
        ("en.wikipedia.org", 443, ["*.wikipedia.org"], True),
        ("a.b.wikipedia.org", 443, ["*.wikipedia.org"], True),
        ("wikipedia.org", 443, ["*.wikipedia.org"], False),
        ("localhost", 8787, ["localhost:8787"], True),
        ("localhost", 8788, ["localhost:8787"], False),
        ("127.0.0.1", 80, ["localhost"], False),
        ("evil-example.com", 443, ["example.com"], False),
    ],
)
def test_host_rule(host, port, entries, allowed):
    assert host_allowed(host, port, entries) is allowed


def test_url_checks_scheme_idna_and_port():
    sandbox = Sandbox(SandboxConfig(net=["bücher.example", "h.test:8080"]))
    sandbox.check_url("https://BÜCHER.example/x", "get")
    sandbox.check_url("http://h.test:8080/", "get")
    with pytest.raises(Denied, match="host h.test:9090 is not in the net allow-list"):
        sandbox.check_url("http://h.test:9090/", "get")
    with pytest.raises(Denied, match="only http:// and https://"):
        sandbox.check_url("ftp://h.test/", "get")


def test_paths_resolve_against_the_working_directory(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    sandbox = Sandbox(SandboxConfig(fs_write=[str(tmp_path / "out")]))
    assert sandbox.readable("out/a.txt", "read") == str(tmp_path / "out" / "a.txt")
    assert sandbox.writable("out/sub/../b.txt", "write") == str(tmp_path / "out" / "b.txt")
    with pytest.raises(Denied, match=r"write denied: .*outbox/a.txt is outside the write allow-list; "):
        sandbox.writable("outbox/a.txt", "write")


def test_assets_of_the_program_directory_are_readable(tmp_path: Path):
    sandbox = Sandbox(SandboxConfig(), str(tmp_path))
    assert sandbox.asset(str(tmp_path / "tpl" / "a.txt"), "render_file").endswith("tpl/a.txt")
    with pytest.raises(Denied):
        sandbox.asset("/etc/hostname", "render_file")


def test_switches_are_off_by_default():
    sandbox = Sandbox()
    with pytest.raises(Denied, match=r"allow it with --allow-shell or \[sandbox\] shell"):
        sandbox.check_shell("std.shell.shell_exec")
    with pytest.raises(Denied, match=r"allow it with --allow-python or \[sandbox\] python"):
        sandbox.check_python("python! block")
    assert not sandbox.auto_approve


def test_flags_add_to_the_configuration(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = SandboxConfig(fs_read=["/srv/data"], net=["a.test"])
    config = apply_flags(
        base,
        read=["docs"],
        net=["b.test"],
        allow=["python", "shell", "approve-all", "write:out", "net:c.test", "read:/tmp/x"],
    )
    assert config.fs_read == ["/srv/data", str(tmp_path / "docs"), "/tmp/x"]
    assert config.fs_write == [str(tmp_path / "out")]
    assert config.net == ["a.test", "b.test", "c.test"]
    assert (config.python, config.shell, config.auto_approve) == (True, True, True)
    assert base.fs_read == ["/srv/data"]  # the configuration itself is not changed


def test_unknown_allow_entries_are_refused():
    for entry in ("disk:/", "read:", "everything"):
        with pytest.raises(FlagError):
            apply_flags(SandboxConfig(), allow=[entry])
