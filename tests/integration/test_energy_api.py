"""GET /api/energy on a running demo hub: kWh and cost per day and device, room or home; a guest
sees only what is shared with it; bad parameters are a 422 with a message. The demo's ledger
starts with made-up days (``sample_days``): the tests compare with what it held before."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import build_hub, demo_config
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


async def report(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    body = ok(await client.get("/api/energy", params=params))
    assert isinstance(body, dict)
    return body


def totals(body: dict[str, Any]) -> dict[str, float]:
    return {g["id"]: g["total"]["kwh"] for g in body["groups"]}


def added(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items() if v - before.get(k, 0.0) > 1e-9}


async def test_energy_per_device_and_room_with_cost(api: Api) -> None:
    _, admin = api
    before = await report(admin, since="7d", by="device")
    rooms_before = await report(admin, since="7d", by="room")
    ledger(api)
    body = await report(admin, since="7d", by="device")
    assert body["bucket"] == "day"
    assert body["currency"] == "EUR"
    assert body["total"]["kwh"] - before["total"]["kwh"] == pytest.approx(3.75)
    assert added(totals(body), totals(before)) == pytest.approx(
        {"kitchen-coffee-plug": 3.0, "study-desk-plug": 0.75}
    )
    coffee = next(g for g in body["groups"] if g["id"] == "kitchen-coffee-plug")
    assert coffee["total"]["cost"] > 0
    assert len(body["starts"]) == len(body["buckets"]) >= 7
    assert sum(b["kwh"] for b in body["buckets"]) == pytest.approx(body["total"]["kwh"])
    rooms = await report(admin, since="7d", by="room")
    assert added(totals(rooms), totals(rooms_before)) == pytest.approx(
        {"kitchen": 3.0, "study": 0.75}
    )
    months = await report(admin, since="3d", bucket="month")
    assert sum(b["kwh"] for b in months["buckets"]) == pytest.approx(months["total"]["kwh"])


async def test_a_guest_sees_only_the_energy_of_shared_devices(api: Api, house: Household) -> None:
    running, admin = api
    ledger(api)
    ok(await admin.post("/api/shares", json={"user": "gus", "device": "study-desk-plug"}), 201)
    everything = await report(admin, since="7d")
    async with house.client(running, "gus") as gus:
        body = await report(gus, since="7d")
    assert [g["id"] for g in body["groups"]] == ["study-desk-plug"]
    desk = totals(everything)["study-desk-plug"]
    assert body["total"]["kwh"] == pytest.approx(desk)
    assert everything["total"]["kwh"] > desk


async def test_the_demo_says_its_ledger_starts_with_made_up_days(api: Api) -> None:
    _, admin = api
    body = await report(admin, since="30d")
    assert body["sample_days"] == 14
    days_with_energy = [b for b in body["buckets"] if b["kwh"] > 0]
    assert 14 <= len(days_with_energy) <= 16  # the made-up days, and today (metered)
    assert {"kitchen-fridge-plug", "study-desk-plug"} <= set(totals(body))


async def test_made_up_days_are_written_once(tmp_path: Path) -> None:
    sums = []
    for _ in range(2):
        async with build_hub(demo_config(tick=0), data_dir=tmp_path) as hub:
            assert hub.storage is not None
            rows = await hub.storage.energy(0, time.time() + DAY)
        sums.append(sum(r.kwh for r in rows if r.hour < hour_of(time.time())))
    assert sums[0] > 1
    assert sums[1] == pytest.approx(sums[0])


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
