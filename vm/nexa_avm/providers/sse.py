"""Server-sent events: turn a byte stream into the `data` of each event (the SSE format of the
WHATWG HTML standard, as chat-completions streaming uses it).

Only `data:` fields matter to chat completions; `event:`, `id:`, `retry:` and `:` comment lines
(keep-alives) are skipped. An event's data lines are joined with newlines; a blank line ends it.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterable, AsyncIterator


async def sse_data(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    data: list[str] = []
    async for chunk in chunks:
        pending += decoder.decode(chunk)
        # A chunk boundary may split a line (even a "\r\n" pair): keep the unfinished tail.
        *lines, pending = pending.split("\n")
        for line in lines:
            line = line.removesuffix("\r")
            if line == "":
                if data:
                    yield "\n".join(data)
                    data = []
                continue
            field, _, value = line.partition(":")
            if field == "data":
                data.append(value.removeprefix(" "))
    pending += decoder.decode(b"", final=True)
    line = pending.removesuffix("\r")
    if line.startswith("data:"):
        data.append(line[5:].removeprefix(" "))
    if data:  # a stream cut without its final blank line still delivers what it carried
        yield "\n".join(data)
