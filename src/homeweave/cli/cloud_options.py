"""The options ``homeweave cloud ingest`` and ``status`` share: where NATS and PostgreSQL are."""

from __future__ import annotations

import click

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
