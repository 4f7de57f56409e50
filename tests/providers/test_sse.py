"""Server-sent events as chat-completions streams use them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from nexa_avm.providers.sse import sse_data


async def events_of(*pieces: bytes) -> list[str]:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    return [data async for data in sse_data(chunks())]


async def test_each_blank_line_ends_one_event() -> None:
    assert await events_of(b"data: one\n\ndata: two\n\n") == ["one", "two"]


async def test_data_lines_of_one_event_are_joined_with_newlines() -> None:
    assert await events_of(b"data: a\ndata: b\n\n") == ["a\nb"]


async def test_comments_and_other_fields_are_skipped() -> None:
    stream = b": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: x\n\n"
    assert await events_of(stream) == ["x"]


async def test_crlf_line_ends_split_between_chunks_are_understood() -> None:
    assert await events_of(b"data: a\r", b"\n\r\ndata:b\r\n", b"\r\n") == ["a", "b"]


async def test_a_character_split_between_chunks_is_decoded_whole() -> None:
    encoded = "data: 世界\n\n".encode()
    assert await events_of(encoded[:7], encoded[7:]) == ["世界"]


async def test_a_stream_cut_before_its_last_blank_line_still_delivers_the_event() -> None:
    assert await events_of(b"data: [DONE]") == ["[DONE]"]
