"""Persistence of every table of a hub (registry, states, history, tokens, automations, traces)
behind the ``Storage`` protocols; SQLite is the embedded backend, PostgreSQL the shared one
(``storage.postgres``, imported only when used)."""

from homeweave.storage.choose import storage_for
from homeweave.storage.memory import MemoryAutomationStore
from homeweave.storage.migrations import SCHEMA_VERSION
from homeweave.storage.protocols import (
    KEEP_FIRED,
    KEEP_UNFIRED,
    MARK_DAYS,
    AutomationStore,
    EngineStore,
    HistoryStore,
    RegistryStore,
    Storage,
    TokenStore,
    TraceSource,
    TraceStore,
)
from homeweave.storage.records import (
    DeviceRecord,
    HistoryPoint,
    HomeRecord,
    Override,
    RegistrySnapshot,
    RoomRecord,
    Seen,
    StateRecord,
    TimerRecord,
    TraceRecord,
    Value,
)
from homeweave.storage.sqlite import SqliteStorage

__all__ = [
    "KEEP_FIRED",
    "KEEP_UNFIRED",
    "MARK_DAYS",
    "SCHEMA_VERSION",
    "AutomationStore",
    "DeviceRecord",
    "EngineStore",
    "HistoryPoint",
    "HistoryStore",
    "HomeRecord",
    "MemoryAutomationStore",
    "Override",
    "RegistrySnapshot",
    "RegistryStore",
    "RoomRecord",
    "Seen",
    "SqliteStorage",
    "StateRecord",
    "Storage",
    "TimerRecord",
    "TokenStore",
    "TraceRecord",
    "TraceSource",
    "TraceStore",
    "Value",
    "storage_for",
]
