"""Files only under the preopens (read-only unless writable), no network, no foreign imports: E402
and E104 with messages that name the path, the socket call or the import."""

from pathlib import Path

import pytest

from nexa_avm.wasm import ToolError, WasmLimits, WasmTool

EXAMPLES = Path(__file__).resolve().parents[2] / "sdk" / "wasm" / "examples"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("读书 notes\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "secret.txt").write_text("do not read")
    return tmp_path


@pytest.fixture
def read_file(workspace: Path, cache) -> WasmTool:
    """sdk/wasm/examples/read_file.c (committed build) with data/ read-only and out/ writable."""
    limits = WasmLimits().with_paths(["data"], ["out"], workspace)
    return WasmTool(EXAMPLES / "read_file.wasm", limits, name="read_file", cache=cache)


def test_a_file_under_an_allowed_path_is_read(read_file):
    assert read_file.call({"path": "data/notes.txt"}) == {"text": "读书 notes\n", "bytes": 13}


def test_reading_etc_passwd_is_denied(read_file):
    result = read_file.call({"path": "/etc/passwd"})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert result.message.startswith(
        "read of '/etc/passwd' denied: outside the paths tool 'read_file' may open"
    )
    assert result.detail == {"action": "read", "path": "/etc/passwd"}


def test_reading_etc_passwd_is_denied_for_a_module_calling_path_open_itself(make_tool):
    result = make_tool("read_passwd").call({})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert "'/etc/passwd'" in result.message


def test_escaping_an_allowed_path_with_dotdot_is_denied(read_file, workspace):
    result = read_file.call({"path": "data/../secret.txt"})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert "data/../secret.txt" in result.message


def test_a_host_absolute_path_of_an_allowed_directory_is_not_the_preopen(read_file, workspace):
    result = read_file.call({"path": str(workspace / "data" / "notes.txt")})
    assert isinstance(result, ToolError) and result.code == "E402"


def test_writing_under_a_read_only_path_is_denied(read_file, workspace):
    result = read_file.call({"path": "data/notes.txt", "append": "more"})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert result.message.startswith(
        "write of 'data/notes.txt' denied: 'data' is read-only for tool 'read_file'"
    )
    assert "writable_paths" in result.message
    assert (workspace / "data" / "notes.txt").read_text(encoding="utf-8") == "读书 notes\n"


def test_writing_outside_every_preopen_is_denied(read_file, workspace):
    result = read_file.call({"path": "/tmp/nexa-wasm-escape.txt", "append": "x"})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert not Path("/tmp/nexa-wasm-escape.txt").exists()


def test_writing_under_a_writable_path_works(read_file, workspace):
    assert read_file.call({"path": "out/log.txt", "append": "一"}) == {"text": "一", "bytes": 3}
    assert read_file.call({"path": "out/log.txt", "append": "二"}) == {"text": "一二", "bytes": 6}
    assert (workspace / "out" / "log.txt").read_text(encoding="utf-8") == "一二"


def test_without_paths_nothing_can_be_opened(cache):
    tool = WasmTool(EXAMPLES / "read_file.wasm", name="read_file", cache=cache)
    result = tool.call({"path": "data/notes.txt"})
    assert isinstance(result, ToolError) and result.code == "E402"


def test_a_file_growing_past_the_output_limit_is_stopped(make_tool, workspace):
    limits = WasmLimits(max_output_bytes=200_000).with_paths([], ["out"], workspace)
    result = make_tool("file_bomb", limits).call({})
    assert isinstance(result, ToolError) and result.code == "E401"
    assert result.message == "tool 'file_bomb' stopped: output limit of 200000 bytes reached"
    assert result.detail["stream"] == "file"
    assert (workspace / "out" / "big.txt").stat().st_size <= 200_000


def test_a_socket_call_is_denied(make_tool):
    result = make_tool("socket").call({})
    assert isinstance(result, ToolError) and result.code == "E402"
    assert result.message.startswith("network access denied: tool 'socket' called sock_send")


def test_network_true_is_refused():
    with pytest.raises(ValueError, match="network must be false"):
        WasmLimits(network=True)


def test_an_import_the_sandbox_does_not_give_fails_naming_it(make_tool):
    result = make_tool("imports_host").call({})
    assert isinstance(result, ToolError) and result.code == "E104"
    assert result.message == (
        "imports_host: module imports host function 'env.nexa_secret', which the sandbox does not "
        "provide (tools may import only wasi_snapshot_preview1 functions)"
    )
    assert result.detail["missing_import"] == "env.nexa_secret"


def test_a_missing_module_is_e104(tmp_path, cache):
    result = WasmTool(tmp_path / "gone.wasm", name="gone", cache=cache).call({})
    assert isinstance(result, ToolError) and result.code == "E104"
    assert result.message.startswith("gone: no such module")


def test_a_file_that_is_not_a_module_is_e104(tmp_path, cache):
    (tmp_path / "junk.wasm").write_bytes(b"not wasm at all")
    result = WasmTool(tmp_path / "junk.wasm", name="junk", cache=cache).call({})
    assert isinstance(result, ToolError) and result.code == "E104"
    assert "is not a valid WebAssembly module" in result.message


def test_a_missing_allowed_directory_is_e104(tmp_path, make_tool):
    limits = WasmLimits().with_paths(["nowhere"], [], tmp_path)
    result = make_tool("echo", limits).call({})
    assert isinstance(result, ToolError) and result.code == "E104"
    assert "allowed path 'nowhere' is not a directory" in result.message


def test_a_trap_inside_wasi_is_e401_with_its_cause(make_tool, workspace):
    limits = WasmLimits().with_paths([], ["out"], workspace)
    result = make_tool("misaligned", limits).call({})
    assert isinstance(result, ToolError) and result.code == "E401"
    assert result.message.startswith("tool 'misaligned' stopped: trap: path_open: Pointer not aligned to 4")
