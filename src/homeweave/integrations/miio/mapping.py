"""miIO devices onto the capability model: what to read, how to write, values both ways.

``MiotAdapter`` serves any MIoT device from its spec (``get_properties`` / ``set_properties`` /
``action`` by siid/piid/aiid). ``LegacyAdapter`` serves a pre-MIoT model through its table in
``legacy.py``. Both take a ``MiioDevice`` (wire) and return model values; neither touches the hub.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from homeweave.integrations.miio.legacy import (
    DEVICE_INFORMATION,
    MANUFACTURER,
    MODEL,
    Fetch,
    LegacyModel,
    on_off,
)
from homeweave.model import DeviceSpec, Format, Property, Value, load_spec
from homeweave.protocols.miio import miot
from homeweave.protocols.miio.errors import MiotItemError, UnexpectedReply
from homeweave.protocols.miio.miot import Outcome, Requester

_LOGGER = logging.getLogger(__name__)

Key = tuple[int, int]
Write = tuple[int, int, Value]
"""``(siid, piid, value)``, already validated against the spec."""


@dataclass(slots=True)
class Poll:
    """One poll's result: values learnt, and items the device refused (with their code)."""

    values: dict[Key, Value] = field(default_factory=dict)
    refused: dict[Key, int] = field(default_factory=dict)


class Adapter(Protocol):
    """How the integration talks to one kind of device, described by ``spec``."""

    spec: DeviceSpec

    async def poll(self, device: Requester, *, deadline: float | None = None) -> Poll:
        """Read the readable properties; return the values learnt and the items refused."""

    async def write(
        self, device: Requester, writes: Sequence[Write], *, deadline: float | None = None
    ) -> list[Outcome]:
        """Write validated values; return one outcome (code 0: accepted) per write, in order."""

    async def act(
        self,
        device: Requester,
        siid: int,
        aiid: int,
        args: Sequence[Value],
        *,
        deadline: float | None = None,
    ) -> list[Value]:
        """Invoke action ``siid.aiid`` with ``args``; return its outputs as model values."""


def to_value(prop: Property, raw: Any) -> Value | None:
    """A device's JSON value as ``prop`` holds it, leniently (``"50"`` for 50, 1 for true)."""
    if raw is None or isinstance(raw, dict | list):
        return None
    if prop.format is Format.BOOL:
        return on_off(raw)
    if prop.format is Format.STRING:
        return raw if isinstance(raw, str) else str(raw)
    if prop.numeric:
        number = _number(raw)
        if number is None:
            return None
        if prop.format is Format.FLOAT:
            return number
        return round(number)
    return raw if isinstance(raw, bool | int | float | str) else None


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return float(raw)
    try:
        number = float(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


class _Lenient:
    """Converts values, warning once per property about the ones it cannot read."""

    def __init__(self, spec: DeviceSpec, label: str) -> None:
        self.spec = spec
        self.label = label
        self._warned: set[Key] = set()

    def convert(self, key: Key, raw: Any) -> Value | None:
        value = to_value(self.spec.property(*key), raw)
        if value is None and key not in self._warned:
            self._warned.add(key)
            _LOGGER.warning("%s: cannot read %r as property %s.%s", self.label, raw, *key)
        return value


class MiotAdapter:
    """A MIoT-spec device: every readable property is polled, ``chunk`` per request.

    Device-information strings never change, so they are read on the first poll only.
    """

    def __init__(
        self, spec: DeviceSpec, *, chunk: int = miot.DEFAULT_CHUNK, label: str = ""
    ) -> None:
        self.spec = spec
        self.chunk = chunk
        self._values = _Lenient(spec, label)
        readable = [(s, p) for s, p in spec.all_properties() if p.readable]
        self._static = [(s.iid, p.iid) for s, p in readable if s.name == "device-information"]
        self._dynamic = [(s.iid, p.iid) for s, p in readable if s.name != "device-information"]
        self._static_done = False

    async def poll(self, device: Requester, *, deadline: float | None = None) -> Poll:
        """Read every readable property by siid/piid (device information on the first poll only)."""
        keys = self._dynamic if self._static_done else self._static + self._dynamic
        readings = await miot.get_properties(device, keys, chunk=self.chunk, deadline=deadline)
        poll = Poll()
        for reading in readings:
            key = (reading.siid, reading.piid)
            value = self._values.convert(key, reading.value) if reading.ok else None
            if value is not None:
                poll.values[key] = value
            elif not reading.ok:
                poll.refused[key] = reading.code
        self._static_done = True
        return poll

    async def write(
        self, device: Requester, writes: Sequence[Write], *, deadline: float | None = None
    ) -> list[Outcome]:
        """Write with ``set_properties``, ``chunk`` per request; return each write's outcome."""
        return await miot.set_properties(device, writes, chunk=self.chunk, deadline=deadline)

    async def act(
        self,
        device: Requester,
        siid: int,
        aiid: int,
        args: Sequence[Value],
        *,
        deadline: float | None = None,
    ) -> list[Value]:
        """Call the action; return the outputs the device sent, read as its out-properties."""
        outs = await miot.call_action(device, siid, aiid, args, deadline=deadline)
        piids = self.spec.service(siid).action(aiid).outs
        pairs = zip(piids, outs, strict=False)  # a firmware may send fewer outs than its spec
        values = [self._values.convert((siid, piid), raw) for piid, raw in pairs]
        return [v for v in values if v is not None]


def legacy_spec(table: LegacyModel, spec: DeviceSpec) -> DeviceSpec:
    """The catalog ``spec`` as far as a legacy model's table serves it: properties it neither
    reads nor writes and actions it lacks are left out, and what it only reads is read-only
    (a Roborock S5 reports spot cleaning but has no method to set a "mode"). The same object
    if nothing changes."""
    reads = {(f.siid, f.piid) for f in table.fields}
    reads |= {(DEVICE_INFORMATION, MANUFACTURER), (DEVICE_INFORMATION, MODEL)}
    document = copy.deepcopy(spec.document)
    for service in document.get("services", ()):
        siid = service["iid"]
        kept = []
        for prop in service.get("properties", ()):
            key = (siid, prop["iid"])
            if key not in reads and key not in table.writes:
                continue
            if key not in table.writes:
                prop["access"] = [a for a in prop.get("access", ()) if a != "write"]
            kept.append(prop)
        service["properties"] = kept
        service["actions"] = [
            a for a in service.get("actions", ()) if (siid, a["iid"]) in table.actions
        ]
    document["services"] = [
        s
        for s in document.get("services", ())
        if s["properties"] or s["actions"] or s.get("events")
    ]
    if document == spec.document:
        return spec
    return load_spec(document, source=f"{spec.type} as {table.model} serves it")


class LegacyAdapter:
    """A pre-MIoT model through its ``LegacyModel`` table; ``spec`` is the configured one cut
    to what the table serves (``legacy_spec``)."""

    def __init__(self, table: LegacyModel, spec: DeviceSpec, *, label: str = "") -> None:
        self.table = table
        self.spec = legacy_spec(table, spec)
        self._values = _Lenient(self.spec, label)

    async def poll(self, device: Requester, *, deadline: float | None = None) -> Poll:
        """Fetch the table's fields in one request; return them, with model and manufacturer."""
        fields = await self._fetch(device, deadline)
        poll = Poll()
        poll.values[(DEVICE_INFORMATION, MANUFACTURER)] = self.table.manufacturer
        poll.values[(DEVICE_INFORMATION, MODEL)] = self.table.model
        for item in self.table.fields:
            raw = fields.get(item.name)
            value = item.convert(raw) if raw is not None else None
            if value is not None:
                value = self._values.convert((item.siid, item.piid), value)
            if value is not None:
                poll.values[(item.siid, item.piid)] = value
        return poll

    async def write(
        self, device: Requester, writes: Sequence[Write], *, deadline: float | None = None
    ) -> list[Outcome]:
        """Send each write as the table's command; -4002 when it has none, -4004 when refused."""
        outcomes = []
        for siid, piid, value in writes:
            command = self.table.writes.get((siid, piid))
            if command is None:
                outcomes.append(Outcome(siid, piid, -4002))
                continue
            result = await device.request(command.method, command.params(value), deadline=deadline)
            outcomes.append(Outcome(siid, piid, 0 if _accepted(result) else -4004))
        return outcomes

    async def act(
        self,
        device: Requester,
        siid: int,
        aiid: int,
        args: Sequence[Value],
        *,
        deadline: float | None = None,
    ) -> list[Value]:
        """Send the table's command for the action; MiotItemError when it has none or is refused."""
        command = self.table.actions.get((siid, aiid))
        what = f"action {siid}.{aiid}"
        if command is None:
            raise MiotItemError(what, -4003, f"{self.table.model} has no such action")
        result = await device.request(command.method, command.params(0), deadline=deadline)
        if not _accepted(result):
            raise MiotItemError(what, -4004, f"{command.method} answered {result!r}")
        return []

    async def _fetch(self, device: Requester, deadline: float | None) -> dict[str, Any]:
        names = self.table.field_names
        if self.table.fetch is Fetch.GET_PROP:
            result = await device.request("get_prop", names, deadline=deadline)
            if not isinstance(result, list) or len(result) != len(names):
                raise UnexpectedReply("get_prop", result)
            return dict(zip(names, result, strict=True))
        result = await device.request("get_status", [], deadline=deadline)
        status = result[0] if isinstance(result, list) and result else result
        if not isinstance(status, dict):
            raise UnexpectedReply("get_status", result)
        return status


def _accepted(result: object) -> bool:
    """``["ok"]``, ``"ok"`` or ``0``; Roborocks answer ``"unknown_method"`` to what they lack."""
    if result == "unknown_method":
        return False
    return result in (["ok"], "ok", 0, [0])
