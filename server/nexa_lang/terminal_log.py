"""The front-end's log in a terminal command (`nexa run`, `nexa-lsp --check`): one line a record.

The front-end logs an internal failure with its traceback (a rule that raised: `run_rules`). The
server writes its log to its stderr, which is the log file of the editor. A terminal command has
no log configured, and Python's last-resort handler would print the traceback to the user's
stderr; `one_line_log` shows each record as one line there instead, the traceback only when asked
(`NEXA_DEBUG=1`, the VM's `--trace`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

LOGGER = "nexa_lang"


class OneLineFormatter(logging.Formatter):
    def __init__(self, prefix: str, tracebacks: bool) -> None:
        super().__init__()
        self.prefix = prefix
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.prefix}: internal error: {record.getMessage()}"
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            line += f" ({type(error).__name__}: {error}); please report it"
        if self.tracebacks and record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


@contextmanager
def one_line_log(stream: TextIO, prefix: str, tracebacks: bool | None = None) -> Iterator[None]:
    """While inside, the front-end's warnings and errors go to `stream`, one line each, unless
    logging was configured already (a handler on the root or on the front-end's logger)."""
    logger = logging.getLogger(LOGGER)
    if logging.getLogger().handlers or logger.handlers:
        yield
        return
    handler = logging.StreamHandler(stream)
    show = bool(os.environ.get("NEXA_DEBUG")) if tracebacks is None else tracebacks
    handler.setFormatter(OneLineFormatter(prefix, show))
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
