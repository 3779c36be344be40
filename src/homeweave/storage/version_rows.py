"""Versions as rows, the same for every backend: before and after as JSON text."""

from __future__ import annotations

import json
from typing import Any

from homeweave.storage.records import VersionRecord

VERSION_COLUMNS = "seq, kind, ident, at, user_id, channel, action, before, after, undoes"

VersionRow = tuple[str, str, float, str, str, str, str | None, str | None, int | None]
"""kind, ident, at, user, channel, action, before and after as JSON text, undoes."""


def _text(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False)


def _data(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    found: dict[str, Any] = json.loads(text)
    return found


def version_row(record: VersionRecord) -> VersionRow:
    """The row to insert for ``record`` (its id is the table's)."""
    return (
        record.kind,
        record.ident,
        record.at,
        record.user,
        record.channel,
        record.action,
        _text(record.before),
        _text(record.after),
        record.undoes,
    )


def version_record(row: Any) -> VersionRecord:
    """The record of a row (SQLite or asyncpg) selected with `VERSION_COLUMNS`."""
    return VersionRecord(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        _data(row[7]),
        _data(row[8]),
        None if row[9] is None else int(row[9]),
    )
