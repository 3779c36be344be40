"""Every MQTT discovery message the bridge publishes, checked by real Home Assistant installs.

The whole demo runs (virtual devices of every catalog model, the miIO, DIRIGERA, Hue and
Zigbee2MQTT simulators' devices) with the bridge on the real Mosquitto under a prefix of the
test's own; every retained ``<prefix>/<component>/<node>/<object>/config`` is then fed to
``tests/ha/validate.py`` run by each Home Assistant's own interpreter, which applies that
version's discovery rules and component schemas. Needs the HA environments: ``make ha-envs``
(or ``HOMEWEAVE_HA_PYTHONS=/path/to/python:...``), then ``pytest -m ha``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from homeweave.app import demo_config, running_hub
from homeweave.bridges.ha_mqtt.options import HaOptions
from homeweave.core.hub import Hub
from homeweave.model import catalog_names
from homeweave.sim.demo.parts import start_demo_parts
from tests import services
from tests.integration.test_ha_mqtt_bridge import retained

mosquitto = services.mosquitto

ROOT = Path(__file__).parents[2]
VALIDATE = ROOT / "tests" / "ha" / "validate.py"
PYTHONS_ENV = "HOMEWEAVE_HA_PYTHONS"
TIMEOUT = 20.0

EXPECTED_COMPONENTS = {
    "light",
    "switch",
    "cover",
    "climate",
    "vacuum",
    "fan",
    "number",
    "sensor",
    "binary_sensor",
    "select",
    "event",
    "button",
}
"""What the demo's devices must show up as (lamps, plugs, blinds, radiators, the robot, the
speaker's volume, the purifier, sensors, modes, button presses, actions)."""

PARTS = {"miio", "dirigera", "hue", "zigbee2mqtt"}


def ha_pythons() -> list[Path]:
    """The HA interpreters to check with: ``$HOMEWEAVE_HA_PYTHONS`` or ``.ha/*/bin/python``."""
    listed = os.environ.get(PYTHONS_ENV)
    if listed:
        return [Path(p) for p in listed.split(":") if p]
    # make ha-envs marks an install that finished; a half-installed one is not used
    return sorted(p.parent / "bin" / "python" for p in (ROOT / ".ha").glob("*/.installed"))


def validate(python: Path, prefix: str, configs: dict[str, bytes]) -> tuple[str, list[Any]]:
    """(HA version, one verdict per message) from ``validate.py`` under ``python``."""
    lines = "".join(
        json.dumps({"topic": topic, "payload": payload.decode()}) + "\n"
        for topic, payload in sorted(configs.items())
    )
    done = subprocess.run(
        [str(python), str(VALIDATE), prefix],
        input=lines,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    *verdicts, last = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return str(last["version"]), verdicts


async def all_discovered(hub: Hub, broker: str, prefix: str, base: str) -> dict[str, bytes]:
    """The retained configs once every device of the hub (those registered at run time too)
    has at least one, and two looks in a row agree."""
    previous: dict[str, bytes] | None = None
    async with asyncio.timeout(TIMEOUT):
        while True:
            configs = await retained(broker, prefix)
            nodes = {topic.split("/")[2] for topic in configs}
            integrations = {d.integration for d in hub.registry.devices.values()}
            covered = all(f"{base}_{d}" in nodes for d in hub.registry.devices)
            if covered and integrations >= PARTS and configs == previous:
                return configs
            previous = configs
            await asyncio.sleep(0.5)


@pytest.mark.ha
async def test_home_assistant_accepts_every_discovery_message(
    mosquitto: str, tmp_path: Path
) -> None:
    pythons = [p for p in ha_pythons() if p.exists()]
    if not pythons:
        pytest.skip(f"no Home Assistant to check with: run `make ha-envs` (or set {PYTHONS_ENV})")
    tag = uuid.uuid4().hex[:10]
    prefix, base = f"ha-schema-{tag}", f"hw-schema-{tag}"
    options = {"broker": mosquitto, "discovery_prefix": prefix, "base_topic": base}
    try:
        async with AsyncExitStack() as stack:
            parts = await start_demo_parts(stack)
            assert {p.integration for p in parts} == PARTS, "a demo simulator did not start"
            config = demo_config(port=0, tick=0, parts=parts)
            config = config.model_copy(
                update={"bridges": {"ha_mqtt": HaOptions.model_validate(options)}}
            )
            running = await stack.enter_async_context(running_hub(config, tmp_path, port=0))
            configs = await all_discovered(running.hub, mosquitto, prefix, base)
            devices = running.hub.registry.devices.values()
            owners = {d.id: d.integration for d in devices}
            models = {d.model for d in devices}
            settable = {
                d.id
                for d in devices
                for s in d.spec.services
                for p in s.properties
                if p.name == "mode" and p.writable and p.value_list
            }
    finally:
        await services.clear_retained(mosquitto, prefix)
        await services.clear_retained(mosquitto, base)

    lit = {owners[t.split("/")[2].removeprefix(f"{base}_")] for t in configs if "/light/" in t}
    assert lit == PARTS, "a light of every ecosystem reaches Home Assistant"
    assert models >= set(catalog_names()), "every catalog model is in the demo"
    # Modes only where the device has settable ones (catalog MIoT lamps, simulated or virtual):
    # none for Hue, IKEA or Zigbee lamps, and the Roborock S5 only reports its mode; a
    # purifier's modes are its fan's presets, not a select.
    modes = [t for t in configs if "/select/" in t and t.endswith("_mode/config")]
    mode_devices = {t.split("/")[2].removeprefix(f"{base}_") for t in modes}
    assert mode_devices <= settable
    assert {owners[d] for d in mode_devices} <= {"miio", "virtual"}
    fans = {t.split("/")[2].removeprefix(f"{base}_") for t in configs if "/fan/" in t}
    assert "starkvind" in fans
    assert f"{prefix}/sensor/{base}_robot-vacuum/vacuum_mode/config" in configs
    refused: list[str] = []
    for python in pythons:
        version, verdicts = await asyncio.to_thread(validate, python, prefix, configs)
        assert len(verdicts) == len(configs)
        refused += [f"HA {version}: {v['topic']}: {v['error']}" for v in verdicts if v["error"]]
        components = {v["component"] for v in verdicts}
        assert components >= EXPECTED_COMPONENTS, (version, EXPECTED_COMPONENTS - components)
    assert refused == [], "\n".join(refused)
