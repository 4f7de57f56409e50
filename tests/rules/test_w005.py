"""W005 possibly-undefined-name: the E001 situation where the name may be bound elsewhere."""

from nexa_lang.checker import check_text

LIBRARY = "flow report {\n    rows = load_rows()\n    print(summarize(rows))\n}\n"
LIBRARY_REASON = "this library may be included by a program that defines it"


def test_w005_in_a_standalone_library(found) -> None:
    assert found(LIBRARY, "W005", "E001") == [
        ("W005", 2, 12, f"'load_rows' is not defined here; {LIBRARY_REASON}"),
        ("W005", 3, 11, f"'summarize' is not defined here; {LIBRARY_REASON}"),
    ]


def test_w005_not_reported_when_the_library_declares_the_names(found) -> None:
    text = "flow load_rows() { return [1] }\nflow summarize(rows) { return rows }\n" + LIBRARY
    assert found(text, "W005", "E001") == []


def test_w005_in_an_open_program_names_the_missing_include(tmp_path) -> None:
    root = tmp_path / "main.nx"
    root.write_text('include "gone.nxlib"\nflow main { print(helper()) }\n')
    [d] = check_text(root.read_text(), str(root), codes=["W005", "E001"])
    assert (d.code, d.message) == (
        "W005",
        "'helper' is not defined here; it may come from the missing include 'gone.nxlib'",
    )


def test_w005_in_a_body_with_a_python_block_names_its_line(found) -> None:
    text = 'flow main {\n    python! """\nanswer = 42\n"""\n    print(answer)\n}\n'
    assert found(text, "W005", "E001") == [
        ("W005", 5, 11, "'answer' is not defined here; it may be bound by the python! block at line 2")
    ]


def test_w005_python_block_in_another_flow_does_not_excuse_the_name(found) -> None:
    text = 'flow other {\n    python! """\nx = 1\n"""\n}\nflow main {\n    print(answer)\n}\n'
    assert [code for code, *_ in found(text, "W005", "E001")] == ["E001"]


def test_w005_covers_implements_and_uses_items_of_a_library(found) -> None:
    text = 'protocol Report { a: "string" }\nagent A implements Reprt uses lookup { prompt: "x" }\n'
    assert found(text, "W005", "E006", "E007") == [
        ("W005", 2, 20, f"'Reprt' is not defined here; {LIBRARY_REASON}; did you mean 'Report'?"),
        ("W005", 2, 31, f"'lookup' is not defined here; {LIBRARY_REASON}"),
    ]


def test_w005_change_to_fix(fixed) -> None:
    text = "flow load_rows() { return [1] }\nflow report { print(load_row()) }\n"
    assert fixed(text, "W005") == "flow load_rows() { return [1] }\nflow report { print(load_rows()) }\n"
