"""Importing a Home Assistant recorder database into a running demo hub: entities matched to
devices by name (or by a map), states landing as history at their times, HA's long-term
statistics as ours, progress on the board, a second import adding nothing, and a source that
is no recorder database (or a damaged one) refused with nothing changed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from homeweave.cli.main import main
from homeweave.core.progress import Job
from tests.integration.conftest import Api
from tests.integration.ha_recorder import HOUR, sqlite_recorder
from tests.integration.household import ok

LAMP_ON = ("living-room-lamp", 2, 1)
LAMP_BRIGHTNESS = ("living-room-lamp", 2, 2)
THERMO_TEMPERATURE = ("living-room-thermostat", 3, 1)
PLUG_ON = ("kitchen-coffee-plug", 2, 1)
PLUG_ENERGY = ("kitchen-coffee-plug", 3, 2)


async def points(api: Api, key: tuple[str, int, int], start: float, end: float) -> list[Any]:
    storage = api[0].hub.storage
    assert storage is not None
    return [(p.at, p.value) for p in await storage.history(*key, start, end)]


async def test_an_import_lands_in_history_and_statistics_once(api: Api, tmp_path: Path) -> None:
    running, admin = api
    db = tmp_path / "home-assistant_v2.db"
    fixture = sqlite_recorder(db)
    t0 = fixture.t0
    storage = running.hub.storage
    assert storage is not None

    dry = ok(await admin.post("/api/history/import", json={"source": str(db), "dry_run": True}))
    assert isinstance(dry, dict)
    assert dry["schema_version"] == 50
    links = {link["source"]: link["address"] for link in dry["links"]}
    assert links == {
        "light.living_room_lamp": "living-room-lamp/light/on",
        "light.living_room_lamp/brightness": "living-room-lamp/light/brightness",
        "sensor.living_room_thermostat_temperature": "living-room-thermostat/environment/"
        "temperature",
        "switch.coffee_machine_plug": "kitchen-coffee-plug/switch/on",
        "sensor.coffee_machine_plug_energy": "kitchen-coffee-plug/power-consumption/"
        "power-consumption",
    }
    assert {u["source"]: u["reason"] for u in dry["unmapped"]} == {
        "sensor.outdoor_temperature": "no device of that name"
    }
    assert dry["statistics_unmapped"] == ["external:grid_price", "sensor.outdoor_temperature"]
    assert dry["added"]["points"] == 0
    assert await points(api, LAMP_ON, t0 - HOUR, t0 + 3 * HOUR) == []

    notices: list[tuple[str, int, int, str]] = []
    banner: list[list[str]] = []  # what GET /api/health lists (the dashboard's banner) meanwhile

    def watch(job: Job) -> None:
        if job.kind == "import":
            notices.append((job.state, job.done, job.total, job.kind))
            banner.append([j.title for j in running.hub.jobs.running()])

    running.hub.jobs.watch(watch)
    first = ok(await admin.post("/api/history/import", json={"source": str(db)}))
    assert isinstance(first, dict)
    # States where they changed, at HA's times: a repeated "on" and "unavailable" add nothing.
    assert await points(api, LAMP_ON, t0 - HOUR, t0 + 3 * HOUR) == [
        (t0, True),
        (t0 + 1800, False),
        (t0 + 3000, True),
        (t0 + 7200, False),
    ]
    # Brightness 0..255 as the property's 1..100 %.
    assert await points(api, LAMP_BRIGHTNESS, t0 - HOUR, t0 + 3 * HOUR) == [
        (t0, 100),
        (t0 + 600, 51),
        (t0 + 3000, 21),
    ]
    assert await points(api, THERMO_TEMPERATURE, t0 - HOUR, t0 + 3 * HOUR) == [
        (t0, 21.5),
        (t0 + 900, 22.0),
        (t0 + 2700, 20.5),
    ]
    # HA's hourly statistics, a month back too (its raw states are long gone by then)...
    hourly = await storage.statistics(*THERMO_TEMPERATURE, 3600.0, t0 - 31 * 86400, t0)
    assert hourly is not None
    assert [(b.at, b.mean, b.min, b.max) for b in hourly] == [
        (fixture.long_ago, 19.25, 18.0, 20.5),
        (t0, 21.6, 20.5, 22.0),
    ]
    # ... and its 5-minute ones, with those the states give where HA kept none.
    short = await storage.statistics(*THERMO_TEMPERATURE, 300.0, t0, t0 + 1200)
    assert short is not None
    assert [(b.at, b.mean) for b in short][:4] == [
        (t0, 21.5),
        (t0 + 300, 21.5),
        (t0 + 600, 21.5),
        (t0 + 900, 22.0),
    ]
    # A counter's reading (kWh) kept by HA only as a long-term statistic.
    energy = await storage.statistics(*PLUG_ENERGY, 3600.0, fixture.long_ago, fixture.long_ago)
    assert energy is not None
    assert [(b.at, b.last) for b in energy] == [(fixture.long_ago, 12.5)]
    # ... and its growth from one hour to the next in the energy ledger (the Energy page).
    ledger = await storage.energy(fixture.long_ago, fixture.long_ago + 2 * HOUR)
    assert [(e.device_id, e.hour, e.kwh) for e in ledger] == [
        ("kitchen-coffee-plug", fixture.long_ago + HOUR, 0.75)
    ]
    # On/off as time in each state per hour (the 10 minutes "unavailable" count in neither).
    lamp_hours = await storage.statistics(*LAMP_ON, 3600.0, t0, t0 + HOUR)
    assert lamp_hours is not None
    assert [(b.at, b.durations) for b in lamp_hours] == [
        (t0, {"true": 2400.0, "false": 600.0}),
        (t0 + HOUR, {"true": 3600.0}),
    ]
    added = first["added"]
    assert added["points"] == 4 + 3 + 3 + 3
    # The board showed it going (the dashboard's banner and the CLI's bar read it) and done.
    assert notices[-1][0] == "done"
    assert any(state == "running" and 0 < done <= total for state, done, total, _ in notices)
    assert ["Importing Home Assistant history"] in banner
    health = ok(await admin.get("/api/health"))
    assert isinstance(health, dict)
    assert health["jobs"] == []  # over: the banner is gone

    second = ok(await admin.post("/api/history/import", json={"source": str(db)}))
    assert isinstance(second, dict)
    assert second["added"] == {"points": 0, "short": 0, "hourly": 0, "durations": 0, "energy": 0}
    assert len(await storage.energy(fixture.long_ago, fixture.long_ago + 2 * HOUR)) == 1
    assert len(await points(api, LAMP_ON, t0 - HOUR, t0 + 3 * HOUR)) == 4


async def test_a_map_wins_over_names(api: Api, tmp_path: Path) -> None:
    _, admin = api
    db = tmp_path / "home-assistant_v2.db"
    fixture = sqlite_recorder(db)
    mapping = {
        "light.living_room_lamp": "kitchen-lamp/light/on",
        "switch.coffee_machine_plug": None,
        "sensor.outdoor_temperature": "living-room-thermostat/temperature",
    }
    report = ok(await admin.post("/api/history/import", json={"source": str(db), "map": mapping}))
    assert isinstance(report, dict)
    links = {link["source"]: (link["address"], link["how"]) for link in report["links"]}
    assert links["light.living_room_lamp"] == ("kitchen-lamp/light/on", "map")
    assert links["sensor.outdoor_temperature"] == (
        "living-room-thermostat/environment/temperature",
        "map",
    )
    # The thermostat's own sensor would feed the same property: listed, not interleaved.
    unmapped = {u["source"]: u["reason"] for u in report["unmapped"]}
    assert unmapped["switch.coffee_machine_plug"] == "left out by the map"
    assert (
        "fed by sensor.outdoor_temperature" in unmapped["sensor.living_room_thermostat_temperature"]
    )
    assert await points(api, ("kitchen-lamp", 2, 1), fixture.t0 - 1, fixture.t0 + 8000) == [
        (fixture.t0, True),
        (fixture.t0 + 1800, False),
        (fixture.t0 + 3000, True),
        (fixture.t0 + 7200, False),
    ]
    bad = await admin.post(
        "/api/history/import",
        json={"source": str(db), "map": {"light.living_room_lamp": "no-such-lamp/light/on"}},
    )
    assert bad.status_code == 422
    assert "no-such-lamp" in bad.json()["error"]


@pytest.mark.parametrize("damage", ["text", "other-db", "old-schema", "corrupt", "missing"])
async def test_what_is_no_recorder_database_is_refused_and_nothing_changes(
    api: Api, tmp_path: Path, damage: str
) -> None:
    running, admin = api
    db = tmp_path / "home-assistant_v2.db"
    if damage == "text":
        db.write_text("hello, I am no database\n" * 200)
        said = "not a readable SQLite database"
    elif damage == "other-db":
        import sqlite3

        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        conn.close()
        said = "not a Home Assistant recorder database"
    elif damage == "old-schema":
        sqlite_recorder(db, schema=41)
        said = "recorder schema 41; schema 43 or later"
    elif damage == "corrupt":
        sqlite_recorder(db)
        data = bytearray(db.read_bytes())
        page = 4096
        for at in range(page, len(data), page):  # every page but the header's: scrambled
            data[at + 16 : at + 200] = bytes(range(184))
        db.write_bytes(bytes(data))
        said = "is damaged"
    else:
        said = "no file"
    storage = running.hub.storage
    assert storage is not None
    keys = (LAMP_ON, THERMO_TEMPERATURE, PLUG_ON)
    before = [
        (await points(api, key, 0, 2e9), await storage.statistics(*key, 3600.0, 0, 2e9))
        for key in keys
    ]
    response = await admin.post("/api/history/import", json={"source": str(db)})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert said in error
    assert "\n" not in error
    after = [
        (await points(api, key, 0, 2e9), await storage.statistics(*key, 3600.0, 0, 2e9))
        for key in keys
    ]
    assert after == before
    failed = running.hub.jobs.last("import")
    assert isinstance(failed, Job)
    assert failed.state == "failed"


async def test_the_cli_imports_with_progress_and_says_what_it_left_out(
    api: Api, tmp_path: Path
) -> None:
    running, admin = api
    db = tmp_path / "home-assistant_v2.db"
    sqlite_recorder(db)
    token = admin.headers["Authorization"].removeprefix("Bearer ")
    map_file = tmp_path / "map.yaml"
    map_file.write_text("switch.coffee_machine_plug: null\n")
    base = ["--url", running.url, "--token", token]

    def cli(*args: str) -> Any:
        return CliRunner().invoke(main, ["history", "import", *args, *base], catch_exceptions=False)

    dry = await asyncio.to_thread(cli, str(db), "--from", "home-assistant", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would import" in dry.output
    assert "light.living_room_lamp -> living-room-lamp/light/on (auto): 6 states" in dry.output
    assert "sensor.outdoor_temperature: no device of that name" in dry.output
    done = await asyncio.to_thread(
        cli, str(db), "--from", "home-assistant", "--map", str(map_file), "--json"
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["added"]["points"] == 4 + 3 + 3
    assert {"source": "switch.coffee_machine_plug", "reason": "left out by the map"} in report[
        "unmapped"
    ]
    again = await asyncio.to_thread(
        cli, str(db), "--from", "home-assistant", "--map", str(map_file)
    )
    assert again.exit_code == 0, again.output
    assert "nothing new: imported before" in again.output
    refused = await asyncio.to_thread(cli, str(map_file), "--from", "home-assistant")
    assert refused.exit_code == 1
    assert "error:" in refused.output
    assert "not a readable SQLite database" in refused.output
