"""LineIndex: byte offsets <-> lines and columns in UTF-8, UTF-16 and code points."""

import pytest

from nexa_lang.positions import LineIndex, Position, Span, Unit

CJK = 'agent 写手 {\n    prompt: "写一首诗"\n}\n'
EMOJI = 'x = "🙂a"\ny'


def offset_of(text: str, needle: str) -> int:
    return len(text[: text.index(needle)].encode("utf-8"))


def test_ascii_offsets_are_columns_in_every_unit():
    index = LineIndex("abc\ndef\n")
    for unit in Unit:
        assert index.position(5, unit) == Position(1, 1)
        assert index.offset(1, 1, unit) == 5


def test_cjk_columns_differ_per_unit():
    index = LineIndex(CJK)
    at = offset_of(CJK, "一")  # after `    prompt: "写`
    assert index.position(at, Unit.UTF8) == Position(1, 16)
    assert index.position(at, Unit.UTF16) == Position(1, 14)
    assert index.position(at, Unit.CODEPOINT) == Position(1, 14)


def test_cjk_columns_round_trip_in_every_unit():
    index = LineIndex(CJK)
    at = offset_of(CJK, "诗")
    for unit in Unit:
        line, column = index.position(at, unit)
        assert index.offset(line, column, unit) == at


def test_emoji_is_two_utf16_units_and_one_code_point():
    index = LineIndex(EMOJI)
    after = offset_of(EMOJI, "a")
    assert index.position(after, Unit.UTF8) == Position(0, 9)
    assert index.position(after, Unit.UTF16) == Position(0, 7)
    assert index.position(after, Unit.CODEPOINT) == Position(0, 6)


def test_utf16_column_inside_a_surrogate_pair_means_the_character_start():
    index = LineIndex(EMOJI)
    emoji = offset_of(EMOJI, "🙂")
    assert index.offset(0, 6, Unit.UTF16) == emoji
    assert index.offset(0, 7, Unit.UTF16) == emoji + 4


def test_byte_offset_inside_a_character_counts_as_its_start():
    index = LineIndex("写字")
    assert index.position(1, Unit.CODEPOINT) == Position(0, 0)
    assert index.position(4, Unit.UTF16) == Position(0, 1)
    assert index.offset(0, 2, Unit.UTF8) == 0
    assert index.offset(0, 4, Unit.UTF8) == 3


def test_one_based_lines_and_columns():
    index = LineIndex(CJK)
    at = offset_of(CJK, "一")
    assert index.position(at, Unit.CODEPOINT, line_base=1, column_base=1) == Position(2, 15)
    assert index.offset(2, 15, Unit.CODEPOINT, line_base=1, column_base=1) == at


def test_line_and_column_bases_are_independent():
    index = LineIndex("ab\ncd")
    assert index.position(4, line_base=1, column_base=0) == Position(2, 1)
    assert index.offset(2, 1, line_base=1) == 4


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_starts_a_new_line(newline: str):
    text = newline.join(["一", "二二", "三"])
    index = LineIndex(text)
    assert index.line_count == 3
    at = offset_of(text, "三")
    assert index.position(at, Unit.CODEPOINT) == Position(2, 0)
    assert index.line_text(1) == "二二"
    assert index.offset(1, 2, Unit.CODEPOINT) == offset_of(text, "二") + 6


def test_mixed_line_endings():
    index = LineIndex("a\r\nb\rc\nd")
    assert [index.line_text(line) for line in range(index.line_count)] == ["a", "b", "c", "d"]


def test_offset_between_cr_and_lf_is_the_end_of_the_line():
    index = LineIndex("ab\r\ncd")
    assert index.position(3) == Position(0, 2)
    assert index.position(4) == Position(1, 0)


def test_column_past_line_end_is_clamped_to_the_line_end():
    index = LineIndex("写\nabc")
    assert index.offset(0, 99, Unit.UTF16) == 3
    assert index.offset(0, 99, Unit.UTF8) == 3
    assert index.offset(0, 99, Unit.CODEPOINT) == 3


def test_line_past_the_end_is_the_end_of_the_text():
    text = "ab\ncd"
    index = LineIndex(text)
    assert index.offset(7, 0) == len(text)
    assert index.offset(-1, 3) == 0


def test_offsets_outside_the_text_are_clamped():
    index = LineIndex("ab\ncd")
    assert index.position(-5) == Position(0, 0)
    assert index.position(999) == Position(1, 2)


def test_end_of_text_after_final_newline_is_an_empty_last_line():
    index = LineIndex("ab\n")
    assert index.line_count == 2
    assert index.position(3) == Position(1, 0)


def test_bom_is_not_a_column():
    text = "\ufeff写x"
    index = LineIndex(text)
    assert index.bom_length == 3
    x = len(text[:2].encode("utf-8"))
    assert index.position(x, Unit.CODEPOINT) == Position(0, 1)
    assert index.offset(0, 0) == 3
    assert index.offset(0, 1, Unit.CODEPOINT) == x
    assert index.position(1) == Position(0, 0)
    assert index.line_text(0) == "写x"


def test_built_from_bytes_or_str_alike():
    assert LineIndex(CJK.encode()).position(20, Unit.UTF16) == LineIndex(CJK).position(20)


def test_span_positions_give_exclusive_end():
    index = LineIndex(CJK)
    start = offset_of(CJK, "写一")
    span = Span(start, start + len("写一".encode()))
    begin, end = index.span_positions(span, Unit.CODEPOINT, line_base=1, column_base=1)
    assert (begin, end) == (Position(2, 14), Position(2, 16))


def test_convert_column_between_units():
    index = LineIndex(EMOJI)
    assert index.convert_column(0, 7, Unit.UTF16, Unit.CODEPOINT) == 6
    assert index.convert_column(0, 6, Unit.CODEPOINT, Unit.UTF8) == 9


def test_shared_index_for_the_same_text():
    assert LineIndex.of(CJK) is LineIndex.of(CJK)


def test_invalid_utf8_does_not_break_conversions():
    index = LineIndex(b"a\xffb\nc")
    assert index.position(2, Unit.CODEPOINT) == Position(0, 1)
    assert index.position(4, Unit.UTF16) == Position(1, 0)


def test_many_lines_convert_by_line_lookup():
    lines = [f"行{n} = {n}" for n in range(5000)]
    text = "\n".join(lines)
    index = LineIndex(text)
    at = offset_of(text, "行4321 ")
    assert index.position(at, Unit.CODEPOINT) == Position(4321, 0)
