"""Commands on devices of a running hub: list them, get and set properties, invoke actions,
show history."""

from __future__ import annotations

import json
import time

import click
from rich.text import Text

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json, since_seconds
from homeweave.cli.display import (
    console,
    devices_table,
    history_table,
    properties_table,
    show_value,
    sparkline,
)


@click.command()
@click.option("--home", default=None, help="Only this home.")
@click.option("--room", default=None, help="Only this room.")
@client_command
def devices(client: Client, as_json: bool, home: str | None, room: str | None) -> None:
    """List devices with their current state."""
    found = client.devices(home, room)
    if as_json:
        echo_json(found)
    else:
        out = console()
        out.print(devices_table(found, out.width))


@click.command()
@click.argument("address")
@client_command
def get(client: Client, as_json: bool, address: str) -> None:
    """Show a property (DEVICE/SERVICE/PROPERTY) or all of a DEVICE."""
    if "/" not in address.strip("/"):
        device = client.device(address.strip("/"))
        echo_json(device) if as_json else console().print(properties_table(device))
        return
    prop = client.get(address)
    if as_json:
        echo_json(prop)
    else:
        click.echo(show_value(prop))


@click.command(name="set")
@click.argument("address")
@click.argument("value")
@client_command
def set_(client: Client, as_json: bool, address: str, value: str) -> None:
    """Set a property to VALUE. Example: homeweave set kitchen-lamp/light/on true"""
    result = client.set(address, value)
    if as_json:
        echo_json(result)
    else:  # as `get` shows it: "Night", not the value-list code 1; "#ff0000", not 16711680
        click.echo(f"{result['address']} = {show_value(client.get(address), result['value'])}")


@click.command()
@click.argument("device")
@click.argument("action")
@click.argument("args", nargs=-1)
@client_command
def do(client: Client, as_json: bool, device: str, action: str, args: tuple[str, ...]) -> None:
    """Invoke ACTION on DEVICE. Example: homeweave do robot-vacuum start-sweep"""
    result = client.do(device, action, list(args))
    if as_json:
        echo_json(result)
    else:
        outputs = ", ".join(f"{k}={json.dumps(v)}" for k, v in result["outputs"].items())
        click.echo(f"{result['address']}: done{(' ' + outputs) if outputs else ''}")


@click.command()
@click.argument("address")
@click.option("--since", default="1h", show_default=True, help="How far back: 30m, 1h, 7d.")
@client_command
def history(client: Client, as_json: bool, address: str, since: str) -> None:
    """Show a property's recorded values."""
    seconds = since_seconds(since)
    result = client.history(address, time.time() - seconds)
    if as_json:
        echo_json(result)
        return
    prop = client.get(address)
    times = client.times(client.device(address.strip("/").split("/")[0])["home"])
    out = console()
    out.print(Text(result["address"], style="bold", overflow="fold"))
    out.print(history_table(result, prop, times))
    numbers = [
        float(p["value"])
        for p in result["points"]
        if isinstance(p["value"], int | float) and not isinstance(p["value"], bool)
    ]
    if len(numbers) > 1:
        low, high = (show_value(prop, x) for x in (min(numbers), max(numbers)))
        click.echo(f"{sparkline(numbers)}  {low} .. {high}")
    if not result["points"]:
        click.echo(f"no values recorded in the last {since}")
