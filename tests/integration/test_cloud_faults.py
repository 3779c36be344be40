"""Fleet faults on real servers: our own ``nats-server -js`` (killed and restarted), a scratch
PostgreSQL database (cut off for a while through a TCP proxy of the test's own), ingest replicas
as processes (killed with SIGKILL) or in this process, and a demo hub linked to the fleet.
Each test prints what it killed and what it counted: sent, acknowledged, stored, duplicated."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from homeweave.app import Running, demo_config, running_hub
from homeweave.cloud.status import collect
from tests.integration.fleet import (
    IngestProcess,
    Publisher,
    eventually,
    fleet_database,
    ingest_running,
    prepare_stream,
    replica_stored,
    stored,
    until,
    until_stored,
)
from tests.integration.tcp_proxy import TcpProxy
from tests.services import PrivateNats, private_nats

__all__ = ["fleet_database", "private_nats"]

ACK_WAIT = 2.0  # seconds before a dead replica's messages go to the other one


@pytest.mark.slow  # a fault run: CI runs it after make test
async def test_killing_an_ingest_replica_loses_and_duplicates_nothing(
    private_nats: PrivateNats, fleet_database: str, tmp_path: Path
) -> None:
    total = 3000
    await prepare_stream(private_nats.url, ACK_WAIT)
    log = tmp_path / "ingest.log"
    async with TcpProxy("127.0.0.1", 5432) as proxy:
        # replica a reaches PostgreSQL through a proxy: cut, it holds a batch it cannot commit
        through = fleet_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        replicas = [
            IngestProcess("a", private_nats.url, through, log, ACK_WAIT),
            IngestProcess("b", private_nats.url, fleet_database, log, ACK_WAIT),
        ]
        publisher = Publisher(private_nats.url, "tower-7")
        try:
            sending = asyncio.create_task(publisher.publish(range(total), pause=0.002))
            per_replica: dict[str, int] = {}

            async def a_has_stored() -> bool:
                per_replica.update(await replica_stored(fleet_database))
                return per_replica.get("a", 0) > 0

            await until(a_has_stored)
            await proxy.stop()
            await asyncio.sleep(1.0)  # a fetches on and holds what it cannot commit
            replicas[0].kill()
            killed_at = publisher.acked
            print(
                f"killed -9 ingest replica a (pid {replicas[0].process.pid}) mid-stream, holding "
                f"an uncommitted batch; it had stored {per_replica['a']} rows; {killed_at} of "
                f"{total} messages sent so far"
            )
            await sending
            found = await until_stored(fleet_database, "tower-7", total)
            after = await replica_stored(fleet_database)
            status = await collect(private_nats.url, fleet_database, interval=0.1, probe=False)
        finally:
            for replica in replicas:
                replica.stop()
    print(
        f"sent {publisher.sent}, acknowledged by JetStream {publisher.acked}, stored "
        f"{found.rows} (a {after.get('a', 0)}, b {after.get('b', 0)}), duplicated "
        f"{found.duplicated}; redelivered by JetStream {found.redelivered}, "
        f"of which already stored (skipped) {found.duplicates_skipped}"
    )
    assert killed_at < total, "the replica died mid-stream"
    assert found.redelivered > 0, "what a held went to b"
    assert found.values == list(range(total)), "none lost, none twice"
    assert found.duplicated == 0
    assert status.consumer["num_ack_pending"] == 0, "every message acked in the end"


@asynccontextmanager
async def linked_hub(server: PrivateNats, data_dir: Path) -> AsyncIterator[Running]:
    cloud = {"nats": server.url, "home_id": "casa", "reconnect_min": 0.1, "reconnect_max": 0.5}
    config = demo_config(port=0, tick=0, bridges={"cloud": cloud})
    async with running_hub(config, data_dir, port=0) as running:
        yield running


LAMP = "living-room-lamp/light/brightness"


async def lamp_values(database: str) -> list[int]:
    conn = await asyncpg.connect(database)
    try:
        if not await conn.fetchval("SELECT to_regclass('fleet.history') IS NOT NULL"):
            return []
        rows = await conn.fetch(
            "SELECT value FROM fleet.history WHERE home_id = 'casa'"
            " AND device_id = 'living-room-lamp' AND siid = 2 AND piid = 2 ORDER BY at"
        )
    finally:
        await conn.close()
    return [int(row[0]) for row in rows]


async def test_restarting_nats_the_hub_and_ingest_come_back_with_no_gap(
    private_nats: PrivateNats, fleet_database: str, tmp_path: Path
) -> None:
    await prepare_stream(private_nats.url, ACK_WAIT)  # the fleet first, then its hubs
    async with (
        ingest_running(private_nats.url, fleet_database) as ingest,
        linked_hub(private_nats, tmp_path) as running,
    ):
        hub = running.hub
        found: list[int] = []

        async def lamp_is(values: list[int]) -> bool:
            found[:] = await lamp_values(fleet_database)
            return found[-len(values) :] == values

        for value in range(1, 6):
            await hub.commands.set(LAMP, value)
        await until(lambda: lamp_is([1, 2, 3, 4, 5]))

        private_nats.kill()
        print("killed nats-server; the hub sets the lamp 6..25 while it is away")
        for value in range(6, 26):
            await hub.commands.set(LAMP, value)
        assert hub.states.value("living-room-lamp", 2, 2) == 25, "the hub goes on locally"
        private_nats.start()
        print("nats-server started again on the same port and store")
        for value in range(26, 31):
            await hub.commands.set(LAMP, value)
        await until(lambda: lamp_is(list(range(26, 31))))
        status = await collect(private_nats.url, fleet_database, interval=0.2)
    casa = next(home for home in status.homes if home.home == "casa")
    print(f"status after the restart: casa answers {casa.answers}, consumer {status.consumer}")
    assert casa.answers is True
    start = found.index(1)
    print(
        f"lamp values stored in the cloud: {len(found)} ({found[start:][:3]}...{found[-3:]}); "
        f"ingest fetched {ingest.counts.fetched}, stored {ingest.counts.stored}, "
        f"duplicates skipped {ingest.counts.duplicates}"
    )
    assert found[start:] == list(range(1, 31)), "no gap, in order, none twice"


@pytest.mark.slow  # the 30 s outage (HW_PG_OUTAGE=5 shortens it when iterating)
async def test_postgresql_away_ingest_pauses_and_catches_up(
    private_nats: PrivateNats, fleet_database: str
) -> None:
    outage = float(os.environ.get("HW_PG_OUTAGE", "30"))
    total = 1000
    await prepare_stream(private_nats.url, ACK_WAIT)
    async with TcpProxy("127.0.0.1", 5432) as proxy:
        through = fleet_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        publisher = Publisher(private_nats.url, "villa")
        async with ingest_running(private_nats.url, through) as ingest:
            await publisher.publish(range(0, 300))
            await until_stored(fleet_database, "villa", 300)
            await proxy.stop()
            print(
                f"cut PostgreSQL off (proxy port {proxy.port} closed, connections dropped) "
                f"for {outage:.0f} s while publishing {total - 300} more"
            )
            retries_before = ingest.counts.database_retries
            sending = asyncio.create_task(
                publisher.publish(range(300, total), pause=outage / (total - 300))
            )
            await asyncio.sleep(outage)
            during = await stored(fleet_database, "villa")
            await sending
            await proxy.start()
            print(f"PostgreSQL reachable again; {during.rows} rows were stored during the outage")
            found = await until_stored(fleet_database, "villa", total)
            await eventually(lambda: ingest.counts.stored >= total)
        paused = ingest.counts.database_retries - retries_before
    print(
        f"sent {publisher.sent}, acknowledged by JetStream {publisher.acked}, stored "
        f"{found.rows}, duplicated {found.duplicated}; ingest paused and retried {paused} "
        f"times, skipped {ingest.counts.duplicates} redelivered duplicates"
    )
    assert during.rows == 300, "nothing could be stored while PostgreSQL was away"
    assert paused > 0
    assert found.values == list(range(total)), "caught up: none lost, none twice"
