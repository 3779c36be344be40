"""The automation tables in the hub's SQLite storage: what survives a restart, retention, and
files written when the engine kept these tables through its own connection and version table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from homeweave.app import build_hub, demo_config
from homeweave.automation.clock import FakeClock
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.schema import AutomationConfig
from homeweave.automation.traces import Result, Trace, TriggerInfo
from homeweave.core.hub import DATABASE_FILE, Hub
from homeweave.errors import StorageError
from homeweave.storage import (
    SCHEMA_VERSION,
    HistoryPoint,
    Override,
    SqliteStorage,
    TimerRecord,
)

NEVER = 3600.0  # a flush interval that keeps the background flusher out of a test's way
DOOR_LIGHT: dict[str, Any] = {
    "id": "door-light",
    "name": "Door light",
    "triggers": [
        {"type": "property", "address": "hallway-door/magnet-sensor/contact-state", "to": False}
    ],
    "actions": [{"type": "set", "address": "hallway-lamp/light/on", "value": True}],
}


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    async with build_hub(demo_config(port=0, tick=0), data_dir=tmp_path) as hub:
        yield hub


def trace(automation: str, result: Result, n: int) -> Trace:
    info = TriggerInfo(0, "property", "x", f"change {n}")
    made = Trace(automation, float(n), info)
    made.conclude(result, at=float(n))
    return made


async def test_api_automations_and_overrides_survive_a_restart(hub: Hub) -> None:
    clock = FakeClock()
    config = AutomationConfig.model_validate({**DOOR_LIGHT, "id": "from-config"})
    async with AutomationEngine(hub, [config], clock=clock) as engine:
        await engine.create(DOOR_LIGHT)
        await engine.set_enabled("door-light", False)
        await engine.set_enabled("from-config", False)
        engine.run("door-light")
        await clock.settle()
    async with AutomationEngine(hub, [config], clock=clock) as engine:
        stored = engine.entries["door-light"]
        assert (stored.source, stored.enabled) == ("api", False)
        assert engine.entries["from-config"].enabled is False
        (ran,) = await engine.traces("door-light")
        assert ran.result is Result.RAN
    changed = AutomationConfig.model_validate({**DOOR_LIGHT, "id": "from-config", "name": "New"})
    async with AutomationEngine(hub, [changed], clock=clock) as engine:
        # The file changed the definition: the old "disabled" no longer applies.
        assert engine.entries["from-config"].enabled is True
        await engine.delete("door-light")
    async with AutomationEngine(hub, [], clock=clock) as engine:
        assert "door-light" not in engine.entries


# -- files from before the storage merge -------------------------------------------------

# The schema as homeweave wrote it when the automation engine kept its tables through its own
# connection (copied from storage/migrations.py v1 and the old automation/store.py): the hub's
# tables at PRAGMA user_version 1, the engine's versioned in their own table.
OLD_SCHEMA = """
CREATE TABLE homes (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, latitude REAL NOT NULL,
    longitude REAL NOT NULL, elevation REAL NOT NULL, time_zone TEXT NOT NULL);
CREATE TABLE rooms (id TEXT PRIMARY KEY NOT NULL, home_id TEXT NOT NULL REFERENCES homes (id),
    name TEXT NOT NULL);
CREATE TABLE devices (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms (id), integration TEXT NOT NULL, model TEXT,
    spec TEXT NOT NULL, options TEXT NOT NULL);
CREATE TABLE states (device_id TEXT NOT NULL, siid INTEGER NOT NULL, piid INTEGER NOT NULL,
    value TEXT NOT NULL, changed_at REAL NOT NULL, PRIMARY KEY (device_id, siid, piid))
    WITHOUT ROWID;
CREATE TABLE history (device_id TEXT NOT NULL, siid INTEGER NOT NULL, piid INTEGER NOT NULL,
    at REAL NOT NULL, value TEXT NOT NULL);
CREATE INDEX history_by_property ON history (device_id, siid, piid, at);
CREATE INDEX history_by_time ON history (at);
CREATE TABLE tokens (token_hash TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,
    created_at REAL NOT NULL);
PRAGMA user_version = 1;

CREATE TABLE IF NOT EXISTS automation_schema (version INTEGER NOT NULL);
CREATE TABLE automation_definitions (
    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, updated_at REAL NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE automation_overrides (
    id TEXT PRIMARY KEY NOT NULL, enabled INTEGER NOT NULL, fingerprint TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE automation_traces (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, automation_id TEXT NOT NULL,
    at REAL NOT NULL, result TEXT NOT NULL, fired INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE INDEX automation_traces_by_automation ON automation_traces (automation_id, fired, seq);
CREATE TABLE automation_marks (
    automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, occurrence TEXT NOT NULL,
    fired_at REAL NOT NULL, PRIMARY KEY (automation_id, trigger, occurrence)
) WITHOUT ROWID;
CREATE TABLE automation_timers (
    automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, started_at REAL NOT NULL,
    due REAL NOT NULL, sentence TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (automation_id, trigger)
) WITHOUT ROWID;
INSERT INTO automation_schema VALUES (1);
"""
OLD_TRACE = trace("door-light", Result.RAN, 7)


def old_database(path: Path) -> None:
    """A file as the old code left it, with a row in every table."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO homes VALUES ('home', 'Home', 52.37, 4.9, 0.0, 'Europe/Amsterdam')")
        db.execute("INSERT INTO rooms VALUES ('hallway', 'home', 'Hallway')")
        db.execute(
            "INSERT INTO devices VALUES ('hallway-lamp', 'Hallway lamp', 'hallway', 'virtual',"
            " 'light', '{}', '{}')"
        )
        db.execute("INSERT INTO history VALUES ('hallway-lamp', 2, 1, 10.0, 'true')")
        db.execute("INSERT INTO states VALUES ('hallway-lamp', 2, 1, 'true', 10.0)")
        db.execute("INSERT INTO tokens VALUES ('hash', 'admin', 1.0)")
        db.execute(
            "INSERT INTO automation_definitions VALUES ('automation', 'door-light', ?, 1.0)",
            (json.dumps(DOOR_LIGHT),),
        )
        db.execute("INSERT INTO automation_overrides VALUES ('door-light', 0, 'abc')")
        db.execute(
            "INSERT INTO automation_traces (id, automation_id, at, result, fired, body)"
            " VALUES (?, 'door-light', 7.0, 'ran', 1, ?)",
            (OLD_TRACE.id, json.dumps(OLD_TRACE.to_dict())),
        )
        db.execute("INSERT INTO automation_marks VALUES ('door-light', 0, 'x', 10.0)")
        db.execute(
            "INSERT INTO automation_timers VALUES ('door-light', 0, 1.0, 121.0, 'opened', ?)",
            (json.dumps({"value": False}),),
        )


async def test_a_file_from_before_the_merge_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_FILE
    old_database(path)
    async with SqliteStorage(path, retention_days=None) as storage:
        assert [d.id for d in (await storage.load_registry()).devices] == ["hallway-lamp"]
        assert await storage.history("hallway-lamp", 2, 1, 0, 100) == [HistoryPoint(10.0, True)]
        assert await storage.token_exists("hash")
        assert await storage.definitions("automation") == [DOOR_LIGHT]
        assert await storage.overrides() == {"door-light": Override(False, "abc")}
        (kept,) = await storage.traces("door-light")
        assert Trace.from_record(kept) == OLD_TRACE
        assert not await storage.claim("door-light", 0, "x", 11.0)
        assert await storage.timers() == [
            TimerRecord("door-light", 0, 1.0, 121.0, "opened", {"value": False})
        ]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert "automation_schema" not in tables  # one version for every table now


async def test_old_automation_tables_from_the_future_are_refused_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / DATABASE_FILE
    old_database(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("UPDATE automation_schema SET version = 99")
    with pytest.raises(StorageError, match="automation tables are at version 99"):
        await SqliteStorage(path).open()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT version FROM automation_schema").fetchall() == [(99,)]


async def test_the_engine_uses_the_hubs_storage(hub: Hub, tmp_path: Path) -> None:
    async with AutomationEngine(hub, [], clock=FakeClock()) as engine:
        assert engine.store is hub.storage
        await engine.create(DOOR_LIGHT)
    with closing(sqlite3.connect(tmp_path / DATABASE_FILE)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT id FROM automation_definitions").fetchall() == [("door-light",)]
