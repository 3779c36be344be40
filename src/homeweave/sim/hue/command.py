"""``homeweave sim hue``: a simulated Hue bridge on its own, to point Hue clients at."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import Any

import click

from homeweave.sim.hue.bridge import BridgeState
from homeweave.sim.hue.resources import sample_home
from homeweave.sim.hue.server import DEFAULT_BRIDGE_ID, HueBridgeSimulator


@click.command("hue")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=0, help="Port (default: a free one).")
@click.option("--json", "as_json", is_flag=True, help="Print the details as one JSON line.")
@click.option(
    "--link-button",
    is_flag=True,
    help="Start with the link button pressed (apps may pair) and print a ready app key.",
)
@click.option(
    "--resources",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Serve these CLIP v2 resources (a JSON list, as GET /clip/v2/resource returns).",
)
def command(host: str, port: int, as_json: bool, link_button: bool, resources: Path | None) -> None:
    """A Philips Hue bridge: HTTPS CLIP v2 (self-signed), events, pairing, rate limits."""
    try:
        asyncio.run(_serve(host, port, as_json, link_button, resources))
    except OSError as exc:
        raise click.ClickException(f"cannot start the Hue bridge simulator: {exc}") from exc


async def _serve(
    host: str, port: int, as_json: bool, link_button: bool, resources: Path | None
) -> None:
    if resources is not None:
        data = json.loads(await asyncio.to_thread(resources.read_text, encoding="utf-8"))
        state = BridgeState(data.get("data", data) if isinstance(data, dict) else data)
    else:
        state = BridgeState(sample_home(DEFAULT_BRIDGE_ID))
    key = None
    if link_button:
        state.press_link_button(None)
        key = state.new_app_key("homeweave#sim-cli")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with HueBridgeSimulator(state, host=host, port=port) as sim:
        _announce(sim, key, as_json)
        await stop.wait()
    click.echo("stopped.", err=True)


def _announce(sim: HueBridgeSimulator, key: str | None, as_json: bool) -> None:
    info: dict[str, Any] = {
        "address": sim.host,
        "port": sim.port,
        "host": sim.address,
        "url": sim.url,
        "bridge_id": sim.state.bridge_id,
        "link_button": sim.state.link_button_pressed,
        "app_key": key,
    }
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(f"Hue bridge simulator {info['bridge_id']}")
    click.echo(f"address:   {info['address']}")
    click.echo(f"port:      {info['port']}")
    click.echo(f"url:       {info['url']}  (self-signed; plain HTTP answers on the same port)")
    if key:
        click.echo(f"app key:   {key}  (link button pressed: apps may pair)")
    else:
        click.echo("link button: not pressed (POST /api answers error 101)")
    click.echo(f"aiohue:    HueBridgeV2({info['host']!r}, app_key)")
    click.echo("stop:      Ctrl-C", err=True)
