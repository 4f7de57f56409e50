"""The installed distribution: the compiled grammar loads, the commands exist, every command answers."""

import subprocess
import sys
from pathlib import Path

import pytest
import tree_sitter

import tree_sitter_nexa

BIN_DIR = Path(sys.executable).parent
COMMANDS = ("nexa-lsp", "nexa", "nexa-dap")


def test_language_loads_into_py_tree_sitter_with_abi_14():
    language = tree_sitter.Language(tree_sitter_nexa.language())
    assert language.abi_version == 14


def test_parser_parses_the_bundled_example(repo_root: Path):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_nexa.language()))
    tree = parser.parse((repo_root / "examples" / "hello.nx").read_bytes())
    assert tree.root_node.type == "source_file"
    assert not tree.root_node.has_error


def test_queries_dir_holds_the_grammar_queries(repo_root: Path):
    shipped = {p.name for p in tree_sitter_nexa.queries_dir().glob("*.scm")}
    in_repo = {p.name for p in (repo_root / "grammar-ts" / "queries").glob("*.scm")}
    assert shipped == in_repo


def test_highlights_query_constant_is_the_file_text(repo_root: Path):
    path = repo_root / "grammar-ts" / "queries" / "highlights.scm"
    if not path.exists():
        pytest.skip("grammar-ts/queries/highlights.scm does not exist yet")
    assert path.read_text(encoding="utf-8") == tree_sitter_nexa.HIGHLIGHTS_QUERY


def test_unknown_query_constant_is_an_attribute_error():
    with pytest.raises(AttributeError):
        _ = tree_sitter_nexa.NO_SUCH_QUERY


@pytest.mark.parametrize("command", COMMANDS)
def test_console_script_is_installed_beside_the_interpreter(command: str):
    assert (BIN_DIR / command).is_file(), f"{command} is not installed in {BIN_DIR}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_answers_help_and_exits_0(command: str):
    done = subprocess.run(
        [BIN_DIR / command, "--help"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0 and "usage" in done.stdout.lower(), done.stderr
