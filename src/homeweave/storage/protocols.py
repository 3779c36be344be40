"""The ``Storage`` protocols, one per table family: what every backend (SQLite, PostgreSQL)
implements.

Writes named ``record``/``add_trace``/``set_timer`` are write-behind: they return at once and
are committed by the next group commit (``flush``, or the backend's own schedule); whoever
acknowledges such a write to a person awaits ``committed()`` first. Every other write is
committed before it returns.
"""

from __future__ import annotations

from typing import Any, Protocol

from homeweave.storage.records import (
    HistoryPoint,
    Override,
    RegistrySnapshot,
    StateRecord,
    TimerRecord,
    TraceRecord,
    Value,
)

KEEP_FIRED = 100
"""Traces kept per automation of evaluations that fired (ran, condition false, skipped...)."""
KEEP_UNFIRED = 30
"""Traces kept per automation of evaluations that did not fire (no match, timer started)."""
MARK_DAYS = 14
"""Days a fired time occurrence is remembered (so a restart does not repeat it)."""


class TraceSource(Protocol):
    """A trace its owner may still be updating: a store takes its ``record()`` when it writes
    (so the hot path that adds a trace never encodes it)."""

    @property
    def id(self) -> str:
        """The trace's id: a newer version of the same trace replaces a queued one."""
        ...

    def record(self) -> TraceRecord:
        """The trace as it is now."""
        ...


class Flushable(Protocol):
    """A store with write-behind: ``flush`` commits what is queued."""

    async def flush(self) -> int:
        """Commit every queued write now (history, traces, timers); return how many."""
        ...

    async def committed(self) -> None:
        """Wait until every write queued so far is committed (before acknowledging it)."""
        ...


class RegistryStore(Protocol):
    """Homes, rooms and devices, saved and loaded as a whole."""

    async def save_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace every home, room and device with ``snapshot``, atomically."""
        ...

    async def load_registry(self) -> RegistrySnapshot:
        """Return every home, room and device, in the order they were saved."""
        ...


class HistoryStore(Flushable, Protocol):
    """Property history and the last known value of every property."""

    def record(self, device_id: str, siid: int, piid: int, value: Value, at: float) -> None:
        """Queue one history point; never blocks, never awaits."""
        ...

    async def load_states(self) -> list[StateRecord]:
        """Return the last known value of every property ever recorded."""
        ...

    async def history(
        self, device_id: str, siid: int, piid: int, start: float, end: float, limit: int = 10000
    ) -> list[HistoryPoint]:
        """Return up to ``limit`` points with ``start <= at <= end``, oldest first."""
        ...

    async def purge(self, older_than: float) -> int:
        """Delete history points recorded before the epoch ``older_than``; return how many."""
        ...


class TokenStore(Protocol):
    """Hashes of API tokens."""

    async def add_token(self, name: str, token_hash: str) -> None:
        """Store the hash of a new API token under a human name."""
        ...

    async def token_exists(self, token_hash: str) -> bool:
        """Tell whether a token with this hash was added."""
        ...

    async def has_tokens(self) -> bool:
        """Tell whether any token was added."""
        ...


class AutomationStore(Flushable, Protocol):
    """Automations and scenes made through the API, enable overrides, fired time occurrences
    and running ``for:`` timers: what the automation engine needs after a restart."""

    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        """Return the stored definitions of ``kind`` ("automation" or "scene"), by id."""
        ...

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        """Create or replace one definition."""
        ...

    async def delete_definition(self, kind: str, ident: str) -> None:
        """Delete one definition (nothing if there is none)."""
        ...

    async def overrides(self) -> dict[str, Override]:
        """Return the enable overrides by automation id."""
        ...

    async def set_override(self, ident: str, override: Override | None) -> None:
        """Set (or, with None, drop) an automation's enable override."""
        ...

    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        """Record that a time occurrence fired, durably; False if it already had."""
        ...

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        """Queue a timer's start (or, with None, its end); never waits."""
        ...

    async def timers(self) -> list[TimerRecord]:
        """Return the running timers, queued changes included."""
        ...


class TraceStore(Flushable, Protocol):
    """Automation traces, the newest ``KEEP_FIRED``/``KEEP_UNFIRED`` per automation."""

    def add_trace(self, trace: TraceSource) -> None:
        """Queue a new or updated trace (same ``id``: replaced); never waits."""
        ...

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[TraceRecord]:
        """Return traces, newest first, queued ones included."""
        ...

    async def trace(self, trace_id: str) -> TraceRecord | None:
        """Return one trace, or None."""
        ...


class EngineStore(AutomationStore, TraceStore, Protocol):
    """What the automation engine keeps: its tables and its traces."""


class Storage(RegistryStore, HistoryStore, TokenStore, EngineStore, Protocol):
    """Every table of one hub, behind one lifetime."""

    async def open(self) -> None:
        """Open the store, creating or migrating its schema."""
        ...

    async def close(self) -> None:
        """Commit what is queued, then release the store."""
        ...

    @property
    def damaged(self) -> str | None:
        """Why the store was found damaged while running (and takes no more writes), or None."""
        ...
