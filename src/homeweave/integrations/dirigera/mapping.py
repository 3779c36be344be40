"""DIRIGERA devices in our capability model: one table per kind of device, as data.

Each row binds a standard property (service name + property name, e.g. ``light/brightness``;
its type, format, unit and range come from ``model.standard``, with this hub's differences
noted in the row) to the hub attributes it is read from and written to. The same table serves
a spec we generate for a discovered device (only what that device has; write access only for
attributes in its ``canReceive``) and a spec the user chose in the config (e.g. the catalog
``light``): bindings are looked up by name, never by iid.

Conventions of the hub that the table absorbs:
- ``lightLevel`` is 1..100 (our ``brightness`` percentage); ``colorTemperature`` is Kelvin, and
  its bounds are named by mireds (``colorTemperatureMin`` is the *coolest*, highest Kelvin).
- colour is ``colorHue`` 0..360 + ``colorSaturation`` 0..1; our ``color`` is a 0xRRGGBB value at
  full value (brightness is its own property).
- blinds count *down*: ``blindsCurrentLevel`` 0 is fully open; our positions count open (100).
- an open/close sensor reports ``isOpen``; our ``contact-state`` is true when closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homeweave.model import DeviceSpec, Value
from homeweave.model.builder import SpecBuilder
from homeweave.model.color import hs_from_rgb, mired_to_kelvin, rgb_from_hs
from homeweave.model.narrow import narrow
from homeweave.model.standard import Range
from homeweave.protocols.dirigera.models import ClickPattern, Device

Attributes = Mapping[str, Any]
Reader = Callable[[Attributes], Value | None]
Writer = Callable[[Value, Device], dict[str, Any]]

PRODUCT = "homeweave-dirigera"
"""The vendor-product part of every URN of a spec we generate."""


class NotWritable(Exception):
    """A write our model allows but this DIRIGERA device cannot take."""


# --- readers and writers ---------------------------------------------------------------------
def _bool(attribute: str, *, default: bool | None = None, invert: bool = False) -> Reader:
    def read(attrs: Attributes) -> Value | None:
        raw = attrs.get(attribute, default)
        return (not raw if invert else raw) if isinstance(raw, bool) else None

    return read


def _int(attribute: str, *, scale: float = 1.0) -> Reader:
    def read(attrs: Attributes) -> Value | None:
        raw = attrs.get(attribute)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None
        return round(raw * scale)

    return read


def _float(attribute: str) -> Reader:
    def read(attrs: Attributes) -> Value | None:
        raw = attrs.get(attribute)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None
        return float(raw)

    return read


def _text(attribute: str) -> Reader:
    def read(attrs: Attributes) -> Value | None:
        raw = attrs.get(attribute)
        return raw if isinstance(raw, str) else None

    return read


def _open_level(attribute: str) -> Reader:
    """A blind's level counted from the top (0 = open) as our position (100 = open)."""
    level = _int(attribute)

    def read(attrs: Attributes) -> Value | None:
        raw = level(attrs)
        return None if raw is None else 100 - min(max(int(raw), 0), 100)

    return read


def _choice(attribute: str, values: Mapping[str, int]) -> Reader:
    def read(attrs: Attributes) -> Value | None:
        raw = attrs.get(attribute)
        return values.get(raw) if isinstance(raw, str) else None

    return read


def _set(attribute: str) -> Writer:
    return lambda value, device: {attribute: value}


def _set_choice(attribute: str, values: Mapping[str, int]) -> Writer:
    names = {number: name for name, number in values.items()}
    return lambda value, device: {attribute: names[int(value)]}


def kelvin_bounds(attrs: Attributes) -> tuple[int, int] | None:
    """The lamp's (warmest, coolest) colour temperature in Kelvin, whatever order and unit the
    hub reports them in (some bulbs give mireds)."""
    bounds = [attrs.get("colorTemperatureMin"), attrs.get("colorTemperatureMax")]
    kelvins = []
    for bound in bounds:
        if isinstance(bound, bool) or not isinstance(bound, int | float) or bound <= 0:
            return None
        kelvins.append(mired_to_kelvin(bound) if bound < 1000 else round(bound))
    return min(kelvins), max(kelvins)


def _kelvin_range(attrs: Attributes) -> Range | None:
    bounds = kelvin_bounds(attrs)
    return None if bounds is None else (bounds[0], bounds[1], 1)


def _write_kelvin(value: Value, device: Device) -> dict[str, Any]:
    kelvin = int(value)
    bounds = kelvin_bounds(device.attributes)
    if bounds is not None:  # a catalog spec may allow more than this lamp can do
        kelvin = min(max(kelvin, bounds[0]), bounds[1])
    return {"colorTemperature": kelvin}


def _read_color(attrs: Attributes) -> Value | None:
    hue, saturation = _float("colorHue")(attrs), _float("colorSaturation")(attrs)
    if not isinstance(hue, float) or not isinstance(saturation, float):
        return None
    return rgb_from_hs(hue, saturation)


def _write_color(value: Value, device: Device) -> dict[str, Any]:
    hue, saturation = hs_from_rgb(int(value))
    return {"colorHue": hue, "colorSaturation": saturation}


def _filter_life(attrs: Attributes) -> Value | None:
    elapsed, lifetime = attrs.get("filterElapsedTime"), attrs.get("filterLifetime")
    if not isinstance(elapsed, int | float) or not isinstance(lifetime, int | float):
        return None
    if lifetime <= 0:
        return None
    return min(max(round(100 * (1 - elapsed / lifetime)), 0), 100)


def _purifier_on(attrs: Attributes) -> Value | None:
    mode = attrs.get("fanMode")
    return mode != "off" if isinstance(mode, str) else None


def _write_purifier_on(value: Value, device: Device) -> dict[str, Any]:
    return {"fanMode": "auto" if value else "off"}


BLINDS_STATE = {"stopped": 0, "up": 1, "down": 2}
"""``blindsState`` as our curtain ``status`` (Stopped, Opening, Closing)."""


def _write_motor(value: Value, device: Device) -> dict[str, Any]:
    command = int(value)
    if command == 1:
        return {"blindsTargetLevel": 0}
    if command == 2:
        return {"blindsTargetLevel": 100}
    if device.accepts("blindsState"):
        return {"blindsState": "stopped"}
    current = device.attributes.get("blindsCurrentLevel")
    return {"blindsTargetLevel": current if isinstance(current, int) else 0}


def _toggle(device: Device) -> dict[str, Any]:
    return {"isOn": not device.attributes.get("isOn", False)}


FAN_MODES = {"auto": 0, "low": 1, "medium": 2, "high": 3}


# --- the table's shape ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Prop:
    """A standard property (``model.standard`` gives its type, format, unit and range) and the
    attributes behind it. Access follows the binding: readable if read, writable if written."""

    iid: int
    name: str
    read: Reader | None = None
    reads: tuple[str, ...] = ()
    """Attributes it is read from: the property is in a generated spec if the device has one."""
    write: Writer | None = None
    writes: tuple[str, ...] = ()
    """Attributes a write sets: writable only if the device accepts them all (``canReceive``)."""
    shape: Mapping[str, Any] = field(default_factory=dict)
    """Where this device differs from the standard shape (a narrower range, a value list)."""
    dynamic_range: Callable[[Attributes], Range | None] | None = None
    always: bool = False
    """In a generated spec even before the device reported it (a sensor's main reading)."""


@dataclass(frozen=True, slots=True)
class Act:
    """An action done by writing attributes computed from the device's current state."""

    iid: int
    name: str
    perform: Callable[[Device], dict[str, Any]]
    writes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ev:
    """An event raised when a remote reports a press of this pattern."""

    iid: int
    name: str
    pattern: ClickPattern


@dataclass(frozen=True, slots=True)
class Svc:
    """A standard service and the bindings of its members."""

    iid: int
    name: str
    props: tuple[Prop, ...] = ()
    actions: tuple[Act, ...] = ()
    events: tuple[Ev, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of DIRIGERA device as one of our (standard) device types."""

    name: str
    services: tuple[Svc, ...]

    def prop(self, service: str, prop: str) -> Prop | None:
        """The binding for ``service/prop`` (type names), if this kind has one."""
        for svc in self.services:
            if svc.name == service:
                found = next((p for p in svc.props if p.name == prop), None)
                if found is not None:
                    return found
        return None

    def action(self, service: str, action: str) -> Act | None:
        """The binding for action ``service/action``, if this kind has one."""
        for svc in self.services:
            if svc.name == service:
                found = next((a for a in svc.actions if a.name == action), None)
                if found is not None:
                    return found
        return None

    def events_for(self, pattern: ClickPattern) -> Iterator[tuple[Svc, Ev]]:
        """The events a press of this pattern raises."""
        for svc in self.services:
            for event in svc.events:
                if event.pattern is pattern:
                    yield svc, event


def _p(
    iid: int, name: str, attribute: str, read: Reader, *, writable: bool = False, **more: Any
) -> Prop:
    """A property read from one attribute and, if ``writable``, written to it unchanged."""
    write = _set(attribute) if writable else None
    writes = (attribute,) if writable else ()
    return Prop(iid, name, read, (attribute,), write, writes, **more)


INFO = Svc(
    1,
    "device-information",
    (
        _p(1, "manufacturer", "manufacturer", _text("manufacturer")),
        _p(2, "model", "model", _text("model")),
        _p(3, "serial-number", "serialNumber", _text("serialNumber")),
        _p(4, "firmware-revision", "firmwareVersion", _text("firmwareVersion")),
    ),
)


def _battery(iid: int) -> Svc:
    return Svc(
        iid, "battery", (_p(1, "battery-level", "batteryPercentage", _int("batteryPercentage")),)
    )


TOGGLE = Act(1, "toggle", _toggle, ("isOn",))
ON = _p(1, "on", "isOn", _bool("isOn"), writable=True, always=True)
COLOR_TEMPERATURE = Prop(
    3,
    "color-temperature",
    _int("colorTemperature"),
    ("colorTemperature",),
    _write_kelvin,
    ("colorTemperature",),
    dynamic_range=_kelvin_range,
)
COLOR = Prop(
    4,
    "color",
    _read_color,
    ("colorHue", "colorSaturation"),
    _write_color,
    ("colorHue", "colorSaturation"),
)

LIGHT = Kind(
    "light",
    (
        INFO,
        Svc(
            2,
            "light",
            (
                ON,
                _p(2, "brightness", "lightLevel", _int("lightLevel"), writable=True),
                COLOR_TEMPERATURE,
                COLOR,
            ),
            actions=(TOGGLE,),
        ),
    ),
)

OUTLET = Kind(
    "outlet",
    (
        INFO,
        Svc(2, "switch", (ON,), actions=(TOGGLE,)),
        Svc(
            3,
            "power-consumption",
            (
                _p(1, "electric-power", "currentActivePower", _float("currentActivePower"),
                   shape={"value_range": (0, 3680, 0.1)}),
                _p(2, "power-consumption", "totalEnergyConsumed", _float("totalEnergyConsumed")),
                _p(3, "voltage", "currentVoltage", _float("currentVoltage"),
                   shape={"value_range": (0, 260, 0.1)}),
                _p(4, "electric-current", "currentAmps", _float("currentAmps"),
                   shape={"value_range": (0, 16, 0.01)}),
            ),
        ),
    ),
)  # fmt: skip

BLINDS = Kind(
    "curtain",
    (
        INFO,
        Svc(
            2,
            "curtain",
            (
                Prop(1, "motor-control", write=_write_motor, writes=("blindsTargetLevel",),
                     shape={"value_list": ((0, "Pause"), (1, "Open"), (2, "Close"))}),
                Prop(2, "current-position", _open_level("blindsCurrentLevel"),
                     ("blindsCurrentLevel",)),
                Prop(3, "target-position", _open_level("blindsTargetLevel"), ("blindsTargetLevel",),
                     lambda value, device: {"blindsTargetLevel": 100 - int(value)},
                     ("blindsTargetLevel",)),
                _p(4, "status", "blindsState", _choice("blindsState", BLINDS_STATE),
                   shape={"value_list": ((0, "Stopped"), (1, "Opening"), (2, "Closing"))}),
            ),
        ),
        _battery(3),
    ),
)  # fmt: skip


def _sensor(kind: str, state: str, attribute: str, read: Reader) -> Kind:
    """A battery sensor whose one reading is always in its spec."""
    main = Svc(2, kind, (_p(1, state, attribute, read, always=True),))
    return Kind(kind, (INFO, main, _battery(3)))


MOTION_SENSOR = _sensor(
    "motion-sensor", "motion-state", "isDetected", _bool("isDetected", default=False)
)
CONTACT_SENSOR = _sensor("magnet-sensor", "contact-state", "isOpen", _bool("isOpen", invert=True))
WATER_SENSOR = _sensor(
    "submersion-sensor",
    "submersion-state",
    "waterLeakDetected",
    _bool("waterLeakDetected", default=False),
)


def _lux_range(attrs: Attributes) -> Range | None:
    """0 up to the most the light sensor says it can measure (``maxIlluminance``)."""
    top = attrs.get("maxIlluminance")
    if isinstance(top, bool) or not isinstance(top, int | float) or top <= 0:
        return None
    return (0, top, 1)


LIGHT_SENSOR = Kind(
    "illumination-sensor",
    (
        INFO,
        Svc(
            2,
            "illumination-sensor",
            (
                _p(1, "illumination", "illuminance", _int("illuminance"), always=True,
                   dynamic_range=_lux_range),
            ),
        ),
        _battery(3),
    ),
)  # fmt: skip


_PM25 = _p(1, "pm2.5-density", "currentPM25", _float("currentPM25"))

AIR_MONITOR = Kind(
    "air-monitor",
    (
        INFO,
        Svc(
            2,
            "temperature-humidity-sensor",
            (
                _p(1, "temperature", "currentTemperature", _float("currentTemperature")),
                _p(2, "relative-humidity", "currentRH", _float("currentRH")),
            ),
        ),
        Svc(
            3,
            "environment",
            (
                _PM25,
                _p(2, "voc-index", "vocIndex", _int("vocIndex")),
                _p(3, "co2-density", "currentCO2", _float("currentCO2")),
            ),
        ),
        _battery(4),
    ),
)

AIR_PURIFIER = Kind(
    "air-purifier",
    (
        INFO,
        Svc(
            2,
            "air-purifier",
            (
                Prop(1, "on", _purifier_on, ("fanMode",), _write_purifier_on, ("fanMode",)),
                Prop(2, "mode", _choice("fanMode", FAN_MODES), ("fanMode",),
                     _set_choice("fanMode", FAN_MODES), ("fanMode",),
                     shape={"value_list": ((0, "Auto"), (1, "Low"), (2, "Medium"), (3, "High"))}),
                _p(3, "fan-level", "motorState", _int("motorState"), writable=True,
                   shape={"value_range": (0, 50, 1)}),
            ),
        ),
        Svc(3, "environment", (_PM25,)),
        Svc(
            4,
            "filter",
            (
                Prop(1, "filter-life-level", _filter_life, ("filterElapsedTime",)),
                _p(2, "filter-used-time", "filterElapsedTime", _int("filterElapsedTime"),
                   shape={"value_range": (0, 4294967295, 1)}),
            ),
        ),
        Svc(
            5,
            "physical-controls-locked",
            (_p(1, "physical-controls-locked", "childLock", _bool("childLock"), writable=True),),
        ),
        Svc(
            6,
            "indicator-light",
            (_p(1, "on", "statusLight", _bool("statusLight"), writable=True),),
        ),
    ),
)  # fmt: skip

REMOTE = Kind(
    "remote-control",
    (
        INFO,
        Svc(
            2,
            "switch-sensor",
            events=(
                Ev(1, "click", ClickPattern.SINGLE),
                Ev(2, "double-click", ClickPattern.DOUBLE),
                Ev(3, "long-press", ClickPattern.LONG),
            ),
        ),
        _battery(3),
    ),
)

DEVICE_TYPES: dict[str, Kind] = {
    "light": LIGHT,
    "outlet": OUTLET,
    "blinds": BLINDS,
    "airPurifier": AIR_PURIFIER,
    "motionSensor": MOTION_SENSOR,
    "occupancySensor": MOTION_SENSOR,
    "openCloseSensor": CONTACT_SENSOR,
    "environmentSensor": AIR_MONITOR,
    "waterSensor": WATER_SENSOR,
    "lightSensor": LIGHT_SENSOR,
    "lightController": REMOTE,
    "shortcutController": REMOTE,
    "blindsController": REMOTE,
    "soundController": REMOTE,
}
"""Our kind for each hub ``deviceType``."""

TYPES: dict[str, Kind] = {
    "light": LIGHT,
    "outlet": OUTLET,
    "blinds": BLINDS,
    "blind": BLINDS,
    "airPurifier": AIR_PURIFIER,
    "controller": REMOTE,
}
"""Fallback on the coarser ``type`` when the ``deviceType`` is one we do not know."""


SENSOR_READINGS: tuple[tuple[str, Kind], ...] = (
    ("waterLeakDetected", WATER_SENSOR),
    ("isOpen", CONTACT_SENSOR),
    ("isDetected", MOTION_SENSOR),
    ("currentPM25", AIR_MONITOR),
    ("vocIndex", AIR_MONITOR),
    ("currentTemperature", AIR_MONITOR),
    ("illuminance", LIGHT_SENSOR),
)
"""A ``sensor`` whose ``deviceType`` we do not know, by the reading it carries (first match);
the dirigera library's own test data has an open/close sensor typed ``openclose ensor``."""


def kind_of(device: Device) -> Kind | None:
    """Which of our kinds a hub device is, or None if we do not support it."""
    known = DEVICE_TYPES.get(device.device_type) or TYPES.get(device.type)
    if known is not None or device.type != "sensor":
        return known
    return next((kind for key, kind in SENSOR_READINGS if key in device.attributes), None)


# --- spec generation ------------------------------------------------------------------------------
def spec_document(kind: Kind, device: Device) -> dict[str, Any]:
    """A MIoT spec instance document for this very device: only the properties it has."""
    return _builder(kind, device).document()


def build_spec(kind: Kind, device: Device) -> DeviceSpec:
    """The DeviceSpec of a discovered device."""
    return _builder(kind, device).build(source=f"dirigera:{device.id}")


def fitted(kind: Kind, spec: DeviceSpec, device: Device) -> DeviceSpec:
    """``spec`` (a catalog model the user chose, or a generated one) with only what this device
    has: no colour on a white lamp, no modes on a lamp without any. The same object if nothing
    is cut."""
    if _fits(kind, spec, device):  # the usual case, on every state event: nothing to build
        return spec
    return narrow(spec, build_spec(kind, device))


def _fits(kind: Kind, spec: DeviceSpec, device: Device) -> bool:
    for svc in spec.services:
        for prop in svc.properties:
            binding = kind.prop(svc.name, prop.name)
            if binding is None or not _has(binding, device):
                return False
            if prop.writable != ("write" in _access(binding, device)):
                return False
        for action in svc.actions:
            act = kind.action(svc.name, action.name)
            if act is None or not _accepts(act.writes, device):
                return False
    return True


def _builder(kind: Kind, device: Device) -> SpecBuilder:
    model = device.attributes.get("model", "IKEA")
    spec = SpecBuilder(PRODUCT, kind.name)
    spec.description = f"{spec.description} ({model})"
    for svc in kind.services:
        service = spec.service(svc.name, iid=svc.iid)
        for prop in svc.props:
            if _has(prop, device):
                shape = dict(prop.shape)
                dynamic = prop.dynamic_range(device.attributes) if prop.dynamic_range else None
                if dynamic is not None:
                    shape["value_range"] = dynamic
                service.prop(prop.name, iid=prop.iid, access=_access(prop, device), **shape)
        for action in svc.actions:
            if _accepts(action.writes, device):
                service.action(action.name, iid=action.iid)
        for event in svc.events:
            service.event(event.name, iid=event.iid)
    return spec


def _access(prop: Prop, device: Device) -> tuple[str, ...]:
    """Readable if the binding reads, writable if this device accepts what it writes."""
    writable = prop.write is not None and _accepts(prop.writes, device)
    if prop.read is None:
        return ("write",)
    return ("read", "write", "notify") if writable else ("read", "notify")


def _has(prop: Prop, device: Device) -> bool:
    if prop.always or any(a in device.attributes for a in prop.reads):
        return True
    return prop.write is not None and _accepts(prop.writes, device)


def _accepts(attributes: Sequence[str], device: Device) -> bool:
    return bool(attributes) and all(device.accepts(a) for a in attributes)


# --- values both ways -----------------------------------------------------------------------------
def read_values(kind: Kind, spec: DeviceSpec, device: Device) -> Iterator[tuple[int, int, Value]]:
    """``(siid, piid, value)`` of every property of ``spec`` the device's attributes give."""
    for svc, prop in spec.all_properties():
        binding = kind.prop(svc.name, prop.name)
        if binding is None or binding.read is None:
            continue
        value = binding.read(device.attributes)
        if value is not None:
            yield svc.iid, prop.iid, value


def attributes_for(
    kind: Kind, spec: DeviceSpec, device: Device, writes: Sequence[tuple[int, int, Value]]
) -> dict[str, Any]:
    """The hub attributes that carry out validated writes ``(siid, piid, value)``; NotWritable
    names the first one this device cannot take."""
    attributes: dict[str, Any] = {}
    for siid, piid, value in writes:
        svc = spec.service(siid)
        prop = svc.property(piid)
        binding = kind.prop(svc.name, prop.name)
        if binding is None or binding.write is None:
            raise NotWritable(f"{svc.key}/{prop.key} has no DIRIGERA attribute to write")
        refused = [a for a in binding.writes if not device.accepts(a)]
        if refused:
            raise NotWritable(f"the device does not accept {', '.join(refused)}")
        attributes.update(binding.write(value, device))
    return attributes


def action_attributes(
    kind: Kind, spec: DeviceSpec, device: Device, siid: int, aiid: int
) -> dict[str, Any]:
    """The attributes that carry out an action; NotWritable if this device cannot."""
    svc = spec.service(siid)
    action = svc.action(aiid)
    binding = kind.action(svc.name, action.name)
    if binding is None:
        raise NotWritable(f"{svc.key}/{action.key} is not supported through DIRIGERA")
    refused = [a for a in binding.writes if not device.accepts(a)]
    if refused:
        raise NotWritable(f"the device does not accept {', '.join(refused)}")
    return binding.perform(device)
