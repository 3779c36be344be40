"""A Hue bridge's CLIP v2 resources, built as data: devices and their services, rooms with their
grouped lights, and the bridge itself.

Resource ids are UUIDs derived from the bridge id and names, so a simulated home keeps its ids
across restarts (as a real bridge does). Shapes follow a real bridge dump (aiohue's fixture).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

Resource = dict[str, Any]
EPOCH = "1970-01-01T00:00:00.000Z"
_NAMESPACE = uuid.UUID("8f0c6f52-1d51-4e53-9a31-6e1f6c0d4a11")


@dataclass(frozen=True, slots=True)
class LightModel:
    """What a kind of Hue lamp can do; ``mirek`` is its colour-temperature range, if any."""

    model_id: str
    product_name: str
    archetype: str
    dimming: bool = True
    mirek: tuple[int, int] | None = None
    gamut: str | None = None
    """Colour gamut type (A, B, C) for colour lamps; None for white-only."""


LIGHT_MODELS: dict[str, LightModel] = {
    "color": LightModel("LCA001", "Hue color lamp", "sultan_bulb", mirek=(153, 500), gamut="C"),
    "play": LightModel("LCT024", "Hue play", "hue_play", mirek=(153, 500), gamut="C"),
    "go": LightModel("LCT026", "Hue go", "hue_go", mirek=(153, 500), gamut="C"),
    "ambiance": LightModel("LTA001", "Hue white ambiance lamp", "sultan_bulb", mirek=(153, 454)),
    "white": LightModel("LWA001", "Hue white lamp", "sultan_bulb"),
    "plug": LightModel("LOM001", "Hue smart plug", "plug", dimming=False),
}

GAMUTS: dict[str, dict[str, dict[str, float]]] = {
    "A": {
        "red": {"x": 0.704, "y": 0.296},
        "green": {"x": 0.2151, "y": 0.7106},
        "blue": {"x": 0.138, "y": 0.08},
    },
    "B": {
        "red": {"x": 0.675, "y": 0.322},
        "green": {"x": 0.409, "y": 0.518},
        "blue": {"x": 0.167, "y": 0.04},
    },
    "C": {
        "red": {"x": 0.6915, "y": 0.3083},
        "green": {"x": 0.17, "y": 0.7},
        "blue": {"x": 0.1532, "y": 0.0475},
    },
}

SIGNIFY = "Signify Netherlands B.V."


def ref(resource: Resource) -> dict[str, str]:
    """The ``{rid, rtype}`` reference to a resource."""
    return {"rid": resource["id"], "rtype": resource["type"]}


@dataclass
class HomeBuilder:
    """Builds the resource list of one bridge: ``room(...)``, then lamps and sensors in it."""

    bridge_id: str
    name: str = "Hue Bridge"
    resources: list[Resource] = field(default_factory=list)
    _v1: int = 0

    def __post_init__(self) -> None:
        self.bridge_id = self.bridge_id.lower()
        bridge = self._resource("bridge", "bridge")
        bridge.update(bridge_id=self.bridge_id, time_zone={"time_zone": "Europe/Amsterdam"})
        device = self._device(
            "bridge", self.name, "BSB002", "Hue Bridge", "bridge_v2", "1.67.1967054020", [bridge]
        )
        bridge["owner"] = ref(device)
        home = self._resource("bridge_home", "home")
        home.update(children=[], services=[])
        home["services"].append(ref(self._grouped_light(home)))

    def room(self, name: str, archetype: str = "other") -> str:
        """Add a room with its grouped light; returns the room id."""
        room = self._resource("room", name, v1="groups")
        room.update(children=[], services=[], metadata={"name": name, "archetype": archetype})
        room["services"].append(ref(self._grouped_light(room)))
        self._find("bridge_home")["children"].append(ref(room))
        return str(room["id"])

    def light(
        self,
        name: str,
        room: str,
        kind: str = "color",
        *,
        on: bool = False,
        brightness: float = 100.0,
        mirek: int | None = 366,
    ) -> str:
        """Add a lamp of a kind in ``LIGHT_MODELS`` to a room; returns the light's id."""
        model = LIGHT_MODELS[kind]
        light = self._resource("light", name, v1="lights")
        light.update(
            metadata={"name": name, "archetype": model.archetype, "function": "mixed"},
            on={"on": on},
            mode="normal",
            dynamics={
                "status": "none",
                "status_values": ["none"],
                "speed": 0.0,
                "speed_valid": False,
            },
            alert={"action_values": ["breathe"]},
            signaling={"signal_values": ["no_signal", "on_off"]},
            identify={},
            service_id=0,
        )
        if model.dimming:
            light["dimming"] = {"brightness": brightness, "min_dim_level": 0.2}
            light["dimming_delta"] = {}
        if model.mirek is not None:
            low, high = model.mirek
            valid = mirek is not None
            light["color_temperature"] = {
                "mirek": min(max(mirek, low), high) if mirek is not None else None,
                "mirek_valid": valid,
                "mirek_schema": {"mirek_minimum": low, "mirek_maximum": high},
            }
            light["color_temperature_delta"] = {}
        if model.gamut is not None:
            light["color"] = {
                "xy": {"x": 0.4573, "y": 0.41},
                "gamut": GAMUTS[model.gamut],
                "gamut_type": model.gamut,
            }
        self._add_device(name, room, model.model_id, model.product_name, model.archetype, [light])
        return str(light["id"])

    def motion_sensor(self, name: str, room: str, *, lux: int = 120, celsius: float = 21.0) -> str:
        """Add a Hue motion sensor (motion, light level, temperature, battery); returns the
        device id."""
        motion = self._resource("motion", name, v1="sensors")
        motion.update(
            enabled=True,
            motion={
                "motion": False,
                "motion_valid": True,
                "motion_report": {"changed": EPOCH, "motion": False},
            },
            sensitivity={"sensitivity": 2, "sensitivity_max": 4, "status": "set"},
        )
        level = self._resource("light_level", name, v1="sensors")
        level.update(enabled=True, light=light_level_feature(lux_to_light_level(lux)))
        temperature = self._resource("temperature", name, v1="sensors")
        temperature.update(enabled=True, temperature=temperature_feature(celsius))
        services = [motion, level, temperature, self._battery(name), self._zigbee(name)]
        device = self._add_device(
            name, room, "SML001", "Hue motion sensor", "unknown_archetype", services, zigbee=False
        )
        return str(device["id"])

    def dimmer_switch(self, name: str, room: str) -> str:
        """Add a Hue dimmer switch (four buttons, battery); returns the device id."""
        buttons = []
        for control_id in (1, 2, 3, 4):
            button = self._resource("button", f"{name}#{control_id}", v1="sensors")
            button.update(
                metadata={"control_id": control_id},
                button={
                    "event_values": [
                        "initial_press",
                        "repeat",
                        "short_release",
                        "long_release",
                        "long_press",
                    ],
                    "repeat_interval": 800,
                },
            )
            buttons.append(button)
        services = [*buttons, self._battery(name), self._zigbee(name)]
        device = self._add_device(
            name, room, "RWL021", "Hue dimmer switch", "unknown_archetype", services, zigbee=False
        )
        return str(device["id"])

    # --- internals ---------------------------------------------------------------------------
    def _id(self, rtype: str, name: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.bridge_id}/{rtype}/{name}"))

    def _resource(self, rtype: str, name: str, *, v1: str | None = None) -> Resource:
        resource: Resource = {"id": self._id(rtype, name), "type": rtype}
        if v1 is not None:
            self._v1 += 1
            resource["id_v1"] = f"/{v1}/{self._v1}"
        self.resources.append(resource)
        return resource

    def _find(self, rtype: str, rid: str | None = None) -> Resource:
        return next(
            r for r in self.resources if r["type"] == rtype and (rid is None or r["id"] == rid)
        )

    def _grouped_light(self, owner: Resource) -> Resource:
        group = self._resource("grouped_light", owner["id"], v1="groups")
        group.update(
            owner=ref(owner),
            on={"on": False},
            dimming={"brightness": 0.0},
            dimming_delta={},
            color_temperature={},
            color_temperature_delta={},
            alert={"action_values": ["breathe"]},
            signaling={"signal_values": ["no_signal", "on_off"]},
            dynamics={},
        )
        return group

    def _battery(self, name: str) -> Resource:
        power = self._resource("device_power", name)
        power["power_state"] = {"battery_level": 100, "battery_state": "normal"}
        return power

    def _zigbee(self, name: str) -> Resource:
        zigbee = self._resource("zigbee_connectivity", name)
        self._v1 += 1
        mac = f"00:17:88:01:{self._v1 // 256:02x}:{self._v1 % 256:02x}:00:01"
        zigbee.update(status="connected", mac_address=mac)
        return zigbee

    def _device(
        self,
        key: str,
        name: str,
        model_id: str,
        product: str,
        archetype: str,
        version: str,
        services: list[Resource],
    ) -> Resource:
        device = self._resource("device", key)
        device.update(
            metadata={"name": name, "archetype": archetype},
            product_data={
                "model_id": model_id,
                "manufacturer_name": SIGNIFY,
                "product_name": product,
                "product_archetype": archetype,
                "certified": True,
                "software_version": version,
            },
            services=[ref(s) for s in services],
            identify={},
        )
        for service in services:
            service["owner"] = ref(device)
        return device

    def _add_device(
        self,
        name: str,
        room: str,
        model_id: str,
        product: str,
        archetype: str,
        services: list[Resource],
        *,
        zigbee: bool = True,
    ) -> Resource:
        if zigbee:
            services = [*services, self._zigbee(name)]
        device = self._device(name, name, model_id, product, archetype, "1.116.3", services)
        self._find("room", room)["children"].append(ref(device))
        return device


def lux_to_light_level(lux: float) -> int:
    """Hue's logarithmic light level: ``10000 * log10(lux) + 1``."""
    return 0 if lux <= 0 else round(10000 * math.log10(lux) + 1)


def light_level_feature(level: int, changed: str = EPOCH) -> dict[str, Any]:
    """The ``light`` feature of a light_level resource."""
    return {
        "light_level": level,
        "light_level_valid": True,
        "light_level_report": {"changed": changed, "light_level": level},
    }


def temperature_feature(celsius: float, changed: str = EPOCH) -> dict[str, Any]:
    """The ``temperature`` feature of a temperature resource."""
    return {
        "temperature": celsius,
        "temperature_valid": True,
        "temperature_report": {"changed": changed, "temperature": celsius},
    }


def sample_home(bridge_id: str) -> list[Resource]:
    """A small furnished home for ``homeweave sim hue``: lamps of every kind, a motion sensor and
    a dimmer switch in three rooms."""
    home = HomeBuilder(bridge_id)
    living = home.room("Living room", "living_room")
    kitchen = home.room("Kitchen", "kitchen")
    hallway = home.room("Hallway", "hallway")
    home.light("Hue Play", living, "play", on=True, brightness=70.0)
    home.light("Hue Go", living, "go")
    home.light("Kitchen pendant", kitchen, "ambiance", mirek=250)
    home.light("Hallway bulb", hallway, "white", on=True, brightness=40.0)
    home.light("Coffee plug", kitchen, "plug")
    home.motion_sensor("Hallway sensor", hallway, lux=40, celsius=19.5)
    home.dimmer_switch("Living room dimmer", living)
    return home.resources
