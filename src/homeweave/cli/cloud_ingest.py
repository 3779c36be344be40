"""``homeweave cloud ingest``: one replica of the group writing every home's history to
PostgreSQL (start several: they share the work)."""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress

import click

from homeweave.cli.cloud_options import database_option, nats_option
from homeweave.cloud.ingest import Ingest, IngestOptions, default_replica
from homeweave.cloud.streams import ACK_WAIT
from homeweave.errors import HomeweaveError


@click.command()
@nats_option
@database_option
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Messages committed in one transaction.",
)
@click.option(
    "--ack-wait",
    default=ACK_WAIT,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds before an unacked message goes to another replica (set when the "
    "consumer is first made).",
)
@click.option("--replica", default=None, help="This replica's name (default: host-pid).")
def ingest(nats_url: str, database: str, batch: int, ack_wait: float, replica: str | None) -> None:
    """Write every home's state history and events from JetStream to PostgreSQL."""
    options = IngestOptions(
        nats=nats_url,
        database=database,
        batch=batch,
        ack_wait=ack_wait,
        replica=replica or default_replica(),
    )
    click.echo(f"ingest {options.replica}: {nats_url} → PostgreSQL (Ctrl-C stops)", err=True)
    try:
        with suppress(KeyboardInterrupt):
            asyncio.run(_serve(Ingest(options)))
    except HomeweaveError as exc:
        raise click.ClickException(str(exc)) from exc


async def _serve(replica: Ingest) -> None:
    """Run until cancelled; SIGTERM (a service manager stopping it) closes it cleanly."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with suppress(asyncio.CancelledError):
        await replica.run()
