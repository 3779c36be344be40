"""A ``light`` service as one HA MQTT light with ``schema: json``.

State: ``{"state": "ON", "brightness": 0..255, "color_mode": "color_temp", "color_temp": <mireds>,
"color": {"r", "g", "b"}}``; commands are the same shape (HA sends only what changes).
"""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.convert import (
    brightness_from_ha,
    brightness_to_ha,
    kelvin_from_ha,
    mired_range,
    rgb_to_ha,
)
from homeweave.bridges.ha_mqtt.entity import (
    BadCommand,
    Entity,
    EntityTopics,
    Op,
    Read,
    Set,
    json_object,
    number_of,
)
from homeweave.model import Format, Property, Service, ValueRange
from homeweave.model.color import kelvin_to_mired, rgb_pack

DEFAULT_BRIGHTNESS = ValueRange(0, 100, 1)
DEFAULT_KELVIN = ValueRange(2000, 6500, 1)


def _find(service: Service, name: str, fmt: Format | None = None) -> Property | None:
    prop = service.properties.find(name)
    if prop is None or not (prop.readable or prop.writable):
        return None
    if fmt is Format.BOOL and prop.format is not Format.BOOL:
        return None
    if fmt is not Format.BOOL and not prop.numeric:
        return None
    return prop


def light_entity(
    service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The JSON-schema light for a service with a writable ``on``; None otherwise."""
    on = _find(service, "on", Format.BOOL)
    if on is None or not on.writable:
        return None
    parts = _Parts(
        service,
        on,
        _find(service, "brightness"),
        _find(service, "color-temperature"),
        _find(service, "color"),
    )
    used = [p for p in (on, parts.brightness, parts.kelvin, parts.color) if p is not None]
    addresses = frozenset((service.iid, p.iid) for p in used)
    return Entity(
        "light",
        key,
        name,
        parts.config(topics),
        reads=addresses,
        render=parts.render,
        command=parts.command,
        claims=addresses,
    )


class _Parts:
    """The light's properties, and the conversions between them and HA's JSON light."""

    def __init__(
        self,
        service: Service,
        on: Property,
        brightness: Property | None,
        kelvin: Property | None,
        color: Property | None,
    ) -> None:
        self.service = service
        self.on = on
        self.brightness = brightness
        self.kelvin = kelvin
        self.color = color
        self.brightness_range = (brightness and brightness.value_range) or DEFAULT_BRIGHTNESS
        self.kelvin_range = (kelvin and kelvin.value_range) or DEFAULT_KELVIN

    def modes(self) -> list[str]:
        modes = [m for m, p in (("color_temp", self.kelvin), ("rgb", self.color)) if p is not None]
        if modes:
            return modes
        return ["brightness"] if self.brightness is not None else ["onoff"]

    def config(self, topics: EntityTopics) -> dict[str, Any]:
        config: dict[str, Any] = {
            "schema": "json",
            "state_topic": topics.state,
            "command_topic": topics.command(),
            # HA 2024.3 refuses a JSON light with the modes but not this flag ("some but not
            # all values in the same group of inclusion"); 2025.4 accepts it, logging that the
            # option is gone
            "color_mode": True,
            "supported_color_modes": self.modes(),
            "brightness": self.brightness is not None,
        }
        if self.kelvin is not None:
            config["min_mireds"], config["max_mireds"] = mired_range(self.kelvin_range)
        return config

    def address(self, prop: Property) -> str:
        return f"{self.service.key}/{prop.key}"

    def render(self, read: Read) -> dict[str, Any] | None:
        on = read(self.service.iid, self.on.iid)
        if on is None:
            return None
        state: dict[str, Any] = {"state": "ON" if on.value else "OFF"}
        if self.brightness is not None:
            level = read(self.service.iid, self.brightness.iid)
            if level is not None:
                state["brightness"] = brightness_to_ha(float(level.value), self.brightness_range)
        kelvin = read(self.service.iid, self.kelvin.iid) if self.kelvin else None
        color = read(self.service.iid, self.color.iid) if self.color else None
        if kelvin is not None:
            state["color_temp"] = kelvin_to_mired(float(kelvin.value))
        if color is not None:
            state["color"] = rgb_to_ha(int(color.value))
        # The mode is whichever was set last: HA shows one of them at a time.
        if color is not None and (kelvin is None or color.changed_at > kelvin.changed_at):
            state["color_mode"] = "rgb"
        elif kelvin is not None:
            state["color_mode"] = "color_temp"
        elif self.kelvin is None and self.color is None:
            state["color_mode"] = self.modes()[0]
        return state

    def command(self, field: str, payload: bytes) -> list[Op]:
        data = json_object(payload)
        switch = data.get("state", "ON")
        if not isinstance(switch, str) or switch.upper() not in ("ON", "OFF"):
            raise BadCommand(f"state: expected ON or OFF, got {switch!r}")
        if switch.upper() == "OFF":
            return [Set(self.address(self.on), False)]
        ops: list[Op] = [Set(self.address(self.on), True)]
        if "brightness" in data and self.brightness is not None:
            level = number_of(data["brightness"], "brightness")
            if level <= 0:
                return [Set(self.address(self.on), False)]
            ops.append(
                Set(self.address(self.brightness), brightness_from_ha(level, self.brightness_range))
            )
        if "color_temp" in data and self.kelvin is not None:
            mired = number_of(data["color_temp"], "color_temp")
            ops.append(Set(self.address(self.kelvin), kelvin_from_ha(mired, self.kelvin_range)))
        if "color" in data and self.color is not None:
            ops.append(Set(self.address(self.color), _packed(data["color"])))
        return ops


def _packed(color: object) -> int:
    if not isinstance(color, dict):
        raise BadCommand(f"color: expected {{r, g, b}}, got {color!r}")
    try:
        channels = [number_of(color[c], f"color.{c}") for c in "rgb"]
    except KeyError as exc:
        raise BadCommand(f"color: missing {exc.args[0]!r} (only r, g, b are supported)") from None
    try:
        return rgb_pack(*(round(c) for c in channels))
    except ValueError as exc:
        raise BadCommand(f"color: {exc}") from None
