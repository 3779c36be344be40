"""``homeweave sim fleet``: many homes on the fleet's NATS, publishing and answering commands."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from pathlib import Path

import click

from homeweave.sim.fleet.runner import FleetSim
from homeweave.sim.signals import stop_signal

REPORT_EVERY = 10.0


@click.command("fleet")
@click.option("--homes", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--devices-per-home", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--nats", "nats_url", default="nats://127.0.0.1:4222", show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=None,
    help="State messages per second in all (default: the devices' own rates, about 0.011/s each).",
)
@click.option(
    "--tokens",
    "tokens_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each home's owner and guest token here (JSON), to call the cloud API with.",
)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--announce/--no-announce",
    default=True,
    show_default=True,
    help="Publish every device's current values once at start.",
)
def command(
    homes: int,
    devices_per_home: int,
    nats_url: str,
    rate: float | None,
    tokens_file: Path | None,
    seed: int,
    announce: bool,
) -> None:
    """Homes that publish state to JetStream and answer commands, as edge hubs do."""
    try:
        asyncio.run(_run(homes, devices_per_home, nats_url, rate, tokens_file, seed, announce))
    except OSError as exc:
        raise click.ClickException(f"cannot reach NATS at {nats_url}: {exc}") from exc


async def _run(
    homes: int,
    devices_per_home: int,
    nats_url: str,
    rate: float | None,
    tokens_file: Path | None,
    seed: int,
    announce: bool,
) -> None:
    async with stop_signal() as stop, FleetSim(nats_url, homes, devices_per_home, seed=seed) as sim:
        if tokens_file is not None:
            tokens = {h.id: {"owner": h.owner_token, "guest": h.guest_token} for h in sim.homes}
            await asyncio.to_thread(_write_private, tokens_file, json.dumps(tokens, indent=1))
        if announce:
            await sim.announce()
        per_second = sim.natural_rate if rate is None else rate
        click.echo(
            f"{homes} homes, {sim.devices} devices on {nats_url}: "
            f"{per_second:.0f} state messages/s; answering hw.<home>.cmd",
            err=True,
        )
        runner = asyncio.create_task(sim.run(rate))
        while not stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), REPORT_EVERY)
            if runner.done():
                runner.result()
            click.echo(f"published {sim.published}, commands {sim.commands}", err=True)
        runner.cancel()
    click.echo("stopped.", err=True)


def _write_private(path: Path, text: str) -> None:
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(text + "\n", encoding="utf-8")
