"""The HTTP API over a real socket: auth, registry, properties, actions, history, bad input."""

from __future__ import annotations

import json
import sqlite3
import stat
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from homeweave.api.auth import hash_token
from homeweave.api.limits import BODY_LIMIT
from homeweave.app import Running, demo_config, running_hub
from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.server_thread import ServerThread

Api = tuple[Running, httpx.AsyncClient]

LAMP = "/api/devices/hallway-lamp"
BRIGHTNESS = f"{LAMP}/light/brightness"
TEMPERATURE = "/api/devices/bedroom-climate/temperature-humidity-sensor/temperature"
VACUUM = "/api/devices/robot-vacuum"
SWEEPING, CHARGING = 2, 6

PROTECTED: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/openapi.json", None),
    ("GET", "/api/homes", None),
    ("GET", "/api/devices", None),
    ("GET", "/api/devices?room=hallway", None),
    ("GET", LAMP, None),
    ("GET", BRIGHTNESS, None),
    ("PUT", BRIGHTNESS, {"value": 40}),
    ("POST", f"{VACUUM}/actions/start-sweep", {}),
    ("GET", f"{BRIGHTNESS}/history", None),
]
BAD_CREDENTIALS: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer not-the-token"},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic YWRtaW46YWRtaW4="},
]


async def value_of(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["value"]


async def put_value(client: httpx.AsyncClient, path: str, value: Any) -> httpx.Response:
    return await client.put(path, json={"value": value})


def error_of(response: httpx.Response, status: int) -> str:
    """The ``error`` text of a JSON error response with the expected status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str)
    assert body["error"]
    return body["error"]


# --- auth ---------------------------------------------------------------------------------------
async def test_health_needs_no_token(api: Api) -> None:
    running, _ = api
    async with httpx.AsyncClient(base_url=running.url) as anonymous:
        response = await anonymous.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["devices"] == len(running.hub.registry.devices)


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
async def test_every_other_endpoint_needs_the_token(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    running, client = api
    for headers in BAD_CREDENTIALS:
        async with httpx.AsyncClient(base_url=running.url, headers=headers) as stranger:
            response = await stranger.request(method, path, json=body)
        assert "valid bearer token" in error_of(response, 401), headers
        assert response.headers["www-authenticate"] == "Bearer"
    # Nothing the strangers asked for happened.
    assert await value_of(client, BRIGHTNESS) == 80
    assert await value_of(client, f"{VACUUM}/vacuum/status") == CHARGING


async def test_the_right_token_opens_every_endpoint(api: Api) -> None:
    _, client = api
    for method, path, body in PROTECTED:
        response = await client.request(method, path, json=body)
        assert response.status_code == 200, (method, path, response.text)


async def test_malformed_body_without_token_is_still_401(api: Api) -> None:
    running, _ = api
    async with httpx.AsyncClient(base_url=running.url) as stranger:
        response = await stranger.put(
            BRIGHTNESS, content=b"not json", headers={"Content-Type": "application/json"}
        )
    error_of(response, 401)


async def test_new_data_dir_makes_a_private_token_stored_only_hashed(
    api: Api, tmp_path: Path
) -> None:
    running, _ = api
    token = running.new_token
    assert token is not None
    assert len(token) >= 40
    token_file = tmp_path / "admin-token"
    assert running.token_file == token_file
    assert token_file.read_text() == token + "\n"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    with closing(sqlite3.connect(f"file:{tmp_path / 'homeweave.db'}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT * FROM tokens").fetchall()
        hashes = {row[0] for row in db.execute("SELECT token_hash FROM tokens")}
    assert rows, "the token should be stored"
    assert not any(token in str(cell) for row in rows for cell in row)
    assert hashes == {hash_token(token)}


async def test_restart_keeps_the_token_and_makes_no_new_one(tmp_path: Path) -> None:
    config = demo_config(port=0, tick=0)
    async with running_hub(config, tmp_path, port=0) as first:
        token = first.new_token
    assert token is not None
    async with running_hub(config, tmp_path, port=0) as second:
        assert second.new_token is None
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=second.url, headers=headers) as client:
            response = await client.get("/api/homes")
    assert response.status_code == 200
    assert (tmp_path / "admin-token").read_text() == token + "\n"


async def test_openapi_document_lists_our_paths(api: Api) -> None:
    _, client = api
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/health",
        "/api/homes",
        "/api/devices",
        "/api/devices/{device_id}",
        "/api/devices/{device_id}/{service}/{prop}",
        "/api/devices/{device_id}/{service}/{prop}/history",
    } <= set(paths)
    assert "put" in paths["/api/devices/{device_id}/{service}/{prop}"]
    assert any("/actions/" in path and "post" in ops for path, ops in paths.items())


# --- registry -----------------------------------------------------------------------------------
async def test_homes_list_rooms_and_their_devices(api: Api) -> None:
    running, client = api
    response = await client.get("/api/homes")
    assert response.status_code == 200
    (home,) = response.json()
    assert home["id"] == "home"
    assert home["time_zone"] == "Europe/Amsterdam"
    rooms = {room["id"]: room["devices"] for room in home["rooms"]}
    assert set(rooms) == {"living-room", "kitchen", "bedroom", "hallway", "study", "bathroom"}
    assert "hallway-lamp" in rooms["hallway"]
    assert "robot-vacuum" in rooms["living-room"]
    listed = [device for devices in rooms.values() for device in devices]
    assert sorted(listed) == sorted(running.hub.registry.devices)


async def test_devices_list_and_room_filter(api: Api) -> None:
    running, client = api
    everything = (await client.get("/api/devices")).json()
    assert {d["id"] for d in everything} == set(running.hub.registry.devices)
    response = await client.get("/api/devices", params={"room": "kitchen"})
    assert response.status_code == 200
    kitchen = response.json()
    assert {d["id"] for d in kitchen} == {
        "kitchen-lamp",
        "kitchen-coffee-plug",
        "kitchen-fridge-plug",
        "kitchen-motion",
    }
    assert all(d["room"] == "kitchen" and d["home"] == "home" for d in kitchen)
    in_home = (await client.get("/api/devices", params={"home": "home"})).json()
    assert len(in_home) == len(everything)


@pytest.mark.parametrize(("param", "known"), [("room", "kitchen"), ("home", "home")])
async def test_unknown_room_or_home_is_404_naming_it(api: Api, param: str, known: str) -> None:
    _, client = api
    response = await client.get("/api/devices", params={param: "attic"})
    message = error_of(response, 404)
    assert "'attic'" in message
    assert param in message
    assert known in message  # the choices


async def test_device_detail_has_services_properties_and_values(api: Api) -> None:
    _, client = api
    response = await client.get(LAMP)
    assert response.status_code == 200
    device = response.json()
    assert device["id"] == "hallway-lamp"
    assert device["room"] == "hallway"
    assert device["type"] == "light"
    assert device["available"] is True
    services = {s["key"]: s for s in device["services"]}
    assert {"device-information", "light"} <= set(services)
    props = {p["key"]: p for p in services["light"]["properties"]}
    assert props["brightness"]["value"] == 80
    assert props["brightness"]["range"] == [1, 100, 1]
    assert props["brightness"]["address"] == "hallway-lamp/light/brightness"
    assert "write" in props["brightness"]["access"]
    assert props["on"]["value"] is False
    assert [a["key"] for a in services["light"]["actions"]] == ["toggle"]


async def test_get_one_property(api: Api) -> None:
    _, client = api
    response = await client.get(BRIGHTNESS)
    assert response.status_code == 200
    prop = response.json()
    assert prop["value"] == 80
    assert prop["unit"] == "percentage"
    assert prop["format"] == "uint8"
    assert prop["changed_at"] > 0


# --- writing properties -------------------------------------------------------------------------
@pytest.mark.parametrize("sent", [40, "40", 40.0])
async def test_put_brightness_changes_the_state(api: Api, sent: object) -> None:
    running, client = api
    response = await put_value(client, BRIGHTNESS, sent)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "address": "hallway-lamp/light/brightness",
        "device": "hallway-lamp",
        "siid": 2,
        "piid": 2,
        "value": 40,
    }
    assert await value_of(client, BRIGHTNESS) == 40
    assert running.hub.states.value("hallway-lamp", 2, 2) == 40


async def test_put_bool_turns_the_lamp_on(api: Api) -> None:
    _, client = api
    response = await put_value(client, f"{LAMP}/light/on", True)
    assert response.status_code == 200, response.text
    assert await value_of(client, f"{LAMP}/light/on") is True


@pytest.mark.parametrize("sent", [150, 0, -1, 40.5, "bright", True, "NaN"])
async def test_put_out_of_range_is_422_saying_what_is_allowed(api: Api, sent: object) -> None:
    _, client = api
    message = error_of(await put_value(client, BRIGHTNESS, sent), 422)
    assert "1..100" in message
    assert "hallway-lamp/light/brightness" in message
    assert await value_of(client, BRIGHTNESS) == 80


async def test_put_read_only_property_is_409(api: Api) -> None:
    _, client = api
    before = await value_of(client, TEMPERATURE)
    message = error_of(await put_value(client, TEMPERATURE, 20.0), 409)
    assert "cannot write" in message
    assert await value_of(client, TEMPERATURE) == before


async def test_put_to_an_unavailable_device_is_503(api: Api, virtual: VirtualIntegration) -> None:
    _, client = api
    virtual.set_online("hallway-lamp", False)
    assert "not responding" in error_of(await put_value(client, BRIGHTNESS, 40), 503)
    device = (await client.get(LAMP)).json()
    assert device["available"] is False
    assert device["unavailable_reason"] == "not responding"
    virtual.set_online("hallway-lamp", True)
    assert (await put_value(client, BRIGHTNESS, 40)).status_code == 200


@pytest.mark.parametrize(
    ("path", "unknown", "choice"),
    [
        ("/api/devices/garage-door", "device 'garage-door'", "hallway-lamp"),
        ("/api/devices/garage-door/light/brightness", "device 'garage-door'", "hallway-lamp"),
        (f"{LAMP}/lighting/brightness", "service 'lighting'", "light"),
        (f"{LAMP}/light/dimness", "property 'dimness'", "brightness"),
        (f"{LAMP}/light/dimness/history", "property 'dimness'", "brightness"),
    ],
)
async def test_unknown_address_is_404_listing_choices(
    api: Api, path: str, unknown: str, choice: str
) -> None:
    _, client = api
    message = error_of(await client.get(path), 404)
    assert unknown in message
    assert "known:" in message
    assert choice in message
    if path.count("/") == 5:  # a property address: writing it fails the same way
        assert error_of(await put_value(client, path, 1), 404) == message


@pytest.mark.parametrize(
    ("content", "content_type", "mentions"),
    [
        (b"not json", "application/json", "JSON"),
        (b'{"value": 40', "application/json", "JSON"),
        (b"\xff\xfe", "application/json", "JSON"),
        (b"\x80", "application/json", "JSON"),
        (b'{"value": "\xe9"}', "application/json", "JSON"),
        (b"", "application/json", "body"),
        (b"{}", "application/json", "value"),
        (b'{"valeu": 40}', "application/json", "valeu"),
        (b'{"value": 40, "extra": 1}', "application/json", "extra"),
        (b'{"value": {"level": 40}}', "application/json", "value"),
        (b'{"value": [40]}', "application/json", "value"),
        (b'{"value": null}', "application/json", "value"),
        (b"[40]", "application/json", "body"),
        (b"40", "application/json", "body"),
        (b'{"value": 40}', "text/plain", "body"),
    ],
)
async def test_malformed_body_is_422_with_a_clear_message(
    api: Api, content: bytes, content_type: str, mentions: str
) -> None:
    _, client = api
    response = await client.put(BRIGHTNESS, content=content, headers={"Content-Type": content_type})
    assert response.json()["kind"] == "RequestValidationError"
    assert mentions in error_of(response, 422)
    assert await value_of(client, BRIGHTNESS) == 80


# --- hostile input: sizes, methods, bugs --------------------------------------------------------
def small_json_error(response: httpx.Response, status: int, kind: str) -> str:
    """The error of a short ``{"error","kind"}`` answer."""
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert len(response.content) < 1000
    assert response.json()["kind"] == kind
    return error_of(response, status)


async def test_a_body_over_the_limit_is_413_before_it_is_read(api: Api) -> None:
    _, client = api
    huge = json.dumps({"value": "x" * BODY_LIMIT}).encode()
    response = await client.put(BRIGHTNESS, content=huge)
    assert "over" in small_json_error(response, 413, "too_large")
    assert await value_of(client, BRIGHTNESS) == 80


async def test_a_chunked_body_over_the_limit_is_413(api: Api) -> None:
    _, client = api

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"value": "'
        for _ in range(BODY_LIMIT // 4096 + 1):
            yield b"x" * 4096
        yield b'"}'

    response = await client.put(BRIGHTNESS, content=chunks())
    small_json_error(response, 413, "too_large")
    assert await value_of(client, BRIGHTNESS) == 80


async def test_a_stranger_with_a_huge_body_gets_only_401(api: Api) -> None:
    running, _ = api
    async with httpx.AsyncClient(base_url=running.url) as stranger:
        response = await stranger.put(BRIGHTNESS, content=b"x" * (2 * BODY_LIMIT))
    small_json_error(response, 401, "HTTPError")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", BRIGHTNESS, {"value": "x" * 500_000}),
        ("PUT", BRIGHTNESS, {"value": 1, "x" * 500_000: 1}),
        ("POST", f"{VACUUM}/actions/start-sweep", {"args": ["x" * 500_000]}),
        ("POST", "/api/automations", {"id": "a", "name": "x" * 500_000, "triggers": []}),
        ("POST", "/api/scenes", {"id": "a", "name": "a", "values": {"x" * 500_000: 1}}),
    ],
    ids=["value", "key", "argument", "automation", "scene"],
)
async def test_a_422_shows_only_an_excerpt_of_a_long_bad_value(
    api: Api, method: str, path: str, body: dict[str, Any]
) -> None:
    _, client = api
    response = await client.request(method, path, json=body)
    assert response.status_code == 422, response.text[:300]
    assert len(response.content) < 1000
    assert "x" * 80 + "…" in response.json()["error"]


async def test_a_wrong_method_is_405_allowing_every_method_of_the_path(api: Api) -> None:
    _, client = api
    response = await client.delete(BRIGHTNESS)
    small_json_error(response, 405, "HTTPError")
    assert response.headers["allow"] == "GET, PUT"
    response = await client.get(f"{VACUUM}/actions/vacuum/start-sweep")
    small_json_error(response, 405, "HTTPError")
    assert response.headers["allow"] == "POST"


async def test_a_bug_is_a_json_500_logged_once_with_its_traceback(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    running, client = api

    def broken(address: str) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(running.hub.commands, "resolve", broken)
    response = await client.get(BRIGHTNESS)
    assert "log" in small_json_error(response, 500, "internal")
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ZeroDivisionError]
    assert len(logged) == 1
    assert "GET /api/devices/hallway-lamp/light/brightness" in logged[0].getMessage()
    monkeypatch.undo()
    assert (await client.get(BRIGHTNESS)).status_code == 200


# --- actions ------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["start-sweep", "vacuum/start-sweep"])
async def test_action_starts_the_vacuum(api: Api, action: str) -> None:
    _, client = api
    assert await value_of(client, f"{VACUUM}/vacuum/status") == CHARGING
    response = await client.post(f"{VACUUM}/actions/{action}", json={"args": []})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "address": "robot-vacuum/vacuum/start-sweep",
        "device": "robot-vacuum",
        "siid": 2,
        "aiid": 1,
        "outputs": {},
    }
    assert await value_of(client, f"{VACUUM}/vacuum/status") == SWEEPING


async def test_action_without_a_body(api: Api) -> None:
    _, client = api
    response = await client.post(f"{VACUUM}/actions/start-sweep")
    assert response.status_code == 200, response.text
    assert await value_of(client, f"{VACUUM}/vacuum/status") == SWEEPING


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"args": [1]}, "0 argument(s)"),
        ({"args": ["fast", 2]}, "0 argument(s)"),
        ({"args": "fast"}, "args"),
        ({"args": [{"x": 1}]}, "args"),
        ({"arguments": []}, "arguments"),
    ],
)
async def test_action_with_wrong_arguments_is_422(
    api: Api, body: dict[str, Any], mentions: str
) -> None:
    _, client = api
    response = await client.post(f"{VACUUM}/actions/start-sweep", json=body)
    assert mentions in error_of(response, 422)
    assert await value_of(client, f"{VACUUM}/vacuum/status") == CHARGING


async def test_unknown_action_is_404_listing_choices(api: Api) -> None:
    _, client = api
    message = error_of(await client.post(f"{VACUUM}/actions/fly"), 404)
    assert "action 'fly'" in message
    assert "vacuum/start-sweep" in message


# --- history ------------------------------------------------------------------------------------
def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


async def history(client: httpx.AsyncClient, **params: str | float) -> list[tuple[float, Any]]:
    response = await client.get(f"{BRIGHTNESS}/history", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"] == "hallway-lamp/light/brightness"
    assert body["unit"] == "percentage"
    return [(point["at"], point["value"]) for point in body["points"]]


async def test_history_returns_values_in_order_within_start_and_end(api: Api) -> None:
    _, client = api
    before = time.time()
    marks = []
    for value in (10, 20, 30):
        assert (await put_value(client, BRIGHTNESS, value)).status_code == 200
        marks.append(time.time())
    after = time.time()

    everything = await history(client)
    assert [v for _, v in everything] == [80, 10, 20, 30]
    times = [at for at, _ in everything]
    assert times == sorted(times)

    assert [v for _, v in await history(client, start=before, end=after)] == [10, 20, 30]
    assert [v for _, v in await history(client, start=marks[0], end=after)] == [20, 30]
    assert [v for _, v in await history(client, start=before, end=marks[1])] == [10, 20]
    as_iso = await history(client, start=iso(marks[0]), end=iso(after))
    assert [v for _, v in as_iso] == [20, 30]
    zulu = await history(client, start=iso(before).replace("+00:00", "Z"))
    assert [v for _, v in zulu] == [10, 20, 30]
    assert await history(client, end=before - 3600) == []


async def test_history_echoes_the_window_it_used(api: Api) -> None:
    _, client = api
    response = await client.get(
        f"{BRIGHTNESS}/history", params={"start": "2024-01-01T00:00:00+01:00", "end": "1704070800"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["start"] == 1704063600.0
    assert response.json()["end"] == 1704070800.0


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"start": "yesterday"}, "ISO 8601"),
        ({"end": "2024-13-01"}, "ISO 8601"),
        ({"start": "1704070800", "end": "1704067200"}, "before end"),
        ({"start": "2024-01-02T00:00:00Z", "end": "2024-01-01T00:00:00Z"}, "before end"),
        ({"start": "nan"}, "start"),
        ({"end": "inf"}, "end"),
        ({"start": "-inf"}, "start"),
        ({"end": "1e400"}, "end"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
async def test_history_bad_window_is_422(api: Api, params: dict[str, str], mentions: str) -> None:
    _, client = api
    response = await client.get(f"{BRIGHTNESS}/history", params=params)
    assert mentions in error_of(response, 422)


async def test_history_naive_iso_time_is_utc(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _, client = api
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        response = await client.get(
            f"{BRIGHTNESS}/history",
            params={"start": "2024-01-01T00:00:00", "end": "2024-01-02T00:00:00"},
        )
    finally:
        monkeypatch.undo()
        time.tzset()
    assert response.status_code == 200, response.text
    assert response.json()["start"] == 1704067200.0


# --- fuzzing: arbitrary bodies and path segments never make a 5xx ---------------------------------
@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with ServerThread(tmp_path_factory.mktemp("fuzz")) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            yield client


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec="utf-8"), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
plausible = st.one_of(
    st.integers(0, 3),
    st.integers(-5, 200),
    st.booleans(),
    st.floats(0, 40),
    st.sampled_from(["on", "off", "40", " 2 ", "Night", "reading", "21.5", "1e400", "nan"]),
)


def as_json(value: object) -> bytes:
    return json.dumps(value).encode()


garbage_bodies = st.one_of(
    st.builds(as_json, json_values),
    st.builds(lambda v: as_json({"value": v}), json_values),
    st.builds(lambda v: as_json({"args": v}), json_values),
    st.builds(lambda k, v: as_json({"value": 1, k: v}), st.text(max_size=8), json_values),
    st.binary(max_size=40),
)
plausible_set = st.builds(lambda v: as_json({"value": v}), plausible)
set_bodies = st.one_of(plausible_set, plausible_set, garbage_bodies)
action_bodies = st.one_of(
    st.just(b""),
    st.builds(lambda args: as_json({"args": args}), st.lists(plausible, max_size=2)),
    garbage_bodies,
)
ADDRESSES = [
    ("living-room-lamp", "light", "brightness"),
    ("living-room-lamp", "light", "on"),
    ("living-room-lamp", "light", "mode"),
    ("living-room-speaker", "speaker", "volume"),
    ("living-room-curtain", "curtain", "motor-control"),
    ("living-room-thermostat", "thermostat", "target-temperature"),
    ("robot-vacuum", "vacuum", "fan-level"),
    ("robot-vacuum", "vacuum", "status"),
    ("bedroom-climate", "temperature-humidity-sensor", "temperature"),
    ("kitchen-coffee-plug", "device-information", "manufacturer"),
]
ACTIONS = [
    ("robot-vacuum", "start-sweep"),
    ("robot-vacuum", "battery/start-charge"),
    ("living-room-speaker", "play-control/play"),
    ("kitchen-coffee-plug", "toggle"),
]
any_segment = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["", ".", "..", "actions", "history", "%2F", "light", "brightness"]),
)
times = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.floats().map(repr),
    st.integers().map(str),
    st.datetimes(timezones=st.none() | st.timezones()).map(datetime.isoformat),
)
queries = st.fixed_dictionaries(
    {},
    optional={
        "start": times,
        "end": times,
        "limit": st.integers().map(str) | st.text(max_size=5),
        "room": any_segment,
    },
)
Request = tuple[str, list[str], bytes | None]


@st.composite
def requests(draw: st.DrawFn) -> Request:
    """Method, path segments and body: mostly real addresses, sometimes with one part garbled."""
    shape = draw(st.sampled_from(["set", "set", "get", "history", "action", "action", "anything"]))
    if shape == "anything":
        method = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE"]))
        body = None if method == "GET" else draw(garbage_bodies)
        return method, draw(st.lists(any_segment, max_size=5)), body
    if shape == "action":
        device, action = draw(st.sampled_from(ACTIONS))
        method, parts, body = "POST", [device, "actions", *action.split("/")], draw(action_bodies)
    else:
        method = "PUT" if shape == "set" else "GET"
        parts = list(draw(st.sampled_from(ADDRESSES)))
        body = draw(set_bodies) if shape == "set" else None
    if draw(st.booleans()):
        parts[draw(st.integers(0, len(parts) - 1))] = draw(any_segment)
    if shape == "history":
        parts.append("history")
    return method, parts, body


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests(), params=queries)
def test_arbitrary_requests_never_make_a_server_error(
    shared_client: httpx.Client, request: Request, params: dict[str, str]
) -> None:
    method, parts, body = request
    url = "/api/devices/" + "/".join(quote(part, safe="") for part in parts)
    response = shared_client.request(
        method, url, params=params, content=body, headers={"Content-Type": "application/json"}
    )
    event(f"{method} {response.status_code}")
    assert response.status_code < 500, (method, url, params, body, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str), response.text
