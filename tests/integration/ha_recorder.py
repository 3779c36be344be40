"""A small Home Assistant recorder database, built by the tests that import one.

The tables are Home Assistant's recorder schema as its SQLAlchemy models declare them
(home-assistant/core, ``homeassistant/components/recorder/db_schema.py``; read at schema 43
and 47, and compared with the tables Home Assistant 2025.4.4's own models create, schema 50:
``statistics_meta.mean_type`` and ``statistics*.mean_weight`` are 48-50's additions), written
out as DDL for SQLite, PostgreSQL and MariaDB, with every column, the legacy ones HA keeps empty
included, and the NOT NULL constraints HA declares. No Home Assistant install is needed here;
``test_ha_import_real.py`` (``pytest -m ha``) has real ones make the database instead.

The rows are a few hours of a living-room lamp (on/off, brightness as an attribute 0..255), a
thermostat's temperature sensor with HA's own hourly and 5-minute statistics, a plug's switch
and energy counter, an outdoor sensor no device matches, and an external statistic.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Dialect = Literal["sqlite", "postgresql", "mysql"]
SCHEMA = 50
HOUR = 3600.0
DAY = 86400.0

_TYPES: dict[Dialect, dict[str, str]] = {
    "sqlite": {
        "id": "INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT",
        "ref": "INTEGER",
        "float": "FLOAT",
        "unused": "CHAR(0)",
        "dt": "DATETIME",
        "blob": "BLOB",
        "text": "TEXT",
        "bool": "BOOLEAN",
        "uint32": "BIGINT",
    },
    "postgresql": {
        "id": "BIGSERIAL PRIMARY KEY",
        "ref": "BIGINT",
        "float": "DOUBLE PRECISION",
        "unused": "CHAR(1)",
        "dt": "TIMESTAMP WITH TIME ZONE",
        "blob": "BYTEA",
        "text": "TEXT",
        "bool": "BOOLEAN",
        "uint32": "BIGINT",
    },
    "mysql": {
        "id": "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
        "ref": "BIGINT",
        "float": "DOUBLE",
        "unused": "CHAR(0)",
        "dt": "DATETIME(6)",
        "blob": "BLOB",
        "text": "LONGTEXT",
        "bool": "BOOL",
        "uint32": "INTEGER UNSIGNED",
    },
}

_DDL = """
CREATE TABLE event_data (data_id {id}, hash {uint32}, shared_data {text});
CREATE TABLE event_types (event_type_id {id}, event_type VARCHAR(64));
CREATE TABLE state_attributes (attributes_id {id}, hash {uint32}, shared_attrs {text});
CREATE TABLE states_meta (metadata_id {id}, entity_id VARCHAR(255));
CREATE TABLE events (
    event_id {id}, event_type {unused}, event_data {unused}, origin {unused},
    origin_idx SMALLINT, time_fired {unused}, time_fired_ts {float}, context_id {unused},
    context_user_id {unused}, context_parent_id {unused}, data_id {ref},
    context_id_bin {blob}, context_user_id_bin {blob}, context_parent_id_bin {blob},
    event_type_id {ref});
CREATE TABLE states (
    state_id {id}, entity_id {unused}, state VARCHAR(255), attributes {unused},
    event_id SMALLINT, last_changed {unused}, last_changed_ts {float},
    last_reported_ts {float}, last_updated {unused}, last_updated_ts {float},
    old_state_id {ref}, attributes_id {ref}, context_id {unused}, context_user_id {unused},
    context_parent_id {unused}, origin_idx SMALLINT, context_id_bin {blob},
    context_user_id_bin {blob}, context_parent_id_bin {blob}, metadata_id {ref});
CREATE INDEX ix_states_metadata_id_last_updated_ts ON states (metadata_id, last_updated_ts);
CREATE TABLE statistics_meta (
    id {id}, statistic_id VARCHAR(255), source VARCHAR(32),
    unit_of_measurement VARCHAR(255), has_mean {bool}, has_sum {bool}, name VARCHAR(255),
    mean_type SMALLINT NOT NULL);
CREATE TABLE statistics (
    id {id}, created {unused}, created_ts {float}, metadata_id {ref}, start {unused},
    start_ts {float}, mean {float}, mean_weight {float}, min {float}, max {float},
    last_reset {unused}, last_reset_ts {float}, state {float}, sum {float});
CREATE UNIQUE INDEX ix_statistics_statistic_id_start_ts ON statistics (metadata_id, start_ts);
CREATE TABLE statistics_short_term (
    id {id}, created {unused}, created_ts {float}, metadata_id {ref}, start {unused},
    start_ts {float}, mean {float}, mean_weight {float}, min {float}, max {float},
    last_reset {unused}, last_reset_ts {float}, state {float}, sum {float});
CREATE UNIQUE INDEX ix_statistics_short_term_statistic_id_start_ts
    ON statistics_short_term (metadata_id, start_ts);
CREATE TABLE recorder_runs (
    run_id {id}, start {dt} NOT NULL, "end" {dt}, closed_incorrect {bool} NOT NULL,
    created {dt} NOT NULL);
CREATE TABLE migration_changes (
    migration_id VARCHAR(255) NOT NULL PRIMARY KEY, version SMALLINT NOT NULL);
CREATE TABLE schema_changes (change_id {id}, schema_version INTEGER, changed {dt} NOT NULL);
CREATE TABLE statistics_runs (run_id {id}, start {dt} NOT NULL);
"""


def ddl(dialect: Dialect) -> list[str]:
    """The recorder's CREATE statements for ``dialect``."""
    text = _DDL.format(**_TYPES[dialect])
    if dialect == "mysql":
        text = text.replace('"end"', "`end`")
    return [statement.strip() for statement in text.split(";") if statement.strip()]


@dataclass(frozen=True, slots=True)
class Fixture:
    """When the recording starts (``t0``, on an hour) and what the tests look for."""

    t0: float
    long_ago: float
    """An hour a month before ``t0``: only HA's long-term statistics reach it."""


Execute = Callable[[str, Sequence[Any]], object]
"""Runs one statement with ``?`` placeholders."""


def fill(execute: Execute, *, schema: int = SCHEMA, now: float | None = None) -> Fixture:
    """Create the tables and the rows through ``execute`` (tables made by the caller's
    ``ddl`` beforehand)."""
    now = time.time() if now is None else now
    t0 = math.floor(now / HOUR) * HOUR - 2 * DAY
    long_ago = t0 - 30 * DAY
    changed = datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
    for version in (41, schema):  # migrated from 41: the newest row counts
        execute(
            "INSERT INTO schema_changes (schema_version, changed) VALUES (?, ?)",
            (version, changed),
        )
    entities = [
        "light.living_room_lamp",
        "sensor.living_room_thermostat_temperature",
        "switch.coffee_machine_plug",
        "sensor.outdoor_temperature",
    ]
    for entity in entities:
        execute("INSERT INTO states_meta (entity_id) VALUES (?)", (entity,))
    attrs: dict[str, int] = {}

    def attributes(document: dict[str, Any]) -> int:
        text = json.dumps(document)
        if text not in attrs:
            execute("INSERT INTO state_attributes (hash, shared_attrs) VALUES (?, ?)", (0, text))
            attrs[text] = len(attrs) + 1
        return attrs[text]

    lamp = {"friendly_name": "Living room lamp", "supported_color_modes": ["brightness"]}
    thermo = {
        "friendly_name": "Living room thermostat Temperature",
        "device_class": "temperature",
        "unit_of_measurement": "°C",
        "state_class": "measurement",
    }
    plug = {"friendly_name": "Coffee machine plug"}
    outdoor = {"friendly_name": "Outdoor", "device_class": "temperature"}
    states: list[tuple[int, str, float, dict[str, Any]]] = [
        (1, "on", t0, {**lamp, "brightness": 255}),
        (1, "on", t0 + 600, {**lamp, "brightness": 128}),
        (1, "off", t0 + 1800, lamp),
        (1, "unavailable", t0 + 2400, lamp),
        (1, "on", t0 + 3000, {**lamp, "brightness": 51}),
        (1, "off", t0 + 7200, lamp),
        (2, "21.5", t0, thermo),
        (2, "22.0", t0 + 900, thermo),
        (2, "unknown", t0 + 1800, thermo),
        (2, "20.5", t0 + 2700, thermo),
        (3, "off", t0 + 60, plug),
        (3, "on", t0 + 1200, plug),
        (3, "off", t0 + 4800, plug),
        (4, "7.5", t0 + 300, outdoor),
    ]
    for metadata_id, state, at, document in states:
        execute(
            "INSERT INTO states (state, last_updated_ts, attributes_id, metadata_id, origin_idx)"
            " VALUES (?, ?, ?, ?, ?)",
            (state, at, attributes(document), metadata_id, 0),
        )
    for statistic_id, unit, has_sum in (
        ("sensor.living_room_thermostat_temperature", "°C", False),
        ("sensor.coffee_machine_plug_energy", "kWh", True),
        ("sensor.outdoor_temperature", "°C", False),
        ("external:grid_price", "EUR/kWh", False),
    ):
        execute(
            "INSERT INTO statistics_meta (statistic_id, source, unit_of_measurement, has_mean,"
            " has_sum, name, mean_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (statistic_id, "recorder", unit, not has_sum, has_sum, None, 0 if has_sum else 1),
        )
    insert_stat = (
        "INSERT INTO {} (created_ts, metadata_id, start_ts, mean, min, max, state, sum)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for row in (
        (now, 1, long_ago, 19.25, 18.0, 20.5, None, None),
        (now, 1, t0, 21.6, 20.5, 22.0, None, None),
        (now, 2, long_ago, None, None, None, 12.5, 0.5),
        (now, 2, long_ago + HOUR, None, None, None, 13.25, 1.25),
        (now, 3, t0, 7.5, 7.5, 7.5, None, None),
        (now, 4, t0, 0.3, 0.3, 0.3, None, None),
    ):
        execute(insert_stat.format("statistics"), row)
    execute(
        insert_stat.format("statistics_short_term"),
        (now, 1, t0, 21.5, 21.5, 21.5, None, None),
    )
    return Fixture(t0, long_ago)


def sqlite_recorder(path: Path, **options: Any) -> Fixture:
    """``path`` made a recorder database (SQLite, as HA's default ``home-assistant_v2.db``)."""
    with sqlite3.connect(path) as conn:
        for statement in ddl("sqlite"):
            conn.execute(statement)
        fixture = fill(lambda sql, params: conn.execute(sql, tuple(params)), **options)
    conn.close()
    return fixture
