"""``homeweave``: run a hub, run the demo, and control a running hub from the shell."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from homeweave.cli.automations import commands as automation_commands
from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json, fail_cleanly
from homeweave.cli.display import (
    devices_table,
    history_table,
    properties_table,
    show_value,
    sparkline,
)
from homeweave.config import HubConfig, dump_config, load_config
from homeweave.core.paths import CONFIG_FILE, default_data_dir
from homeweave.errors import HomeweaveError
from homeweave.model.wording import parse_duration

if TYPE_CHECKING:
    from homeweave.app import Running

console = Console()


@click.group()
@click.version_option(package_name="homeweave")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """homeweave: one local hub for every device in the home."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# --- the hub ------------------------------------------------------------------------------------
def _serve(
    make_config: Callable[[AsyncExitStack], Awaitable[HubConfig]],
    data_dir: Path,
    host: str | None,
    port: int | None,
    announce: Callable[[Running], None],
) -> None:
    from homeweave.app import running_hub  # the server stack, only for commands that serve

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with AsyncExitStack() as stack:
            config = await make_config(stack)
            running = await stack.enter_async_context(
                running_hub(config, data_dir, host=host, port=port)
            )
            announce(running)
            await stop.wait()
        click.echo("stopped.", err=True)

    try:
        asyncio.run(serve())
    except OSError as exc:
        raise HomeweaveError(f"cannot start the hub: {exc}") from exc


def _print_token(running: Running) -> None:
    if running.new_token:
        click.echo(f"admin token (shown once, also in {running.token_file}):")
        click.echo(f"  {running.new_token}")


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help=f"Config file (default: ./{CONFIG_FILE}, then DATA_DIR/{CONFIG_FILE}).",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the database and token live (default: ~/.local/share/homeweave).",
)
@click.option("--host", default=None, help="Address to listen on (default from config).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8321).")
@fail_cleanly
def run(
    config_path: Path | None, data_dir: Path | None, host: str | None, port: int | None
) -> None:
    """Run the hub from a config file."""
    data_dir = data_dir or default_data_dir()
    if config_path is None:
        for candidate in (Path.cwd() / CONFIG_FILE, data_dir / CONFIG_FILE):
            if candidate.exists():
                config_path = candidate
                break
    config = load_config(config_path) if config_path else HubConfig()

    def announce(running: Running) -> None:
        homes = len(running.hub.registry.homes)
        devices = len(running.hub.registry.devices)
        source = config_path or "the stored registry"
        click.echo(f"homeweave hub: {homes} home(s), {devices} device(s) from {source}")
        click.echo(f"API: {running.url}   data: {running.data_dir}")
        _print_token(running)

    async def make_config(stack: AsyncExitStack) -> HubConfig:
        return config

    _serve(make_config, data_dir, host, port, announce)


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the demo keeps its data (default: ~/.local/share/homeweave/demo).",
)
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=8321, show_default=True, help="Port to listen on.")
@fail_cleanly
def demo(data_dir: Path | None, host: str | None, port: int) -> None:
    """Start a furnished virtual home: hub, devices and API, no hardware needed."""
    from homeweave.sim.demo import demo_config, start_demo_parts

    started = time.monotonic()
    data_dir = data_dir or default_data_dir() / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)

    async def make_config(stack: AsyncExitStack) -> HubConfig:
        config = demo_config(port=port, parts=await start_demo_parts(stack))
        await asyncio.to_thread((data_dir / CONFIG_FILE).write_text, dump_config(config))
        return config

    def announce(running: Running) -> None:
        reg = running.hub.registry
        ready = time.monotonic() - started
        click.echo(
            f"homeweave demo: {len(reg.rooms)} rooms, {len(reg.devices)} devices, "
            f"ready in {ready:.2f} s"
        )
        click.echo(f"URL:   {running.url}   (open it in a browser and paste the token)")
        click.echo(f"token: {running.token_file.read_text().strip()}")
        click.echo(f"data:  {running.data_dir}  (config written to {CONFIG_FILE} there)")
        click.echo("try:   homeweave devices   |   homeweave set living-room-lamp/light/on true")
        click.echo("stop:  Ctrl-C", err=True)

    _serve(make_config, data_dir, host, port, announce)


# --- simulators -----------------------------------------------------------------------------------
SIMULATORS = ("miio", "hue", "dirigera", "zigbee2mqtt")


class SimulatorGroup(click.Group):
    """``homeweave sim NAME``: package ``homeweave.sim.NAME.command`` offers ``command``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in SIMULATORS if self._exists(name)]

    @classmethod
    def _exists(cls, name: str) -> bool:
        try:
            return importlib.util.find_spec(cls._module(name)) is not None
        except ModuleNotFoundError:
            return False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        command: click.Command = importlib.import_module(self._module(cmd_name)).command
        return command

    @staticmethod
    def _module(name: str) -> str:
        return f"homeweave.sim.{name}.command"


@main.group(cls=SimulatorGroup)
def sim() -> None:
    """Run simulators of real devices and hubs on their own, to test other software against."""


# --- client commands ---------------------------------------------------------------------
@main.command()
@click.option("--home", default=None, help="Only this home.")
@click.option("--room", default=None, help="Only this room.")
@client_command
def devices(client: Client, as_json: bool, home: str | None, room: str | None) -> None:
    """List devices with their current state."""
    found = client.devices(home, room)
    if as_json:
        echo_json(found)
    else:
        console.print(devices_table(found, console.width))


@main.command()
@click.argument("address")
@client_command
def get(client: Client, as_json: bool, address: str) -> None:
    """Show a property (DEVICE/SERVICE/PROPERTY) or every property of a DEVICE."""
    if "/" not in address.strip("/"):
        device = client.device(address.strip("/"))
        echo_json(device) if as_json else console.print(properties_table(device))
        return
    prop = client.get(address)
    if as_json:
        echo_json(prop)
    else:
        click.echo(show_value(prop))


@main.command(name="set")
@click.argument("address")
@click.argument("value")
@client_command
def set_(client: Client, as_json: bool, address: str, value: str) -> None:
    """Set a property: homeweave set living-room-lamp/light/brightness 40."""
    result = client.set(address, value)
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{result['address']} = {json.dumps(result['value'])}")


@main.command()
@click.argument("device")
@click.argument("action")
@click.argument("args", nargs=-1)
@client_command
def do(client: Client, as_json: bool, device: str, action: str, args: tuple[str, ...]) -> None:
    """Invoke an action: homeweave do robot-vacuum start-sweep."""
    result = client.do(device, action, list(args))
    if as_json:
        echo_json(result)
    else:
        outputs = ", ".join(f"{k}={json.dumps(v)}" for k, v in result["outputs"].items())
        click.echo(f"{result['address']}: done{(' ' + outputs) if outputs else ''}")


@main.command()
@click.argument("address")
@click.option("--since", default="1h", show_default=True, help="How far back: 30m, 1h30m, 7d.")
@client_command
def history(client: Client, as_json: bool, address: str, since: str) -> None:
    """Show a property's recorded values."""
    try:
        seconds = parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    result = client.history(address, time.time() - seconds)
    if as_json:
        echo_json(result)
        return
    prop = client.get(address)
    console.print(history_table(result, prop))
    numbers = [
        float(p["value"])
        for p in result["points"]
        if isinstance(p["value"], int | float) and not isinstance(p["value"], bool)
    ]
    if len(numbers) > 1:
        click.echo(f"{sparkline(numbers)}  {min(numbers):g} .. {max(numbers):g}")
    if not result["points"]:
        click.echo(f"no values recorded in the last {since}")


for _command in automation_commands:
    main.add_command(_command)


if __name__ == "__main__":
    main()
