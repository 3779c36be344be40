"""A click group whose commands are imported only when one is run (or help lists them)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """``commands``: name -> ``"module:attribute"``. ``homeweave run`` then imports the server
    stack and nothing of the client commands, the automation views or the simulators (the
    pattern from click's documentation, "Lazily Loading Subcommands")."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, the lazy ones included, in order."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module on first use."""
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        return resolve(cmd_name, target)


def resolve(name: str, target: str) -> click.Command:
    """Import ``"module:attribute"`` and check that it is the click command ``name``."""
    module_name, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(found, click.Command) or found.name != name:
        raise TypeError(f"{target} is not the click command {name!r}")
    return found
