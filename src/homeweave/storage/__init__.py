"""Persistence of the registry, last-known states, property history and API tokens."""

from homeweave.storage.base import (
    DeviceRecord,
    HistoryPoint,
    HomeRecord,
    RegistrySnapshot,
    RoomRecord,
    StateRecord,
    Storage,
    Value,
)
from homeweave.storage.migrations import SCHEMA_VERSION
from homeweave.storage.sqlite import SqliteStorage

__all__ = [
    "SCHEMA_VERSION",
    "DeviceRecord",
    "HistoryPoint",
    "HomeRecord",
    "RegistrySnapshot",
    "RoomRecord",
    "SqliteStorage",
    "StateRecord",
    "Storage",
    "Value",
]
