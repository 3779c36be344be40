"""``homeweave rename`` and ``homeweave move``: a device found by a hub or bridge gets the name
and room people know it by (devices named in homeweave.yaml are changed there)."""

from __future__ import annotations

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json


@click.command()
@click.argument("device")
@click.argument("name")
@client_command
def rename(client: Client, as_json: bool, device: str, name: str) -> None:
    """Give a device a new name."""
    changed = client.change_device(device, name=name)
    if as_json:
        echo_json(changed)
        return
    click.echo(f"{changed['id']}: now called {changed['name']!r}")


@click.command()
@click.argument("device")
@click.argument("room")
@client_command
def move(client: Client, as_json: bool, device: str, room: str) -> None:
    """Put a device in another room (by the room's id)."""
    changed = client.change_device(device, room=room)
    if as_json:
        echo_json(changed)
        return
    click.echo(f"{changed['id']}: now in {changed['room']}")
