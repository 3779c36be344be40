"""``homeweave integrations`` (how each integration stands) and ``homeweave pair NAME`` (pair a
hub or bridge again, e.g. a DIRIGERA hub that forgot homeweave's token)."""

from __future__ import annotations

import time
from typing import Any

import click

from homeweave.cli.client import Client, ClientError
from homeweave.cli.connect import client_command, echo_json

POLL = 0.25
"""Seconds between looks at the integration while waiting for the button."""


def _line(entry: dict[str, Any]) -> str:
    counts = f"{entry['available']}/{entry['devices']} devices available"
    reason = f"  {entry['reason']}" if entry["reason"] else ""
    return f"{entry['name']:<14} {entry['state']:<14} {counts}{reason}"


@click.command()
@client_command
def integrations(client: Client, as_json: bool) -> None:
    """List the running integrations and how each stands (e.g. needs pairing)."""
    found = client.request("GET", "/api/integrations")
    if as_json:
        echo_json(found)
        return
    for entry in found:
        click.echo(_line(entry))


@click.command()
@click.argument("name")
@click.option(
    "--wait",
    type=float,
    default=150.0,
    show_default=True,
    help="Seconds to wait for the button press and the reconnect.",
)
@client_command
def pair(client: Client, as_json: bool, name: str, wait: float) -> None:
    """Pair the hub or bridge of integration NAME (again): press its button when asked.
    Example: homeweave pair dirigera"""
    started = client.request("POST", f"/api/integrations/{name}/pair")
    if not as_json:
        click.echo(f"{name}: {started['prompt']}")
    deadline = time.monotonic() + wait
    while True:
        entry = client.request("GET", f"/api/integrations/{name}")
        if entry["state"] in ("connected", "running"):
            break
        if entry["state"] == "needs pairing":
            raise ClientError(f"{name}: {entry['reason']}")
        if time.monotonic() > deadline:
            raise ClientError(f"{name}: still {entry['state']} after {wait:g} s: {entry['reason']}")
        time.sleep(POLL)
    if as_json:
        echo_json(entry)
    else:
        click.echo(f"{name}: paired; {entry['available']}/{entry['devices']} devices available")
