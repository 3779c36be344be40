"""Moving from Home Assistant: its recorder database's history and long-term statistics,
imported into the hub's (``homeweave history import FILE|URL --from home-assistant``)."""

from homeweave.core.ha_import.job import ImportReport, LinkReport, import_recorder
from homeweave.core.ha_import.mapping import Link, Unmapped, plan
from homeweave.core.ha_import.recorder import MIN_SCHEMA, Recorder, open_recorder
from homeweave.core.ha_import.runner import IMPORT, import_into

__all__ = [
    "IMPORT",
    "MIN_SCHEMA",
    "ImportReport",
    "Link",
    "LinkReport",
    "Recorder",
    "Unmapped",
    "import_into",
    "import_recorder",
    "open_recorder",
    "plan",
]
