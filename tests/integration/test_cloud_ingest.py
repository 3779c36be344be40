"""Ingest on the real NATS (a private ``nats-server -js``) and PostgreSQL (a scratch database):
state, availability and events from the fleet stream land in the fleet's tables once each, a
bad message is dropped and counted, a batch written twice stores nothing the second time, and
``homeweave cloud status`` reads the consumer and the homes."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import nats
import pytest
from click.testing import CliRunner

from homeweave.cli.main import main
from homeweave.cloud import fleet_rows, fleet_schema
from homeweave.cloud.status import collect
from homeweave.cloud.streams import ensure_fleet_stream, event_subject, state_subject
from homeweave.errors import HomeweaveError
from tests.integration.fleet import (
    Publisher,
    eventually,
    fleet_database,
    ingest_running,
    prepare_stream,
    until_stored,
)
from tests.services import PrivateNats, private_nats

__all__ = ["fleet_database", "private_nats"]


async def test_ingest_stores_state_events_and_availability_once(
    private_nats: PrivateNats, fleet_database: str
) -> None:
    await prepare_stream(private_nats.url, ack_wait=5)
    publisher = Publisher(private_nats.url, "flat-1")
    await publisher.publish(range(1, 101))
    nc = await nats.connect(private_nats.url)
    js = nc.jetstream()
    await js.publish(
        event_subject("flat-1"),
        json.dumps(
            {
                "home": "flat-1",
                "device": "button",
                "siid": 3,
                "eiid": 1,
                "arguments": {"1": 2},
                "at": 1.0,
            }
        ).encode(),
        headers={"Nats-Msg-Id": "ev-1"},
    )
    await js.publish(
        state_subject("flat-1"),
        json.dumps(
            {
                "home": "flat-1",
                "device": "meter",
                "available": False,
                "reason": "timeout",
                "at": 2.0,
            }
        ).encode(),
        headers={"Nats-Msg-Id": "av-1"},
    )
    await js.publish(state_subject("flat-1"), b"not json", headers={"Nats-Msg-Id": "bad-1"})
    await nc.close()

    async with ingest_running(private_nats.url, fleet_database) as replica:
        found = await until_stored(fleet_database, "flat-1", 100)
        await eventually(lambda: replica.counts.fetched >= 103)
        status = await collect(private_nats.url, fleet_database, interval=0.2)
    print(
        f"sent {publisher.sent}, acked {publisher.acked}, stored {found.rows}, "
        f"duplicated {found.duplicated}; replica counts {replica.counts}"
    )
    assert found.values == list(range(1, 101))
    assert replica.counts.bad == 1
    conn = await fleet_schema.connect(fleet_database)
    try:
        events = await conn.fetch("SELECT msg_id, kind, body FROM events ORDER BY msg_id")
        home = await conn.fetchrow("SELECT messages, last_at FROM homes WHERE home_id = 'flat-1'")
    finally:
        await conn.close()
    assert [(e["msg_id"], e["kind"]) for e in events] == [
        ("av-1", "availability"),
        ("ev-1", "event"),
    ]
    assert json.loads(events[1]["body"])["arguments"] == {"1": 2}
    assert home is not None
    assert home["messages"] == 102

    assert status.consumer["num_pending"] == 0
    assert status.consumer["num_ack_pending"] == 0
    assert [h.home for h in status.homes] == ["flat-1"]
    assert status.homes[0].answers is False, "no hub answers for flat-1"
    assert not status.problems


async def test_a_batch_written_twice_is_stored_once(fleet_database: str) -> None:
    conn = await fleet_schema.connect(fleet_database)
    try:
        await fleet_schema.prepare(conn)
        rows = fleet_rows.Rows()
        for n in range(5):
            body = {"device": "d", "siid": 2, "piid": 1, "value": n, "at": float(n)}
            rows.add("hw.h1.state", f"m{n}", json.dumps(body).encode())
        first = await fleet_rows.write(conn, rows, "r1", 0.0)
        again = await fleet_rows.write(conn, rows, "r1", 0.0)
        count = await conn.fetchval("SELECT count(*) FROM history")
    finally:
        await conn.close()
    assert (first.stored, first.duplicates) == (5, 0)
    assert (again.stored, again.duplicates) == (0, 5)
    assert count == 5


@pytest.mark.parametrize(
    ("subject", "data", "problem"),
    [
        ("hw.h1.state", b"[1]", "JSON object"),
        ("hw.h1.state", b'{"siid": 2, "piid": 1, "value": 1, "at": 1}', "missing 'device'"),
        ("elsewhere", b"{}", "not a fleet subject"),
        ("hw.h1.state", b'{"device": "d", "siid": 2, "piid": 1, "at": 1}', "missing 'value'"),
        ("hw.h1.state", b'{"device": "", "at": 1}', "non-empty"),
    ],
)
def test_bad_messages_say_what_is_wrong(subject: str, data: bytes, problem: str) -> None:
    rows = fleet_rows.Rows()
    with pytest.raises(fleet_rows.BadMessage, match=problem):
        rows.add(subject, "m", data)
    assert len(rows) == 0


def test_status_says_what_is_missing(fleet_database: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "cloud",
            "status",
            "--nats",
            "nats://127.0.0.1:1",
            "--database",
            fleet_database,
            "--interval",
            "0.1",
        ],
    )
    assert result.exit_code == 1
    assert "NATS at nats://127.0.0.1:1" in result.output
    assert "no fleet tables yet" in result.output


async def test_fleet_schema_is_migrated_once_by_many(fleet_database: str) -> None:
    async def one() -> int:
        conn = await fleet_schema.connect(fleet_database)
        try:
            return await fleet_schema.prepare(conn)
        finally:
            await conn.close()

    versions = await asyncio.gather(one(), one(), one())
    assert set(versions) == {len(fleet_schema.FLEET_MIGRATIONS)}
    plain = await asyncpg.connect(fleet_database)
    try:
        hub_history = await plain.fetchval("SELECT to_regclass('public.history') IS NOT NULL")
    finally:
        await plain.close()
    assert not hub_history, "the fleet's tables live in their own schema"


async def test_a_hub_stream_in_the_way_is_named_with_the_fix(private_nats: PrivateNats) -> None:
    nc = await nats.connect(private_nats.url)
    try:
        js = nc.jetstream()
        await js.add_stream(name="HW_CASA", subjects=["hw.casa.state", "hw.casa.event"])
        with pytest.raises(HomeweaveError, match=r"HW_<HOME> streams"):
            await ensure_fleet_stream(js)
    finally:
        await nc.close()
