"""Protocol handlers, one module per feature. Each module defines `register(server)`, which declares
its handlers with `@server.feature(...)`; `register_all` calls every module of this package, so a
new feature is a new module here (see ../README.md)."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexa_lsp.server import NexaServer

log = logging.getLogger(__name__)


def register_all(server: NexaServer) -> list[str]:
    """Register the handlers of every module of this package; returns the modules' names."""
    names = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        try:
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            register = getattr(module, "register", None)
            if register is None:
                continue
            register(server)
        except Exception:  # one broken feature must not take the others down
            log.exception("the %s handlers could not be registered", module_info.name)
            continue
        names.append(module_info.name)
    return names
