"""``homeweave sim miio``: simulated Xiaomi devices on loopback, for testing any miIO client."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from pathlib import Path

import click

from homeweave.errors import SpecError
from homeweave.model import DeviceSpec, load_spec_file
from homeweave.protocols.miio.errors import InvalidToken
from homeweave.protocols.miio.protocol import DEFAULT_PORT, Token
from homeweave.sim.miio.fleet import FIRST_HOST, Fleet, SimInfo, kinds, spec_model
from homeweave.sim.miio.server import Faults
from homeweave.sim.signals import stop_signal


def _table(infos: list[SimInfo]) -> str:
    headers = ("address", "port", "did", "model", "token", "spec")
    rows = [(i.address, str(i.port), str(i.did), i.model, i.token, i.spec) for i in infos]
    widths = [max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


async def _serve(
    models: list[str],
    specs: list[tuple[Path, DeviceSpec]],
    count: int,
    host: str,
    port: int,
    token: bytes | None,
    faults: Faults,
    seed: int | None,
    as_json: bool,
) -> None:
    async with (
        stop_signal() as stop,
        Fleet(first_host=host, port=port, faults=faults, seed=seed) as fleet,
    ):
        for _ in range(count):
            for model in models:
                await fleet.add(model, token=token)
            for path, spec in specs:
                model = spec_model(spec, path.name)
                await fleet.add_spec(spec, str(path), model=model, token=token)
        if as_json:
            click.echo(json.dumps([i.as_dict() for i in fleet.infos], indent=2))
        else:
            click.echo(_table(fleet.infos))
        click.echo(f"{len(fleet.sims)} miIO simulators running; Ctrl-C to stop", err=True)
        await stop.wait()


@click.command(name="miio")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
@click.option(
    "--model",
    "models",
    multiple=True,
    type=click.Choice(kinds()),
    help="Only these (repeatable; default: every catalog spec and legacy model).",
)
@click.option(
    "--spec",
    "spec_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also simulate the device a MIoT spec instance file describes (repeatable); it "
    "reports the file's name as its model when that is one (xiaomi.airp.mb5.json).",
)
@click.option(
    "--count",
    type=click.IntRange(1, 5000),
    default=1,
    show_default=True,
    help="Devices of each model.",
)
@click.option(
    "--host",
    default=FIRST_HOST,
    show_default=True,
    help="First loopback address (with port 54321, each device gets the next one).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="54321: one address per device; other: all on --host, ports from here (0: any free port).",
)
@click.option("--token", default=None, help="One token (32 hex) for all; default: random each.")
@click.option("--drop", type=click.FloatRange(0, 1), default=0.0, help="Share of packets lost.")
@click.option("--delay", type=click.FloatRange(0), default=0.0, help="Seconds before each reply.")
@click.option("--seed", type=int, default=None, help="Make dids, tokens and behaviour repeatable.")
def command(
    as_json: bool,
    models: tuple[str, ...],
    spec_files: tuple[Path, ...],
    count: int,
    host: str,
    port: int,
    token: str | None,
    drop: float,
    delay: float,
    seed: int | None,
) -> None:
    """Run simulated Xiaomi miIO/MIoT devices and print address, port, did, model and token."""
    try:
        loopback = ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise click.BadParameter(
            "simulators listen on loopback only (127.x.x.x)", param_hint="--host"
        )
    try:
        raw = Token.from_hex(token).raw if token else None
    except InvalidToken as exc:
        raise click.BadParameter(str(exc), param_hint="--token") from None
    try:
        specs = [(path, load_spec_file(path)) for path in spec_files]
    except SpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--spec") from None
    faults = Faults(drop=drop, delay=delay)
    chosen = list(models) or ([] if specs else kinds())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(chosen, specs, count, host, port, raw, faults, seed, as_json))
