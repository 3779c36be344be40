"""The versions table on both backends (a fresh SQLite file, then a scratch PostgreSQL
database): a version keeps its before and after exactly (YAML text byte for byte), is found by
kind, id and user, newest first, and an audit entry points at the version it made."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from homeweave.storage import AuditRecord, Storage, VersionRecord
from tests.integration.storage_backends import Backend

TEXT = "# as written\nid: a   # odd spacing\nactions: [ {type: notify, message: 'ü'} ]\n"


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Storage]:
    async with backend.storage(flush_interval=3600.0) as storage:
        yield storage


async def test_versions_keep_what_was_before_and_after(store: Storage) -> None:
    first = VersionRecord(
        0, "automation", "a", 1.0, "olivia", "api", "automation.create", None, {"yaml": TEXT}
    )
    one = await store.add_version(first)
    two = await store.add_version(
        VersionRecord(
            0,
            "automation",
            "a",
            2.0,
            "adam",
            "cli",
            "automation.update",
            {"yaml": TEXT},
            {"yaml": "id: a\n", "definition": {"id": "a", "n": [1, 2.5, True, None]}},
        )
    )
    three = await store.add_version(
        VersionRecord(0, "device", "lamp", 3.0, "adam", "api", "device.change", {}, {}, undoes=one)
    )
    assert one < two < three
    found = await store.version(one)
    assert found is not None
    assert found.after == {"yaml": TEXT}
    assert found.before is None
    assert (found.user, found.channel, found.action) == ("olivia", "api", "automation.create")
    assert [v.id for v in await store.versions("automation", "a")] == [two, one]
    assert [v.id for v in await store.versions(user="adam")] == [three, two]
    assert [v.id for v in await store.versions(limit=1)] == [three]
    latest = await store.version(two)
    assert latest is not None
    assert latest.after == {"yaml": "id: a\n", "definition": {"id": "a", "n": [1, 2.5, True, None]}}
    undo = await store.version(three)
    assert undo is not None
    assert undo.undoes == one
    assert await store.version(999) is None
    assert await store.newest([one, two, three, 999]) == {two, three}

    store.record_audit(AuditRecord(2.0, "adam", "cli", "automation.update", "a", version=two))
    await store.committed()
    (entry,) = await store.audit()
    assert entry.version == two

    # Retention: old versions go, but the newest of each thing stays however old.
    assert await store.purge_versions(10.0) == 1
    assert [v.id for v in await store.versions()] == [three, two]
