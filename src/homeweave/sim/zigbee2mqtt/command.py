"""``homeweave sim zigbee2mqtt``: run the Zigbee2MQTT simulator alone against any broker."""

from __future__ import annotations

import asyncio
import contextlib

import click

from homeweave.sim.signals import stop_signal
from homeweave.sim.zigbee2mqtt.behaviours import Rates
from homeweave.sim.zigbee2mqtt.simulator import Z2MSimulator, parse_broker


@click.command(name="zigbee2mqtt")
@click.option(
    "--broker",
    default="mqtt://127.0.0.1:1883",
    show_default=True,
    help="The MQTT broker to publish on, as mqtt://HOST:PORT.",
)
@click.option("--base-topic", default="zigbee2mqtt", show_default=True, help="Z2M base topic.")
@click.option(
    "--z2m-version",
    type=click.Choice(["1", "2"]),
    default="2",
    show_default=True,
    help="Speak Zigbee2MQTT 1.x or 2.x payloads.",
)
@click.option("--tick", type=float, default=1.0, show_default=True, help="Seconds per step.")
@click.option(
    "--report-interval",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds between climate sensor reports.",
)
@click.option("--seed", type=int, default=None, help="Random seed for reproducible readings.")
@click.option(
    "--retain-state/--no-retain-state",
    default=True,
    show_default=True,
    help="Publish device states retained (Zigbee2MQTT's per-device 'retain' option).",
)
def command(
    broker: str,
    base_topic: str,
    z2m_version: str,
    tick: float,
    report_interval: float,
    seed: int | None,
    retain_state: bool,
) -> None:
    """Simulate Zigbee2MQTT with Aqara and IKEA devices on an MQTT broker."""
    try:
        parse_broker(broker)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--broker") from None
    simulator = Z2MSimulator(
        broker,
        base_topic,
        version=int(z2m_version),
        tick=tick,
        seed=seed,
        retain_state=retain_state,
        rates=Rates(report_interval=report_interval),
        reconnect_delay=1.0,
    )

    async def run() -> None:
        async with stop_signal() as stop, simulator:
            click.echo(
                f"zigbee2mqtt simulator {z2m_version}.x on {broker}, base topic {base_topic!r}: "
                + ", ".join(simulator.devices)
            )
            click.echo("stop: Ctrl-C", err=True)
            await stop.wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
