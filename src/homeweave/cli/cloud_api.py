"""``homeweave cloud api``: serve the fleet's REST API (one stateless replica)."""

from __future__ import annotations

import asyncio

import click

from homeweave.cli.connect import fail_cleanly
from homeweave.errors import HomeweaveError
from homeweave.sim.signals import stop_signal


@click.command("api")
@click.option("--nats", "nats_url", default="nats://127.0.0.1:4222", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8330, show_default=True, type=int)
@click.option(
    "--command-timeout",
    default=5.0,
    show_default=True,
    type=float,
    help="Seconds a home has to answer a command before the API answers 504.",
)
@fail_cleanly
def api(nats_url: str, host: str, port: int, command_timeout: float) -> None:
    """Serve /api/homes/... for every home of the fleet (run as many replicas as you like)."""
    import nats.errors

    from homeweave.api.server import ApiServer
    from homeweave.cloud.api import connected, create_cloud_app

    async def serve() -> None:
        async with stop_signal() as stop:
            try:
                fleet_ctx = connected(nats_url, command_timeout=command_timeout)
                async with (
                    fleet_ctx as fleet,
                    ApiServer(create_cloud_app(fleet), host, port) as server,
                ):
                    click.echo(f"homeweave cloud api on {server.url} (NATS {nats_url})", err=True)
                    await stop.wait()
            except (OSError, nats.errors.NoServersError) as exc:
                raise HomeweaveError(f"cannot reach NATS at {nats_url}: {exc}") from exc

    asyncio.run(serve())
