"""``homeweave cloud status``: homes online, the ingest consumer's lag, the ingest rate."""

from __future__ import annotations

import asyncio
import time

import click
from rich.table import Table

from homeweave.cli.cloud_options import database_option, nats_option
from homeweave.cli.connect import echo_json
from homeweave.cli.display import console
from homeweave.cloud.status import FleetStatus, collect
from homeweave.model.wording import duration


def _ago(at: float, now: float) -> str:
    return duration(round(max(0.0, now - at))) + " ago"


def homes_table(status: FleetStatus, now: float) -> Table:
    """One row per home: answers now, last message, last stored, messages stored."""
    table = Table(box=None, header_style="bold")
    for column in ("HOME", "ONLINE", "LAST STATE", "STORED AT", "MESSAGES"):
        table.add_column(column, justify="right" if column == "MESSAGES" else "left")
    for home in status.homes:
        online = {True: "yes", False: "no", None: "?"}[home.answers]
        table.add_row(
            home.home, online, _ago(home.last_at, now), _ago(home.seen_at, now), str(home.messages)
        )
    return table


def show(status: FleetStatus) -> None:
    """Print the status for a person."""
    out = console()
    now = time.time()
    online = sum(1 for home in status.homes if home.answers)
    out.print(f"[bold]homes[/bold]: {len(status.homes)} known, {online} answering now")
    if status.homes:
        out.print(homes_table(status, now))
    if status.consumer:
        c = status.consumer
        out.print(
            f"[bold]consumer[/bold]: {c['num_pending']} waiting, {c['num_ack_pending']} being "
            f"written (unacked), {c['num_redelivered']} redelivered; "
            f"{status.stream_messages} messages in the stream"
        )
    if status.rate is not None:
        count = len(status.replicas)
        replicas = f"{count} replica" + ("" if count == 1 else "s")
        out.print(f"[bold]ingest[/bold]: {status.rate:.0f} rows/s, {replicas}")
        for r in status.replicas:
            out.print(
                f"  {r.replica}: stored {r.stored}, duplicates {r.duplicates}, redelivered "
                f"{r.redelivered}, "
                f"{r.batches} batches, last {_ago(r.seen_at, now)}"
            )
    for problem in status.problems:
        out.print(f"[red]{problem}[/red]")


@click.command()
@nats_option
@database_option
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.1, 60),
    help="Seconds over which the ingest rate is measured.",
)
@click.option("--no-probe", is_flag=True, help="Do not ask each home whether it answers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def status(nats_url: str, database: str, interval: float, no_probe: bool, as_json: bool) -> None:
    """Show the homes online, the ingest consumer's lag and the ingest rate."""
    found = asyncio.run(collect(nats_url, database, interval=interval, probe=not no_probe))
    if as_json:
        echo_json(found.as_dict())
    else:
        show(found)
    if found.problems:
        raise SystemExit(1)
