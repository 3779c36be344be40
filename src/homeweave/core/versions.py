"""Versions of what people change — automations, scenes, a device's name and room, shares,
users — and undo. Every change stores what the thing was before and after, who made it, when
and through which channel (the storage's ``versions`` table); its audit entries point at it.

Undo goes back to a version's ``before``, restore to its ``after``, each through the same code
path as a change made by hand (a *restorer* per kind, registered by the part that owns the
kind), so the same permission checks apply: only someone allowed to make the change may undo
it. An undo is itself a version (``undoes`` names the one it went back from), audited and
undoable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from homeweave.core import permissions
from homeweave.core.principal import Principal, Role
from homeweave.errors import Conflict, UnknownAddress
from homeweave.storage.protocols import VersionStore
from homeweave.storage.records import AuditRecord, Value, VersionRecord

KINDS = ("automation", "scene", "device", "share", "user")
HIDDEN = frozenset({"password_hash"})
"""Keys of a version's data never shown (kept only so an undo can restore them)."""
SUMMARY_LIMIT = 200

Data = dict[str, Any]
Restorer = Callable[[Principal, str, Data | None], Awaitable[None]]
"""Make ``kind`` ``ident`` be ``data`` (None: not exist) as ``principal`` would by hand."""
AuditSink = Callable[[AuditRecord], None]

# (mode, version id) while a restorer runs: the change it makes is recorded as that undo.
_UNDOING: ContextVar[tuple[str, int] | None] = ContextVar("homeweave_undoing", default=None)


@dataclass(frozen=True, slots=True)
class Logged:
    """One audit entry of a change: ``action`` on ``target``, old → new, the device if any."""

    action: str
    target: str
    old: Value | None = None
    new: Value | None = None
    device_id: str | None = None


class Versions:
    """Records versions and their audit entries; history, undo and restore."""

    def __init__(self, store: VersionStore | None, audit: AuditSink | None = None) -> None:
        self.store = store
        self._audit = audit
        self._restorers: dict[str, Restorer] = {}

    def restorer(self, kind: str, restore: Restorer | None) -> None:
        """Register (None: drop) how ``kind`` is put back to a version."""
        if restore is None:
            self._restorers.pop(kind, None)
        else:
            self._restorers[kind] = restore

    # -- recording ----------------------------------------------------------------------------

    async def record(
        self,
        principal: Principal,
        kind: str,
        ident: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        logged: Sequence[Logged] = (),
        *,
        device_id: str | None = None,
    ) -> int | None:
        """Store one change (nothing if ``before == after``) and its audit entries (``logged``,
        or one ``action`` on ``ident`` with the fields that changed); return the version id."""
        old = None if before is None else dict(before)
        new = None if after is None else dict(after)
        if old == new:
            return None
        undoing = _UNDOING.get()
        undoes = None
        if undoing is not None:
            mode, undoes = undoing
            action = f"{kind}.{mode}"
            logged = ()
        if not logged:
            was, now = summary(old, new)
            logged = (Logged(action, ident, was, now, device_id),)
        version = None
        if self.store is not None:
            record = VersionRecord(
                0,
                kind,
                ident,
                time.time(),
                principal.user,
                principal.channel.value,
                action,
                old,
                new,
                undoes,
            )
            version = await self.store.add_version(record)
        if self._audit is not None:
            for entry in logged:
                self._audit(
                    AuditRecord(
                        time.time(),
                        principal.user,
                        principal.channel.value,
                        entry.action,
                        entry.target,
                        entry.device_id,
                        entry.old,
                        entry.new,
                        "ok",
                        version,
                    )
                )
        return version

    # -- reading ------------------------------------------------------------------------------

    async def history(
        self,
        principal: Principal,
        kind: str | None = None,
        ident: str | None = None,
        limit: int = 100,
    ) -> list[VersionRecord]:
        """The versions of one thing (or of every thing of ``kind``; or every change), newest
        first: members read those of automations, scenes and devices; users', shares' and all
        changes together are for admins."""
        if kind is not None:
            _known(kind)
        needed = Role.MEMBER if kind in ("automation", "scene", "device") else Role.ADMIN
        permissions.require_role(principal, needed, f"reading the history of {kind or 'all'}s")
        return await self._store().versions(kind, ident, limit=limit)

    async def undoable(self, version_ids: Sequence[int]) -> set[int]:
        """Those of ``version_ids`` an undo can go back from now (each is its thing's newest
        version); who may undo is decided when it is done."""
        if self.store is None or not version_ids:
            return set()
        return await self.store.newest(version_ids)

    async def version(self, version_id: int) -> VersionRecord:
        """One version; UnknownAddress if there is none."""
        found = await self._store().version(version_id)
        if found is None:
            raise UnknownAddress("version", str(version_id))
        return found

    # -- undo ---------------------------------------------------------------------------------

    async def undo(self, principal: Principal, version_id: int | None = None) -> VersionRecord:
        """Undo a change (default: ``principal``'s last one): put the thing back as it was
        before it. A change that something later changed again is a Conflict (undo that one
        first, or restore a version)."""
        store = self._store()
        _may_change(principal, "undoing a change")
        if version_id is None:
            mine = await store.versions(user=principal.user, limit=1)
            if not mine:
                raise UnknownAddress("change", "last", choices=["(nothing of yours to undo)"])
            target = mine[0]
        else:
            target = await self.version(version_id)
        latest = await store.versions(target.kind, target.ident, limit=1)
        if latest and latest[0].id != target.id:
            newer = latest[0]
            raise Conflict(
                f"{target.kind} {target.ident!r} was changed again after version {target.id}"
                f" (version {newer.id}, by {newer.user} via {newer.channel}); undo that first,"
                f" or restore version {target.id}"
            )
        return await self._put_back(principal, target, target.before, "undo")

    async def restore(self, principal: Principal, version_id: int) -> VersionRecord:
        """Put a thing back as it was right after version ``version_id``."""
        _may_change(principal, "restoring a version")
        target = await self.version(version_id)
        return await self._put_back(principal, target, target.after, "restore")

    async def _put_back(
        self, principal: Principal, target: VersionRecord, data: Data | None, mode: str
    ) -> VersionRecord:
        # The check in the core, whatever the channel; the restorer's own path then checks the
        # details (the device's home, control of every device an automation names...).
        _may_change(principal, f"{mode} of {target.action} of {target.kind} {target.ident!r}")
        restore = self._restorers.get(target.kind)
        if restore is None:
            raise Conflict(f"{target.kind}s cannot be put back now (their part is not running)")
        store = self._store()
        before = await store.versions(target.kind, target.ident, limit=1)
        token = _UNDOING.set((mode, target.id))
        try:
            await restore(principal, target.ident, data)
        finally:
            _UNDOING.reset(token)
        newest = await store.versions(target.kind, target.ident, limit=1)
        if not newest or newest[0].undoes != target.id or newest[:1] == before[:1]:
            raise Conflict(
                f"{target.kind} {target.ident!r} is already as {mode} of version {target.id}"
                " would make it"
            )
        return newest[0]

    def _store(self) -> VersionStore:
        if self.store is None:
            raise Conflict("this hub keeps no versions (it has no storage)")
        return self.store


def shown(data: Mapping[str, Any] | None) -> Data | None:
    """A version's data as people may see it (no password hashes)."""
    if data is None:
        return None
    return {k: v for k, v in data.items() if k not in HIDDEN}


def summary(before: Data | None, after: Data | None) -> tuple[Value | None, Value | None]:
    """Old → new of a change for the audit log: the one field that changed as itself, else
    ``key: value`` of each changed field (shortened); a definition's fields for automations
    and scenes; the name of what was added or removed."""
    old, new = _inner(before), _inner(after)
    if before is None or after is None:
        data = new if after is not None else old
        label = data.get("name") or data.get("display_name") or data.get("id")
        text = _short(label) if _scalar(label) and label else _fields(data, list(data))
        return (None, text) if before is None else (text, None)
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    if len(keys) == 1 and _scalar(old.get(keys[0])) and _scalar(new.get(keys[0])):
        return _short(old.get(keys[0])), _short(new.get(keys[0]))
    return _fields(old, keys), _fields(new, keys)


def _inner(data: Data | None) -> Data:
    visible = shown(data) or {}
    definition = visible.get("definition")
    return definition if isinstance(definition, dict) else visible


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _short(value: Any) -> Value | None:
    if isinstance(value, str) and len(value) > SUMMARY_LIMIT:
        return value[: SUMMARY_LIMIT - 1] + "…"
    result: Value | None = value
    return result


def _fields(data: Data, keys: Sequence[str]) -> str:
    text = "; ".join(f"{k}: {json.dumps(data.get(k), ensure_ascii=False)}" for k in keys)
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def _may_change(principal: Principal, doing: str) -> None:
    """The check in the core for an undo or restore, whatever the channel: the role that
    changing any versioned kind needs (the restorer's own path then checks the details: the
    device's home, control of every device an automation names...)."""
    permissions.require_role(principal, Role.ADMIN, doing)


def _known(kind: str) -> None:
    if kind not in KINDS:
        raise UnknownAddress("kind", kind, choices=list(KINDS))
