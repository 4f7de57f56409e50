"""H015 nonstandard-merge-strategy."""

import pytest

AGENTS = 'agent A { prompt: "Try one way." }\nagent B { prompt: "Try another way." }\n'


def program(strategy: str) -> str:
    return AGENTS + f"flow main(q) {{\n    r = fork [A.run(q), B.run(q)] merge {strategy}\n    print(r)\n}}\n"


def test_h015_points_at_the_word(found) -> None:
    message = "unknown merge strategy 'majority'; best_of is used"
    assert found(program("majority"), "H015") == [("H015", 4, 41, message)]


@pytest.mark.parametrize("strategy", ["best_of", "best", "vote", "first", "all", "weighted_average"])
def test_h015_not_reported_for_standard_strategies(found, strategy: str) -> None:
    assert found(program(strategy), "H015") == []


def test_h015_fix_replaces_majority_with_vote(fixed, found) -> None:
    assert fixed(program("majority"), "H015") == program("vote")
    assert found(program("vote"), "H015") == []


def test_h015_fix_uses_the_closest_spelling(fixed) -> None:
    assert fixed(program("frist"), "H015") == program("first")
    assert fixed(program("best_off"), "H015") == program("best_of")
