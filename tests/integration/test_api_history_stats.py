"""``GET .../history`` picks raw points, 5-minute or hourly statistics by the window asked (or
as told), in the same answer shape; ``GET /api/storage`` says how big the database is."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeweave.app import demo_config, running_hub
from homeweave.core.hub import DATABASE_FILE
from homeweave.storage import SqliteStorage
from tests.integration.conftest import Api

Key = tuple[str, int, int]

BRIGHTNESS = "/api/devices/hallway-lamp/light/brightness"
ON = "/api/devices/hallway-lamp/light/on"
DAY = 86400.0


DAYS = 40


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    """The demo hub over a database that already holds ``DAYS`` days of the hallway lamp's
    history (so its statistics were computed as it was written, as a running hub does)."""
    config = demo_config(port=0, tick=0)
    async with running_hub(config, tmp_path, port=0) as running:
        keys = {
            prop: (ref.device.id, ref.service.iid, ref.prop.iid)
            for prop in ("brightness", "on")
            if (ref := running.hub.commands.resolve(f"hallway-lamp/light/{prop}"))
        }
        token = running.new_token
    async with SqliteStorage(tmp_path / DATABASE_FILE) as storage:
        record_days(storage, keys["brightness"], keys["on"])
    async with running_hub(config, tmp_path, port=0) as running:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5) as client:
            yield running, client


def hour_now() -> float:
    return time.time() // 3600 * 3600


def record_days(storage: SqliteStorage, brightness: Key, on: Key) -> None:
    """Brightness 20 for the first half of every hour and 60 for the second, and the lamp on
    for 15 minutes of each hour, for ``DAYS`` days up to the hour under way."""
    end = hour_now()
    at = end - DAYS * DAY
    while at < end:
        storage.record(*brightness, 20, at)
        storage.record(*brightness, 60, at + 1800)
        storage.record(*on, True, at)
        storage.record(*on, False, at + 900)
        at += 3600


@pytest.mark.parametrize(
    ("window", "resolution", "period"),
    [(3600, "raw", None), (DAY, "raw", None), (7 * DAY, "5m", 300), (30 * DAY, "hour", 3600)],
)
async def test_the_window_picks_the_resolution(
    api: Api, window: float, resolution: str, period: float | None
) -> None:
    _, client = api
    now = time.time()
    response = await client.get(f"{BRIGHTNESS}/history", params={"start": now - window})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["resolution"], body["period"]) == (resolution, period)
    assert body["unit"] == "percentage"
    assert body["points"]
    if resolution == "raw":
        assert set(body["points"][0]) == {"at", "value"}  # the shape raw points always had
    else:
        assert set(body["points"][0]) == {"at", "value", "min", "max"}


async def test_hourly_points_are_time_weighted_means_with_min_and_max(api: Api) -> None:
    _, client = api
    start = hour_now() - DAYS * DAY
    response = await client.get(
        f"{BRIGHTNESS}/history", params={"start": start, "end": start + 3 * 3600 - 1}
    )
    body = response.json()
    assert body["resolution"] == "hour"  # the window starts before the raw history kept
    assert body["points"] == [
        {"at": start + h * 3600, "value": 40.0, "min": 20.0, "max": 60.0} for h in range(3)
    ]
    year = await client.get(f"{BRIGHTNESS}/history", params={"start": time.time() - 365 * DAY})
    points = year.json()["points"]
    assert year.json()["resolution"] == "hour"
    hourly = [p for p in points if "min" in p]
    assert DAYS * 24 <= len(hourly) <= DAYS * 24 + 1
    # then the raw points of the hour under way: the demo's values at each start
    assert points[len(hourly) :] == [p for p in points if "min" not in p]
    assert all(p["at"] >= hour_now() for p in points[len(hourly) :])


async def test_an_on_off_property_gets_its_time_in_each_state(api: Api) -> None:
    _, client = api
    start = hour_now() - 9 * DAY
    response = await client.get(f"{ON}/history", params={"start": start, "resolution": "hour"})
    first = response.json()["points"][0]
    assert first["at"] == start
    assert first["value"] is False  # off for 45 minutes of the hour
    assert sorted(first["durations"], key=lambda d: d["seconds"]) == [
        {"value": True, "seconds": 900.0},
        {"value": False, "seconds": 2700.0},
    ]


async def test_the_resolution_can_be_asked_for(api: Api) -> None:
    _, client = api
    start = hour_now() - 2 * DAY
    for resolution, count in (("5m", 12), ("hour", 1), ("raw", 2)):
        response = await client.get(
            f"{BRIGHTNESS}/history",
            params={"start": start, "end": start + 3599, "resolution": resolution},
        )
        body = response.json()
        assert body["resolution"] == resolution
        assert len(body["points"]) == count, body


async def test_an_unknown_resolution_is_422(api: Api) -> None:
    _, client = api
    response = await client.get(f"{BRIGHTNESS}/history", params={"resolution": "weekly"})
    assert response.status_code == 422
    assert "resolution" in response.text


async def test_storage_reports_its_size_and_what_uses_it(api: Api) -> None:
    _, client = api
    response = await client.get("/api/storage")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["backend"] == "sqlite"
    assert body["raw_days"] == 10
    assert body["max_bytes"] is None
    assert body["file_bytes"] > 0
    tables = body["tables"]
    assert tables["history"] > 0
    assert tables["statistics"] > 0
    assert tables["other"] > 0
