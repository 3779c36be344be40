"""Run by a Home Assistant installation's own interpreter: make a recorder database at the path
given, its tables created by that Home Assistant's own recorder models
(``homeassistant.components.recorder.db_schema``), then filled with the rows of
``tests/integration/ha_recorder.py`` (standard library only). Print one JSON line:
``{"version", "schema", "t0", "long_ago"}``, or ``{"version", "skip"}`` when this install cannot
load its recorder (an install of HA's core alone lacks the recorder's own requirements in some
versions: 2024.3 has no fnv-hash-fast).

Nothing of Home Assistant is copied here: the schema comes from importing it.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
import sys
from pathlib import Path

from homeassistant.const import __version__

sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository: tests.integration.*

from tests.integration.ha_recorder import fill


def main(path: str) -> None:
    """Create and fill the database at ``path``."""
    try:
        db_schema = importlib.import_module("homeassistant.components.recorder.db_schema")
    except ImportError as err:
        print(json.dumps({"version": __version__, "skip": f"no recorder here: {err}"}))
        return
    sqlalchemy = importlib.import_module("sqlalchemy")  # HA's own dependency, not ours
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    db_schema.Base.metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        fixture = fill(
            lambda sql, params: conn.execute(sql, tuple(params)), schema=db_schema.SCHEMA_VERSION
        )
    conn.close()
    print(
        json.dumps(
            {
                "version": __version__,
                "schema": db_schema.SCHEMA_VERSION,
                "t0": fixture.t0,
                "long_ago": fixture.long_ago,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
