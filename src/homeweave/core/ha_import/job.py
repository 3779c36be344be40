"""Importing a Home Assistant recorder database into the hub's history and statistics.

Per linked entity: its states become raw history points (a value only where it changed; a
state that tells nothing, ``unavailable``/``unknown``, is no point, and its time until the next
value counts in no statistic),
and the same points give 5-minute and hourly statistics and, for states that are no numbers,
the time spent in each value per hour (``storage.statistics``, as the hub computes its own).
Where HA kept long-term statistics for the entity (``statistics``: hourly, for years;
``statistics_short_term``: 5-minute), those buckets win over computed ones: for a measurement
its mean/min/max (its mean stands for the value at the bucket's end), for a counter (energy)
its reading. Everything goes through the storage's ``import_history``: rows are only added
where the hub has none, so an import repeated adds nothing and never replaces the hub's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from homeweave.core.ha_import.mapping import Link, Unmapped, plan
from homeweave.core.ha_import.recorder import (
    HOURLY,
    SHORT,
    Entity,
    Recorder,
    Row,
    Statistic,
    attributes,
)
from homeweave.core.ha_import.values import convert, in_unit, parse_state
from homeweave.core.registry import Device
from homeweave.model import Value
from homeweave.storage.history_import import EnergyHour, Imported, ImportRows
from homeweave.storage.pending import PointRow
from homeweave.storage.protocols import HistoryStore
from homeweave.storage.rows import encode_value
from homeweave.storage.statistics import HOUR, Statistics, StatisticsRows, StatRow

_LOGGER = logging.getLogger(__name__)
ENERGY_PROPERTY = "power-consumption"
"""A counter of this property (HA: a statistic with a sum) also fills the energy ledger."""
BATCH = 5000
"""Raw points written per transaction."""
Progress = Callable[[int, int, str], None]
"""Told (rows read, rows in all, phase) as the import goes."""


@dataclass(slots=True)
class LinkReport:
    """What one link brought."""

    source: str
    address: str
    how: str
    states: int
    hours: int = 0
    fives: int = 0
    skipped: int = 0
    """States with no place in the property (the wrong kind, out of its range)."""
    added: Imported = field(default_factory=Imported)


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, dry, would do)."""

    source: str
    schema: int
    dry_run: bool
    links: list[LinkReport] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    statistics_unmapped: list[str] = field(default_factory=list)
    added: Imported = field(default_factory=Imported)


async def import_recorder(
    recorder: Recorder,
    storage: HistoryStore,
    devices: Sequence[Device],
    explicit: Mapping[str, str | None],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``recorder``'s history for ``devices`` into ``storage`` (``explicit``: the map
    file); with ``dry_run`` only say what would be imported."""
    entities = await recorder.entities()
    statistics = await recorder.statistics_meta()
    by_id = {s.statistic_id: s for s in statistics}
    known = {e.entity_id for e in entities}
    # Entities whose states were purged long ago still have their long-term statistics.
    entities += [
        Entity(-1, s.statistic_id, attributes={"unit_of_measurement": s.unit})
        for s in statistics
        if ":" not in s.statistic_id and "." in s.statistic_id and s.statistic_id not in known
    ]
    links, unmapped = plan(entities, devices, explicit)
    report = ImportReport(recorder.where, recorder.schema, dry_run, unmapped=unmapped)
    used: set[str] = set()
    for link in links:
        stat = _statistic_of(link, by_id)
        if stat is not None:
            used.add(stat.statistic_id)
        report.links.append(
            LinkReport(
                link.source,
                link.address,
                link.how,
                link.entity.states,
                stat.hours if stat else 0,
                stat.fives if stat else 0,
            )
        )
    report.statistics_unmapped = sorted(set(by_id) - used)
    if dry_run:
        return report
    total = sum(r.states + r.hours + r.fives for r in report.links)
    done = 0
    if progress is not None:
        progress(0, total, "importing")
    end = await recorder.newest()
    for link, shown in zip(links, report.links, strict=True):
        feed = _Feed(link)
        if link.entity.metadata_id >= 0:  # else: only long-term statistics are left of it
            async for page in recorder.state_pages(
                link.entity.metadata_id, link.attribute is not None, BATCH
            ):
                points = feed.page(page)
                if points:
                    shown.added.add(await storage.import_history(ImportRows(points=points)))
                done = min(total, done + len(page))
                if progress is not None:
                    progress(done, total, "importing")
        shown.skipped = feed.skipped
        computed = feed.finish(end)
        rows = {(SHORT, r[3]): r for r in computed.short}
        rows.update({(HOURLY, r[3]): r for r in computed.hourly})
        stat = _statistic_of(link, by_id)
        energy: list[EnergyHour] = []
        if stat is not None:
            found, energy = await _buckets(recorder, stat, link)
            rows.update(found)  # HA's own win
        buckets = StatisticsRows(
            short=[row for (table, _), row in rows.items() if table == SHORT],
            hourly=[row for (table, _), row in rows.items() if table == HOURLY],
            durations=computed.durations,
        )
        shown.added.add(await storage.import_history(ImportRows(statistics=buckets, energy=energy)))
        done = min(total, done + shown.hours + shown.fives)
        if progress is not None:
            progress(done, total, "importing")
        report.added.add(shown.added)
    _LOGGER.info(
        "imported from %s: %d raw points and %d statistics rows new, %d entities unmapped",
        recorder.where,
        report.added.points,
        report.added.total - report.added.points,
        len(report.unmapped),
    )
    return report


def _statistic_of(link: Link, by_id: Mapping[str, Statistic]) -> Statistic | None:
    """HA's long-term statistic of the link's entity (its state, numeric properties only)."""
    if link.attribute is not None or not link.prop.numeric:
        return None
    return by_id.get(link.entity.entity_id)


class _Feed:
    """One link's states, a page at a time, turned into history rows (a value where it
    changed) and counted in statistics as the hub counts its own."""

    def __init__(self, link: Link) -> None:
        self.link = link
        unit = link.entity.attributes.get("unit_of_measurement")
        self.unit = unit if isinstance(unit, str) else None
        self.skipped = 0
        """Values with no place in the property (the wrong kind, out of its range)."""
        self.statistics = Statistics()
        self.last: Value | None = None
        self.seen = False

    def page(self, rows: Sequence[Row]) -> list[PointRow]:
        """The history rows of one page of (state, last_updated_ts, attributes) rows."""
        link = self.link
        points: list[PointRow] = []
        device_id, siid, piid = link.key
        for state, at, attrs in rows:
            known = parse_state(state)
            raw: Value | None
            if link.attribute is None:
                raw = known
            else:  # an unavailable entity's attributes are stale
                found = attributes(attrs).get(link.attribute) if known is not None else None
                raw = found if isinstance(found, bool | int | float | str) else None
            if raw is None:
                if known is None and self.last is not None:
                    # Unavailable or unknown: no value counts until the next one, which is a
                    # point even when it is the same as before.
                    self.statistics.pause(device_id, siid, piid, float(at))
                    self.last = None
                continue
            value = convert(raw, link.prop, unit=self.unit, scale=link.scale)
            if value is None:
                self.skipped += 1
                continue
            if value == self.last and type(value) is type(self.last):
                continue
            self.last = value
            self.seen = True
            text = encode_value(value)
            self.statistics.add(device_id, siid, piid, value, float(at), text)
            points.append((device_id, siid, piid, float(at), text))
        return points

    def finish(self, end: float | None) -> StatisticsRows:
        """The buckets the points gave, the last value counted up to the recording's ``end``."""
        if self.seen and end is not None:
            self.statistics.close_until(end)
        return self.statistics.take()


async def _buckets(
    recorder: Recorder, stat: Statistic, link: Link
) -> tuple[dict[tuple[str, float], StatRow], list[EnergyHour]]:
    """HA's own buckets of the link's statistic, as ours, by (table, start); and, for an
    energy counter, the kWh of each hour for the device's energy ledger (the growth of HA's
    sum from one hour to the next)."""
    device_id, siid, piid = link.key
    found: dict[tuple[str, float], StatRow] = {}
    energy: list[EnergyHour] = []
    metered = stat.has_sum and link.prop.name == ENERGY_PROPERTY
    before: tuple[float, float] | None = None  # the hour before: its start and its sum
    for table in (HOURLY, SHORT):
        for start, mean, low, high, state, total in await recorder.buckets(table, stat.id):
            if mean is not None:
                values = (mean, mean if low is None else low, mean if high is None else high, mean)
            elif state is not None:
                values = (state, state, state, state)
            else:
                continue
            mean_, low_, high_, last_ = (in_unit(float(v), stat.unit, link.prop) for v in values)
            found[(table, float(start))] = (
                device_id,
                siid,
                piid,
                float(start),
                mean_,
                low_,
                high_,
                last_,
            )
            if metered and table == HOURLY and total is not None:
                total = in_unit(float(total), stat.unit, link.prop)
                if before is not None and start - before[0] == HOUR and total >= before[1]:
                    energy.append((device_id, float(start), total - before[1]))
                before = (float(start), total)
    return found, energy
