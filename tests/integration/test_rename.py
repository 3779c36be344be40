"""A device found by a hub or bridge can be renamed and moved through the API, and it stays so
across restarts; a device named in homeweave.yaml is changed there (#19 item 7)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from click.testing import CliRunner

from homeweave.app import demo_config, running_hub
from homeweave.cli.main import main
from homeweave.core import Device
from homeweave.model import catalog_spec


@asynccontextmanager
async def api(
    data_dir: Path, token: str | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The demo hub with its API; the admin token (new on the first start)."""
    async with running_hub(demo_config(port=0, tick=0), data_dir, port=0) as running:
        token = running.new_token or token
        assert token is not None
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5) as client:
            if "found-lamp" not in running.hub.registry.devices:
                running.hub.registry.register(
                    Device(
                        "found-lamp",
                        "Found lamp",
                        "kitchen",
                        "home",
                        "virtual",
                        catalog_spec("light"),
                    )
                )
            yield client, token


async def test_a_found_device_is_renamed_and_moved_and_stays_so(tmp_path: Path) -> None:
    async with api(tmp_path) as (client, token):
        answer = await client.patch(
            "/api/devices/found-lamp", json={"name": "Reading lamp", "room": "study"}
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["name"], answer.json()["room"]) == ("Reading lamp", "study")
        listed = await client.get("/api/devices", params={"room": "study"})
        assert "found-lamp" in [d["id"] for d in listed.json()]
    async with api(tmp_path, token) as (client, _):
        again = (await client.get("/api/devices/found-lamp")).json()
        assert (again["name"], again["room"]) == ("Reading lamp", "study")


async def test_changes_that_cannot_be_made_say_why(tmp_path: Path) -> None:
    async with api(tmp_path) as (client, _):
        configured = await client.patch("/api/devices/living-room-lamp", json={"name": "X"})
        assert configured.status_code == 409
        assert "homeweave.yaml" in configured.json()["error"]
        no_room = await client.patch("/api/devices/found-lamp", json={"room": "attic"})
        assert no_room.status_code == 404
        assert "unknown room 'attic'" in no_room.json()["error"]
        blank = await client.patch("/api/devices/found-lamp", json={"name": "  "})
        assert blank.status_code == 422
        unknown = await client.patch("/api/devices/nope", json={"name": "Y"})
        assert unknown.status_code == 404
        extra = await client.patch("/api/devices/found-lamp", json={"colour": "red"})
        assert extra.status_code == 422
        unchanged = (await client.get("/api/devices/found-lamp")).json()
        assert (unchanged["name"], unchanged["room"]) == ("Found lamp", "kitchen")


async def test_the_cli_renames_and_moves(tmp_path: Path) -> None:
    async with api(tmp_path) as (client, token):
        url = str(client.base_url).rstrip("/")
        runner = CliRunner()
        renamed = await asyncio.to_thread(
            runner.invoke,
            main,
            ["rename", "found-lamp", "Desk lamp", "--url", url, "--token", token],
        )
        assert renamed.exit_code == 0, renamed.output
        assert "now called 'Desk lamp'" in renamed.output
        moved = await asyncio.to_thread(
            runner.invoke, main, ["move", "found-lamp", "study", "--url", url, "--token", token]
        )
        assert moved.exit_code == 0, moved.output
        refused = await asyncio.to_thread(
            runner.invoke,
            main,
            ["rename", "living-room-lamp", "X", "--url", url, "--token", token],
        )
        assert refused.exit_code == 1
        assert "homeweave.yaml" in refused.output
        now = (await client.get("/api/devices/found-lamp")).json()
        assert (now["name"], now["room"]) == ("Desk lamp", "study")
