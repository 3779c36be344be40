"""``homeweave invite create --share ROOM_OR_DEVICE [--read-only] [--until WHEN] [--name NAME]``,
``homeweave invite list`` and ``homeweave invite revoke ID``: links that let a guest without an
account in, to what was shared, until when (multi-use until then; revoking ends it at once)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json
from homeweave.cli.shares import parse_until, target_of
from homeweave.model.times import Times


@click.group()
def invite() -> None:
    """Create, list and revoke invite links for guests."""


@invite.command("create")
@click.option("--share", "target", required=True, help="The room or device (by id) to share.")
@click.option("--read-only", is_flag=True, help="Let the guest look, not control.")
@click.option("--until", default=None, help="Until when: 2h, 3d, or 2026-12-06 18:00.")
@click.option("--name", default=None, help="The guest's name, as the dashboard shows it.")
@client_command
def create(
    client: Client,
    as_json: bool,
    target: str,
    read_only: bool,
    until: str | None,
    name: str | None,
) -> None:
    """Make an invite link; it is printed this once."""
    body: dict[str, Any] = {"control": not read_only, "name": name, **target_of(client, target)}
    if until is not None:
        body["until"] = parse_until(until, client.zone())
    made = client.request("POST", "/api/invites", json=body)
    link = f"{client.endpoint.url}{made['link']}"
    if as_json:
        echo_json({**made, "url": link})
        return
    how = _how(made, client.times())
    click.echo(f"invite {made['id']}: {target} {how} (revoke: homeweave invite")
    click.echo(f"revoke {made['id']}); the link, shown once, works on every device until then:")
    click.echo(f"  {link}")


@invite.command("list")
@client_command
def list_(client: Client, as_json: bool) -> None:
    """List the invites still standing."""
    found: list[dict[str, Any]] = client.request("GET", "/api/invites")
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("no invites")
    times = client.times()
    for item in found:
        what = item["device"] or item["room"] or item["home"]
        click.echo(f"{item['id']}  {item['name']:<16} {what:<24} {_how(item, times)}")


@invite.command("revoke")
@click.argument("invite_id")
@client_command
def revoke(client: Client, as_json: bool, invite_id: str) -> None:
    """End an invite at once: the guest's pages and sessions stop working."""
    client.request_empty("DELETE", f"/api/invites/{quote(invite_id, safe='')}")
    if as_json:
        echo_json({"revoked": invite_id})
        return
    click.echo(f"invite {invite_id} revoked")


def _how(item: dict[str, Any], times: Times) -> str:
    how = "to control" if item["control"] else "to look at"
    if item["until"] is None:
        return f"{how}, until revoked"
    return f"{how}, until {times.moment_and_relative(item['until'], time.time())}"
