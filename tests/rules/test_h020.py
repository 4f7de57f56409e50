"""H020 unharnessed-too-large."""


def block(n: int) -> str:
    statements = "\n".join(f"        print({i})" for i in range(n))
    return f'flow main {{\n    unharnessed("setup") {{\n{statements}\n    }}\n}}\n'


def test_h020_points_at_the_keyword(found) -> None:
    message = "unharnessed block has 6 statements; keep it to the few that need it"
    assert found(block(6), "H020") == [("H020", 2, 5, message)]


def test_h020_five_statements_are_fine(found) -> None:
    assert found(block(5), "H020") == []


def test_h020_counts_only_statements_directly_in_the_body(found) -> None:
    text = (
        'flow main {\n    unharnessed("setup") {\n'
        "        if true { a = 1; b = 2; c = 3; d = 4; e = 5; f = 6 }\n    }\n}\n"
    )
    assert found(text, "H020") == []
