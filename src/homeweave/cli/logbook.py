"""``homeweave logbook``: what happened, with who caused it, oldest first, in the reader's
language (``--locale``, else LC_ALL/LC_TIME/LANG: the same choice as the times shown)."""

from __future__ import annotations

import time
from typing import Any

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json, since_seconds
from homeweave.model.phrasebook import language_code


@click.command()
@click.option("--device", default=None, help="Only this device.")
@click.option("--room", default=None, help="Only this room's devices.")
@click.option("--since", default="24h", show_default=True, help="How far back: 30m, 1h, 7d.")
@click.option("--limit", type=click.IntRange(1, 5000), default=200, show_default=True)
@client_command
def logbook(
    client: Client,
    as_json: bool,
    device: str | None,
    room: str | None,
    since: str,
    limit: int,
) -> None:
    """Show what happened and who caused it ("Lamp turned on by automation Evening"), in the
    language of --locale (de, zh-cn; others in English)."""
    start = time.time() - since_seconds(since)
    params: dict[str, Any] = {"since": start, "limit": limit}
    language = language_code(client.locale)
    if language is not None:
        params["language"] = language
    params |= {k: v for k, v in (("device", device), ("room", room)) if v}
    entries: list[dict[str, Any]] = client.request("GET", "/api/logbook", params=params)
    if as_json:
        echo_json(entries)
        return
    if not entries:
        click.echo(f"nothing happened in the last {since}")
        return
    times, now = client.times(), time.time()
    for entry in reversed(entries):  # oldest first, as a terminal scrolls
        click.echo(f"{times.moment(entry['at'], now, seconds=True)}  {entry['text']}")
