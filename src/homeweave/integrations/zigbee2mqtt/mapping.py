"""Zigbee2MQTT state payloads <-> our ``(siid, piid)`` values, driven by bindings built from a
device's ``exposes`` (see exposes.py). Pure functions; nothing here talks to MQTT or the hub."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from homeweave.model import Value
from homeweave.model.color import XY, hs_from_rgb, rgb_from_hs, rgb_to_xy, xy_to_rgb


class Kind(StrEnum):
    """The generic Zigbee2MQTT expose type a binding was made from."""

    BINARY = "binary"
    NUMERIC = "numeric"
    ENUM = "enum"
    TEXT = "text"
    COLOR = "color"  # a composite color_xy / color_hs, as our 0xRRGGBB


class ScaleKind(StrEnum):
    """How a Zigbee2MQTT number relates to ours."""

    LINEAR = "linear"  # ours = theirs * factor  (brightness 0..254 -> 0..100 %)
    RECIPROCAL = "reciprocal"  # ours = factor / theirs  (mired -> kelvin)


@dataclass(frozen=True, slots=True)
class Scale:
    """How a Zigbee2MQTT number becomes ours, and back."""

    kind: ScaleKind
    factor: float

    def to_ours(self, theirs: float) -> float:
        """Return a Zigbee2MQTT number in our unit."""
        if self.kind is ScaleKind.LINEAR:
            return theirs * self.factor
        return self.factor / theirs if theirs else 0.0

    def to_theirs(self, ours: float) -> float:
        """Return a number of ours in Zigbee2MQTT's unit."""
        if self.kind is ScaleKind.LINEAR:
            return ours / self.factor
        return self.factor / ours if ours else 0.0


class WrongValue(ValueError):
    """A value that does not fit its binding (a wrong type or an unknown enum value)."""


@dataclass(frozen=True, slots=True)
class Binding:
    """One Zigbee2MQTT property (``key`` in state payloads and ``/set``) at ``(siid, piid)``."""

    siid: int
    piid: int
    key: str
    kind: Kind
    reported: bool = True  # access bit 1: appears in published state
    writable: bool = False  # access bit 2: settable through /set
    gettable: bool = False  # access bit 4: readable through /get
    confirmed: bool = True  # a write is reported back in the device's state
    integer: bool = False  # our value is an integer
    wire_integer: bool = False  # their value is an integer (after scaling back)
    value_on: Any = True
    value_off: Any = False
    codes: tuple[tuple[str, int], ...] = ()  # enum: their value -> our value-list entry
    scale: Scale | None = None
    limits: tuple[float | None, float | None] = (None, None)  # their min, max (for writes)
    edge_events: tuple[tuple[Value, int], ...] = ()  # our new value -> eiid, on a change
    color_space: str = "xy"  # COLOR: what /set takes, "xy" ({x, y}) or "hs" ({hue, saturation})

    def to_ours(self, raw: object) -> Value:
        """Their value as ours; WrongValue when it does not fit."""
        if self.kind is Kind.BINARY:
            return _binary_to_ours(self, raw)
        if self.kind is Kind.NUMERIC:
            return _numeric_to_ours(self, raw)
        if self.kind is Kind.COLOR:
            return _color_to_ours(raw)
        if self.kind is Kind.ENUM:
            code = dict(self.codes).get(raw) if isinstance(raw, str) else None
            if code is None:
                raise WrongValue(f"expected one of {[c for c, _ in self.codes]}, got {raw!r}")
            return code
        if not isinstance(raw, str):
            raise WrongValue(f"expected text, got {raw!r}")
        return raw

    def to_theirs(self, value: Value) -> Any:
        """Our (validated) value as Zigbee2MQTT expects it in ``/set``."""
        if self.kind is Kind.BINARY:
            return self.value_on if value else self.value_off
        if self.kind is Kind.ENUM:
            names = {code: name for name, code in self.codes}
            return names[int(value)]
        if self.kind is Kind.TEXT:
            return str(value)
        if self.kind is Kind.COLOR:
            if self.color_space == "hs":
                hue, saturation = hs_from_rgb(int(value))
                return {"hue": round(hue), "saturation": round(saturation * 100)}
            x, y = rgb_to_xy(int(value))
            return {"x": x, "y": y}
        number = float(value)
        if self.scale is not None:
            number = self.scale.to_theirs(number)
        low, high = self.limits
        if low is not None:
            number = max(number, low)
        if high is not None:
            number = min(number, high)
        return round(number) if self.wire_integer else number


def _binary_to_ours(binding: Binding, raw: object) -> bool:
    for ours, theirs in ((True, binding.value_on), (False, binding.value_off)):
        if isinstance(theirs, str) and isinstance(raw, str):
            if raw.upper() == theirs.upper():
                return ours
        elif type(raw) is type(theirs) and raw == theirs:
            return ours
    raise WrongValue(f"expected {binding.value_on!r} or {binding.value_off!r}, got {raw!r}")


def _color_to_ours(raw: object) -> int:
    """A reported ``color`` object (x/y, or hue/saturation in degrees and percent) as
    0xRRGGBB at full brightness; x/y wins when both are reported, as the lamp works in it."""
    if isinstance(raw, Mapping):
        x, y = _finite(raw.get("x")), _finite(raw.get("y"))
        if x is not None and y is not None and 0 <= x <= 1 and 0 <= y <= 1:
            return xy_to_rgb(XY(x, y))
        hue, saturation = _finite(raw.get("hue")), _finite(raw.get("saturation"))
        if hue is not None and saturation is not None:
            return rgb_from_hs(hue % 360, min(max(saturation, 0.0), 100.0) / 100)
    raise WrongValue(f"expected a colour as x/y or hue/saturation, got {raw!r}")


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _numeric_to_ours(binding: Binding, raw: object) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise WrongValue(f"expected a number, got {raw!r}")
    number = float(raw)
    if binding.scale is not None:
        number = binding.scale.to_ours(number)
    return round(number) if binding.integer else number


@dataclass(frozen=True, slots=True)
class ActionEvents:
    """A transient ``action`` property whose values are device events (button presses)."""

    key: str
    siid: int
    codes: tuple[tuple[str, int], ...]  # action value -> eiid


@dataclass(frozen=True)
class DeviceMapping:
    """Every binding of one device, looked up by Zigbee2MQTT key or by ``(siid, piid)``."""

    bindings: tuple[Binding, ...] = ()
    actions: tuple[ActionEvents, ...] = ()

    @cached_property
    def by_key(self) -> dict[str, tuple[Binding, ...]]:
        """The bindings of each Zigbee2MQTT state key."""
        keyed: dict[str, list[Binding]] = {}
        for binding in self.bindings:
            keyed.setdefault(binding.key, []).append(binding)
        return {key: tuple(found) for key, found in keyed.items()}

    @cached_property
    def by_address(self) -> dict[tuple[int, int], Binding]:
        """The binding of each (siid, piid)."""
        return {(b.siid, b.piid): b for b in self.bindings}

    def binding(self, siid: int, piid: int) -> Binding | None:
        """Return the binding of one property, if it has one."""
        return self.by_address.get((siid, piid))

    def gettable_keys(self) -> list[str]:
        """Keys that a ``/get`` asks the device to report."""
        return sorted({b.key for b in self.bindings if b.gettable})


@dataclass
class Decoded:
    """What one state payload says: values, events fired, and what could not be read."""

    values: list[tuple[Binding, Value]] = field(default_factory=list)
    events: list[tuple[int, int]] = field(default_factory=list)  # (siid, eiid)
    problems: list[str] = field(default_factory=list)


def decode_state(mapping: DeviceMapping, payload: Mapping[str, Any]) -> Decoded:
    """Read a device state payload; keys the device does not expose are ignored (Z2M adds
    ``linkquality``, ``last_seen``, ``update`` ... as it likes)."""
    decoded = Decoded()
    for key, raw in payload.items():
        for binding in mapping.by_key.get(key, ()):
            try:
                decoded.values.append((binding, binding.to_ours(raw)))
            except WrongValue as exc:
                decoded.problems.append(f"{key}: {exc}")
    for action in mapping.actions:
        raw = payload.get(action.key)
        if raw is None or raw == "":  # 1.x follows each action with an empty one
            continue
        eiid = dict(action.codes).get(raw) if isinstance(raw, str) else None
        if eiid is None:
            decoded.problems.append(f"{action.key}: unknown action {raw!r}")
        else:
            decoded.events.append((action.siid, eiid))
    return decoded


def encode_writes(mapping: DeviceMapping, writes: list[tuple[int, int, Value]]) -> dict[str, Any]:
    """The ``/set`` payload for validated writes; KeyError for an address with no binding."""
    payload: dict[str, Any] = {}
    for siid, piid, value in writes:
        binding = mapping.by_address[(siid, piid)]
        payload[binding.key] = binding.to_theirs(value)
    return payload
