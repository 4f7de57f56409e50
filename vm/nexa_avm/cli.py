"""The ``nexa`` command (run, test, serve, disasm).

A stub until the Agent VM exists: it says so on stderr and exits 2, so that nothing mistakes it for a
working command.
"""

import sys

NOT_BUILT = "nexa: the Agent VM is not built yet (see issue #6)"


def main(argv: list[str] | None = None) -> int:
    print(NOT_BUILT, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
