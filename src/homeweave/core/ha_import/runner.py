"""An import as one of the hub's long jobs: on the progress board (the CLI's bar, the
dashboard's banner), one at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from homeweave.core.ha_import.job import ImportReport, import_recorder
from homeweave.core.ha_import.recorder import open_recorder
from homeweave.core.progress import Jobs
from homeweave.core.registry import Device
from homeweave.errors import Conflict, HomeweaveError, ImportRefused
from homeweave.storage.protocols import HistoryStore

IMPORT = "import"
TITLE = "Importing Home Assistant history"


def read_map(text: str, where: str = "the map") -> dict[str, str | None]:
    """A map file's ``entity_id[/attribute]: device/service/property`` lines (null: left
    out); ImportRefused for anything else."""
    try:
        found: Any = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ImportRefused(f"{where} is not YAML: {err}") from None
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise ImportRefused(f"{where} must map entity ids to device/service/property")
    bad = [
        str(key)
        for key, value in found.items()
        if not isinstance(key, str)
        or "." not in key
        or not (value is None or isinstance(value, str))
    ]
    if bad:
        raise ImportRefused(
            f"{where}: {', '.join(bad)}: each line is 'entity_id: device/service/property' "
            "(or entity_id/attribute: ..., or entity_id: null to leave it out)"
        )
    return dict(found)


async def import_into(
    source: str,
    storage: HistoryStore,
    devices: Sequence[Device],
    explicit: Mapping[str, str | None],
    jobs: Jobs,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Import the recorder database at ``source`` as a job on ``jobs`` (Conflict while another
    import runs)."""
    if any(job.kind == IMPORT for job in jobs.running()):
        raise Conflict("an import is running already; try again when it is done")
    job = jobs.start(IMPORT, TITLE, unit="rows")
    try:
        job.progress(0, 0, "checking the database")
        recorder = await open_recorder(source)
        try:
            report = await import_recorder(
                recorder, storage, devices, explicit, dry_run=dry_run, progress=job.progress
            )
        finally:
            await recorder.close()
    except HomeweaveError as err:
        job.fail(str(err))
        raise
    except BaseException:
        job.fail("stopped")
        raise
    job.finish(f"{report.added.total} rows added")
    return report
