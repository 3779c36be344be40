"""The logbook: what happened in the home, newest first, with who caused it — built from what
the hub already records: the raw history (every recorded point is a change) and the audit log.

The first value recorded for a property is not a change (it was learnt when the device came).
A change is joined to the command that caused it: the audit entry of a ``set`` of the same
property to the same value within `JOIN_WINDOW` seconds (or, failing that, a ``set`` of that
property to a value the device rounded, or a device action on the same device). Measured
values (temperature, power) are left out unless someone set them:
the logbook holds on/off, states and modes, settings and actions. Only devices the principal
may see are read (a guest sees what was shared with them). Lines are worded in one of
`model.phrasebook`'s languages (``en``, ``de``, ``zh-cn``); names stay as people gave them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace

from homeweave.core import permissions
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    AvailabilityChanged,
    DeviceEvent,
    EventBus,
    Unsubscribe,
)
from homeweave.core.integration import CONNECTING
from homeweave.core.principal import Principal
from homeweave.core.registry import Device, Registry
from homeweave.errors import HomeweaveError, InvalidValue, UnknownAddress
from homeweave.model.phrasebook import DEFAULT_LANGUAGE
from homeweave.model.spec import Format, Property, Service, Value
from homeweave.model.wording import (
    action_sentence,
    availability_sentence,
    cause_phrase,
    change_sentence,
    event_sentence,
    in_sentence,
)
from homeweave.storage.protocols import AuditStore, DeviceLogStore, HistoryStore, UserStore
from homeweave.storage.records import AuditRecord, DeviceLogRecord

JOIN_WINDOW = 10.0
"""Seconds between a command's audit entry and the change it caused (either way round)."""
ACTION_LEAD = 2.0
"""Seconds a change may come before an action's audit entry (written once the device answered)
and still be its result."""
SKIPPED_SERVICES = frozenset({"device-information"})
DEFAULT_LIMIT = 200
MAX_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class Cause:
    """Who made a change: the user id (``automation:ID`` for an automation), the name people
    know them by (the automation's name), the channel, and the words ("by Anna via Alexa",
    "by automation Evening", "von Anna über Alexa")."""

    user: str
    name: str
    channel: str
    phrase: str


@dataclass(frozen=True, slots=True)
class LogbookEntry:
    """One line of the logbook: when, which device (and property, for a change), the new value,
    the sentence without its cause, the cause if known, and the whole sentence ("Living room
    lamp turned on by automation Evening"; the cause goes where the language puts it)."""

    at: float
    device_id: str
    device_name: str
    room_id: str
    kind: str  # "change" | "action" | "event" | "available" | "unavailable"
    address: str
    value: Value | None
    what: str
    cause: Cause | None
    text: str


def keep_device_log(bus: EventBus, registry: Registry, store: DeviceLogStore) -> list[Unsubscribe]:
    """Record what devices do that is no property's value — events they report, going away and
    coming back — for the logbook; returns the unsubscribes."""

    def event(found: DeviceEvent) -> None:
        device = registry.devices.get(found.device_id)
        name = f"{found.siid}.{found.eiid}"
        if device is not None:
            with suppress(HomeweaveError):
                name = device.spec.service(found.siid).events.get(found.eiid).key
        detail = (
            json.dumps({str(k): v for k, v in found.arguments.items()}) if found.arguments else ""
        )
        at = found.at or time.time()
        store.record_device_log(DeviceLogRecord(at, found.device_id, "event", name, detail))

    connecting: set[str] = set()

    def availability(change: AvailabilityChanged) -> None:
        # A device waiting for its integration to start, and its coming up, are no news.
        if not change.available and change.reason == CONNECTING:
            connecting.add(change.device_id)
            return
        if change.available and change.device_id in connecting:
            connecting.discard(change.device_id)
            return
        connecting.discard(change.device_id)
        kind = "available" if change.available else "unavailable"
        at = change.at or time.time()
        store.record_device_log(DeviceLogRecord(at, change.device_id, kind, "", change.reason))

    return [bus.subscribe(DEVICE_EVENT, event), bus.subscribe(AVAILABILITY_CHANGED, availability)]


class Logbook:
    """Reads the logbook for a principal from ``history`` and ``audit``; ``names`` gives an
    automation's name by id (None: unknown)."""

    def __init__(
        self,
        registry: Registry,
        history: HistoryStore,
        audit: AuditStore,
        users: UserStore,
        names: Callable[[str], str | None] = lambda _: None,
        device_log: DeviceLogStore | None = None,
    ) -> None:
        self._registry = registry
        self._history = history
        self._device_log = device_log
        self._audit = audit
        self._users = users
        self._names = names

    def devices(
        self, principal: Principal, device: str | None = None, room: str | None = None
    ) -> list[Device]:
        """The devices a logbook covers: one device, a room's, or the home's — those the
        principal may see (an unknown or hidden device is UnknownAddress)."""
        if device is not None:
            return [permissions.device(self._registry, principal, device)]
        if room is not None and room not in self._registry.rooms:
            raise UnknownAddress("room", room, choices=sorted(self._registry.rooms))
        return [
            d
            for d in permissions.visible(principal, self._registry.devices.values())
            if room is None or d.room_id == room
        ]

    async def read(
        self,
        principal: Principal,
        *,
        device: str | None = None,
        room: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = DEFAULT_LIMIT,
        language: str = DEFAULT_LANGUAGE,
    ) -> list[LogbookEntry]:
        """The newest ``limit`` lines between ``since`` (default: a day before ``until``) and
        ``until`` (default: now), newest first, worded in ``language``."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidValue("limit", limit, f"1..{MAX_LIMIT}")
        end = time.time() if until is None else until
        start = end - 86400.0 if since is None else since
        if start > end:
            raise InvalidValue("since", since, "a time before until")
        devices = self.devices(principal, device, room)
        await self._history.flush()
        entries: list[LogbookEntry] = []
        for dev in devices:
            for service, prop in logged(dev):
                key = (dev.id, service.iid, prop.iid)
                points = await self._history.history(*key, start, end, limit)
                if points:
                    # The first value ever recorded was learnt (the device was added), not a
                    # change: a new hub would open its logbook with every property otherwise.
                    first = await self._history.history(*key, 0.0, points[0].at, 1)
                    if first and first[0].at == points[0].at:
                        points = points[1:]
                address = f"{dev.id}/{service.key}/{prop.key}"
                part = "" if _main(dev, service) else _label(service)
                for p in points:
                    what = change_sentence(
                        dev.name, prop, _shown(p.value), part=part, language=language
                    )
                    entries.append(
                        LogbookEntry(
                            p.at,
                            dev.id,
                            dev.name,
                            dev.room_id,
                            "change",
                            address,
                            p.value,
                            what,
                            None,
                            what,
                        )
                    )
        entries += await self._commands(devices, start, end, entries, language)
        every = device is None and room is None
        entries += await self._logged(devices, every, start, end, limit, language)
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[:limit]

    async def _commands(
        self,
        devices: list[Device],
        start: float,
        end: float,
        entries: list[LogbookEntry],
        language: str,
    ) -> list[LogbookEntry]:
        """Give each change its cause from the audit log (in place); return the lines of
        device actions."""
        by_id = {d.id: d for d in devices}
        device = devices[0].id if len(devices) == 1 else None
        records = await self._audit.audit(
            start - JOIN_WINDOW, end + JOIN_WINDOW, None, device, MAX_LIMIT * 2
        )
        commands = [
            r
            for r in records
            if r.result == "ok" and r.device_id in by_id and r.action in ("set", "do")
        ]
        if not commands:
            return []
        people = {u.id: u.display_name for u in await self._users.users()}
        causes = {r.user: self._cause(r, people, language) for r in commands}
        per_device: dict[str, list[tuple[int, AuditRecord]]] = {}
        for n, r in enumerate(commands):
            per_device.setdefault(r.device_id or "", []).append((n, r))
        used: set[int] = set()
        caused: set[int] = set()
        for exact in (True, False):
            for i, entry in enumerate(entries):
                if i in caused:
                    continue
                owner = by_id[entry.device_id]
                writable = _prop(owner, entry).writable
                mine = per_device.get(entry.device_id, [])
                found = _match(entry, mine, used, writable, exact)
                if found is not None:
                    caused.add(i)
                    commanded = found.action == "set"
                    cause = causes[found.user]
                    entries[i] = _caused(entry, cause, owner, commanded, language)
        actions: list[LogbookEntry] = []
        for r in commands:
            if r.action == "do" and start <= r.at <= end:
                dev = by_id[r.device_id or ""]
                args = r.new if isinstance(r.new, str) else None
                what = action_sentence(dev.name, r.target, args, language=language)
                cause = causes[r.user]
                text = action_sentence(
                    dev.name, r.target, args, cause=cause.phrase, language=language
                )
                actions.append(
                    LogbookEntry(
                        r.at,
                        dev.id,
                        dev.name,
                        dev.room_id,
                        "action",
                        r.target,
                        r.new,
                        what,
                        cause,
                        text,
                    )
                )
        return actions

    async def _logged(
        self,
        devices: list[Device],
        every: bool,
        start: float,
        end: float,
        limit: int,
        language: str,
    ) -> list[LogbookEntry]:
        """The lines of events devices reported and of their going away and coming back."""
        if self._device_log is None or not devices:
            return []
        by_id = {d.id: d for d in devices}
        ids = None if every and len(devices) == len(self._registry.devices) else list(by_id)
        lines: list[LogbookEntry] = []
        for r in await self._device_log.device_log(ids, start, end, limit):
            dev = by_id.get(r.device_id)
            if dev is None:
                continue
            if r.kind == "event":
                what = event_sentence(dev.name, _event_title(dev, r.name), language)
            else:
                available = r.kind == "available"
                what = availability_sentence(dev.name, available, r.detail, language)
            lines.append(
                LogbookEntry(
                    r.at, dev.id, dev.name, dev.room_id, r.kind, r.name, None, what, None, what
                )
            )
        return lines

    def _cause(self, record: AuditRecord, people: dict[str, str], language: str) -> Cause:
        if record.channel == "automation":
            name = self._names(record.user.split(":", 1)[-1]) or record.user.split(":", 1)[-1]
        else:
            name = people.get(record.user, record.user)
        phrase = cause_phrase(record.user, name, record.channel, language)
        return Cause(record.user, name, record.channel, phrase)


def logged(device: Device) -> Iterator[tuple[Service, Property]]:
    """The properties whose changes a logbook tells: on/off, states and modes (a value list),
    text, and whatever can be set; not measurements nobody sets."""
    for service in device.spec.services:
        if service.name in SKIPPED_SERVICES:
            continue
        for prop in service.properties:
            if prop.format in (Format.BOOL, Format.STRING) or prop.value_list or prop.writable:
                yield service, prop


def _main(device: Device, service: Service) -> bool:
    """Whether ``service`` is the device's own (its first one apart from the device's
    information): its changes need no service name."""
    first = next((s for s in device.spec.services if s.name not in SKIPPED_SERVICES), None)
    return first is None or first.iid == service.iid


def _label(service: Service) -> str:
    return in_sentence(service.description or service.name)


def _event_title(device: Device, key: str) -> str:
    """An event's description from the device's spec (its key if the spec lacks it)."""
    for service in device.spec.services:
        found = service.events.find(key)
        if found is not None and found.description:
            return found.description
    return key.replace("-", " ")


def _shown(value: Value | None) -> Value:
    return value if value is not None else ""


def _prop(device: Device, entry: LogbookEntry) -> Property:
    _, service_key, prop_key = entry.address.split("/", 2)
    return device.spec.service(service_key).property(prop_key)


def _caused(
    entry: LogbookEntry, cause: Cause, device: Device, commanded: bool, language: str
) -> LogbookEntry:
    """The change with its cause; a value someone set (``commanded``) is "set to"."""
    _, service_key, prop_key = entry.address.split("/", 2)
    service = device.spec.service(service_key)
    prop = service.property(prop_key)
    part = "" if _main(device, service) else _label(service)
    val = _shown(entry.value)
    what = change_sentence(
        entry.device_name, prop, val, part=part, commanded=commanded, language=language
    )
    text = change_sentence(
        entry.device_name,
        prop,
        val,
        part=part,
        commanded=commanded,
        cause=cause.phrase,
        language=language,
    )
    return replace(entry, what=what, cause=cause, text=text)


def _match(
    entry: LogbookEntry,
    commands: Iterable[tuple[int, AuditRecord]],
    used: set[int],
    writable: bool,
    exact: bool,
) -> AuditRecord | None:
    """The command that caused ``entry``: a ``set`` of its property to its value nearest in
    time within the window, else a ``set`` of its property to another value (the device
    rounded it), else a device action on its device within the window; ``exact``: only the
    first kind (a first pass, so a rounded match never takes the set an exact one needs)."""
    best: tuple[float, int, AuditRecord] | None = None
    for i, r in commands:  # the device's commands, with their index in all of them
        if i in used:
            continue
        gap = abs(r.at - entry.at)
        if gap > JOIN_WINDOW:
            continue
        if r.action == "set" and r.target == entry.address and _same(r.new, entry.value):
            rank = gap
        elif exact:
            continue
        elif r.action == "set" and r.target == entry.address and gap <= ACTION_LEAD:
            # A device may round what it was sent (a colour temperature of 3999 K for 4000).
            rank = JOIN_WINDOW + gap
        elif r.action == "do" and not writable and entry.at - r.at >= -ACTION_LEAD:
            # An action explains a change of state that follows it (not a setting), if no
            # set does.
            rank = 2 * JOIN_WINDOW + gap
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, i, r)
    if best is None:
        return None
    if best[2].action == "set":
        used.add(best[1])
    return best[2]


def _same(a: Value | None, b: Value | None) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return a == b
