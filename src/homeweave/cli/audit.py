"""``homeweave audit``: who did what, when, through which channel, old → new."""

from __future__ import annotations

import time
from typing import Any

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json, since_seconds
from homeweave.model.times import Times


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def entry_line(entry: dict[str, Any], times: Times, now: float) -> str:
    """One audit entry as a line: time (the home's), user via channel, action target
    old → new, result."""
    at = times.moment(entry["at"], now, seconds=True)
    change = ""
    if entry["old"] is not None or entry["new"] is not None:
        change = f" {_shown(entry['old'])} → {_shown(entry['new'])}"
    result = "" if entry["result"] == "ok" else f"  [{entry['result']}]"
    who = f"{entry['user']} via {entry['channel']}"
    version = f"  (#{entry['version']})" if entry.get("version") is not None else ""
    return f"{at}  {who}: {entry['action']} {entry['target']}{change}{result}{version}"


@click.command()
@click.option("--since", default="24h", show_default=True, help="How far back: 30m, 1h, 7d.")
@click.option("--user", default=None, help="Only this user's entries.")
@click.option("--device", default=None, help="Only entries about this device.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=1000, show_default=True)
@client_command
def audit(
    client: Client,
    as_json: bool,
    since: str,
    user: str | None,
    device: str | None,
    limit: int,
) -> None:
    """Show who did what and when (admins: everyone; others: their own)."""
    start = time.time() - since_seconds(since)
    params: dict[str, Any] = {"since": start, "limit": limit}
    params |= {k: v for k, v in (("user", user), ("device", device)) if v}
    entries: list[dict[str, Any]] = client.request("GET", "/api/audit", params=params)
    if as_json:
        echo_json(entries)
        return
    if not entries:
        click.echo(f"nothing recorded in the last {since}")
        return
    times, now = client.times(), time.time()
    for entry in entries:
        click.echo(entry_line(entry, times, now))
