"""The ``nexa-dap`` command, the debug adapter spoken to over stdio.

A stub until the Agent VM exists: it says so on stderr and exits 2, so that no client mistakes it for
a working adapter.
"""

import sys

NOT_BUILT = "nexa-dap: the Agent VM is not built yet (see issue #6)"


def main(argv: list[str] | None = None) -> int:
    print(NOT_BUILT, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
