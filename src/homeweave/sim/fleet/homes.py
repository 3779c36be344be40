"""Lightweight homes for the fleet simulator: a few kinds of virtual devices with realistic
change rates, an owner and a guest token each, and the answers to the fleet's commands exactly
as an edge hub gives them (``bridges/cloud``): the same reply shapes and error kinds.

No hub here (the simulators never import ``core``): a home is a dict of values, a message
counter and two tokens, so thousands fit in one process."""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from homeweave.transport.fleet_wire import UNAUTHORIZED, AccessEntry, DeviceAccess


@dataclass(frozen=True, slots=True)
class Prop:
    """One property of a kind of device: where it is, what it holds, how often it changes."""

    tail: str  # "light/brightness"
    siid: int
    piid: int
    writable: bool
    low: float | None = None  # a number's range; None: a bool
    high: float | None = None
    every: float | None = None  # mean seconds between changes on their own; None: on command


KINDS: dict[str, tuple[Prop, ...]] = {
    # a lamp: switched a few times a day, dimmed now and then
    "lamp": (
        Prop("light/on", 2, 1, True, every=3600.0),
        Prop("light/brightness", 2, 2, True, 1, 100, every=3600.0),
    ),
    # a climate sensor: reports on a change of 0.1 °C / 1 %, about once a minute
    "sensor": (
        Prop("temperature-sensor/temperature", 2, 1, False, -10.0, 40.0, every=60.0),
        Prop("temperature-sensor/relative-humidity", 2, 2, False, 0, 100, every=120.0),
    ),
    # a metering plug: its power reading every half minute while something draws
    "plug": (
        Prop("switch/on", 2, 1, True, every=7200.0),
        Prop("power-consumption/electric-power", 3, 1, False, 0.0, 2000.0, every=30.0),
    ),
}
MIX = ("sensor", "sensor", "lamp", "lamp", "plug")
"""The kinds of a home's devices, in turn (two sensors, two lamps, one plug of every five)."""


def events_per_second(devices: int) -> float:
    """The mean rate of state messages of ``devices`` devices of the usual mix on their own."""
    per_mix = sum(1 / p.every for kind in MIX for p in KINDS[kind] if p.every)
    return devices * per_mix / len(MIX)


@dataclass(slots=True)
class SimDevice:
    """One virtual device: its kind and current values by property tail."""

    id: str
    kind: str
    values: dict[str, Any]


@dataclass(slots=True)
class SimHome:
    """One home: its devices, its message ids (random epoch + sequence, as the edge's outbox
    makes them), an owner's token and a guest's (shared: the first lamp)."""

    id: str
    devices: dict[str, SimDevice]
    epoch: int = field(default_factory=lambda: secrets.randbits(48))
    seq: int = 0
    owner_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    guest_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    answered: int = 0

    def next_seq(self) -> int:
        """The next message's sequence number."""
        self.seq += 1
        return self.seq

    @property
    def shared(self) -> str:
        """The device shared with the guest."""
        return next((d.id for d in self.devices.values() if d.kind == "lamp"), "")

    def access(self, guest: bool) -> AccessEntry:
        """The ``hw_access`` entry of the owner's token or the guest's."""
        devices: dict[str, DeviceAccess] = {}
        for device in self.devices.values():
            if guest and device.id != self.shared:
                continue
            devices[device.id] = DeviceAccess(
                name=device.id.replace("-", " ").capitalize(),
                room="Living room",
                control=True,
                until=None,
                properties={p.tail: [p.siid, p.piid, p.writable] for p in KINDS[device.kind]},
            )
        return AccessEntry(
            user="guest" if guest else "owner",
            name="Guest" if guest else "Owner",
            role="guest" if guest else "owner",
            expires=None,
            devices=devices,
        )

    def change(self, rng: random.Random) -> dict[str, Any] | None:
        """A change on its own of a random device (a sensor's drift, a lamp switched): the
        state message body, or None if the value stayed."""
        device = rng.choice(list(self.devices.values()))
        prop = rng.choice([p for p in KINDS[device.kind] if p.every])
        old = device.values[prop.tail]
        new = drift(prop, old, rng)
        if new == old:
            return None
        device.values[prop.tail] = new
        return self.state_body(device.id, prop, new, old)

    def state_body(self, device: str, prop: Prop, value: Any, old: Any) -> dict[str, Any]:
        """A state message as the edge link publishes it."""
        return {
            "device": device,
            "siid": prop.siid,
            "piid": prop.piid,
            "value": value,
            "old": old,
            "at": time.time(),
            "home": self.id,
        }

    def command(self, request: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The reply to a command (as ``bridges/cloud`` answers it) and the state message its
        change publishes (None if nothing changed)."""
        if not isinstance(request, dict):
            return refusal("BadRequest", "expected a JSON object"), None
        token = request.get("token")
        if token is not None and token not in (self.owner_token, self.guest_token):
            return refusal(UNAUTHORIZED, "unknown or expired token"), None
        if request.get("op") != "set":
            return refusal("BadRequest", f"op must be 'set' here, got {request.get('op')!r}"), None
        address = str(request.get("address", ""))
        device_id, _, tail = address.partition("/")
        device = self.devices.get(device_id)
        if device is None or (token == self.guest_token and device_id != self.shared):
            return refusal("UnknownAddress", f"unknown device {device_id!r}"), None
        prop = next((p for p in KINDS[device.kind] if p.tail == tail), None)
        if prop is None:
            return refusal("UnknownAddress", f"unknown property {address!r}"), None
        if not prop.writable:
            return refusal("AccessDenied", f"{address} is read-only"), None
        value = request.get("value")
        problem = invalid(prop, value)
        if problem:
            return refusal("InvalidValue", f"{address}: {value!r} is not {problem}"), None
        old = device.values[tail]
        device.values[tail] = value
        self.answered += 1
        reply = {"ok": True, "address": address, "value": value}
        return reply, (self.state_body(device_id, prop, value, old) if value != old else None)


def refusal(kind: str, error: str) -> dict[str, Any]:
    """A refused command's reply."""
    return {"ok": False, "kind": kind, "error": error}


def invalid(prop: Prop, value: Any) -> str:
    """What ``value`` should be for ``prop`` ("" if it is fine)."""
    if prop.low is None:
        return "" if isinstance(value, bool) else "true or false"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "a number"
    if not prop.low <= value <= (prop.high or value):
        return f"between {prop.low:g} and {prop.high:g}"
    return ""


def drift(prop: Prop, old: Any, rng: random.Random) -> Any:
    """The next value a property takes on its own."""
    if prop.low is None:
        return not old
    assert prop.high is not None
    if prop.tail == "light/brightness":
        return rng.randint(int(prop.low), int(prop.high))
    step = (prop.high - prop.low) / 200
    return round(min(prop.high, max(prop.low, old + rng.uniform(-step, step) * 4)), 1)


def build_homes(homes: int, devices_per_home: int, seed: int = 1) -> list[SimHome]:
    """``homes`` homes (``home-00001`` ...) of ``devices_per_home`` devices each."""
    rng = random.Random(seed)
    built: list[SimHome] = []
    for h in range(homes):
        devices: dict[str, SimDevice] = {}
        for d in range(devices_per_home):
            kind = MIX[d % len(MIX)]
            values = {p.tail: start(p, rng) for p in KINDS[kind]}
            ident = f"{kind}-{d + 1}"
            devices[ident] = SimDevice(ident, kind, values)
        built.append(SimHome(f"home-{h + 1:05d}", devices))
    return built


def start(prop: Prop, rng: random.Random) -> Any:
    """A property's first value."""
    if prop.low is None:
        return rng.random() < 0.3
    assert prop.high is not None
    if prop.tail == "light/brightness":
        return rng.randint(20, 100)
    middle = (prop.low + prop.high) / 2
    return round(middle + rng.uniform(-5, 5), 1) if prop.high < 200 else 0.0
