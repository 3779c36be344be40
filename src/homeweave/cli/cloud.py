"""``homeweave cloud ...``: the fleet's services, each a stateless replica."""

from __future__ import annotations

import click

from homeweave.cli.lazy import LazyGroup

CLOUD_COMMANDS: dict[str, str] = {
    "ingest": "homeweave.cli.cloud_ingest:ingest",
    "status": "homeweave.cli.cloud_status:status",
    "api": "homeweave.cli.cloud_api:api",
    "up": "homeweave.cli.cloud_up:up",
}


@click.group(cls=LazyGroup, lazy_commands=CLOUD_COMMANDS)
def cloud() -> None:
    """Fleet services on NATS JetStream and PostgreSQL (run any number of each)."""
