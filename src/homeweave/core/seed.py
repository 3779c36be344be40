"""What a hub starts from: the configured registry, each integration's options and the history
settings, as plain objects (the YAML is read elsewhere, by ``homeweave.config``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.core.energy import DEFAULT_MAX_GAP
from homeweave.core.registry import Device, Home, Room
from homeweave.core.tariff import Tariff


@dataclass(frozen=True, slots=True)
class HistorySettings:
    """How long raw state history is kept (days), how often it is written (seconds) and how
    big the database may grow (MB, None: no cap)."""

    retention_days: int = 10
    flush_interval: float = 1.0
    max_size_mb: float | None = None


@dataclass(frozen=True, slots=True)
class EnergySettings:
    """What energy costs, the longest gap between two power readings still integrated, and
    the days of made-up consumption an empty ledger starts with (the demo)."""

    tariff: Tariff = field(default_factory=Tariff)
    max_gap: float = DEFAULT_MAX_GAP
    sample_days: int = 0


@dataclass(frozen=True, slots=True)
class HubSeed:
    """A hub's starting point. With homes, the registry is exactly ``homes``/``rooms``/``devices``
    (replacing what storage holds); without, the hub uses the registry it stored last time.

    ``integrations`` maps each configured integration's name to its options object, handed to
    the integration as is; integrations that only own devices start with empty options.
    """

    homes: tuple[Home, ...] = ()
    rooms: tuple[Room, ...] = ()
    devices: tuple[Device, ...] = ()
    integrations: Mapping[str, Any] = field(default_factory=dict)
    history: HistorySettings = field(default_factory=HistorySettings)
    energy: EnergySettings = field(default_factory=EnergySettings)
    storage: str | None = None
    """Where the tables live: None (a SQLite file in the data dir) or a postgresql:// URL."""
