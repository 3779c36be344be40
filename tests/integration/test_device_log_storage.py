"""The device log (events and availability changes, for the logbook) on SQLite and PostgreSQL:
queued entries are committed with the next group commit, survive a restart, read newest first
per device or for all, and are purged by age."""

from __future__ import annotations

import time

from homeweave.storage.records import DeviceLogRecord
from tests.integration.storage_backends import Backend

NEVER = 3600.0


async def test_entries_round_trip_newest_first(backend: Backend) -> None:
    now = time.time()
    entries = [
        DeviceLogRecord(now - 30, "door", "event", "open", '{"1": 2}'),
        DeviceLogRecord(now - 20, "lamp", "unavailable", "", "not responding"),
        DeviceLogRecord(now - 10, "lamp", "available"),
        DeviceLogRecord(now - 4000, "lamp", "event", "old"),
    ]
    async with backend.storage(flush_interval=NEVER, retention_days=None) as first:
        for entry in entries:
            first.record_device_log(entry)
    async with backend.storage(flush_interval=NEVER, retention_days=None) as second:
        assert await second.device_log(None, now - 60, now) == entries[2::-1]
        assert await second.device_log(["lamp"], now - 60, now) == [entries[2], entries[1]]
        assert await second.device_log(["door", "lamp"], now - 60, now, limit=1) == [entries[2]]
        assert await second.device_log([], now - 60, now) == []
        assert await second.purge_device_log(now - 60) == 1
        assert await second.device_log(["lamp"], 0, now) == [entries[2], entries[1]]
