"""``homeweave energy`` as a subprocess against a running demo hub with known ledger hours."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import Api
from tests.integration.test_energy_api import added, ledger, totals
from tests.integration.test_people_cli import cli, cli_json


async def test_energy_per_device_and_room(api: Api, tmp_path: Path) -> None:
    before = await cli_json(tmp_path, "energy", "--since", "7d", "--by", "room")
    ledger(api)
    code, out = await cli(tmp_path, "energy", "--since", "7d")
    assert code == 0, out
    lines = out.splitlines()
    coffee = next(line for line in lines if line.strip().startswith("Coffee machine plug"))
    assert "kWh" in coffee
    assert "EUR" in coffee
    assert "per day:" in out
    after = await cli_json(tmp_path, "energy", "--since", "7d", "--by", "room")
    assert added(totals(after), totals(before)) == pytest.approx({"kitchen": 3.0, "study": 0.75})


async def test_a_bad_since_is_refused(api: Api, tmp_path: Path) -> None:
    code, out = await cli(tmp_path, "energy", "--since", "lately")
    assert code != 0
    assert "--since" in out
