"""The resource limits of one WASM tool (S§5.2), with the seed's defaults.

The ranges are the checker's (`nexa_lang.properties`, E010): a declaration that passed
`nexa-lsp --check` always builds a valid `WasmLimits`. Paths here are host paths, already resolved
against the declaring file (see `declaration.py`); `guest_name` is what the tool sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PAGE_BYTES = 65_536

DEFAULT_MEMORY_PAGES = 256  # 16 MiB
DEFAULT_TABLE_ELEMENTS = 1_024
DEFAULT_CPU_TIME_MS = 5_000
DEFAULT_OUTPUT_BYTES = 10_485_760  # 10 MiB

# key -> (lowest, highest or None); the same bounds as the checker's E010 table.
INTEGER_RANGES: dict[str, tuple[int, int | None]] = {
    "max_memory_pages": (1, 65_536),
    "max_table_elements": (1, None),
    "max_cpu_time_ms": (1, None),
    "max_output_bytes": (1, None),
}


@dataclass(frozen=True)
class Preopen:
    """A host directory the tool may open: `host` (absolute, resolved) seen by the tool as `guest`."""

    host: Path
    guest: str
    is_writable: bool = False


@dataclass(frozen=True)
class WasmLimits:
    max_memory_pages: int = DEFAULT_MEMORY_PAGES
    max_table_elements: int = DEFAULT_TABLE_ELEMENTS
    max_cpu_time_ms: int = DEFAULT_CPU_TIME_MS
    max_output_bytes: int = DEFAULT_OUTPUT_BYTES
    preopens: tuple[Preopen, ...] = field(default_factory=tuple)
    network: bool = False

    def __post_init__(self) -> None:
        for key, (low, high) in INTEGER_RANGES.items():
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{key} must be an integer, not {value!r}")
            if value < low or (high is not None and value > high):
                bounds = f"from {low} to {high}" if high is not None else f">= {low}"
                raise ValueError(f"{key} must be an integer {bounds}, not {value}")
        if self.network:
            raise ValueError("network must be false: WASI preview 1 offers no sockets (E010)")

    @property
    def max_memory_bytes(self) -> int:
        return self.max_memory_pages * PAGE_BYTES

    def with_paths(self, allowed: list[str], writable: list[str], base: Path) -> WasmLimits:
        """These limits plus preopens for declared path strings, made absolute against `base`."""
        preopens = [*self.preopens]
        preopens += [preopen_for(p, base, is_writable=False) for p in allowed]
        preopens += [preopen_for(p, base, is_writable=True) for p in writable]
        return WasmLimits(
            self.max_memory_pages,
            self.max_table_elements,
            self.max_cpu_time_ms,
            self.max_output_bytes,
            tuple(preopens),
            self.network,
        )


def preopen_for(declared: str, base: Path, *, is_writable: bool) -> Preopen:
    """`declared` as written in `allowed_paths`/`writable_paths`: the tool sees it under that name
    (`./data/` → `data`, absolute paths unchanged); the host directory is resolved against `base`."""
    host = (base / declared).resolve()
    guest = declared.rstrip("/") or "/"
    while guest.startswith("./"):
        guest = guest[2:].lstrip("/") or "."
    return Preopen(host, guest, is_writable)
