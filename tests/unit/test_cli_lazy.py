"""The ``homeweave`` command table: every entry resolves to the command it names, and running
the hub does not import the client commands, the automation views, the simulators or the
bridges (each costs start-up time and memory)."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from homeweave.cli.lazy import resolve
from homeweave.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_is_the_command_it_names(name: str) -> None:
    command = resolve(name, COMMANDS[name])
    assert isinstance(command, click.Command)
    assert command.name == name
    assert main.get_command(click.Context(main), name) is command


def test_a_wrong_entry_is_refused() -> None:
    with pytest.raises(TypeError, match="is not the click command 'devices'"):
        resolve("devices", "homeweave.cli.devices:get")


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:")[1].split()
    assert set(COMMANDS) <= set(listed)


def test_an_unknown_command_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


# What `homeweave run` needs in order to start: the command, its server stack and the
# integration it is configured with. A fresh interpreter, so other tests' imports do not count.
RUN_IMPORTS = """
import json, sys
from homeweave.cli.main import main
import click
main.get_command(click.Context(main), "run")
import homeweave.app, homeweave.integrations.virtual.integration
print(json.dumps(sorted(sys.modules)))
"""


def test_running_the_hub_imports_no_client_simulator_or_bridge() -> None:
    output = subprocess.run(
        [sys.executable, "-c", RUN_IMPORTS], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(output))
    assert "homeweave.cli.serve" in loaded
    not_needed = [
        "homeweave.cli.automations",
        "homeweave.cli.client",
        "homeweave.cli.devices",
        "homeweave.sim.hue",
        "homeweave.sim.miio",
        "homeweave.bridges.ha_mqtt",
        "homeweave.integrations.hue",
        "homeweave.integrations.miio",
        "httpx",
        "rich",
    ]
    assert [name for name in not_needed if name in loaded] == []
