"""``homeweave cloud ...``: the fleet's services, each a stateless replica (run as many as
wanted). One line per command below; each lives in its own module."""

from __future__ import annotations

import click

from homeweave.cli.lazy import LazyGroup

CLOUD_COMMANDS: dict[str, str] = {
    "ingest": "homeweave.cli.cloud_ingest:ingest",
    "status": "homeweave.cli.cloud_status:status",
}

NATS_DEFAULT = "nats://127.0.0.1:4222"
nats_option = click.option(
    "--nats",
    "nats_url",
    default=NATS_DEFAULT,
    show_default=True,
    help="The fleet's NATS (JetStream).",
)
database_option = click.option(
    "--database",
    envvar="HOMEWEAVE_DATABASE",
    required=True,
    help="The fleet's PostgreSQL, postgresql://user@host/db (or $HOMEWEAVE_DATABASE).",
)


@click.group(cls=LazyGroup, lazy_commands=CLOUD_COMMANDS)
def cloud() -> None:
    """Fleet services on NATS JetStream and PostgreSQL: many homes, one cloud."""
