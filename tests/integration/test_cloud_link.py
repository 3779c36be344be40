"""The edge → cloud link on a real NATS server with JetStream (our own ``nats-server -js`` on a
free port, killed and restarted as an outage would): state changes arrive in the home's stream
with message ids, commands come back by request/reply through the hub's validation, and while
NATS is away the hub keeps controlling its devices and buffers on disk — replayed in order with
no duplicates, bounded by dropping the oldest (counted)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import nats
import nats.js.errors
import pytest
from nats.aio.client import Client

from homeweave.app import Running, demo_config, running_hub
from homeweave.bridges.cloud.bridge import OUTBOX_FILE
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]

LAMP = "living-room-lamp/light/brightness"
HOME = "casa"
STREAM = "HW_CASA"
WAIT = 15.0


@asynccontextmanager
async def hub_linked_to(
    server: PrivateNats, data_dir: Path, **options: Any
) -> AsyncIterator[Running]:
    cloud = {"nats": server.url, "home_id": HOME, "reconnect_min": 0.1, "reconnect_max": 0.5}
    config = demo_config(port=0, tick=0, bridges={"cloud": {**cloud, **options}})
    async with running_hub(config, data_dir, port=0) as running:
        yield running


@asynccontextmanager
async def client(server: PrivateNats) -> AsyncIterator[Client]:
    nc = await nats.connect(server.url, connect_timeout=2, allow_reconnect=False)
    try:
        yield nc
    finally:
        await nc.close()


async def stored(nc: Client) -> list[tuple[str, dict[str, Any]]]:
    """Every message in the home's stream: (message id, body)."""
    js = nc.jetstream()
    try:
        info = await js.stream_info(STREAM)
    except nats.js.errors.NotFoundError:
        return []
    found: list[tuple[str, dict[str, Any]]] = []
    if not info.state.messages:
        return found
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        raw = await js.get_msg(STREAM, seq)
        found.append(((raw.headers or {}).get("Nats-Msg-Id", ""), json.loads(raw.data or b"{}")))
    return found


def brightness_values(messages: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    # living-room-lamp's light service is siid 2, brightness piid 2 (catalog light spec)
    return [
        body["value"]
        for _, body in messages
        if body.get("device") == "living-room-lamp"
        and (body.get("siid"), body.get("piid")) == (2, 2)
    ]


async def until_stored(nc: Client, wanted: list[int]) -> list[tuple[str, dict[str, Any]]]:
    async with asyncio.timeout(WAIT):
        while True:
            messages = await stored(nc)
            if brightness_values(messages)[-len(wanted) :] == wanted:
                return messages
            await asyncio.sleep(0.05)


async def test_changes_reach_jetstream_and_commands_come_back(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with hub_linked_to(private_nats, tmp_path) as running, client(private_nats) as nc:
        commands = running.hub.commands
        await commands.set(LAMP, 42)
        messages = await until_stored(nc, [42])
        ids = [msg_id for msg_id, _ in messages]
        assert all(ids)
        assert len(set(ids)) == len(ids), "every message has its own id"
        body = next(b for _, b in reversed(messages) if b.get("value") == 42)
        assert body["home"] == HOME
        assert body["device"] == "living-room-lamp"

        async def ask(request: object) -> dict[str, Any]:
            data = request if isinstance(request, bytes) else json.dumps(request).encode()
            reply = await nc.request(f"hw.{HOME}.cmd", data, timeout=WAIT)
            answer: dict[str, Any] = json.loads(reply.data)
            return answer

        assert await ask({"op": "set", "address": LAMP, "value": 17}) == {
            "ok": True,
            "address": LAMP,
            "value": 17,
        }
        assert running.hub.states.value("living-room-lamp", 2, 2) == 17
        await until_stored(nc, [42, 17])  # the command's change is published too

        refused = await ask({"op": "set", "address": LAMP, "value": 150})
        assert refused["ok"] is False
        assert refused["kind"] == "InvalidValue"
        assert "150" in refused["error"]
        assert running.hub.states.value("living-room-lamp", 2, 2) == 17
        unknown = await ask({"op": "set", "address": "no-such-lamp/light/on", "value": True})
        assert (unknown["ok"], unknown["kind"]) == (False, "UnknownAddress")
        assert (await ask(b"\xff not json"))["kind"] == "BadRequest"
        assert (await ask({"op": "explode"}))["kind"] == "BadRequest"
        started = await ask({"op": "do", "device": "robot-vacuum", "action": "start-sweep"})
        assert started["ok"] is True
        assert running.hub.states.value("robot-vacuum", 2, 1) == 2  # Sweeping


async def test_an_outage_is_buffered_on_disk_and_replayed_in_order(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with hub_linked_to(private_nats, tmp_path) as running:
        commands = running.hub.commands
        async with client(private_nats) as nc:
            for value in range(1, 6):
                await commands.set(LAMP, value)
            await until_stored(nc, [1, 2, 3, 4, 5])

        private_nats.kill()
        print("killed nats-server; changing the lamp 20 times while it is away")
        for value in range(6, 26):
            await commands.set(LAMP, value)  # the hub goes on controlling its devices
        assert running.hub.states.value("living-room-lamp", 2, 2) == 25

    # the hub stopped too, with the outage's messages on disk; both come back
    waiting = sqlite3.connect(tmp_path / OUTBOX_FILE).execute("SELECT count(*) FROM outbox")
    assert waiting.fetchone()[0] >= 20
    private_nats.start()
    async with hub_linked_to(private_nats, tmp_path), client(private_nats) as nc:
        messages = await until_stored(nc, list(range(1, 26)))
        values = brightness_values(messages)
        print(f"stored {len(values)} lamp changes; {len(messages)} messages in all")
        assert values == list(range(1, 26)), "in order, none lost, none twice"
        ids = [msg_id for msg_id, _ in messages]
        assert len(set(ids)) == len(ids)
    left = sqlite3.connect(tmp_path / OUTBOX_FILE).execute("SELECT count(*) FROM outbox")
    assert left.fetchone()[0] == 0


async def test_a_full_outbox_drops_the_oldest_and_counts_them(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    private_nats.kill()  # NATS is away from the start: the hub starts anyway
    async with hub_linked_to(private_nats, tmp_path, buffer_max=5) as running:
        for value in range(1, 13):
            await running.hub.commands.set(LAMP, value)
        assert running.hub.states.value("living-room-lamp", 2, 2) == 12
    meta = dict(
        sqlite3.connect(tmp_path / OUTBOX_FILE).execute("SELECT key, value FROM outbox_meta")
    )
    assert meta["dropped"] >= 7

    private_nats.start()
    async with hub_linked_to(private_nats, tmp_path, buffer_max=5), client(private_nats) as nc:
        messages = await until_stored(nc, [8, 9, 10, 11, 12])
        assert brightness_values(messages) == [8, 9, 10, 11, 12], "the newest five"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"nats": "http://x", "home_id": "a"}, "nats://"),
        ({"home_id": "Has Spaces"}, "home_id"),
        ({"home_id": "a", "buffer_max": 0}, "buffer_max"),
        ({"home_id": "a", "surprise": 1}, "surprise"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], problem: str) -> None:
    from pydantic import ValidationError

    from homeweave.bridges.cloud.options import CloudOptions

    with pytest.raises(ValidationError, match=problem):
        CloudOptions.model_validate(options)
