"""The import from a recorder database whose tables a real Home Assistant created with its own
recorder models (``tests/ha/recorder_db.py`` run by each HA install's interpreter): the same
points and buckets land as from the fixture's own DDL. Needs the HA environments: ``make
ha-envs`` (or ``HOMEWEAVE_HA_PYTHONS``), then ``pytest -m ha``."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from homeweave.core.ha_import import import_recorder, open_recorder
from homeweave.storage import SqliteStorage
from tests.integration.test_ha_import_sources import devices
from tests.integration.test_ha_schema import PYTHONS_ENV, ROOT, ha_pythons

MAKE = ROOT / "tests" / "ha" / "recorder_db.py"


@pytest.mark.ha
async def test_a_database_made_by_home_assistant_itself(tmp_path: Path) -> None:
    pythons = [p for p in ha_pythons() if p.exists()]
    if not pythons:
        pytest.skip(f"no Home Assistant to check with: run `make ha-envs` (or set {PYTHONS_ENV})")
    checked: list[str] = []
    for n, python in enumerate(pythons):
        db = tmp_path / f"home-assistant_v2-{n}.db"
        done = await asyncio.to_thread(
            subprocess.run,
            [str(python), str(MAKE), str(db)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        made = json.loads(done.stdout.strip().splitlines()[-1])
        if "skip" in made:
            continue
        checked.append(made["version"])
        t0 = float(made["t0"])
        async with SqliteStorage(tmp_path / f"hub-{n}.db") as storage:
            recorder = await open_recorder(str(db))
            try:
                assert recorder.schema == made["schema"] >= 43
                first = await import_recorder(recorder, storage, devices(), {})
                second = await import_recorder(recorder, storage, devices(), {})
            finally:
                await recorder.close()
            assert first.added.points == 4 + 3 + 3 + 3, made["version"]
            assert second.added.total == 0
            lamp = await storage.history("living-room-lamp", 2, 1, t0 - 1, t0 + 9000)
            assert [(p.at, p.value) for p in lamp] == [
                (t0, True),
                (t0 + 1800, False),
                (t0 + 3000, True),
                (t0 + 7200, False),
            ]
            hourly = await storage.statistics(
                "living-room-thermostat", 3, 1, 3600.0, float(made["long_ago"]) - 1, t0
            )
            assert hourly is not None
            assert [b.mean for b in hourly] == [19.25, 21.6]
    if not checked:
        pytest.skip("no Home Assistant here could load its recorder")
