"""A ``thermostat`` service as one HA MQTT climate entity.

Modes come from the mode value list (``Heat`` -> ``heat``); descriptions HA has no hvac mode for
(``Eco``) become presets; ``on`` = False is HA's ``off``. The room temperature and humidity are
read from the thermostat's own service, else from any other service of the device.
A ``fan-level`` value list gives HA's fan modes.
State: ``{"mode", "preset", "target", "current", "humidity", "action", "fan"}``.
"""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
    Address,
    BadCommand,
    Entity,
    EntityTopics,
    Op,
    Read,
    Set,
    number_of,
    text_of,
    value_at,
)
from homeweave.bridges.ha_mqtt.tables import HVAC_ACTIONS, HVAC_MODES, PRESET_NONE
from homeweave.model import DeviceSpec, Format, Property, Service
from homeweave.model.units import normalize

TEMPERATURE_UNITS = {"celsius": "C", "fahrenheit": "F"}  # canonical unit -> HA's letter


def climate_entity(
    spec: DeviceSpec, service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The climate entity for a service with a target temperature; None otherwise."""
    target = service.properties.find("target-temperature")
    if target is None or not target.numeric:
        return None
    climate = _Climate(spec, service, target)
    own = [
        p for p in (target, climate.on, climate.mode, climate.status, climate.fan) if p is not None
    ]
    claims = frozenset((service.iid, p.iid) for p in own)
    current = climate.current
    if current is not None and current[0] == service.iid:
        claims |= {current}
    reads = claims | {a for a in (current, climate.humidity) if a is not None}
    return Entity(
        "climate",
        key,
        name,
        climate.config(topics),
        reads=frozenset(reads),
        render=climate.render,
        command=climate.command,
        claims=claims,
    )


def _near(spec: DeviceSpec, service: Service, name: str) -> Address | None:
    """The first readable ``name``, in the thermostat's service first, then the others."""
    services = [service, *(s for s in spec.services if s.iid != service.iid)]
    for svc in services:
        prop = svc.properties.find(name)
        if prop is not None and prop.numeric and (prop.readable or prop.notifies):
            return svc.iid, prop.iid
    return None


class _Climate:
    def __init__(self, spec: DeviceSpec, service: Service, target: Property) -> None:
        self.service = service
        self.target = target
        on = service.properties.find("on")
        self.on = on if on is not None and on.format is Format.BOOL else None
        mode = service.properties.find("mode")
        self.mode = mode if mode is not None and mode.value_list else None
        status = service.properties.find("status")
        self.status = status if status is not None and status.value_list else None
        fan = service.properties.find("fan-level")
        self.fan = fan if fan is not None and fan.writable and fan.value_list else None
        fan_choices = self.fan.value_list if self.fan is not None else ()
        self.fan_modes = {
            c.value: c.description.strip().lower() or str(c.value) for c in fan_choices
        }
        self.current = _near(spec, service, "temperature")
        self.humidity = _near(spec, service, "relative-humidity")
        self.hvac: dict[int, str] = {}  # mode value -> HA hvac mode
        self.presets: dict[int, str] = {}  # mode value -> HA preset
        for choice in self.mode.value_list if self.mode else ():
            label = choice.description.strip().lower()
            if label in HVAC_MODES:
                self.hvac[choice.value] = HVAC_MODES[label]
            elif label and label != PRESET_NONE:
                self.presets[choice.value] = label

    def modes(self) -> list[str]:
        modes = list(dict.fromkeys(self.hvac.values()))
        if self.presets and "heat" not in modes:
            modes.append("heat")  # a preset (eco) runs as some kind of heating
        if not modes:
            modes = ["heat"]
        if self.on is not None and "off" not in modes:
            modes.insert(0, "off")
        return modes

    def config(self, topics: EntityTopics) -> dict[str, Any]:
        config: dict[str, Any] = {
            "modes": self.modes(),
            "temperature_command_topic": topics.command("temperature"),
            "temperature_state_topic": topics.state,
            "temperature_state_template": "{{ value_json.target }}",
            "temperature_unit": TEMPERATURE_UNITS.get(
                normalize(self.target.unit) or "celsius", "C"
            ),
        }
        if self.mode is not None or self.on is not None:
            config.update(
                mode_command_topic=topics.command("mode"),
                mode_state_topic=topics.state,
                mode_state_template="{{ value_json.mode }}",
            )
        if self.presets:
            config.update(
                preset_modes=list(dict.fromkeys(self.presets.values())),
                preset_mode_command_topic=topics.command("preset"),
                preset_mode_state_topic=topics.state,
                preset_mode_value_template="{{ value_json.preset }}",
            )
        if self.current is not None:
            config.update(
                current_temperature_topic=topics.state,
                current_temperature_template="{{ value_json.current }}",
            )
        if self.humidity is not None:
            config.update(
                current_humidity_topic=topics.state,
                current_humidity_template="{{ value_json.humidity }}",
            )
        if self.status is not None:
            config.update(action_topic=topics.state, action_template="{{ value_json.action }}")
        if self.fan is not None:
            config.update(
                fan_modes=list(dict.fromkeys(self.fan_modes.values())),
                fan_mode_command_topic=topics.command("fan"),
                fan_mode_state_topic=topics.state,
                fan_mode_state_template="{{ value_json.fan }}",
            )
        rng = self.target.value_range
        if rng is not None:
            config.update(min_temp=rng.min, max_temp=rng.max)
            if rng.step:
                config["temp_step"] = rng.step
        step = rng.step if rng is not None else 0
        config["precision"] = 1.0 if step >= 1 else 0.5 if step == 0.5 else 0.1
        return config

    def render(self, read: Read) -> dict[str, Any] | None:
        state: dict[str, Any] = {}
        target = value_at(read, (self.service.iid, self.target.iid))
        if target is not None:
            state["target"] = target
        for name, address in (("current", self.current), ("humidity", self.humidity)):
            value = value_at(read, address)
            if value is not None:
                state[name] = value
        mode = value_at(read, self._at(self.mode))
        on = value_at(read, self._at(self.on))
        if on is False:
            state["mode"], state["preset"] = "off", PRESET_NONE
        elif isinstance(mode, int):
            state["mode"] = self.hvac.get(mode, "heat")
            state["preset"] = self.presets.get(mode, PRESET_NONE)
        elif on is True:
            state["mode"], state["preset"] = self.modes()[-1], PRESET_NONE
        status = value_at(read, self._at(self.status))
        if on is False:
            state["action"] = "off"
        elif isinstance(status, int) and self.status is not None:
            choice = self.status.choice(status)
            label = choice.description.strip().lower() if choice else ""
            state["action"] = HVAC_ACTIONS.get(label, "idle")
        fan = value_at(read, self._at(self.fan))
        if isinstance(fan, int) and fan in self.fan_modes:
            state["fan"] = self.fan_modes[fan]
        return state or None

    def _at(self, prop: Property | None) -> Address | None:
        return None if prop is None else (self.service.iid, prop.iid)

    def _set(self, prop: Property, value: bool | int | float) -> Set:
        return Set(f"{self.service.key}/{prop.key}", value)

    def command(self, field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if field == "temperature":
            return [self._set(self.target, number_of(text, "temperature"))]
        if field == "mode":
            return self._mode(text.lower())
        if field == "preset":
            return self._preset(text.lower())
        if field == "fan" and self.fan is not None:
            value = next((v for v, m in self.fan_modes.items() if m == text.lower()), None)
            if value is None:
                raise BadCommand(f"fan: expected one of {list(self.fan_modes.values())}")
            return [self._set(self.fan, value)]
        raise BadCommand(f"unknown climate command topic /set/{field}")

    def _mode(self, wanted: str) -> list[Op]:
        if wanted not in self.modes():
            raise BadCommand(f"mode: expected one of {self.modes()}, got {wanted!r}")
        if wanted == "off" and self.on is not None:
            return [self._set(self.on, False)]
        ops: list[Op] = [self._set(self.on, True)] if self.on is not None else []
        value = next((v for v, m in self.hvac.items() if m == wanted), None)
        if value is None and wanted == "heat" and self.presets:
            value = next(iter(self.presets))
        if value is not None and self.mode is not None:
            ops.append(self._set(self.mode, value))
        return ops

    def _preset(self, wanted: str) -> list[Op]:
        if wanted == PRESET_NONE:  # back to the first plain mode (heat, auto, ...)
            plain = next((m for m in self.hvac.values() if m != "off"), None)
            return self._mode(plain) if plain is not None else []
        value = next((v for v, p in self.presets.items() if p == wanted), None)
        if value is None or self.mode is None:
            raise BadCommand(
                f"preset: expected one of {list(self.presets.values())}, got {wanted!r}"
            )
        ops: list[Op] = [self._set(self.on, True)] if self.on is not None else []
        return [*ops, self._set(self.mode, value)]
