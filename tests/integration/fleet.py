"""What the fleet tests share: a scratch fleet database, ingest replicas (in this process or as
processes of their own, to kill -9), a publisher that counts what JetStream acknowledged, and
the counts read back from PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import nats
import pytest

import homeweave
from homeweave.cloud.ingest import Ingest, IngestOptions
from homeweave.cloud.streams import ensure_ingest_consumer, state_subject
from homeweave.transport.backoff import Backoff
from tests.integration.storage_backends import scratch_database_url

WAIT = 60.0
FAST = Backoff(initial=0.1, maximum=1.0)


@pytest.fixture
def fleet_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the fleet's tables; dropped afterwards."""
    with scratch_database_url() as url:
        yield url


@asynccontextmanager
async def ingest_running(nats_url: str, database: str, **options: object) -> AsyncIterator[Ingest]:
    """An ingest replica in this process, cancelled at the end."""
    replica = Ingest(
        IngestOptions(nats=nats_url, database=database, backoff=FAST, **options)  # type: ignore[arg-type]
    )
    task = asyncio.create_task(replica.run(), name="test-ingest")
    try:
        yield replica
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


class IngestProcess:
    """``homeweave cloud ingest`` as a process of its own (this checkout's code), to kill -9."""

    def __init__(self, name: str, nats_url: str, database: str, log: Path, ack_wait: float) -> None:
        self.name = name
        source = str(Path(homeweave.__file__).parents[1])
        env = {**os.environ, "PYTHONPATH": source + os.pathsep + os.environ.get("PYTHONPATH", "")}
        command = [
            sys.executable, "-c", "from homeweave.cli.main import main; main()", "-v",
            "cloud", "ingest", "--nats", nats_url, "--database", database,
            "--replica", name, "--batch", "50", "--ack-wait", str(ack_wait),
        ]  # fmt: skip
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """kill -9, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


async def prepare_stream(nats_url: str, ack_wait: float) -> None:
    """The fleet stream and the ingest consumer, made before anyone publishes."""
    nc = await nats.connect(nats_url, connect_timeout=2)
    try:
        await ensure_ingest_consumer(nc.jetstream(), ack_wait)
    finally:
        await nc.close()


@dataclass
class Publisher:
    """Publishes numbered state messages for ``home`` with message ids, counting acks."""

    nats_url: str
    home: str
    sent: int = 0
    acked: int = 0

    async def publish(self, values: range, pause: float = 0.0) -> None:
        """Publish one message per value (the value is also in the message id)."""
        nc = await nats.connect(self.nats_url, connect_timeout=2)
        js = nc.jetstream(timeout=10)
        try:
            for value in values:
                body = {"home": self.home, "device": "meter", "siid": 2, "piid": 1,
                        "value": value, "old": None, "at": 1_765_000_000.0 + value}  # fmt: skip
                self.sent += 1
                await js.publish(
                    state_subject(self.home),
                    json.dumps(body).encode(),
                    headers={"Nats-Msg-Id": f"test-{value}"},
                )
                self.acked += 1
                if pause:
                    await asyncio.sleep(pause)
        finally:
            await nc.close()


@dataclass(frozen=True)
class Stored:
    """What the fleet database holds for a home's meter values."""

    rows: int
    distinct: int
    values: list[int]
    duplicates_skipped: int
    redelivered: int = 0

    @property
    def duplicated(self) -> int:
        return self.rows - self.distinct


async def stored(database: str, home: str) -> Stored:
    conn = await asyncpg.connect(database)
    try:
        if not await conn.fetchval("SELECT to_regclass('fleet.history') IS NOT NULL"):
            return Stored(0, 0, [], 0)
        rows = await conn.fetch(
            "SELECT value FROM fleet.history WHERE home_id = $1 ORDER BY at", home
        )
        totals = await conn.fetchrow(
            "SELECT coalesce(sum(duplicates), 0), coalesce(sum(redelivered), 0) FROM fleet.replicas"
        )
        assert totals is not None
        skipped, redelivered = totals
    finally:
        await conn.close()
    values = [int(json.loads(r[0])) for r in rows]
    return Stored(len(values), len(set(values)), values, int(skipped), int(redelivered))


async def replica_stored(database: str) -> dict[str, int]:
    """Rows each replica committed (from ``fleet.replicas``)."""
    conn = await asyncpg.connect(database)
    try:
        if not await conn.fetchval("SELECT to_regclass('fleet.replicas') IS NOT NULL"):
            return {}
        return {
            r[0]: int(r[1]) for r in await conn.fetch("SELECT replica, stored FROM fleet.replicas")
        }
    finally:
        await conn.close()


async def eventually(check: Callable[[], bool], wait: float = WAIT) -> None:
    """Wait until ``check()`` holds (the test fails with TimeoutError if it never does)."""
    async with asyncio.timeout(wait):
        while True:
            if check():
                return
            await asyncio.sleep(0.05)


async def until(check: Callable[[], Awaitable[bool]], wait: float = WAIT) -> None:
    """Wait until ``await check()`` holds (TimeoutError if it never does)."""
    async with asyncio.timeout(wait):
        while True:
            if await check():
                return
            await asyncio.sleep(0.1)


async def until_stored(database: str, home: str, count: int, wait: float = WAIT) -> Stored:
    """Poll until ``count`` rows are stored for ``home`` (or time out with what there is)."""
    found = await stored(database, home)
    try:
        async with asyncio.timeout(wait):
            while found.rows < count:
                await asyncio.sleep(0.1)
                found = await stored(database, home)
    except TimeoutError:
        pass
    return found
