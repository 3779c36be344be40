"""`core.versions` on its own: what the audit log says a change was (old → new), and undo and
restore through a restorer: the check in the core first (a guest is refused before anything is
looked up), the restorer's change recorded as the undo, an undo of a change made again since is
a conflict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest

from homeweave.core.principal import Channel, Principal, Role, hub_principal
from homeweave.core.versions import Versions, summary
from homeweave.errors import Conflict, Forbidden, UnknownAddress
from homeweave.storage import AuditRecord, VersionRecord

OWNER = hub_principal("olivia", Channel.CLI)
GUEST = Principal("gus", "Gus", MappingProxyType({"home": Role.GUEST}))


class Memory:
    """Versions kept in a list (the storage's contract, without a database)."""

    def __init__(self) -> None:
        self.rows: list[VersionRecord] = []

    async def add_version(self, record: VersionRecord) -> int:
        self.rows.append(replace(record, id=len(self.rows) + 1))
        return len(self.rows)

    async def version(self, version_id: int) -> VersionRecord | None:
        return self.rows[version_id - 1] if 0 < version_id <= len(self.rows) else None

    async def versions(
        self,
        kind: str | None = None,
        ident: str | None = None,
        user: str | None = None,
        limit: int = 100,
    ) -> list[VersionRecord]:
        found = [
            r
            for r in reversed(self.rows)
            if kind in (None, r.kind) and ident in (None, r.ident) and user in (None, r.user)
        ]
        return found[:limit]

    async def newest(self, version_ids: Sequence[int]) -> set[int]:
        latest = {(r.kind, r.ident): r.id for r in self.rows}
        return set(version_ids) & set(latest.values())

    async def purge_versions(self, older_than: float) -> int:
        return 0


def test_the_audit_log_says_what_changed() -> None:
    assert summary({"name": "Lamp", "room": "hall"}, {"name": "Desk", "room": "hall"}) == (
        "Lamp",
        "Desk",
    )
    old = {"definition": {"id": "a", "name": "A", "mode": "single"}, "yaml": "x"}
    new = {"definition": {"id": "a", "name": "B", "mode": "queued"}, "yaml": "y"}
    assert summary(old, new) == ('name: "A"; mode: "single"', 'name: "B"; mode: "queued"')
    assert summary(None, {"display_name": "Mia", "password_hash": "secret"}) == (None, "Mia")
    assert summary({"display_name": "Mia", "password_hash": "h"}, None) == ("Mia", None)
    long = {"definition": {"id": "a", "name": "n" * 500}}
    shown = summary(long, {"definition": {"id": "a", "name": "m"}})[0]
    assert isinstance(shown, str)
    assert len(shown) == 200


async def test_undo_goes_back_through_the_restorer_and_is_itself_undoable() -> None:
    store = Memory()
    audit: list[AuditRecord] = []
    versions = Versions(store, audit.append)
    names = {"lamp": "Lamp"}

    async def rename(who: Principal, ident: str, data: dict[str, Any] | None) -> None:
        assert data is not None
        before = {"name": names[ident]}
        names[ident] = data["name"]
        await versions.record(who, "device", ident, "device.change", before, data)

    versions.restorer("device", rename)
    await rename(OWNER, "lamp", {"name": "Desk"})
    with pytest.raises(Forbidden, match="undoing a change needs the role admin; user 'gus'"):
        await versions.undo(GUEST, 999)  # refused before the id is even looked up
    undone = await versions.undo(OWNER)
    assert names["lamp"] == "Lamp"
    assert (undone.action, undone.undoes, undone.channel) == ("device.undo", 1, "cli")
    assert [(a.action, a.old, a.new, a.version) for a in audit] == [
        ("device.change", "Lamp", "Desk", 1),
        ("device.undo", "Desk", "Lamp", 2),
    ]
    with pytest.raises(Conflict, match="changed again after version 1"):
        await versions.undo(OWNER, 1)
    redone = await versions.undo(OWNER, undone.id)
    assert names["lamp"] == "Desk"
    assert redone.undoes == undone.id
    restored = await versions.restore(OWNER, 2)
    assert (names["lamp"], restored.action) == ("Lamp", "device.restore")
    with pytest.raises(Conflict, match="already as restore of version 2"):
        await versions.restore(OWNER, 2)
    with pytest.raises(UnknownAddress):
        await versions.undo(OWNER, 999)
