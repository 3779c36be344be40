"""The automation tables in the hub's SQLite file: what survives a restart, retention, versions."""

from __future__ import annotations

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
from homeweave.storage.automations import (
    KEEP_FIRED,
    KEEP_UNFIRED,
    SqliteAutomationStore,
    TimerRecord,
)

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


async def test_traces_are_kept_per_automation_within_limits(tmp_path: Path) -> None:
    store = SqliteAutomationStore(tmp_path / DATABASE_FILE)
    await store.open()
    try:
        for n in range(150):
            store.add_trace(trace("busy", Result.RAN, n))
            store.add_trace(trace("busy", Result.NOT_TRIGGERED, n))
            if n % 25 == 0:
                await store.flush()
        store.add_trace(trace("quiet", Result.CONDITION_FALSE, 0))
        await store.flush()
        fired = await store.traces("busy", limit=1000, fired=True)
        unfired = await store.traces("busy", limit=1000, fired=False)
        assert KEEP_FIRED <= len(fired) < KEEP_FIRED + 20
        assert KEEP_UNFIRED <= len(unfired) < KEEP_UNFIRED + 20
        assert fired[0].trigger is not None
        assert fired[0].trigger.sentence == "change 149"  # newest first
        assert len(await store.traces("quiet")) == 1
    finally:
        await store.close()


async def test_a_trace_is_updated_in_place_and_timers_and_marks_persist(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_FILE
    store = SqliteAutomationStore(path)
    await store.open()
    running = trace("a", Result.RUNNING, 1)
    store.add_trace(running)
    await store.flush()
    running.conclude(Result.RAN, at=5.0)
    store.add_trace(running)
    store.set_timer("a", 0, TimerRecord("a", 0, 1.0, 121.0, "door opened", {"value": False}))
    assert await store.claim("a", 0, "2024-06-03T07:30:00", 10.0)
    await store.close()

    store = SqliteAutomationStore(path)
    await store.open()
    try:
        (again,) = await store.traces("a")
        assert (again.id, again.result, again.finished_at) == (running.id, Result.RAN, 5.0)
        assert await store.trace(running.id) == again
        assert await store.timers() == [
            TimerRecord("a", 0, 1.0, 121.0, "door opened", {"value": False})
        ]
        assert not await store.claim("a", 0, "2024-06-03T07:30:00", 10.0)
        store.set_timer("a", 0, None)
        assert await store.timers() == []
    finally:
        await store.close()


async def test_own_version_table_leaves_the_hub_schema_alone(hub: Hub, tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / DATABASE_FILE)) as db:
        hub_version = db.execute("PRAGMA user_version").fetchone()
    async with AutomationEngine(hub, [], clock=FakeClock()):
        pass
    with closing(sqlite3.connect(tmp_path / DATABASE_FILE)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == hub_version
        assert db.execute("SELECT version FROM automation_schema").fetchall() == [(1,)]
        db.execute("UPDATE automation_schema SET version = 99")
        db.commit()
    with pytest.raises(StorageError, match="automation tables are at version 99"):
        await AutomationEngine(hub, [], clock=FakeClock()).start()
