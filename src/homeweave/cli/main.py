"""``homeweave``: run a hub, run the demo, and control a running hub from the shell."""

from __future__ import annotations

import logging

import click

from homeweave.cli import (
    audit,
    automations,
    devices,
    pair,
    registry,
    serve,
    shares,
    spec,
    tokens,
    users,
)
from homeweave.cli.sim import sim


@click.group()
@click.version_option(package_name="homeweave")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """homeweave: one local hub for every device in the home."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


for _command in [
    *serve.commands,
    sim,
    *devices.commands,
    *registry.commands,
    *automations.commands,
    *pair.commands,
    *spec.commands,
    *users.commands,
    *tokens.commands,
    *shares.commands,
    *audit.commands,
]:
    main.add_command(_command)


if __name__ == "__main__":
    main()
