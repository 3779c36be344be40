"""The ``Storage`` protocols, one per table family: what every backend (SQLite, PostgreSQL)
implements.

Writes named ``record``/``add_trace``/``set_timer`` are write-behind: they return at once and
are committed by the next group commit (``flush``, or the backend's own schedule); whoever
acknowledges such a write to a person awaits ``committed()`` first. Every other write is
committed before it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from homeweave.storage.records import (
    AuditRecord,
    DeviceLogRecord,
    EnergyRecord,
    HistoryPoint,
    Override,
    RegistrySnapshot,
    ShareRecord,
    StateRecord,
    StatisticPoint,
    StorageUsage,
    TimerRecord,
    TokenRecord,
    TraceRecord,
    UserRecord,
    Value,
    VersionRecord,
)
from homeweave.storage.statistics import BackfillProgress

if TYPE_CHECKING:  # history_import's rows are pending's, which names TraceSource from here
    from homeweave.storage.history_import import Imported, ImportRows

KEEP_FIRED = 100
"""Traces kept per automation of evaluations that fired (ran, condition false, skipped...)."""
KEEP_UNFIRED = 30
"""Traces kept per automation of evaluations that did not fire (no match, timer started)."""
MARK_DAYS = 14
"""Days a fired time occurrence is remembered (so a restart does not repeat it)."""


class TraceSource(Protocol):
    """A trace its owner may still be updating: a store takes its ``record()`` off the path
    that added it (soon after, or when it writes), so the hot path never encodes it."""

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

    async def import_history(self, rows: ImportRows) -> Imported:
        """Add raw points and statistics buckets from elsewhere where the hub has none (raw
        points older than its raw history are left out), in one transaction; return how many
        rows were new (``storage.history_import``)."""
        ...

    async def statistics(
        self,
        device_id: str,
        siid: int,
        piid: int,
        period: float,
        start: float,
        end: float,
        limit: int = 10000,
    ) -> list[StatisticPoint] | None:
        """Return up to ``limit`` long-term statistics buckets of ``period`` seconds (300 or
        3600) overlapping [start, end], oldest first; None when this backend keeps none (read
        the raw points instead)."""
        ...

    async def usage(self) -> StorageUsage:
        """How big the store is and what uses it."""
        ...


class DeviceLogStore(Flushable, Protocol):
    """Events devices reported and their availability changes, for the logbook."""

    def record_device_log(self, entry: DeviceLogRecord) -> None:
        """Queue one entry; never awaits."""
        ...

    async def device_log(
        self, device_ids: Sequence[str] | None, start: float, end: float, limit: int = 1000
    ) -> list[DeviceLogRecord]:
        """The newest ``limit`` entries of ``device_ids`` (None: every device) with
        ``start <= at <= end``, newest first."""
        ...

    async def purge_device_log(self, older_than: float) -> int:
        """Delete entries from before ``older_than``; return how many."""
        ...


class EnergyStore(Flushable, Protocol):
    """The energy ledger: kWh per device per hour, added to as energy is metered."""

    def record_energy(self, device_id: str, hour: float, kwh: float) -> None:
        """Queue ``kwh`` to add to the device's hour starting at ``hour``; never awaits."""
        ...

    async def energy(self, start: float, end: float) -> list[EnergyRecord]:
        """Every device's hours with ``start <= hour < end``, oldest first."""
        ...


class TokenStore(Protocol):
    """Hashes of API tokens and sign-in sessions (never the tokens)."""

    async def add_token(
        self,
        name: str,
        token_hash: str,
        *,
        user_id: str | None = None,
        kind: str = "api",
        expires_at: float | None = None,
    ) -> str:
        """Store the hash of a new token under a human name, for ``user_id`` (None: the hub's
        admin token); return the token's id (for listing and revoking)."""
        ...

    async def token(self, token_hash: str) -> TokenRecord | None:
        """Return the token with this hash, if any."""
        ...

    async def tokens(self, user_id: str | None = None, kind: str = "api") -> list[TokenRecord]:
        """Return the tokens of ``kind``, of one user or (None) of everyone, oldest first."""
        ...

    async def revoke_token(self, token_id: str) -> TokenRecord | None:
        """Delete a token by id; return it (None if there was none)."""
        ...

    async def token_exists(self, token_hash: str) -> bool:
        """Tell whether a token with this hash was added."""
        ...

    async def has_tokens(self) -> bool:
        """Tell whether any token was added."""
        ...


class UserStore(Protocol):
    """People who sign in, their roles per home and what was shared with them."""

    async def add_user(self, user: UserRecord) -> None:
        """Store a new user with its roles; Conflict if the id is taken."""
        ...

    async def user(self, user_id: str) -> UserRecord | None:
        """Return one user with its roles, or None."""
        ...

    async def users(self) -> list[UserRecord]:
        """Return every user, by id."""
        ...

    async def set_password(self, user_id: str, password_hash: str) -> bool:
        """Replace a user's password hash; False if there is no such user."""
        ...

    async def set_role(self, user_id: str, home_id: str, role: str | None) -> None:
        """Give a user a role in a home (None: take it away)."""
        ...

    async def remove_user(self, user_id: str) -> bool:
        """Delete a user with its roles, shares, tokens and sessions; False if none."""
        ...

    async def add_share(self, share: ShareRecord) -> None:
        """Store a share."""
        ...

    async def shares(self, user_id: str | None = None) -> list[ShareRecord]:
        """Return the shares of one user (None: of everyone), oldest first."""
        ...

    async def remove_share(self, share_id: str) -> ShareRecord | None:
        """Delete a share by id; return it (None if there was none)."""
        ...


class AuditStore(Flushable, Protocol):
    """The audit log: who did what, when, through which channel, with what result."""

    def record_audit(self, entry: AuditRecord) -> None:
        """Queue one entry; never blocks, never awaits (committed with the next group commit,
        before the change it records is acknowledged)."""
        ...

    async def audit(
        self,
        since: float | None = None,
        until: float | None = None,
        user: str | None = None,
        device: str | None = None,
        limit: int = 1000,
    ) -> list[AuditRecord]:
        """Return the newest ``limit`` entries matching, oldest first, queued ones included."""
        ...

    async def purge_audit(self, older_than: float) -> int:
        """Delete entries recorded before the epoch ``older_than``; return how many."""
        ...


class VersionStore(Protocol):
    """Versions of what people change (automations, scenes, devices' names and rooms, shares,
    users): what each was before and after, who, when, through which channel."""

    async def add_version(self, record: VersionRecord) -> int:
        """Store a version (committed on return); return its id."""
        ...

    async def version(self, version_id: int) -> VersionRecord | None:
        """One version by id, or None."""
        ...

    async def versions(
        self,
        kind: str | None = None,
        ident: str | None = None,
        user: str | None = None,
        limit: int = 100,
    ) -> list[VersionRecord]:
        """The newest ``limit`` versions matching, newest first."""
        ...

    async def newest(self, version_ids: Sequence[int]) -> set[int]:
        """Those of ``version_ids`` that are the newest version of their thing (the changes an
        undo can go back from without a conflict)."""
        ...

    async def purge_versions(self, older_than: float) -> int:
        """Delete versions made before ``older_than``, but the newest of each thing (kept with
        the audit log's retention); return how many."""
        ...


class PeopleStore(TokenStore, UserStore, AuditStore, Protocol):
    """Everything accounts and their audit log keep."""


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


class Storage(
    RegistryStore,
    HistoryStore,
    DeviceLogStore,
    EnergyStore,
    PeopleStore,
    EngineStore,
    VersionStore,
    Protocol,
):
    """Every table of one hub, behind one lifetime."""

    async def open(self, progress: BackfillProgress | None = None) -> None:
        """Open the store, creating or migrating its schema; a first back-fill of the
        long-term statistics tells ``progress`` how far it got."""
        ...

    async def close(self) -> None:
        """Commit what is queued, then release the store."""
        ...

    @property
    def damaged(self) -> str | None:
        """Why the store was found damaged while running (and takes no more writes), or None."""
        ...
