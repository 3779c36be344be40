"""``homeweave sim dirigera``: run a simulated DIRIGERA hub on its own."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Any

import click

from homeweave.sim.dirigera.payloads import sample_home
from homeweave.sim.dirigera.server import DirigeraSimulator


def _describe(sim: DirigeraSimulator) -> dict[str, Any]:
    return {
        "address": sim.host,
        "port": sim.port,
        "url": sim.url,
        "token": sim.token,
        "fingerprint": sim.fingerprint,
        "hub_id": sim.state.hub_id,
        "devices": [
            {"id": d["id"], "name": d["attributes"]["customName"], "type": d["deviceType"]}
            for d in sim.state.devices.values()
        ],
    }


def _announce(info: dict[str, Any], as_json: bool, button: bool) -> None:
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(f"DIRIGERA simulator: {info['url']}  ({len(info['devices'])} devices)")
    click.echo(f"address:     {info['address']}")
    click.echo(f"port:        {info['port']}")
    click.echo(f"token:       {info['token']}")
    click.echo(f"fingerprint: {info['fingerprint']}")
    for device in info["devices"]:
        click.echo(f"  {device['id']}  {device['type']:<18} {device['name']}")
    held = "held down: any client may pair" if button else "press it with: kill -USR1 <pid>"
    click.echo(f"action button {held}")
    click.echo("stop: Ctrl-C", err=True)


@click.command(name="dirigera")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=0, help="Port (default: a free one; real hubs use 8443).")
@click.option("--button", is_flag=True, help="Hold the action button down, so clients can pair.")
@click.option("--tick", type=float, default=1.0, show_default=True, help="Seconds per step.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line for scripts.")
def command(host: str, port: int, button: bool, tick: float, as_json: bool) -> None:
    """Run a simulated IKEA DIRIGERA hub (HTTPS + WebSocket) with a ready access token."""

    async def serve() -> None:
        devices, scenes = sample_home()
        sim = DirigeraSimulator(
            devices, scenes, host=host, port=port, tick=tick, hold_button=button
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGUSR1, sim.pairing.press_button)
        async with sim:
            _announce(_describe(sim), as_json, button)
            await stop.wait()

    try:
        asyncio.run(serve())
    except OSError as exc:
        raise click.ClickException(f"cannot start the DIRIGERA simulator: {exc}") from exc
