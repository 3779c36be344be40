"""``homeweave energy``: kWh and cost per device, room or home over a period, per day."""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.table import Table

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json, since_seconds
from homeweave.cli.display import console, sparkline
from homeweave.model.times import Times
from homeweave.model.wording import number


def _cost(amount: dict[str, Any], currency: str) -> str:
    cost = amount.get("cost")
    return "—" if cost is None else f"{cost:.2f} {currency}"


def _kwh(amount: dict[str, Any]) -> str:
    return f"{number(round(amount['kwh'], 2))} kWh"


def energy_table(report: dict[str, Any]) -> Table:
    """One row per device (room, home) with its kWh, cost and share of the total."""
    table = Table(box=None, header_style="bold")
    table.add_column(report["by"].upper(), overflow="fold")
    table.add_column("ENERGY", justify="right", no_wrap=True)
    if report["priced"]:
        table.add_column("COST", justify="right", no_wrap=True)
    table.add_column("SHARE", justify="right", no_wrap=True)
    whole = report["total"]["kwh"] or 1.0
    rows = [*report["groups"], {"name": "total", "total": report["total"]}]
    for group in rows:
        amount = group["total"]
        cells = [group["name"], _kwh(amount)]
        if report["priced"]:
            cells.append(_cost(amount, report["currency"]))
        cells.append(f"{amount['kwh'] / whole:.0%}")
        table.add_row(*cells, style="bold" if group is rows[-1] else None)
    return table


@click.command()
@click.option("--since", default="30d", show_default=True, help="How far back: 24h, 7d, 30d.")
@click.option(
    "--by",
    type=click.Choice(["device", "room", "home"]),
    default="device",
    show_default=True,
    help="Group the energy by device, room or home.",
)
@client_command
def energy(client: Client, as_json: bool, since: str, by: str) -> None:
    """Show the energy used (kWh) and what it cost, per device or room."""
    since_seconds(since)  # checked here: the hub reads the same text
    report: dict[str, Any] = client.request(
        "GET", "/api/energy", params={"since": since, "by": by, "bucket": "day"}
    )
    if as_json:
        echo_json(report)
        return
    if not report["groups"]:
        click.echo(f"no energy metered in the last {since}")
        return
    times = Times(ZoneInfo(report["time_zone"]), client.locale or "en")
    first = times.date(report["starts"][0], time.time())
    click.echo(f"energy since {first} ({report['time_zone']}), per {by}:")
    console().print(energy_table(report))
    days = [b["kwh"] for b in report["buckets"]]
    click.echo(f"per day: {sparkline(days)}  max {number(round(max(days), 2))} kWh")
