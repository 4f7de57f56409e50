"""The `nexa-dap` command: the Nexa debug adapter.

    nexa-dap               serve one session over stdio (what editors start)
    nexa-dap --port N      serve sessions on 127.0.0.1:N, one client after another

The protocol owns stdout in stdio mode: anything else that would be printed there goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from collections.abc import Sequence

from .protocol import Connection
from .session import serve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nexa-dap", description="The Nexa debug adapter (DAP).")
    parser.add_argument("--port", type=int, help="serve DAP on 127.0.0.1:PORT instead of stdio")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.port is not None:
        return serve_port(args.port)
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the framing
    asyncio.run(serve(Connection(reader, writer)))
    sys.stderr.flush()
    # The reader thread may still sit in a blocking read of stdin; leave without waiting for it
    # (interpreter shutdown would otherwise abort on the stdin buffer's lock).
    os._exit(0)


def serve_port(port: int) -> int:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(("127.0.0.1", port))
    except OSError as error:
        print(f"nexa-dap: cannot listen on 127.0.0.1:{port}: {error.strerror or error}", file=sys.stderr)
        return 2
    server.listen(1)
    print(f"nexa-dap: listening on 127.0.0.1:{server.getsockname()[1]}", file=sys.stderr, flush=True)
    home, environment = os.getcwd(), dict(os.environ)
    try:
        while True:
            client, _ = server.accept()
            try:
                asyncio.run(serve(Connection(client.makefile("rb"), client.makefile("wb"))))
            finally:
                client.close()
                os.chdir(home)  # a launch's cwd and env do not leak into the next session
                os.environ.clear()
                os.environ.update(environment)
    except KeyboardInterrupt:
        return 0
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
