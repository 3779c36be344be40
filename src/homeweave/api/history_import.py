"""``POST /api/history/import``: a Home Assistant recorder database (a file on the hub's machine,
or a PostgreSQL/MariaDB URL) imported into the hub's history while it runs (admins; its
progress is on the board ``GET /api/health`` reports, as the dashboard's banner shows it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from homeweave.api.dependencies import HubDep
from homeweave.api.errors import declared
from homeweave.errors import StorageError

if TYPE_CHECKING:
    from homeweave.core.ha_import import ImportReport

router = APIRouter(prefix="/api/history", tags=["history"], responses=declared(401, 403))


class ImportIn(BaseModel):
    """What to import and how to map it."""

    source: str = Field(
        min_length=1,
        max_length=4096,
        description="home-assistant_v2.db on the hub's machine, or a postgresql:// or "
        "mysql:// URL of Home Assistant's recorder database",
    )
    from_: Literal["home-assistant"] = Field("home-assistant", alias="from")
    map: dict[str, str | None] = Field(
        default_factory=dict,
        description="entity_id (or entity_id/attribute) -> device/service/property, or null "
        "to leave it out; wins over matching by name",
    )
    dry_run: bool = False


class ImportedOut(BaseModel):
    """Rows added (those already there are not counted)."""

    points: int
    short: int
    hourly: int
    durations: int
    energy: int


class LinkOut(BaseModel):
    """One entity (or attribute) and the property it feeds."""

    source: str
    address: str
    how: Literal["map", "auto"]
    states: int
    hours: int
    fives: int
    skipped: int
    added: ImportedOut


class UnmappedOut(BaseModel):
    """An entity left out, and why."""

    source: str
    reason: str


class ImportOut(BaseModel):
    """What the import did (or, dry, would do)."""

    source: str
    schema_version: int
    dry_run: bool
    links: list[LinkOut]
    unmapped: list[UnmappedOut]
    statistics_unmapped: list[str]
    added: ImportedOut


def report_out(report: ImportReport) -> ImportOut:
    """The report as the API answers it."""
    return ImportOut(
        source=report.source,
        schema_version=report.schema,
        dry_run=report.dry_run,
        links=[
            LinkOut(
                source=link.source,
                address=link.address,
                how="map" if link.how == "map" else "auto",
                states=link.states,
                hours=link.hours,
                fives=link.fives,
                skipped=link.skipped,
                added=ImportedOut(**_counts(link.added)),
            )
            for link in report.links
        ],
        unmapped=[UnmappedOut(source=u.source, reason=u.reason) for u in report.unmapped],
        statistics_unmapped=report.statistics_unmapped,
        added=ImportedOut(**_counts(report.added)),
    )


def _counts(added: object) -> dict[str, int]:
    return {
        name: int(getattr(added, name))
        for name in ("points", "short", "hourly", "durations", "energy")
    }


@router.post("/import", responses=declared(409, 422, 503))
async def import_history(body: ImportIn, hub: HubDep) -> ImportOut:
    """Import Home Assistant's history (states, 5-minute and hourly statistics) for the devices
    its entities map to; rows the hub has already are kept, so importing again adds nothing.
    A source that is no recorder database of a schema read here is refused (422), unchanged."""
    if hub.storage is None:
        raise StorageError("this hub keeps no history (it runs without a data dir)")
    # Imported when first asked for (the recorder reader and the mapping: ~8 modules).
    from homeweave.core.ha_import import import_into

    report = await import_into(
        body.source,
        hub.storage,
        list(hub.registry.devices.values()),
        body.map,
        hub.jobs,
        dry_run=body.dry_run,
    )
    return report_out(report)
