"""``homeweave share DEVICE_OR_ROOM --with USER [--read-only] [--until WHEN]``, ``homeweave
shares`` and ``homeweave unshare ID``: what a guest may see and use, and until when."""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

import click

from homeweave.cli.client import Client, ClientError
from homeweave.cli.connect import client_command, echo_json
from homeweave.model.wording import parse_duration


def parse_until(text: str, zone: tzinfo) -> float:
    """``2h`` (from now) or a local time ``2026-12-06 18:00`` in the home's zone: epoch seconds."""
    try:
        return time.time() + parse_duration(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ClientError(
            f"--until {text!r}: give a duration (2h, 3d) or a time (2026-12-06 18:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def target_of(client: Client, name: str) -> dict[str, str]:
    """``{"room": name}`` for a room id, else ``{"device": name}``."""
    homes: list[dict[str, Any]] = client.request("GET", "/api/homes")
    rooms = {room["id"] for home in homes for room in home["rooms"]}
    return {"room": name} if name in rooms else {"device": name}


@click.command()
@click.argument("target")
@click.option("--with", "user", required=True, help="The user to share with.")
@click.option("--read-only", is_flag=True, help="Let them look, not control.")
@click.option("--until", default=None, help="Until when: 2h, 3d, or 2026-12-06 18:00.")
@client_command
def share(
    client: Client, as_json: bool, target: str, user: str, read_only: bool, until: str | None
) -> None:
    """Share a device or a room (by id) with a user."""
    body: dict[str, Any] = {"user": user, "control": not read_only, **target_of(client, target)}
    if until is not None:
        body["until"] = parse_until(until, client.zone())
    made = client.request("POST", "/api/shares", json=body)
    if as_json:
        echo_json(made)
        return
    ends = "for good"
    if made["until"] is not None:
        ends = f"until {client.times().moment_and_relative(made['until'], time.time())}"
    how = "to control" if made["control"] else "to look at"
    click.echo(f"shared {target} with {user} {how}, {ends} (share {made['id']})")


@click.command()
@click.option("--user", default=None, help="A user's shares, or '*' for all (admins).")
@client_command
def shares(client: Client, as_json: bool, user: str | None) -> None:
    """List shares."""
    found: list[dict[str, Any]] = client.request(
        "GET", "/api/shares", params={"user": user} if user else {}
    )
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("no shares")
    times, now = client.times(), time.time()
    for item in found:
        what = item["device"] or item["room"] or item["home"]
        ends = "for good"
        if item["until"] is not None:
            ends = f"until {times.moment_and_relative(item['until'], now)}"
        how = "control" if item["control"] else "read-only"
        click.echo(f"{item['id']}  {item['user']:<16} {what:<24} {how:<10} {ends}")


@click.command()
@click.argument("share_id")
@client_command
def unshare(client: Client, as_json: bool, share_id: str) -> None:
    """Take a share back (by id from 'homeweave shares'); it ends at once."""
    client.request_empty("DELETE", f"/api/shares/{quote(share_id, safe='')}")
    if as_json:
        echo_json({"removed": share_id})
        return
    click.echo(f"share {share_id} taken back")
