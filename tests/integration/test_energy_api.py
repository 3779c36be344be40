"""GET /api/energy on a running demo hub: kWh and cost per day and device, room or home; a guest
sees only what is shared with it; bad parameters are a 422 with a message."""

from __future__ import annotations

import time

import pytest

from homeweave.core.energy import hour_of
from tests.integration.conftest import Api
from tests.integration.household import Household, make_household, ok

DAY = 86400.0


@pytest.fixture
async def house(api: Api) -> Household:
    running, admin = api
    return await make_household(running, admin)


def ledger(api: Api) -> float:
    """Write known hours to the ledger (through the write-behind queue); return the last hour."""
    storage = api[0].hub.storage
    assert storage is not None
    now = hour_of(time.time())
    for back in range(3):  # yesterday and the day before too
        storage.record_energy("kitchen-coffee-plug", now - back * DAY - 7200, 1.0)
        storage.record_energy("study-desk-plug", now - back * DAY - 7200, 0.25)
    return now


async def test_energy_per_device_and_room_with_cost(api: Api) -> None:
    _, admin = api
    ledger(api)
    body = ok(await admin.get("/api/energy", params={"since": "7d", "by": "device"}))
    assert isinstance(body, dict)
    assert body["bucket"] == "day"
    assert body["currency"] == "EUR"
    assert body["total"]["kwh"] == pytest.approx(3.75)
    groups = {g["id"]: g for g in body["groups"]}
    assert groups["kitchen-coffee-plug"]["total"]["kwh"] == pytest.approx(3.0)
    assert groups["study-desk-plug"]["total"]["kwh"] == pytest.approx(0.75)
    assert groups["kitchen-coffee-plug"]["total"]["cost"] > 0
    assert len(body["starts"]) == len(body["buckets"]) >= 7
    assert sum(b["kwh"] for b in body["buckets"]) == pytest.approx(3.75)
    rooms = ok(await admin.get("/api/energy", params={"since": "7d", "by": "room"}))
    assert isinstance(rooms, dict)
    assert {g["id"]: g["total"]["kwh"] for g in rooms["groups"]} == pytest.approx(
        {"kitchen": 3.0, "study": 0.75}
    )
    months = ok(await admin.get("/api/energy", params={"since": "3d", "bucket": "month"}))
    assert isinstance(months, dict)
    assert months["total"]["kwh"] == pytest.approx(3.75)


async def test_a_guest_sees_only_the_energy_of_shared_devices(api: Api, house: Household) -> None:
    running, admin = api
    ledger(api)
    ok(await admin.post("/api/shares", json={"user": "gus", "device": "study-desk-plug"}), 201)
    async with house.client(running, "gus") as gus:
        body = ok(await gus.get("/api/energy", params={"since": "7d"}))
    assert isinstance(body, dict)
    assert [g["id"] for g in body["groups"]] == ["study-desk-plug"]
    assert body["total"]["kwh"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "soon"}, "a duration like 30d"),
        ({"bucket": "week"}, "hour"),
        ({"by": "street"}, "device"),
        ({"since": "2000-01-01", "bucket": "hour"}, "too many"),
    ],
)
async def test_bad_parameters_are_a_clear_422(api: Api, params: dict[str, str], words: str) -> None:
    _, admin = api
    response = await admin.get("/api/energy", params=params)
    assert response.status_code == 422, response.text
    assert words in response.text
