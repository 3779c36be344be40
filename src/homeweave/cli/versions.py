"""``homeweave history-of KIND ID``, ``homeweave undo [ID]`` and ``homeweave restore ID``:
the versions of an automation, scene, device, share or user, and going back."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json
from homeweave.model.times import Times

KINDS = ("automation", "scene", "device", "share", "user")


def version_line(version: dict[str, Any], times: Times, now: float) -> str:
    """One version: id, time (the home's), who via which channel, what, and which version
    it undid."""
    at = times.moment(version["at"], now, seconds=True)
    undid = f" (of version {version['undoes']})" if version["undoes"] is not None else ""
    return (
        f"#{version['id']}  {at}  {version['user']} via {version['channel']}: "
        f"{version['action']}{undid}"
    )


def _state(data: dict[str, Any] | None) -> str:
    """What a thing was at a version, for people: its YAML as written, else its JSON."""
    if data is None:
        return "(did not exist)"
    text = data.get("yaml")
    if isinstance(text, str):
        return text.rstrip("\n")
    shown = data.get("definition", data)
    return json.dumps(shown, indent=2, ensure_ascii=False)


@click.command("history-of")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("ident")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--show", is_flag=True, help="Print what it was after each change.")
@client_command
def history_of(
    client: Client, as_json: bool, kind: str, ident: str, limit: int, show: bool
) -> None:
    """List the versions of an automation, scene, device, share or user, newest first."""
    found: list[dict[str, Any]] = client.request(
        "GET", "/api/versions", params={"kind": kind, "id": ident, "limit": limit}
    )
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo(f"no versions of {kind} {ident!r} (it was never changed here)")
        return
    times, now = client.times(), time.time()
    for version in found:
        click.echo(version_line(version, times, now))
        if show:
            click.echo("    " + _state(version["after"]).replace("\n", "\n    "))


def _done(client: Client, as_json: bool, version: dict[str, Any]) -> None:
    if as_json:
        echo_json(version)
        return
    click.echo(
        f"{version['kind']} {version['ident']}: {version['action']} of version "
        f"{version['undoes']} done (now version {version['id']}; undo it with "
        f"'homeweave undo {version['id']}')"
    )


@click.command()
@click.argument("version", type=int, required=False)
@client_command
def undo(client: Client, as_json: bool, version: int | None) -> None:
    """Undo a change (a version id, as 'homeweave audit' shows it), or your last one."""
    body = {} if version is None else {"id": version}
    _done(client, as_json, client.request("POST", "/api/undo", json=body))


@click.command()
@click.argument("version", type=int)
@client_command
def restore(client: Client, as_json: bool, version: int) -> None:
    """Put a thing back as it was right after version VERSION."""
    path = f"/api/versions/{quote(str(version))}/restore"
    _done(client, as_json, client.request("POST", path))
