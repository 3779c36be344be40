"""Zigbee2MQTT ``exposes`` -> a MIoT-style DeviceSpec plus the bindings that map its state.

Device differences are data: the tables below say which Zigbee2MQTT property becomes which
standard service/property name (so an IKEA bulb is a ``light`` with ``on``/``brightness``/
``color-temperature`` like any other light), with unit conversions where our model differs
(brightness 0..254 -> percent, mired -> kelvin). Anything not in the tables still becomes a
property, named after the Zigbee2MQTT property, in a service for its specific type or category.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from homeweave.integrations.zigbee2mqtt.mapping import (
    ActionEvents,
    Binding,
    DeviceMapping,
    Kind,
    Scale,
    ScaleKind,
)
from homeweave.model import DeviceSpec, Value
from homeweave.model.builder import SpecBuilder
from homeweave.model.color import MIRED_KELVIN, mired_to_kelvin
from homeweave.model.slug import slug
from homeweave.model.standard import standard
from homeweave.model.units import normalize

_LOGGER = logging.getLogger(__name__)

INFO_SIID = 1
ACCESS_STATE, ACCESS_SET, ACCESS_GET = 1, 2, 4


@dataclass(frozen=True)
class Semantic:
    """Where a Zigbee2MQTT property goes in our model, and how its values convert."""

    service: str
    name: str
    format: str | None = None
    unit: str | None = None
    scale: str | None = None  # a key of SCALES
    codes: Mapping[str, int] | None = None  # enum value -> our value-list entry
    events: Mapping[Value, str] = field(default_factory=dict)  # fired when it changes to key
    # Binary: take JSON true/false as is, ignoring value_on/value_off. Zigbee2MQTT's contact
    # has value_on=false ("on" = the alarm, open) but reports true for closed, as we do.
    direct: bool = False
    # Whether Zigbee2MQTT reports a written value back (most converters publish the new state;
    # a cover's OPEN/CLOSE/STOP is only seen in the position reports that follow).
    confirmed: bool = True
    # A settable property that is, in our model, a reported one plus a separate writable target
    # (a cover's ``position``: our curtain has ``current-position`` and ``target-position``).
    target: str | None = None


# Specific exposes (a type with ``features``) -> our service.
SPECIFIC_SERVICES: dict[str, str] = {
    "light": "light",
    "switch": "switch",
    "cover": "curtain",
    "lock": "lock",
    "climate": "thermostat",
    "fan": "fan",
}

# Features of a specific expose, by (specific type, feature name).
FEATURES: dict[tuple[str, str], Semantic] = {
    ("light", "state"): Semantic("light", "on"),
    ("light", "brightness"): Semantic(
        "light", "brightness", format="uint8", unit="percentage", scale="percent"
    ),
    ("light", "color_temp"): Semantic(
        "light", "color-temperature", format="uint32", unit="kelvin", scale="mired"
    ),
    ("light", "color_temp_startup"): Semantic(
        "light", "startup-color-temperature", format="uint32", unit="kelvin", scale="mired"
    ),
    ("switch", "state"): Semantic("switch", "on"),
    ("fan", "fan_state"): Semantic("fan", "on"),
    ("fan", "fan_mode"): Semantic("fan", "mode"),
    ("lock", "state"): Semantic("lock", "lock-action"),
    ("lock", "lock_state"): Semantic("lock", "lock-state"),
    ("cover", "state"): Semantic(
        "curtain", "motor-control", codes={"STOP": 0, "OPEN": 1, "CLOSE": 2}, confirmed=False
    ),
    ("cover", "position"): Semantic(
        "curtain", "current-position", format="uint8", target="target-position"
    ),
    ("cover", "tilt"): Semantic("curtain", "tilt-angle", format="uint8"),
    ("climate", "occupied_heating_setpoint"): Semantic("thermostat", "target-temperature"),
    ("climate", "current_heating_setpoint"): Semantic("thermostat", "target-temperature"),
    ("climate", "local_temperature"): Semantic("thermostat", "temperature"),
    ("climate", "system_mode"): Semantic("thermostat", "mode"),
    ("climate", "running_state"): Semantic("thermostat", "status"),
}

# Generic exposes at the top level, by (name, unit) first and then by name.
GENERIC_BY_UNIT: dict[tuple[str, str], Semantic] = {
    ("voltage", "V"): Semantic("power-consumption", "voltage"),
}
GENERIC: dict[str, Semantic] = {
    "state": Semantic("switch", "on"),
    "temperature": Semantic("temperature-humidity-sensor", "temperature"),
    "humidity": Semantic("temperature-humidity-sensor", "relative-humidity"),
    "pressure": Semantic("temperature-humidity-sensor", "atmospheric-pressure"),
    "battery": Semantic("battery", "battery-level", format="uint8"),
    "battery_low": Semantic("battery", "battery-low"),
    "voltage": Semantic("battery", "voltage"),
    "occupancy": Semantic("motion-sensor", "motion-state", events={True: "motion-detected"}),
    "illuminance_lux": Semantic("illumination-sensor", "illumination", format="uint32"),
    "illuminance": Semantic("illumination-sensor", "illumination", format="uint32"),
    "contact": Semantic(
        "magnet-sensor", "contact-state", events={True: "close", False: "open"}, direct=True
    ),
    "water_leak": Semantic("submersion-sensor", "submersion-state"),
    "vibration": Semantic("vibration-sensor", "vibration-state"),
    "strength": Semantic("vibration-sensor", "vibration-strength"),
    "sensitivity": Semantic("vibration-sensor", "sensitivity"),
    "angle_x": Semantic("vibration-sensor", "angle-x"),
    "angle_y": Semantic("vibration-sensor", "angle-y"),
    "angle_z": Semantic("vibration-sensor", "angle-z"),
    "x_axis": Semantic("vibration-sensor", "x-axis"),
    "y_axis": Semantic("vibration-sensor", "y-axis"),
    "z_axis": Semantic("vibration-sensor", "z-axis"),
    "child_lock": Semantic("physical-controls-locked", "physical-controls-locked"),
    "smoke": Semantic("smoke-sensor", "smoke-status"),
    "power": Semantic("power-consumption", "electric-power"),
    "energy": Semantic("power-consumption", "power-consumption"),
    "current": Semantic("power-consumption", "electric-current"),
    "linkquality": Semantic("zigbee", "link-quality", format="uint8"),
}

# Values of ``action`` -> event names (the rest keep their own name, slugged).
ACTION_EVENTS: dict[str, str] = {
    "single": "click",
    "double": "double-click",
    "triple": "triple-click",
    "quadruple": "quadruple-click",
    "hold": "long-press",
    "long": "long-press",
    "release": "release",
}
ACTION_SERVICE = "switch-sensor"

# A device with one of these top-level exposes has its ``action`` events in that service.
ACTION_SERVICES: dict[str, str] = {"vibration": "vibration-sensor"}

# A light's colour composites, by expose name, and what their ``/set`` takes.
COLOR_SPACES: dict[str, str] = {"color_xy": "xy", "color_hs": "hs"}


def action_event(value: str) -> str:
    """The event name of an ``action`` value: ``single`` -> ``click``; a value of a
    double rocker or a multi-button remote keeps its button: ``double_left`` ->
    ``double-click-left``, ``hold_both`` -> ``long-press-both``; others are slugged."""
    if value in ACTION_EVENTS:
        return ACTION_EVENTS[value]
    press, _, button = value.partition("_")
    if button and press in ACTION_EVENTS:
        return f"{ACTION_EVENTS[press]}-{slug(button)}"
    return slug(value)


# Unmapped top-level properties go to a service for their category.
CATEGORY_SERVICES: dict[str | None, str] = {
    "config": "settings",
    "diagnostic": "diagnostics",
    None: "other",
}

# Services about keeping the device going, listed after what the device is for.
UPKEEP_SERVICES = ("battery", "settings", "other", "diagnostics", "zigbee")

# Device type from the services it has, first match wins.
DEVICE_TYPES: list[tuple[str, str]] = [
    ("light", "light"),
    ("curtain", "curtain"),
    ("thermostat", "thermostat"),
    ("lock", "lock"),
    ("fan", "fan"),
    ("switch", "outlet"),
    ("temperature-humidity-sensor", "temperature-humidity-sensor"),
    ("motion-sensor", "motion-sensor"),
    ("magnet-sensor", "magnet-sensor"),
    ("submersion-sensor", "submersion-sensor"),
    ("vibration-sensor", "vibration-sensor"),
    ("smoke-sensor", "smoke-sensor"),
    ("switch-sensor", "remote-control"),
    ("illumination-sensor", "illumination-sensor"),
]

INFO_PROPERTIES = ("manufacturer", "model", "serial-number", "firmware-revision")

_INTEGER_FORMATS = ("uint8", "uint16", "uint32", "int8", "int16", "int32", "int64")


@dataclass
class ZigbeeModel:
    """A device type derived from exposes: its spec, bindings and device-information values."""

    spec: DeviceSpec
    mapping: DeviceMapping
    info: dict[int, str]  # piid of service 1 -> value


@dataclass
class _Prop:
    name: str
    description: str
    shape: dict[str, Any]
    """format, access, unit, value_range, value_list: all of it from the expose."""
    binding: Binding


@dataclass
class _Event:
    iid: int
    name: str
    description: str


@dataclass
class _Service:
    name: str
    endpoint: str | None
    siid: int
    props: list[_Prop] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def next_piid(self) -> int:
        return len(self.props) + 1

    def next_eiid(self) -> int:
        return len(self.events) + 1


class _Exposes:
    """The services a device's exposes make, with their bindings, before numbering."""

    def __init__(self, product: str) -> None:
        self.product = product
        self.services: dict[tuple[str, str | None], _Service] = {}
        self.actions: list[ActionEvents] = []
        self.action_service = ACTION_SERVICE
        """Where ``action`` values become events: a vibration sensor's knocks are not button
        presses."""

    def service(self, name: str, endpoint: str | None) -> _Service:
        key = (name, endpoint)
        if key not in self.services:
            self.services[key] = _Service(name, endpoint, len(self.services) + 2)
        return self.services[key]

    def add(self, expose: Mapping[str, Any], specific: str | None) -> None:
        kind = expose.get("type")
        name = str(expose.get("name") or expose.get("property") or "")
        if kind == "enum" and name == "action" and specific is None:
            self.add_action(expose, self.action_service)
            return
        if kind == "composite" and specific == "light" and name in COLOR_SPACES:
            self.add_color(expose)
            return
        if kind not in ("binary", "numeric", "enum", "text") or not expose.get("property"):
            _LOGGER.debug("expose %r of type %r not mapped", name, kind)
            return
        semantic = self.semantic(expose, specific)
        if semantic.target is not None and _bits(expose) & ACCESS_SET:
            # what the device reports, read-only; then where it is told to go
            reported = {**expose, "access": _bits(expose) & ~ACCESS_SET}
            self.add_semantic(reported, replace(semantic, target=None))
            target = standard("property", semantic.target)
            label = target.description if target is not None else semantic.target
            told = {**expose, "label": label}
            self.add_semantic(told, replace(semantic, name=semantic.target, target=None))
            return
        self.add_semantic(expose, semantic)

    def add_semantic(self, expose: Mapping[str, Any], semantic: Semantic) -> None:
        """Add one property: ``expose`` as ``semantic`` says."""
        name = str(expose.get("name") or expose.get("property") or "")
        service = self.service(semantic.service, _endpoint(expose))
        prop_name = semantic.name if semantic.name not in service.names else slug(name)
        if prop_name in service.names:
            prop_name = slug(str(expose["property"]))
        service.names.add(prop_name)
        piid = service.next_piid()
        shape, binding = _property(expose, semantic, service.siid, piid)
        edge: list[tuple[Value, int]] = []
        for value, event_name in semantic.events.items():
            eiid = service.next_eiid()
            service.events.append(_Event(eiid, event_name, event_name))
            edge.append((value, eiid))
        if edge:
            binding = replace(binding, edge_events=tuple(edge))
        description = str(expose.get("label") or expose.get("description") or expose["name"])
        service.props.append(_Prop(prop_name, description, shape, binding))

    def semantic(self, expose: Mapping[str, Any], specific: str | None) -> Semantic:
        name = str(expose.get("name") or "")
        if specific is not None:
            found = FEATURES.get((specific, name))
            if found is not None:
                return found
            return Semantic(SPECIFIC_SERVICES.get(specific, slug(specific)), slug(name))
        found = GENERIC_BY_UNIT.get((name, str(expose.get("unit")))) or GENERIC.get(name)
        if found is not None:
            return found
        category = expose.get("category")
        service = CATEGORY_SERVICES.get(category if isinstance(category, str) else None)
        return Semantic(service or CATEGORY_SERVICES[None], slug(name))

    def add_color(self, expose: Mapping[str, Any]) -> None:
        """A light's ``color_xy`` / ``color_hs`` composite as our one ``color`` (0xRRGGBB)."""
        service = self.service("light", _endpoint(expose))
        if "color" in service.names:  # a lamp with both: the first one listed is used
            return
        service.names.add("color")
        bits = _bits(expose)
        known = standard("property", "color")
        shape: dict[str, Any] = {
            "format": "uint32",
            "access": _access(bits),
            "unit": "rgb",
            "value_range": known.value_range if known is not None else (0, 0xFFFFFF, 1),
        }
        binding = Binding(
            siid=service.siid,
            piid=service.next_piid(),
            key=str(expose.get("property") or "color"),
            kind=Kind.COLOR,
            reported=bool(bits & (ACCESS_STATE | ACCESS_GET)),
            writable=bool(bits & ACCESS_SET),
            gettable=bool(bits & ACCESS_GET),
            color_space=COLOR_SPACES[str(expose.get("name"))],
        )
        service.props.append(_Prop("color", "Color", shape, binding))

    def add_action(self, expose: Mapping[str, Any], service_name: str = ACTION_SERVICE) -> None:
        values = [v for v in expose.get("values") or [] if isinstance(v, str) and v]
        service = self.service(service_name, _endpoint(expose))
        codes = []
        for value in values:
            eiid = service.next_eiid()
            event_name = action_event(value)
            service.events.append(_Event(eiid, event_name, value))
            codes.append((value, eiid))
        self.actions.append(ActionEvents(str(expose["property"]), service.siid, tuple(codes)))


def _endpoint(expose: Mapping[str, Any]) -> str | None:
    endpoint = expose.get("endpoint")
    return str(endpoint) if endpoint is not None else None


def _bits(expose: Mapping[str, Any]) -> int:
    """The expose's access bits (state only when it gives none)."""
    bits = expose.get("access")
    return bits if isinstance(bits, int) and not isinstance(bits, bool) else ACCESS_STATE


def _access(bits: int) -> list[str]:
    access = []
    if bits & (ACCESS_STATE | ACCESS_GET):
        access.append("read")
    if bits & ACCESS_SET:
        access.append("write")
    if bits & (ACCESS_STATE | ACCESS_GET):
        access.append("notify")
    return access


def _property(
    expose: Mapping[str, Any], semantic: Semantic, siid: int, piid: int
) -> tuple[dict[str, Any], Binding]:
    bits = _bits(expose)
    document: dict[str, Any] = {"access": _access(bits)}
    base = Binding(
        siid=siid,
        piid=piid,
        key=str(expose["property"]),
        kind=Kind.TEXT,
        reported=bool(bits & (ACCESS_STATE | ACCESS_GET)),
        writable=bool(bits & ACCESS_SET),
        gettable=bool(bits & ACCESS_GET),
        confirmed=semantic.confirmed,
    )
    kind = expose["type"]
    if kind == "binary":
        document["format"] = "bool"
        return document, replace(
            base,
            kind=Kind.BINARY,
            value_on=True if semantic.direct else expose.get("value_on", True),
            value_off=False if semantic.direct else expose.get("value_off", False),
        )
    if kind == "enum":
        values = [str(v) for v in expose.get("values") or []]
        codes = dict(semantic.codes) if semantic.codes else {v: i for i, v in enumerate(values)}
        codes = {v: c for v, c in codes.items() if v in values} or codes
        document["format"] = "uint8" if max(codes.values(), default=0) < 256 else "uint16"
        document["value_list"] = [(c, v) for v, c in sorted(codes.items(), key=lambda i: i[1])]
        return document, replace(base, kind=Kind.ENUM, codes=tuple(codes.items()))
    if kind == "text":
        document["format"] = "string"
        return document, base
    return document, _numeric(expose, semantic, document, base)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _numeric(
    expose: Mapping[str, Any],
    semantic: Semantic,
    document: dict[str, Any],
    base: Binding,
) -> Binding:
    low, high, step = (_number(expose.get(k)) for k in ("value_min", "value_max", "value_step"))
    if step is not None and step <= 0:
        step = None  # lenient: a nonsense step is no step
    unit = expose.get("unit")
    scale: Scale | None = None
    our_low: float | None
    our_high: float | None
    our_step: float | None
    if semantic.scale == "percent":
        factor = 100.0 / (high or 254.0)
        scale = Scale(ScaleKind.LINEAR, factor)
        our_low, our_high, our_step = 1.0, 100.0, 1.0  # 0 is "off": that is the on property
    elif semantic.scale == "mired":
        scale = Scale(ScaleKind.RECIPROCAL, float(MIRED_KELVIN))
        our_low = mired_to_kelvin(high) if high else 1000.0
        our_high = mired_to_kelvin(low) if low else 10000.0
        our_step = 1.0
    else:
        our_low, our_high, our_step = low, high, step
    integer = _is_integer(semantic.format, low, high, step) if scale is None else True
    fmt = semantic.format or (_integer_format(our_low, our_high) if integer else "float")
    document["format"] = fmt
    our_unit = semantic.unit or (normalize(str(unit)) if unit else None)
    if our_unit is not None:
        document["unit"] = our_unit
    if our_low is not None and our_high is not None and our_low <= our_high:
        default_step = 1.0 if integer else 0.0
        document["value_range"] = (
            _plain(our_low),
            _plain(our_high),
            _plain(our_step if our_step is not None else default_step),
        )
    wire_integer = scale is not None or integer
    return replace(
        base,
        kind=Kind.NUMERIC,
        integer=integer,
        wire_integer=wire_integer,
        scale=scale,
        limits=(low, high),
    )


def _is_integer(fmt: str | None, low: float | None, high: float | None, step: float | None) -> bool:
    if fmt is not None:
        return fmt in _INTEGER_FORMATS
    # Without a step, a range with whole ends says nothing (humidity 0..100 reports 44.72).
    return step is not None and step.is_integer() and (low is None or low.is_integer())


def _integer_format(low: float | None, high: float | None) -> str:
    if low is None or high is None or low < 0:
        return "int32"
    if high <= 255:
        return "uint8"
    if high <= 65535:
        return "uint16"
    return "uint32"


def _plain(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _ordered(collected: _Exposes) -> list[_Service]:
    """Services with what the device is for first and upkeep (battery, link) last, numbered
    in that order; bindings and action events follow their service's new siid."""
    services = sorted(
        collected.services.values(),
        key=lambda s: (
            s.name in UPKEEP_SERVICES,
            UPKEEP_SERVICES.index(s.name) if s.name in UPKEEP_SERVICES else 0,
        ),
    )
    renumber = {s.siid: i for i, s in enumerate(services, start=INFO_SIID + 1)}
    for service in services:
        service.siid = renumber[service.siid]
        for prop in service.props:
            prop.binding = replace(prop.binding, siid=service.siid)
    collected.actions = [replace(a, siid=renumber[a.siid]) for a in collected.actions]
    return services


def build_model(device: Mapping[str, Any]) -> ZigbeeModel:
    """A spec and mapping for one ``bridge/devices`` entry with a ``definition``.

    Raises SpecError (from the loader) if the result is not a valid spec, ValueError if the
    entry has no definition.
    """
    definition = device.get("definition")
    if not isinstance(definition, Mapping):
        raise ValueError("device has no definition (unsupported or the coordinator)")
    model = str(definition.get("model") or device.get("model_id") or "unknown")
    vendor = str(definition.get("vendor") or "")
    collected = _Exposes(f"z2m-{slug(vendor)}-{slug(model)}")
    exposes = definition.get("exposes")
    exposes = exposes if isinstance(exposes, Sequence) else []
    for expose in exposes:
        if isinstance(expose, Mapping) and expose.get("name") in ACTION_SERVICES:
            collected.action_service = ACTION_SERVICES[str(expose["name"])]
    for expose in exposes:
        if not isinstance(expose, Mapping):
            continue
        features = expose.get("features")
        if expose.get("type") in SPECIFIC_SERVICES and isinstance(features, Sequence):
            for feature in features:
                if isinstance(feature, Mapping):
                    collected.add(feature, str(expose["type"]))
        else:
            collected.add(expose, None)
    services = _ordered(collected)
    present = {s.name for s in services}
    device_type = next((t for s, t in DEVICE_TYPES if s in present), "zigbee-device")
    description = f"{vendor} {model}: {definition.get('description') or ''}".strip()
    spec_builder = SpecBuilder(collected.product, device_type, description)
    info_service = spec_builder.service("device-information", iid=INFO_SIID)
    for name in INFO_PROPERTIES:
        info_service.prop(name)
    for s in services:
        endpoint = f" (endpoint {s.endpoint})" if s.endpoint else ""
        service = spec_builder.service(s.name, iid=s.siid, description=s.name + endpoint)
        for p in s.props:
            service.prop(
                p.name,
                iid=p.binding.piid,
                description=p.description,
                standard_shape=False,
                **p.shape,
            )
        for e in s.events:
            service.event(e.name, iid=e.iid, description=e.description)
    spec = spec_builder.build(
        source=f"zigbee2mqtt exposes of {device.get('friendly_name')}", keep_empty=True
    )
    bindings = tuple(p.binding for s in services for p in s.props)
    info = {
        1: vendor,
        2: model,
        3: str(device.get("ieee_address") or ""),
        4: str(device.get("software_build_id") or ""),
    }
    return ZigbeeModel(spec, DeviceMapping(bindings, tuple(collected.actions)), info)
