"""The WebSocket over a real socket: auth, filters, snapshots, bad messages, live events."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from homeweave.api.ws import MESSAGE_LIMIT
from homeweave.app import Running
from homeweave.core import AVAILABILITY_CHANGED, DEVICE_EVENT, PROPERTY_CHANGED
from homeweave.integrations.virtual.integration import VirtualIntegration

Api = tuple[Running, httpx.AsyncClient]
Message = dict[str, Any]

TIMEOUT = 2.0
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
LAMP = "/api/devices/hallway-lamp"
BRIGHTNESS = f"{LAMP}/light/brightness"
_ids = itertools.count()


def ws_url(running: Running, query: str = "") -> str:
    return running.url.replace("http://", "ws://", 1) + "/api/ws" + query


@asynccontextmanager
async def session(
    running: Running, *, token: str | None = None, header: bool = False
) -> AsyncIterator[ClientConnection]:
    """A WebSocket with the admin token in the query (or the Authorization header)."""
    token = token or running.new_token
    assert token is not None
    if header:
        url, headers = ws_url(running), {"Authorization": f"Bearer {token}"}
    else:
        url, headers = ws_url(running, f"?token={quote(token)}"), {}
    async with connect(
        url, additional_headers=headers, open_timeout=TIMEOUT, close_timeout=TIMEOUT
    ) as ws:
        yield ws


async def send(ws: ClientConnection, message: Message) -> None:
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection) -> Message:
    raw = await asyncio.wait_for(ws.recv(), TIMEOUT)
    message = json.loads(raw)
    assert isinstance(message, dict), message
    return message


async def expect(ws: ClientConnection, kind: str) -> Message:
    message = await receive(ws)
    assert message["type"] == kind, message
    return message


async def before_pong(ws: ClientConnection) -> list[Message]:
    """Everything the server queued before answering a ping sent now.

    The server answers in order, so whatever a state change queued arrives before the pong; an
    empty list proves nothing was queued, without waiting for a timeout.
    """
    ping_id = next(_ids)
    await send(ws, {"type": "ping", "id": ping_id})
    seen = []
    while (message := await receive(ws))["type"] != "pong":
        seen.append(message)
    assert message["id"] == ping_id
    return seen


async def subscribe(ws: ClientConnection, **filters: object) -> Message:
    sub_id = next(_ids)
    await send(ws, {"type": "subscribe", "id": sub_id, **filters})
    answer = await expect(ws, "subscribed")
    assert answer["id"] == sub_id
    return answer


async def put(client: httpx.AsyncClient, path: str, value: object) -> None:
    response = await client.put(path, json={"value": value})
    assert response.status_code == 200, response.text


# --- auth ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {}),
        ("?token=", {}),
        ("?token=not-the-token", {}),
        ("", {"Authorization": "Bearer not-the-token"}),
        ("", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
    ],
)
async def test_without_a_valid_token_the_socket_closes_with_policy_violation(
    api: Api, query: str, headers: dict[str, str]
) -> None:
    running, _ = api
    before = running.hub.bus.subscribers(PROPERTY_CHANGED)
    async with connect(
        ws_url(running, query), additional_headers=headers, open_timeout=TIMEOUT
    ) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == POLICY_VIOLATION
    assert "token" in closed.value.rcvd.reason
    assert running.hub.bus.subscribers(PROPERTY_CHANGED) == before  # nothing left subscribed


@pytest.mark.parametrize("header", [False, True], ids=["query", "header"])
async def test_a_valid_token_in_query_or_header_is_accepted(api: Api, header: bool) -> None:
    running, client = api
    async with session(running, header=header) as ws:
        await subscribe(ws, device="hallway-lamp")
        await put(client, BRIGHTNESS, 40)
        assert (await expect(ws, "state"))["value"] == 40


# --- subscriptions ------------------------------------------------------------------------------
async def test_a_put_over_http_reaches_a_device_subscriber(api: Api) -> None:
    running, client = api
    async with session(running) as ws:
        answer = await subscribe(ws, device="hallway-lamp")
        assert answer["filter"] == {"home": None, "room": None, "device": "hallway-lamp"}
        assert await before_pong(ws) == []
        await put(client, BRIGHTNESS, 40)
        state = await expect(ws, "state")
        assert state["address"] == "hallway-lamp/light/brightness"
        assert state["device"] == "hallway-lamp"
        assert (state["siid"], state["piid"]) == (2, 2)
        assert state["value"] == 40
        assert state["old"] == 80
        assert isinstance(state["at"], float)
        assert "snapshot" not in state
        assert await before_pong(ws) == []  # one change, one message


async def test_room_filter_only_delivers_that_rooms_devices(api: Api) -> None:
    running, client = api
    async with session(running) as ws:
        answer = await subscribe(ws, room="hallway")
        assert answer["filter"] == {"home": None, "room": "hallway", "device": None}
        await put(client, "/api/devices/kitchen-lamp/light/brightness", 10)
        assert await before_pong(ws) == []
        await put(client, BRIGHTNESS, 20)
        (state,) = await before_pong(ws)
        assert state["type"] == "state"
        assert state["address"] == "hallway-lamp/light/brightness"

        await subscribe(ws, room="kitchen")  # filters add up
        await put(client, "/api/devices/kitchen-lamp/light/brightness", 30)
        assert [m["device"] for m in await before_pong(ws)] == ["kitchen-lamp"]


async def test_home_filter_and_empty_filter_match_everything(api: Api) -> None:
    running, client = api
    for second_round, filters in enumerate(({"home": "home"}, {})):
        async with session(running) as ws:
            await subscribe(ws, **filters)
            # The lamp starts off and the plug on: each round changes both.
            await put(client, "/api/devices/kitchen-lamp/light/on", not second_round)
            await put(client, "/api/devices/study-desk-plug/switch/on", bool(second_round))
            changed = {m["address"] for m in await before_pong(ws) if m["type"] == "state"}
            assert {"kitchen-lamp/light/on", "study-desk-plug/switch/on"} <= changed


async def test_unsubscribe_stops_delivery(api: Api) -> None:
    running, client = api
    async with session(running) as ws:
        await subscribe(ws, device="hallway-lamp")
        await send(ws, {"type": "unsubscribe", "id": "u"})
        assert (await expect(ws, "unsubscribed"))["id"] == "u"
        await put(client, BRIGHTNESS, 40)
        assert await before_pong(ws) == []


async def test_snapshot_returns_current_values(api: Api) -> None:
    running, client = api
    await put(client, BRIGHTNESS, 55)
    async with session(running) as ws:
        await subscribe(ws, device="hallway-lamp", snapshot=True)
        snapshot = await before_pong(ws)
    assert snapshot
    assert all(m["type"] == "state" and m["snapshot"] is True for m in snapshot)
    assert {m["device"] for m in snapshot} == {"hallway-lamp"}
    values = {m["address"]: m["value"] for m in snapshot}
    assert values["hallway-lamp/light/brightness"] == 55
    assert values["hallway-lamp/light/on"] is False
    assert values["hallway-lamp/device-information/manufacturer"] == "homeweave"
    lamp = running.hub.states.of_device("hallway-lamp")
    assert len(snapshot) == len(lamp)


async def test_snapshot_of_a_room(api: Api) -> None:
    running, _ = api
    async with session(running) as ws:
        await subscribe(ws, room="study", snapshot=True)
        snapshot = await before_pong(ws)
    assert {m["device"] for m in snapshot} == {
        "study-desk-plug",
        "study-thermostat",
        "study-air-monitor",
    }


# --- bad messages keep the connection -----------------------------------------------------------
@pytest.mark.parametrize(
    ("sent", "mentions"),
    [
        ({"type": "subscribe", "room": "attic"}, "room 'attic'"),
        ({"type": "subscribe", "device": "garage-door"}, "device 'garage-door'"),
        ({"type": "subscribe", "home": "cottage"}, "home 'cottage'"),
        ({"type": "subscribe", "room": 5}, "room '5'"),
        ({"type": "dance"}, "unknown message type 'dance'"),
        ({"kind": "ping"}, "unknown message type None"),
    ],
)
async def test_a_bad_request_is_an_error_and_the_socket_stays_usable(
    api: Api, sent: Message, mentions: str
) -> None:
    running, client = api
    async with session(running) as ws:
        await send(ws, sent)
        error = await expect(ws, "error")
        assert mentions in error["error"]
        if "room" in sent:
            assert "known: bathroom, bedroom, hallway" in error["error"]
        assert await before_pong(ws) == []
        await put(client, BRIGHTNESS, 40)  # the failed subscribe added no filter
        assert await before_pong(ws) == []


@pytest.mark.parametrize("depth", [9, 1000, 20_000])
async def test_a_deeply_nested_message_is_an_error_logged_and_the_socket_stays_usable(
    api: Api, depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    running, _ = api
    nested = '{"type": "subscribe", "id": ' + "[" * depth + "]" * depth + "}"
    async with session(running) as ws:
        await ws.send(nested)
        assert "nested too deeply" in (await expect(ws, "error"))["error"]
        assert await before_pong(ws) == []
    assert any("nested too deeply" in r.getMessage() for r in caplog.records)


async def test_the_deepest_allowed_message_is_answered(api: Api) -> None:
    running, _ = api
    async with session(running) as ws:
        await send(ws, {"type": "ping", "id": [[[[[[[1]]]]]]]})
        assert (await expect(ws, "pong"))["id"] == [[[[[[[1]]]]]]]


async def test_a_message_over_the_limit_closes_with_1009_and_a_reason(api: Api) -> None:
    running, _ = api
    async with session(running) as ws:
        await send(ws, {"type": "ping", "id": "x" * MESSAGE_LIMIT})
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == MESSAGE_TOO_BIG
    assert closed.value.rcvd.reason
    async with session(running) as again:  # the hub still serves others
        await send(again, {"type": "ping", "id": "x" * (MESSAGE_LIMIT // 2)})
        assert len((await expect(again, "pong"))["id"]) == MESSAGE_LIMIT // 2


@pytest.mark.parametrize(
    ("raw", "mentions"),
    [
        ("hello", "Expecting value"),
        ('{"type": "ping"', "Expecting"),
        ("[1, 2]", "JSON object"),
        ('"ping"', "JSON object"),
        ("42", "JSON object"),
        ("null", "JSON object"),
        ("", "Expecting value"),
    ],
)
async def test_not_json_or_not_an_object_is_an_error(api: Api, raw: str, mentions: str) -> None:
    running, _ = api
    async with session(running) as ws:
        await ws.send(raw)
        assert mentions in (await expect(ws, "error"))["error"]
        assert await before_pong(ws) == []


async def test_a_binary_message_is_an_error_and_the_socket_stays_usable(api: Api) -> None:
    running, _ = api
    async with session(running) as ws:
        await ws.send(b'{"type": "ping"}')
        assert "text" in (await expect(ws, "error"))["error"]
        assert await before_pong(ws) == []


# --- availability and device events -------------------------------------------------------------
async def test_availability_changes_are_delivered(api: Api, virtual: VirtualIntegration) -> None:
    running, _ = api
    async with session(running) as ws:
        await subscribe(ws, device="hallway-lamp")
        virtual.set_online("hallway-lamp", False)
        gone = await expect(ws, "availability")
        assert gone["device"] == "hallway-lamp"
        assert gone["available"] is False
        assert gone["reason"] == "not responding"
        virtual.set_online("hallway-lamp", True)
        back = await expect(ws, "availability")
        assert back["available"] is True
        virtual.set_online("kitchen-lamp", False)  # not subscribed
        assert await before_pong(ws) == []


async def test_cleaning_finished_is_an_event_message(api: Api, virtual: VirtualIntegration) -> None:
    running, client = api
    async with session(running) as ws:
        await subscribe(ws, device="robot-vacuum")
        response = await client.post("/api/devices/robot-vacuum/actions/start-sweep")
        assert response.status_code == 200, response.text
        status = await expect(ws, "state")
        assert (status["address"], status["value"], status["old"]) == (
            "robot-vacuum/vacuum/status",
            2,
            6,
        )
        await before_pong(ws)  # the charging-state change
        virtual.step(200.0)  # 0.3 m²/s: past the 40 m² room
        messages = await before_pong(ws)
    events = [m for m in messages if m["type"] == "event"]
    assert len(events) == 1, messages
    (event,) = events
    assert event["device"] == "robot-vacuum"
    assert event["name"] == "vacuum/cleaning-finished"
    assert event["siid"] == 2
    states = {m["address"]: m["value"] for m in messages if m["type"] == "state"}
    assert states["robot-vacuum/vacuum/status"] == 5  # returning to the dock
    area_piid = str(
        running.hub.registry.device("robot-vacuum").spec.find_property("cleaning-area")[1].iid
    )
    assert event["arguments"][area_piid] == states["robot-vacuum/vacuum/cleaning-area"]


# --- lifetime -----------------------------------------------------------------------------------
async def test_a_closed_socket_leaves_no_subscriptions_behind(api: Api) -> None:
    running, _ = api
    bus = running.hub.bus

    def subscribers() -> tuple[int, int, int]:
        return (
            bus.subscribers(PROPERTY_CHANGED),
            bus.subscribers(AVAILABILITY_CHANGED),
            bus.subscribers(DEVICE_EVENT),
        )

    baseline = subscribers()
    async with session(running) as ws:
        await subscribe(ws)
        assert subscribers() == tuple(n + 1 for n in baseline)
    for _ in range(int(TIMEOUT / 0.01)):  # the server notices the close in its own time
        if subscribers() == baseline:
            break
        await asyncio.sleep(0.01)
    assert subscribers() == baseline
