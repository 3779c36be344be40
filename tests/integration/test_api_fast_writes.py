"""The hot path of property writes (`api.fast_writes`) answers exactly as the FastAPI route it
stands in front of: same status, same body, same content type, same resulting state.

A ``+json`` content type is JSON to FastAPI but is left to the route by the hot path, so the
same write can be sent down both ways and the answers compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.conftest import Api
from tests.integration.server_thread import ServerThread
from tests.integration.test_api import ADDRESSES, set_bodies

LAMP = "/api/devices/hallway-lamp"
BRIGHTNESS = f"{LAMP}/light/brightness"
FAST = {"Content-Type": "application/json"}
ROUTE = {"Content-Type": "application/merge-patch+json"}


async def both(client: httpx.AsyncClient, path: str, body: bytes) -> list[httpx.Response]:
    """The answers of the hot path and of the route to the same write."""
    return [await client.put(path, content=body, headers=h) for h in (FAST, ROUTE)]


def answer(response: httpx.Response) -> tuple[int, str, Any]:
    return response.status_code, response.headers["content-type"], response.json()


@pytest.mark.parametrize(
    ("path", "value", "status"),
    [
        (BRIGHTNESS, 40, 200),
        (BRIGHTNESS, "40", 200),
        (BRIGHTNESS, 40.0, 200),
        (f"{LAMP}/light/on", True, 200),
        (f"{LAMP}/light/on", "on", 200),
        (BRIGHTNESS, 150, 422),
        (BRIGHTNESS, "bright", 422),
        (BRIGHTNESS, True, 422),
        (BRIGHTNESS, "x" * 500, 422),
        ("/api/devices/bedroom-climate/temperature-humidity-sensor/temperature", 20.0, 409),
        ("/api/devices/garage-door/light/brightness", 1, 404),
        (f"{LAMP}/lighting/brightness", 1, 404),
        (f"{LAMP}/light/dimness", 1, 404),
    ],
)
async def test_the_hot_path_answers_as_the_route(
    api: Api, path: str, value: object, status: int
) -> None:
    _, client = api
    fast, route = both_answers = await both(client, path, json.dumps({"value": value}).encode())
    assert fast.status_code == status, fast.text
    assert answer(fast) == answer(route), [r.text for r in both_answers]


async def test_a_write_through_the_hot_path_is_the_state(api: Api) -> None:
    running, client = api
    response = await client.put(BRIGHTNESS, json={"value": 33})
    assert response.json() == {
        "address": "hallway-lamp/light/brightness",
        "device": "hallway-lamp",
        "siid": 2,
        "piid": 2,
        "value": 33,
    }
    assert running.hub.states.value("hallway-lamp", 2, 2) == 33
    assert (await client.get(BRIGHTNESS)).json()["value"] == 33


async def test_an_unavailable_device_is_503_either_way(
    api: Api, virtual: VirtualIntegration
) -> None:
    _, client = api
    virtual.set_online("hallway-lamp", False)
    fast, route = await both(client, BRIGHTNESS, b'{"value": 40}')
    assert fast.status_code == 503
    assert answer(fast) == answer(route)


@pytest.mark.parametrize(
    "body",
    [
        b'{"value": 40, "extra": 1}',
        b'{"value": null}',
        b'{"value": [40]}',
        b'{"valeu": 40}',
        b"{}",
        b"[40]",
        b"not json",
        b'{"value": NaN}',
        b'{"value": 123456789012345678901234567890}',
        b'{"value": -9223372036854775809}',
        b'{"value": 1e400}',
        b"",
    ],
)
async def test_what_the_hot_path_does_not_take_the_route_answers(api: Api, body: bytes) -> None:
    _, client = api
    fast, route = await both(client, BRIGHTNESS, body)
    assert fast.status_code == 422, fast.text
    assert answer(fast) == answer(route)
    assert (await client.get(BRIGHTNESS)).json()["value"] == 80


async def test_no_content_type_is_json_as_for_fastapi(api: Api) -> None:
    _, client = api
    response = await client.put(BRIGHTNESS, content=b'{"value": 41}', headers={})
    assert response.status_code == 200, response.text
    assert response.json()["value"] == 41


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with ServerThread(tmp_path_factory.mktemp("fast")) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            yield client


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(address=st.sampled_from(ADDRESSES), body=set_bodies)
def test_any_write_is_answered_alike_both_ways(
    shared_client: httpx.Client, address: tuple[str, str, str], body: bytes
) -> None:
    path = "/api/devices/" + "/".join(address)
    fast, route = (shared_client.put(path, content=body, headers=h) for h in (FAST, ROUTE))
    assert answer(fast) == answer(route), (body, fast.text, route.text)
