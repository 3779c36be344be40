"""What the energy ledger says to a person: kWh and cost per hour, day or month, per device,
room or home — only of the devices that person may see (``permissions.visible``).

Buckets are cut in the local time of the home (a day is midnight to midnight there); each
hour is priced by the tariff at its local start.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from homeweave.core import permissions
from homeweave.core.principal import Principal
from homeweave.core.registry import Device, Registry
from homeweave.core.tariff import Tariff
from homeweave.storage import EnergyRecord, EnergyStore

Bucket = Literal["hour", "day", "month"]
By = Literal["device", "room", "home"]
BUCKETS: tuple[Bucket, ...] = ("hour", "day", "month")
GROUPINGS: tuple[By, ...] = ("device", "room", "home")


@dataclass(slots=True)
class Amount:
    """kWh and what they cost (None: no price set)."""

    kwh: float = 0.0
    cost: float | None = None

    def add(self, kwh: float, cost: float | None) -> None:
        """Add ``kwh`` costing ``cost``."""
        self.kwh += kwh
        if cost is not None:
            self.cost = (self.cost or 0.0) + cost


@dataclass(slots=True)
class Group:
    """One device, room or home: its total and its amount per bucket (same order as the
    report's buckets)."""

    id: str
    name: str
    total: Amount = field(default_factory=Amount)
    buckets: list[Amount] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """Energy from ``since`` to ``until`` in ``bucket`` steps, grouped ``by``."""

    since: float
    until: float
    bucket: Bucket
    by: By
    currency: str
    priced: bool
    time_zone: str
    starts: list[float]
    """Each bucket's start (epoch seconds), oldest first."""
    total: Amount = field(default_factory=Amount)
    buckets: list[Amount] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


def bucket_start(local: datetime, bucket: Bucket) -> datetime:
    """The start of the hour, day or month ``local`` falls in (same time zone)."""
    if bucket == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day.replace(day=1) if bucket == "month" else day


def _next(start: datetime, bucket: Bucket) -> datetime:
    # Aware datetimes add in wall-clock time: a day is midnight to midnight even when it has
    # 23 or 25 hours; an hour is an elapsed hour (through the clock change).
    if bucket == "hour":
        return datetime.fromtimestamp(start.timestamp() + 3600, start.tzinfo)
    if bucket == "day":
        return start + timedelta(days=1)
    return (start + timedelta(days=32)).replace(day=1)


def bucket_starts(since: float, until: float, bucket: Bucket, zone: ZoneInfo) -> list[float]:
    """The starts of the buckets from the one ``since`` falls in up to ``until``."""
    at = bucket_start(datetime.fromtimestamp(since, zone), bucket)
    starts = []
    while at.timestamp() < until:
        starts.append(at.timestamp())
        at = _next(at, bucket)
    return starts


async def energy_report(
    store: EnergyStore,
    registry: Registry,
    tariff: Tariff,
    principal: Principal,
    *,
    since: float,
    until: float,
    bucket: Bucket = "day",
    by: By = "device",
) -> Report:
    """The energy of the devices ``principal`` may see, from ``since`` to ``until``."""
    devices = {d.id: d for d in permissions.visible(principal, registry.devices.values())}
    zone_name = _time_zone(registry, devices.values())
    zone = ZoneInfo(zone_name)
    starts = bucket_starts(since, until, bucket, zone)
    report = Report(since, until, bucket, by, tariff.currency, tariff.priced, zone_name, starts)
    report.buckets = [Amount() for _ in starts]
    await store.flush()  # what was metered up to now, committed
    rows = await store.energy(starts[0] if starts else since, until)
    groups: dict[str, Group] = {}
    for row in rows:
        device = devices.get(row.device_id)
        if device is None:
            continue
        _add(report, groups, registry, device, row, tariff, zone)
    report.groups = sorted(groups.values(), key=lambda g: (-g.total.kwh, g.name))
    return report


def _add(
    report: Report,
    groups: dict[str, Group],
    registry: Registry,
    device: Device,
    row: EnergyRecord,
    tariff: Tariff,
    zone: ZoneInfo,
) -> None:
    local = datetime.fromtimestamp(row.hour, zone)
    start = bucket_start(local, report.bucket).timestamp()
    index = _index(report.starts, start)
    if index is None:
        return
    price = tariff.price(local)
    cost = None if price is None else row.kwh * price
    group_id, name = _group_of(registry, device, report.by)
    group = groups.get(group_id)
    if group is None:
        groups[group_id] = group = Group(group_id, name, buckets=[Amount() for _ in report.starts])
    for amount in (report.total, report.buckets[index], group.total, group.buckets[index]):
        amount.add(row.kwh, cost)


def _index(starts: list[float], start: float) -> int | None:
    index = bisect_left(starts, start)
    return index if index < len(starts) and starts[index] == start else None


def _group_of(registry: Registry, device: Device, by: By) -> tuple[str, str]:
    if by == "device":
        return device.id, device.name
    if by == "room":
        room = registry.rooms.get(device.room_id)
        return device.room_id, room.name if room is not None else device.room_id
    home = registry.homes.get(device.home_id)
    return device.home_id, home.name if home is not None else device.home_id


def _time_zone(registry: Registry, devices: Iterable[Device]) -> str:
    """The time zone buckets are cut in: that of the home of the devices shown (the first)."""
    for device in devices:
        home = registry.homes.get(device.home_id)
        if home is not None and home.time_zone:
            return home.time_zone
    for home in registry.homes.values():
        if home.time_zone:
            return home.time_zone
    return "UTC"
