"""A bounded, durable first-in-first-out queue of messages waiting to be published (the cloud
link's buffer while NATS is out of reach), in its own SQLite file beside the hub's database.

The link's own file (beside the hub's database, not in it, and not in ``storage/``, which
holds the hub's data behind its protocols; this is the link's private queue, as the HA bridge's
in-memory outbox is its own): it is written on every state change while the
link is down and emptied when it is back, a churn the history and registry should not share;
and an edge hub on PostgreSQL still buffers locally. Rows keep their sequence number: it is the
message id the link publishes with, so a message replayed after a crash is de-duplicated by
JetStream. When full, the oldest rows are dropped and counted (``dropped``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Queued:
    """One message waiting: its sequence number (the message id), subject and body."""

    seq: int
    subject: str
    payload: bytes


class Outbox:
    """``async with Outbox(path, limit) as box``: append, peek the oldest, remove once sent."""

    def __init__(self, path: Path, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"an outbox holds at least one message, not {limit}")
        self.path = path
        self.limit = limit
        self._db: aiosqlite.Connection | None = None
        self._count = 0
        self.dropped = 0
        self.epoch = 0
        """Random per outbox file: with ``seq`` it makes message ids that a new file (the old
        one deleted) never repeats within JetStream's de-duplication window."""

    async def __aenter__(self) -> Outbox:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path)
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=NORMAL")
        await self._db.executescript(SCHEMA)
        async with self._db.execute("SELECT count(*) FROM outbox") as cursor:
            row = await cursor.fetchone()
        self._count = int(row[0]) if row else 0
        async with self._db.execute(
            "SELECT value FROM outbox_meta WHERE key = 'dropped'"
        ) as cursor:
            row = await cursor.fetchone()
        self.dropped = int(row[0]) if row else 0
        async with self._db.execute("SELECT value FROM outbox_meta WHERE key = 'epoch'") as cursor:
            row = await cursor.fetchone()
        if row is None:
            self.epoch = secrets.randbits(48)
            await self._db.execute(
                "INSERT INTO outbox_meta (key, value) VALUES ('epoch', ?)", (self.epoch,)
            )
        else:
            self.epoch = int(row[0])
        await self._db.commit()
        self.path.chmod(0o600)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        """Return the open connection."""
        if self._db is None:
            raise RuntimeError("the outbox is not open")
        return self._db

    def __len__(self) -> int:
        return self._count

    async def append(self, messages: list[tuple[str, bytes]]) -> None:
        """Queue messages (subject, body) in order; beyond the limit the oldest go, counted."""
        if not messages:
            return
        await self.db.executemany("INSERT INTO outbox (subject, payload) VALUES (?, ?)", messages)
        self._count += len(messages)
        over = self._count - self.limit
        if over > 0:
            await self.db.execute(
                "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
                (over,),
            )
            self._count -= over
            self.dropped += over
            await self.db.execute(
                "INSERT INTO outbox_meta (key, value) VALUES ('dropped', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (self.dropped,),
            )
        await self.db.commit()

    async def oldest(self, n: int) -> list[Queued]:
        """Up to ``n`` of the oldest messages, oldest first."""
        async with self.db.execute(
            "SELECT seq, subject, payload FROM outbox ORDER BY seq LIMIT ?", (n,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [Queued(int(seq), str(subject), bytes(payload)) for seq, subject, payload in rows]

    async def remove_through(self, seq: int) -> None:
        """Forget every message up to and including ``seq`` (they were published)."""
        cursor = await self.db.execute("DELETE FROM outbox WHERE seq <= ?", (seq,))
        self._count = max(0, self._count - cursor.rowcount)
        await self.db.commit()
