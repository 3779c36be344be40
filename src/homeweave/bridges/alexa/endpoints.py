"""One device as one Alexa endpoint: its display category and capabilities, found from the
standard names of its services and properties (see ``capabilities``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from homeweave.bridges.alexa.capabilities import Capability, Read, asset_names, interface
from homeweave.bridges.alexa.climate import Temperature, Thermostat
from homeweave.bridges.alexa.colour import Color, ColorTemperature
from homeweave.bridges.alexa.devices import PLAYBACK, Detection, Lock, Playback
from homeweave.bridges.alexa.levels import Brightness, Mode, Power, Range, Volume
from homeweave.bridges.alexa.messages import Json, Prop
from homeweave.core.registry import Device
from homeweave.model import Format, Property, Service

HEALTH = "Alexa.EndpointHealth"

CATEGORIES: dict[str, str] = {
    "light": "LIGHT",
    "outlet": "SMARTPLUG",
    "switch": "SWITCH",
    "curtain": "INTERIOR_BLIND",
    "thermostat": "THERMOSTAT",
    "temperature-humidity-sensor": "TEMPERATURE_SENSOR",
    "air-monitor": "TEMPERATURE_SENSOR",
    "speaker": "SPEAKER",
    "magnet-sensor": "CONTACT_SENSOR",
    "motion-sensor": "MOTION_SENSOR",
    "lock": "SMARTLOCK",
    # Alexa has AIR_PURIFIER now, but Amazon's published message schema (2021) does not:
    # FAN is what the schema accepts and what Alexa shows with a fan's controls.
    "air-purifier": "FAN",
    "fan": "FAN",
}
"""Our device type (its standard name) -> Alexa's display category; OTHER otherwise."""

BY_INTERFACE: dict[str, str] = {
    "Alexa.ThermostatController": "THERMOSTAT",
    "Alexa.BrightnessController": "LIGHT",
    "Alexa.ColorController": "LIGHT",
    "Alexa.Speaker": "SPEAKER",
    "Alexa.ContactSensor": "CONTACT_SENSOR",
    "Alexa.MotionSensor": "MOTION_SENSOR",
    "Alexa.TemperatureSensor": "TEMPERATURE_SENSOR",
    "Alexa.PowerController": "SWITCH",
}
"""For a device type not in CATEGORIES: the category of its first telling interface."""


@dataclass(slots=True)
class Endpoint:
    """A device as Alexa sees it."""

    device: Device
    capabilities: list[Capability]
    category: str
    reads: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    @property
    def endpoint_id(self) -> str:
        """Our device id (a slug, so within Alexa's endpointId alphabet)."""
        return self.device.id

    def discovery(self, manufacturer: str | None, model: str | None) -> Json:
        """The endpoint object of Discovery and AddOrUpdateReport."""
        made_by = manufacturer or "homeweave"
        what = " ".join(p for p in (manufacturer, model) if p) or self.device.spec.description
        found: Json = {
            "endpointId": self.endpoint_id,
            "friendlyName": self.device.name[:128],
            "description": f"{what} via homeweave"[:128],
            "manufacturerName": made_by[:128],
            "displayCategories": [self.category],
            "cookie": {},
            "capabilities": [
                interface("Alexa"),
                *(c.discovery() for c in self.capabilities),
                interface(HEALTH, ["connectivity"]),
            ],
        }
        return found

    def props(self, read: Read, at: float) -> list[Prop]:
        """Every property's current value, connectivity included."""
        props = [p for c in self.capabilities for p in c.props(read)]
        health = "OK" if self.device.available else "UNREACHABLE"
        return [*props, Prop(HEALTH, "connectivity", {"value": health}, at)]

    def capability(self, namespace: str, instance: str | None) -> Capability | None:
        """The capability a directive addresses (by interface, and instance if it has one)."""
        for capability in self.capabilities:
            if capability.interface == namespace and (
                capability.instance is None or capability.instance == instance
            ):
                return capability
        return None


def endpoint_of(device: Device) -> Endpoint | None:
    """The endpoint of ``device``; None when Alexa could do nothing with it."""
    capabilities: list[Capability] = []
    services = list(device.spec.services)
    power = next(
        (Power(s, on) for s in services if (on := _writable(s, "on", boolean=True)) is not None),
        None,
    )
    if power is not None:
        capabilities.append(power)
    for service in services:
        capabilities.extend(_service_capabilities(service))
    if not capabilities:
        return None
    category = CATEGORIES.get(device.spec.name) or next(
        (BY_INTERFACE[c.interface] for c in capabilities if c.interface in BY_INTERFACE), "OTHER"
    )
    reads = frozenset(address for c in capabilities for address in c.reads())
    return Endpoint(device, _unique(capabilities), category, reads)


def _unique(capabilities: Iterable[Capability]) -> list[Capability]:
    """One capability per interface (and instance): Alexa refuses duplicates."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for capability in capabilities:
        key = (capability.interface, capability.instance)
        if key not in seen:
            seen.add(key)
            kept.append(capability)
    return kept


def _writable(service: Service, name: str, *, boolean: bool = False) -> Property | None:
    prop = service.properties.find(name)
    if prop is None or not prop.writable or not prop.readable:
        return None
    if boolean != (prop.format is Format.BOOL):
        return None
    return prop


def _readable(service: Service, name: str) -> Property | None:
    prop = service.properties.find(name)
    return prop if prop is not None and prop.readable else None


def _service_capabilities(service: Service) -> list[Capability]:
    found: list[Capability] = []
    brightness = _writable(service, "brightness")
    if brightness is not None:
        found.append(Brightness(service, brightness))
    color = _writable(service, "color")
    if color is not None:
        found.append(Color(service, color, brightness))
    kelvin = _writable(service, "color-temperature")
    if kelvin is not None:
        found.append(ColorTemperature(service, kelvin))
    target = _writable(service, "target-position")
    if target is not None:
        reported = _readable(service, "current-position")
        names = asset_names("Alexa.Setting.Opening")
        found.append(Range(service, target, "Blind.Lift", names, reported=reported, blind=True))
    setpoint = _writable(service, "target-temperature")
    mode = _writable(service, "mode")
    thermostat = Thermostat(service, setpoint, mode) if setpoint is not None else None
    if thermostat is not None:
        found.append(thermostat)
    temperature = _readable(service, "temperature")
    if temperature is not None and temperature.numeric:
        found.append(Temperature(service, temperature))
    level = _writable(service, "fan-level")
    if level is not None and level.numeric:
        names = asset_names("Alexa.Setting.FanSpeed")
        found.append(Range(service, level, "Fan.Speed", names))
    if mode is not None and mode.value_list and (thermostat is None or thermostat.mode is None):
        label = f"{service.description or service.name} mode".strip()
        found.append(Mode(service, mode, f"{service.key}.Mode", label))
    volume = _writable(service, "volume")
    if volume is not None and volume.numeric:
        found.append(Volume(service, volume, _writable(service, "mute", boolean=True)))
    operations = {PLAYBACK[a.name]: a for a in service.actions if a.name in PLAYBACK and not a.ins}
    if operations:
        found.append(Playback(service, operations))
    contact = _readable(service, "contact-state")
    if contact is not None and contact.format is Format.BOOL:
        found.append(Detection(service, contact, "Alexa.ContactSensor", when=False))
    lock_state = _readable(service, "lock-state")
    lock, unlock = service.actions.find("lock"), service.actions.find("unlock")
    if lock_state is not None and lock_state.value_list and lock and unlock:
        found.extend(
            [Lock(service, lock_state, lock, unlock)] if not (lock.ins or unlock.ins) else []
        )
    motion = _readable(service, "motion-state")
    if motion is not None and motion.format is Format.BOOL:
        found.append(Detection(service, motion, "Alexa.MotionSensor", when=True))
    return found
