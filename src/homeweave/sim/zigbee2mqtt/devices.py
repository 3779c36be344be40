"""The simulated Zigbee network: real Aqara and IKEA devices as Zigbee2MQTT describes them.

Devices are data, not code: ``definitions/<model>.json`` holds each model's definition as
zigbee-herdsman-converters publishes it (``exposes``, ``options``; see definitions/SOURCE.md)
plus a ``simulator`` part saying what the device reports about itself, what state it starts
in and which behaviour (behaviours.py) it acts by. ``definitions/network.json`` places them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from homeweave.sim.zigbee2mqtt.exposes import Expose, linkquality

DATA = "definitions"
NETWORK_FILE = "network.json"


class DefinitionError(ValueError):
    """A definition file that is not what the simulator needs."""


@dataclass(frozen=True)
class Definition:
    """What zigbee-herdsman-converters knows of a model, and how it behaves here."""

    model: str
    vendor: str
    description: str
    model_id: str  # the Zigbee modelID the device reports
    manufacturer: str  # the Zigbee manufacturerName
    behaviour: str
    published: list[Expose]  # the exposes as zigbee-herdsman-converters gives them (2.x)
    initial: dict[str, Any]
    device_type: str = "EndDevice"
    power_source: str = "Battery"
    software_build_id: str = ""
    date_code: str = ""
    options: list[Expose] = field(default_factory=list)
    v1_replace: dict[str, list[Expose]] = field(default_factory=dict)
    """Exposes that Zigbee2MQTT 1.x describes differently, by name."""
    load: float = 0.0
    """Watts a metering plug draws while on."""

    def exposes(self, version: int) -> list[Expose]:
        """The exposes as Zigbee2MQTT ``version`` (1 or 2) lists them in ``bridge/devices``;
        Zigbee2MQTT adds ``linkquality`` to every device."""
        listed: list[Expose] = []
        for expose in self.published:
            name = expose.get("name")
            if version < 2 and isinstance(name, str) and name in self.v1_replace:
                listed += copy.deepcopy(self.v1_replace[name])
            else:
                listed.append(copy.deepcopy(expose))
        return [*listed, linkquality()]

    def expose(self, name: str) -> Expose | None:
        """The published expose (top level or a feature of a specific one) called ``name``."""
        for expose in self.published:
            if expose.get("name") == name or expose.get("property") == name:
                return expose
            for feature in expose.get("features") or ():
                if feature.get("name") == name or feature.get("property") == name:
                    return dict(feature)
        return None


def parse_definition(document: Any) -> Definition:
    """A definition file's content as a Definition; DefinitionError if it lacks a part."""
    try:
        sim = document["simulator"]
        return Definition(
            model=str(document["model"]),
            vendor=str(document["vendor"]),
            description=str(document["description"]),
            model_id=str(sim["zigbee_model"]),
            manufacturer=str(sim["manufacturer"]),
            behaviour=str(sim["behaviour"]),
            published=list(document["exposes"]),
            initial=dict(sim["initial"]),
            device_type=str(sim.get("device_type", "EndDevice")),
            power_source=str(sim.get("power_source", "Battery")),
            software_build_id=str(sim.get("software_build_id", "")),
            date_code=str(sim.get("date_code", "")),
            options=list(document.get("options", [])),
            v1_replace={k: list(v) for k, v in sim.get("v1", {}).get("replace", {}).items()},
            load=float(sim.get("load", 0.0)),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DefinitionError(f"not a simulator definition: {exc!r}") from exc


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(DATA, name).read_text("utf-8"))


@cache
def definitions() -> dict[str, Definition]:
    """Every model the simulator knows, by Zigbee2MQTT model name."""
    found: dict[str, Definition] = {}
    for entry in sorted(resources.files(__package__).joinpath(DATA).iterdir(), key=str):
        if entry.name.endswith(".json") and entry.name != NETWORK_FILE:
            definition = parse_definition(_read(entry.name))
            found[definition.model] = definition
    return found


@dataclass(frozen=True)
class Placement:
    """One device of the simulated network: its model, friendly name and IEEE address."""

    model: str
    friendly_name: str
    ieee: str
    network_address: int


def _network() -> tuple[str, list[Placement]]:
    document = _read(NETWORK_FILE)
    places = [
        Placement(d["model"], d["friendly_name"], d["ieee"], int(d["network_address"]))
        for d in document["devices"]
    ]
    return str(document["coordinator"]), places


DEFINITIONS: dict[str, Definition] = definitions()
COORDINATOR_IEEE, NETWORK = _network()
"""The default network: every definition once."""
