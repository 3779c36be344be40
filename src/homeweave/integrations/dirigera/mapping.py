"""DIRIGERA devices in our capability model: one table per kind of device, as data.

Each row binds a MIoT-style property (service name + property name, e.g. ``light/brightness``)
to the hub attributes it is read from and written to. The same table serves a spec we
generate for a discovered device (only what that device has; write access only for attributes
in its ``canReceive``) and a spec the user chose in the config (e.g. the catalog ``light``):
bindings are looked up by name, never by iid.

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
from dataclasses import dataclass
from typing import Any

from homeweave.model import DeviceSpec, Value, load_spec
from homeweave.model.color import hs_from_rgb, mired_to_kelvin, rgb_from_hs
from homeweave.protocols.dirigera.models import ClickPattern, Device

Attributes = Mapping[str, Any]
Reader = Callable[[Attributes], Value | None]
Writer = Callable[[Value, Device], dict[str, Any]]
Range = tuple[float, float, float]

VENDOR = "homeweave-dirigera"


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
RW = ("read", "write", "notify")
RN = ("read", "notify")


@dataclass(frozen=True, slots=True)
class Prop:
    """A property and the attributes behind it."""

    iid: int
    name: str
    type_id: str
    format: str
    access: tuple[str, ...]
    read: Reader | None = None
    reads: tuple[str, ...] = ()
    """Attributes it is read from: the property is in a generated spec if the device has one."""
    write: Writer | None = None
    writes: tuple[str, ...] = ()
    """Attributes a write sets: writable only if the device accepts them all (``canReceive``)."""
    unit: str | None = None
    value_range: Range | None = None
    value_list: tuple[tuple[int, str], ...] = ()
    dynamic_range: Callable[[Attributes], Range | None] | None = None
    always: bool = False
    """In a generated spec even before the device reported it (a sensor's main reading)."""


@dataclass(frozen=True, slots=True)
class Act:
    """An action done by writing attributes computed from the device's current state."""

    iid: int
    name: str
    type_id: str
    perform: Callable[[Device], dict[str, Any]]
    writes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ev:
    """An event raised when a remote reports a press of this pattern."""

    iid: int
    name: str
    type_id: str
    pattern: ClickPattern


@dataclass(frozen=True, slots=True)
class Svc:
    iid: int
    name: str
    type_id: str
    description: str
    props: tuple[Prop, ...] = ()
    actions: tuple[Act, ...] = ()
    events: tuple[Ev, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of DIRIGERA device as one of our device types."""

    name: str
    type_id: str
    description: str
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
        for svc in self.services:
            if svc.name == service:
                found = next((a for a in svc.actions if a.name == action), None)
                if found is not None:
                    return found
        return None

    def events_for(self, pattern: ClickPattern) -> Iterator[tuple[Svc, Ev]]:
        for svc in self.services:
            for event in svc.events:
                if event.pattern is pattern:
                    yield svc, event


def _p(
    iid: int,
    name: str,
    type_id: str,
    fmt: str,
    attribute: str,
    read: Reader,
    *,
    writable: bool = False,
    **more: Any,
) -> Prop:
    """A property read from one attribute and, if ``writable``, written to it unchanged."""
    return Prop(
        iid,
        name,
        type_id,
        fmt,
        RW if writable else RN,
        read=read,
        reads=(attribute,),
        write=_set(attribute) if writable else None,
        writes=(attribute,) if writable else (),
        **more,
    )


INFO = Svc(
    1,
    "device-information",
    "00007801",
    "Device Information",
    (
        _p(1, "manufacturer", "00000001", "string", "manufacturer", _text("manufacturer")),
        _p(2, "model", "00000002", "string", "model", _text("model")),
        _p(3, "serial-number", "00000003", "string", "serialNumber", _text("serialNumber")),
        _p(
            4,
            "firmware-revision",
            "00000005",
            "string",
            "firmwareVersion",
            _text("firmwareVersion"),
        ),
    ),
)


def _battery(iid: int) -> Svc:
    level = _p(
        1,
        "battery-level",
        "00000014",
        "uint8",
        "batteryPercentage",
        _int("batteryPercentage"),
        unit="percentage",
        value_range=(0, 100, 1),
    )
    return Svc(iid, "battery", "00007805", "Battery", (level,))


TOGGLE = Act(1, "toggle", "00002811", _toggle, ("isOn",))
ON = _p(1, "on", "00000006", "bool", "isOn", _bool("isOn"), writable=True, always=True)

LIGHT = Kind(
    "light",
    "0000A001",
    "Light",
    (
        INFO,
        Svc(
            2,
            "light",
            "00007802",
            "Light",
            (
                ON,
                _p(
                    2,
                    "brightness",
                    "0000000D",
                    "uint8",
                    "lightLevel",
                    _int("lightLevel"),
                    writable=True,
                    unit="percentage",
                    value_range=(1, 100, 1),
                ),
                Prop(
                    3,
                    "color-temperature",
                    "0000000F",
                    "uint32",
                    RW,
                    read=_int("colorTemperature"),
                    reads=("colorTemperature",),
                    write=_write_kelvin,
                    writes=("colorTemperature",),
                    unit="kelvin",
                    value_range=(1800, 6500, 1),
                    dynamic_range=_kelvin_range,
                ),
                Prop(
                    4,
                    "color",
                    "0000000E",
                    "uint32",
                    RW,
                    read=_read_color,
                    reads=("colorHue", "colorSaturation"),
                    write=_write_color,
                    writes=("colorHue", "colorSaturation"),
                    unit="rgb",
                    value_range=(0, 0xFFFFFF, 1),
                ),
            ),
            actions=(TOGGLE,),
        ),
    ),
)

OUTLET = Kind(
    "outlet",
    "0000A002",
    "Outlet",
    (
        INFO,
        Svc(2, "switch", "0000780C", "Switch", (ON,), actions=(TOGGLE,)),
        Svc(
            3,
            "power-consumption",
            "0000780E",
            "Power Consumption",
            (
                _p(
                    1,
                    "electric-power",
                    "00000066",
                    "float",
                    "currentActivePower",
                    _float("currentActivePower"),
                    unit="watt",
                    value_range=(0, 3680, 0.1),
                ),
                _p(
                    2,
                    "power-consumption",
                    "0000002F",
                    "float",
                    "totalEnergyConsumed",
                    _float("totalEnergyConsumed"),
                    unit="kWh",
                    value_range=(0, 999999, 0.01),
                ),
                _p(
                    3,
                    "voltage",
                    "00000031",
                    "float",
                    "currentVoltage",
                    _float("currentVoltage"),
                    unit="volt",
                    value_range=(0, 260, 0.1),
                ),
                _p(
                    4,
                    "electric-current",
                    "00000030",
                    "float",
                    "currentAmps",
                    _float("currentAmps"),
                    unit="ampere",
                    value_range=(0, 16, 0.01),
                ),
            ),
        ),
    ),
)

PERCENT: Range = (0, 100, 1)
BLINDS = Kind(
    "curtain",
    "0000A00C",
    "Curtain",
    (
        INFO,
        Svc(
            2,
            "curtain",
            "00007816",
            "Curtain",
            (
                Prop(
                    1,
                    "motor-control",
                    "00000038",
                    "uint8",
                    ("write",),
                    write=_write_motor,
                    writes=("blindsTargetLevel",),
                    value_list=((0, "Pause"), (1, "Open"), (2, "Close")),
                ),
                Prop(
                    2,
                    "current-position",
                    "00000039",
                    "uint8",
                    RN,
                    read=_open_level("blindsCurrentLevel"),
                    reads=("blindsCurrentLevel",),
                    unit="percentage",
                    value_range=PERCENT,
                ),
                Prop(
                    3,
                    "target-position",
                    "0000003A",
                    "uint8",
                    RW,
                    read=_open_level("blindsTargetLevel"),
                    reads=("blindsTargetLevel",),
                    write=lambda value, device: {"blindsTargetLevel": 100 - int(value)},
                    writes=("blindsTargetLevel",),
                    unit="percentage",
                    value_range=PERCENT,
                ),
                _p(
                    4,
                    "status",
                    "00000007",
                    "uint8",
                    "blindsState",
                    _choice("blindsState", BLINDS_STATE),
                    value_list=((0, "Stopped"), (1, "Opening"), (2, "Closing")),
                ),
            ),
        ),
        _battery(3),
    ),
)

MOTION_SENSOR = Kind(
    "motion-sensor",
    "0000A014",
    "Motion Sensor",
    (
        INFO,
        Svc(
            2,
            "motion-sensor",
            "00007825",
            "Motion Sensor",
            (
                _p(
                    1,
                    "motion-state",
                    "0000007D",
                    "bool",
                    "isDetected",
                    _bool("isDetected", default=False),
                    always=True,
                ),
            ),
        ),
        _battery(3),
    ),
)

CONTACT_SENSOR = Kind(
    "magnet-sensor",
    "0000A016",
    "Door/Window Sensor",
    (
        INFO,
        Svc(
            2,
            "magnet-sensor",
            "00007827",
            "Magnet Sensor",
            (
                _p(
                    1,
                    "contact-state",
                    "0000007C",
                    "bool",
                    "isOpen",
                    _bool("isOpen", invert=True),
                    always=True,
                ),
            ),
        ),
        _battery(3),
    ),
)

_PM25 = _p(
    1,
    "pm2.5-density",
    "00000034",
    "float",
    "currentPM25",
    _float("currentPM25"),
    unit="μg/m3",
    value_range=(0, 1000, 1),
)

AIR_MONITOR = Kind(
    "air-monitor",
    "0000A008",
    "Air Quality Monitor",
    (
        INFO,
        Svc(
            2,
            "temperature-humidity-sensor",
            "00007814",
            "Temperature Humidity Sensor",
            (
                _p(
                    1,
                    "temperature",
                    "00000020",
                    "float",
                    "currentTemperature",
                    _float("currentTemperature"),
                    unit="celsius",
                    value_range=(-40, 125, 0.1),
                ),
                _p(
                    2,
                    "relative-humidity",
                    "0000000C",
                    "float",
                    "currentRH",
                    _float("currentRH"),
                    unit="percentage",
                    value_range=(0, 100, 0.1),
                ),
            ),
        ),
        Svc(
            3,
            "environment",
            "0000780A",
            "Environment",
            (
                _PM25,
                _p(
                    2,
                    "voc-index",
                    "0000005A",
                    "uint16",
                    "vocIndex",
                    _int("vocIndex"),
                    value_range=(0, 500, 1),
                ),
                _p(
                    3,
                    "co2-density",
                    "0000004B",
                    "float",
                    "currentCO2",
                    _float("currentCO2"),
                    unit="ppm",
                    value_range=(0, 10000, 1),
                ),
            ),
        ),
        _battery(4),
    ),
)

AIR_PURIFIER = Kind(
    "air-purifier",
    "0000A007",
    "Air Purifier",
    (
        INFO,
        Svc(
            2,
            "air-purifier",
            "00007811",
            "Air Purifier",
            (
                Prop(
                    1,
                    "on",
                    "00000006",
                    "bool",
                    RW,
                    read=_purifier_on,
                    reads=("fanMode",),
                    write=_write_purifier_on,
                    writes=("fanMode",),
                ),
                Prop(
                    2,
                    "mode",
                    "00000008",
                    "uint8",
                    RW,
                    read=_choice("fanMode", FAN_MODES),
                    reads=("fanMode",),
                    write=_set_choice("fanMode", FAN_MODES),
                    writes=("fanMode",),
                    value_list=((0, "Auto"), (1, "Low"), (2, "Medium"), (3, "High")),
                ),
                _p(
                    3,
                    "fan-level",
                    "00000016",
                    "uint8",
                    "motorState",
                    _int("motorState"),
                    writable=True,
                    value_range=(0, 50, 1),
                ),
            ),
        ),
        Svc(3, "environment", "0000780A", "Environment", (_PM25,)),
        Svc(
            4,
            "filter",
            "0000780B",
            "Filter",
            (
                Prop(
                    1,
                    "filter-life-level",
                    "0000001E",
                    "uint8",
                    RN,
                    read=_filter_life,
                    reads=("filterElapsedTime",),
                    unit="percentage",
                    value_range=(0, 100, 1),
                ),
                _p(
                    2,
                    "filter-used-time",
                    "00000048",
                    "uint32",
                    "filterElapsedTime",
                    _int("filterElapsedTime"),
                    unit="minutes",
                    value_range=(0, 4294967295, 1),
                ),
            ),
        ),
        Svc(
            5,
            "physical-controls-locked",
            "00007807",
            "Physical Control Locked",
            (
                _p(
                    1,
                    "physical-controls-locked",
                    "0000001D",
                    "bool",
                    "childLock",
                    _bool("childLock"),
                    writable=True,
                ),
            ),
        ),
        Svc(
            6,
            "indicator-light",
            "00007803",
            "Indicator Light",
            (_p(1, "on", "00000006", "bool", "statusLight", _bool("statusLight"), writable=True),),
        ),
    ),
)

WATER_SENSOR = Kind(
    "submersion-sensor",
    "0000A0E3",
    "Water Leak Sensor",
    (
        INFO,
        Svc(
            2,
            "submersion-sensor",
            "0000780D",
            "Submersion Sensor",
            (
                _p(
                    1,
                    "submersion-state",
                    "0000007E",
                    "bool",
                    "waterLeakDetected",
                    _bool("waterLeakDetected", default=False),
                    always=True,
                ),
            ),
        ),
        _battery(3),
    ),
)

REMOTE = Kind(
    "remote-control",
    "0000A021",
    "Remote Control",
    (
        INFO,
        Svc(
            2,
            "switch-sensor",
            "00007828",
            "Button",
            events=(
                Ev(1, "click", "00005007", ClickPattern.SINGLE),
                Ev(2, "double-click", "00005008", ClickPattern.DOUBLE),
                Ev(3, "long-press", "00005009", ClickPattern.LONG),
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


def kind_of(device: Device) -> Kind | None:
    """Which of our kinds a hub device is, or None if we do not support it."""
    return DEVICE_TYPES.get(device.device_type) or TYPES.get(device.type)


# --- spec generation ------------------------------------------------------------------------------
def spec_document(kind: Kind, device: Device) -> dict[str, Any]:
    """A MIoT spec instance document for this very device: only the properties it has."""
    services = []
    for svc in kind.services:
        props = [_prop_document(p, svc, device) for p in svc.props if _has(p, device)]
        actions = [_action_document(a, svc) for a in svc.actions if _accepts(a.writes, device)]
        events = [_event_document(e, svc) for e in svc.events]
        if not (props or actions or events):
            continue
        services.append(
            {
                "iid": svc.iid,
                "type": _urn("service", svc.name, svc.type_id),
                "description": svc.description,
                "properties": props,
                "actions": actions,
                "events": events,
            }
        )
    return {
        "type": _urn("device", kind.name, kind.type_id),
        "description": f"{kind.description} ({device.attributes.get('model', 'IKEA')})",
        "services": services,
    }


def build_spec(kind: Kind, device: Device) -> DeviceSpec:
    """The DeviceSpec of a discovered device."""
    return load_spec(spec_document(kind, device), source=f"dirigera:{device.id}")


def _has(prop: Prop, device: Device) -> bool:
    if prop.always or any(a in device.attributes for a in prop.reads):
        return True
    return prop.write is not None and _accepts(prop.writes, device)


def _accepts(attributes: Sequence[str], device: Device) -> bool:
    return bool(attributes) and all(device.accepts(a) for a in attributes)


def _prop_document(prop: Prop, svc: Svc, device: Device) -> dict[str, Any]:
    writable = prop.write is not None and _accepts(prop.writes, device)
    access = [a for a in prop.access if a != "write" or writable]
    doc: dict[str, Any] = {
        "iid": prop.iid,
        "type": _urn("property", prop.name, prop.type_id),
        "description": prop.name.replace("-", " ").capitalize(),
        "format": prop.format,
        "access": access,
    }
    if prop.unit:
        doc["unit"] = prop.unit
    value_range = prop.dynamic_range(device.attributes) if prop.dynamic_range else None
    value_range = value_range or prop.value_range
    if value_range:
        doc["value-range"] = list(value_range)
    if prop.value_list:
        doc["value-list"] = [{"value": v, "description": d} for v, d in prop.value_list]
    return doc


def _action_document(action: Act, svc: Svc) -> dict[str, Any]:
    return {
        "iid": action.iid,
        "type": _urn("action", action.name, action.type_id),
        "description": action.name.capitalize(),
        "in": [],
        "out": [],
    }


def _event_document(event: Ev, svc: Svc) -> dict[str, Any]:
    return {
        "iid": event.iid,
        "type": _urn("event", event.name, event.type_id),
        "description": event.name.replace("-", " ").capitalize(),
        "arguments": [],
    }


def _urn(kind: str, name: str, type_id: str) -> str:
    return f"urn:miot-spec-v2:{kind}:{name}:{type_id}:{VENDOR}:1"


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
