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
    AuditStore,
    AutomationStore,
    EngineStore,
    HistoryStore,
    PeopleStore,
    RegistryStore,
    Storage,
    TokenStore,
    TraceSource,
    TraceStore,
    UserStore,
)
from homeweave.storage.records import (
    AuditRecord,
    DeviceRecord,
    HistoryPoint,
    HomeRecord,
    Override,
    RegistrySnapshot,
    RoomRecord,
    Seen,
    ShareRecord,
    StateRecord,
    TimerRecord,
    TokenRecord,
    TraceRecord,
    UserRecord,
    Value,
)
from homeweave.storage.sqlite import SqliteStorage

__all__ = [
    "KEEP_FIRED",
    "KEEP_UNFIRED",
    "MARK_DAYS",
    "SCHEMA_VERSION",
    "AuditRecord",
    "AuditStore",
    "AutomationStore",
    "DeviceRecord",
    "EngineStore",
    "HistoryPoint",
    "HistoryStore",
    "HomeRecord",
    "MemoryAutomationStore",
    "Override",
    "PeopleStore",
    "RegistrySnapshot",
    "RegistryStore",
    "RoomRecord",
    "Seen",
    "ShareRecord",
    "SqliteStorage",
    "StateRecord",
    "Storage",
    "TimerRecord",
    "TokenRecord",
    "TokenStore",
    "TraceRecord",
    "TraceSource",
    "TraceStore",
    "UserRecord",
    "UserStore",
    "Value",
    "storage_for",
]
