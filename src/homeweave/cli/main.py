"""``homeweave``: run a hub, run the demo, and control a running hub from the shell."""

from __future__ import annotations

import logging

import click

from homeweave.cli.lazy import LazyGroup

COMMANDS: dict[str, str] = {
    "run": "homeweave.cli.serve:run",
    "demo": "homeweave.cli.serve:demo",
    "sim": "homeweave.cli.sim:sim",
    "devices": "homeweave.cli.devices:devices",
    "get": "homeweave.cli.devices:get",
    "set": "homeweave.cli.devices:set_",
    "do": "homeweave.cli.devices:do",
    "history": "homeweave.cli.history:history",
    "rename": "homeweave.cli.registry:rename",
    "move": "homeweave.cli.registry:move",
    "why": "homeweave.cli.automations:why",
    "automations": "homeweave.cli.automations:automations",
    "scenes": "homeweave.cli.automations:scenes",
    "integrations": "homeweave.cli.pair:integrations",
    "pair": "homeweave.cli.pair:pair",
    "spec": "homeweave.cli.spec:spec_group",
    "say": "homeweave.cli.say:say",
    "db": "homeweave.cli.db:db",
    "backup": "homeweave.cli.backup:backup",
    "users": "homeweave.cli.users:users",
    "tokens": "homeweave.cli.tokens:tokens",
    "share": "homeweave.cli.shares:share",
    "shares": "homeweave.cli.shares:shares",
    "unshare": "homeweave.cli.shares:unshare",
    "audit": "homeweave.cli.audit:audit",
    "history-of": "homeweave.cli.versions:history_of",
    "undo": "homeweave.cli.versions:undo",
    "restore": "homeweave.cli.versions:restore",
    "energy": "homeweave.cli.energy:energy",
    "invite": "homeweave.cli.invites:invite",
    "cloud": "homeweave.cli.cloud:cloud",
    "logbook": "homeweave.cli.logbook:logbook",
}
"""Every ``homeweave`` command: name -> ``"module:attribute"``, imported when it is run. A new
command lives in its own module under ``cli/`` and gets a line here."""


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.version_option(package_name="homeweave")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """homeweave: one local hub for every device in the home."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":
    main()
