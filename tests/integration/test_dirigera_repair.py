"""A DIRIGERA hub that forgets homeweave's token (restarted without its credentials): the hub's
devices become "needs pairing" — in the API, the CLI and the log — and ``homeweave pair
dirigera``, with the action button pressed, brings them back. All on real loopback sockets: the
simulated hub over HTTPS/WebSocket, the hub's API over HTTP, the CLI as a user runs it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from homeweave.cli.main import main
from homeweave.core.hub import Hub
from homeweave.core.paths import DATABASE_FILE
from homeweave.integrations.dirigera.integration import TOKEN_FILE
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.storage import SqliteStorage
from tests.integration.test_dirigera_hub import (
    CONFIGURED,
    LAMP,
    Api,
    api,
    api_for,
    hub_config,
    integration_of,
    sim,
    until,
)

__all__ = ["api", "sim"]  # the fixtures, shared with test_dirigera_hub

pytestmark = pytest.mark.timeout(60)


async def settles(condition: Callable[[], bool], what: str) -> None:
    """Wait until ``condition()`` holds (a change of reason alone publishes no event)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def cli(client: httpx.AsyncClient, *args: str) -> Callable[[], Result]:
    """A ``homeweave`` command against the running hub (run it in a thread: the hub's loop
    must keep going while the CLI waits for it)."""
    token = client.headers["Authorization"].removeprefix("Bearer ")
    options = ["--url", str(client.base_url), "--token", token]
    return lambda: CliRunner().invoke(main, [*args, *options])


async def test_a_hub_that_forgot_the_token_needs_pairing_and_the_cli_pairs_it_again(
    sim: DirigeraSimulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    token_file = data_dir / TOKEN_FILE
    data_dir.mkdir(mode=0o700)
    async with SqliteStorage(data_dir / DATABASE_FILE):
        pass  # a hub ran here before (a token beside no database is a lost database)
    token_file.write_text(sim.token + "\n")  # paired before: the token kept in the data dir
    config = hub_config(sim, CONFIGURED, token=None, reconnect_max=0.2)
    async with api_for(config, data_dir) as (running, client):
        hub: Hub = running.hub
        dirigera = integration_of(hub)
        lamp = hub.registry.device(LAMP)
        await until(hub, lambda: lamp.available)
        assert (await client.get("/api/integrations/dirigera")).json()["state"] == "connected"
        already = await asyncio.to_thread(cli(client, "pair", "dirigera"))
        assert already.exit_code == 0, already.output
        assert "is paired and connected" in already.output
        assert lamp.available  # a connected hub is left alone

        caplog.set_level(logging.WARNING)
        await sim.restart(forget_credentials=True)  # reset: every token forgotten
        await settles(lambda: dirigera.status().state == "needs pairing", "needs pairing")

        # The API says so: the integration, the health and every device of the hub.
        status = (await client.get("/api/integrations/dirigera")).json()
        assert status["state"] == "needs pairing"
        assert status["can_pair"] is True
        assert status["available"] == 0 < status["devices"]
        assert "no longer accepts homeweave's token" in status["reason"]
        assert "homeweave pair dirigera" in status["reason"]
        assert (await client.get("/api/health")).json()["needs_pairing"] == ["dirigera"]
        device = (await client.get(f"/api/devices/{LAMP}")).json()
        assert device["available"] is False
        assert device["unavailable_reason"].startswith("needs pairing: ")
        # A command answers 503 at once, naming what to do.
        response = await client.put(f"/api/devices/{LAMP}/light/on", json={"value": False})
        assert response.status_code == 503
        assert "needs pairing" in response.json()["error"]
        # The CLI and the log too.
        listing = await asyncio.to_thread(cli(client, "integrations"))
        assert listing.exit_code == 0, listing.output
        assert "dirigera" in listing.output
        assert "needs pairing" in listing.output
        devices = await asyncio.to_thread(cli(client, "devices"))
        assert "needs pairing" in devices.output
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("needs pairing" in m for m in warnings), warnings

        # Pair again from the CLI; a person presses the button once the hub asked for a code.
        sim.pairing.on_authorize = sim.pairing.press_button
        paired = await asyncio.to_thread(cli(client, "pair", "dirigera", "--wait", "30"))
        assert paired.exit_code == 0, paired.output
        assert "press the action button on the DIRIGERA hub at 127.0.0.1" in paired.output
        assert "dirigera: paired;" in paired.output

        await until(hub, lambda: lamp.available)
        new_token = token_file.read_text().strip()
        assert sim.pairing.valid(new_token)
        assert new_token != sim.token
        assert (await client.get("/api/health")).json()["needs_pairing"] == []
        response = await client.put(f"/api/devices/{LAMP}/light/brightness", json={"value": 33})
        assert response.status_code == 200, response.text
        assert dirigera.connections == 2


async def test_pairing_that_nobody_confirms_says_so_and_still_needs_pairing(
    sim: DirigeraSimulator, api: Api
) -> None:
    running, client = api
    hub = running.hub
    dirigera = integration_of(hub)
    await sim.restart(forget_credentials=True)
    await settles(lambda: dirigera.status().state == "needs pairing", "needs pairing")
    dirigera.settings = dirigera.settings.model_copy(update={"pairing_timeout": 0.3})
    failed = await asyncio.to_thread(cli(client, "pair", "dirigera", "--wait", "20"))
    assert failed.exit_code == 1
    assert "action button was not pressed in time" in failed.output
    assert dirigera.status().state == "needs pairing"


async def test_pairing_an_unknown_integration_is_a_clear_404(api: Api) -> None:
    _, client = api
    response = await client.post("/api/integrations/nothing/pair")
    assert response.status_code == 404
    assert "unknown integration 'nothing'" in response.json()["error"]
