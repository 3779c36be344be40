"""``homeweave run`` and ``homeweave demo``: start a hub with its API in this process."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from homeweave.cli.connect import fail_cleanly
from homeweave.core.paths import (
    CONFIG_FILE,
    SECRETS_FILE,
    default_data_dir,
    find_config,
    private_dir,
    write_private,
)
from homeweave.errors import HomeweaveError
from homeweave.sim.signals import stop_signal

if TYPE_CHECKING:
    from homeweave.app import Running
    from homeweave.config import HubConfig


def _serve(
    make_config: Callable[[AsyncExitStack], Awaitable[HubConfig]],
    data_dir: Path,
    host: str | None,
    port: int | None,
    announce: Callable[[Running], None],
    *,
    wait_for_integrations: bool,
) -> None:
    from homeweave.app import (  # the server stack, only for commands that serve
        running_hub,
        settle_startup_heap,
    )
    from homeweave.cli.progress import showing
    from homeweave.core.progress import Jobs

    async def serve() -> None:
        async with stop_signal() as stop, AsyncExitStack() as stack:
            config = await make_config(stack)
            jobs = Jobs()  # long jobs (the statistics back-fill at start) show a bar
            stack.enter_context(showing(jobs))
            starting = running_hub(
                config,
                data_dir,
                host=host,
                port=port,
                wait_for_integrations=wait_for_integrations,
                jobs=jobs,
            )
            del config  # not kept here: running_hub lets go of it once the hub is up
            running = await stack.enter_async_context(starting)
            gc.enable()  # off while starting (see settle_startup_heap)
            settle = asyncio.create_task(settle_startup_heap(running.hub), name="settle-heap")
            stack.callback(settle.cancel)
            announce(running)
            await stop.wait()
        click.echo("stopped.", err=True)

    gc.disable()
    try:
        asyncio.run(serve())
    except OSError as exc:
        raise HomeweaveError(f"cannot start the hub: {exc}") from exc
    finally:
        gc.enable()


def _print_token(running: Running) -> None:
    if running.new_token:
        click.echo(f"admin token (shown once, also in {running.token_file}):")
        click.echo(f"  {running.new_token}")
    if running.setup_code:
        click.echo(f"first run: open {running.url}/ and create the owner with setup code")
        click.echo(f"  {running.setup_code}")


@click.command()
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
    """Run the hub, configured by homeweave.yaml when one is found."""
    data_dir = data_dir or default_data_dir()
    config_path = config_path or find_config(data_dir)

    def announce(running: Running) -> None:
        homes = len(running.hub.registry.homes)
        devices = len(running.hub.registry.devices)
        source = config_path or "the stored registry"
        click.echo(f"homeweave hub: {homes} home(s), {devices} device(s) from {source}")
        click.echo(f"API: {running.url}   data: {running.data_dir}")
        _print_token(running)

    async def make_config(stack: AsyncExitStack) -> HubConfig:
        # Imported and read here, with the collector off for start-up (see _serve).
        from homeweave.config import HubConfig, load_config

        return load_config(config_path) if config_path else HubConfig()

    # Serve at once; devices whose integration is still connecting show so until reached.
    _serve(make_config, data_dir, host, port, announce, wait_for_integrations=False)


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the demo keeps its data (default: ~/.local/share/homeweave/demo).",
)
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=8321, show_default=True, help="Port to listen on.")
@click.option(
    "--ha-mqtt",
    "ha_mqtt",
    metavar="BROKER",
    default=None,
    help="Also publish every device to Home Assistant by MQTT discovery through this broker "
    "(mqtt://host:1883).",
)
@fail_cleanly
def demo(data_dir: Path | None, host: str | None, port: int, ha_mqtt: str | None) -> None:
    """Run a demo home of simulated devices; no hardware needed."""
    from homeweave.app import demo_config  # the server stack, only for commands that serve
    from homeweave.sim.demo.parts import start_demo_parts

    started = time.monotonic()
    data_dir = data_dir or default_data_dir() / "demo"
    private_dir(data_dir)

    async def make_config(stack: AsyncExitStack) -> HubConfig:
        bridges = {"ha_mqtt": {"broker": ha_mqtt}} if ha_mqtt else None
        config = demo_config(await start_demo_parts(stack), port=port, bridges=bridges)
        await asyncio.to_thread(_write_example, config, data_dir)
        return config

    def announce(running: Running) -> None:
        reg = running.hub.registry
        ready = time.monotonic() - started
        click.echo(
            f"homeweave demo: {len(reg.rooms)} rooms, {len(reg.devices)} devices, "
            f"ready in {ready:.2f} s"
        )
        click.echo(f"URL:   {running.url}   (open it in a browser: 'Use the admin token instead')")
        click.echo(f"token: {running.token_file.read_text().strip()}")
        click.echo(f"data:  {running.data_dir}  (config written to {CONFIG_FILE} there)")
        click.echo("try:   homeweave devices   |   homeweave set living-room-lamp/light/on true")
        click.echo("stop:  Ctrl-C", err=True)

    # The demo's devices are simulators on loopback: wait for them, so it starts complete.
    _serve(make_config, data_dir, host, port, announce, wait_for_integrations=True)


def _write_example(config: HubConfig, data_dir: Path) -> None:
    """Write the demo's config as an example to read: its tokens and keys in a private
    secrets.yaml, named by ``!secret`` tags in homeweave.yaml."""
    from homeweave.config import dump_config, dump_secrets

    secrets: dict[str, Any] = {}
    text = dump_config(config, secrets=secrets)
    write_private(data_dir / SECRETS_FILE, dump_secrets(secrets))
    write_private(data_dir / CONFIG_FILE, text)
