"""``homeweave sim NAME ...``: the simulators of real devices and hubs, run on their own."""

from __future__ import annotations

import importlib
import importlib.util

import click

SIMULATORS = ("miio", "hue", "dirigera", "zigbee2mqtt", "fleet")


class SimulatorGroup(click.Group):
    """``homeweave sim NAME``: package ``homeweave.sim.NAME.command`` offers ``command``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the simulators installed, in a fixed order."""
        return [name for name in SIMULATORS if self._exists(name)]

    @classmethod
    def _exists(cls, name: str) -> bool:
        try:
            return importlib.util.find_spec(cls._module(name)) is not None
        except ModuleNotFoundError:
            return False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command of simulator ``cmd_name``, or None if it is not installed."""
        if cmd_name not in self.list_commands(ctx):
            return None
        command: click.Command = importlib.import_module(self._module(cmd_name)).command
        return command

    @staticmethod
    def _module(name: str) -> str:
        return f"homeweave.sim.{name}.command"


@click.group(cls=SimulatorGroup)
def sim() -> None:
    """Run simulated devices and hubs on their own, for testing."""
