"""What each of this home's tokens may reach, published to the fleet's ``hw_access`` KV bucket
(one key per token: ``<home>.<sha256>``), so the cloud API lists homes and devices for a caller
without asking every home, and while this one is offline. The home stays the authority: its
users, roles and shares decide here, with the same permission check as its own API, and a
command from the cloud is checked again here with the caller's token."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import nats.js.errors
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from homeweave.core import permissions
from homeweave.core.accounts import SIGN_IN_KINDS, Accounts
from homeweave.core.permissions import Access
from homeweave.core.principal import Principal, Role
from homeweave.transport.fleet_wire import (
    ACCESS_BUCKET,
    AccessEntry,
    DeviceAccess,
    access_key,
    keyable,
)
from homeweave.transport.kv_read import read_keys

if TYPE_CHECKING:
    from homeweave.core.hub import Hub


async def access_bucket(js: JetStreamContext) -> KeyValue:
    """The ``hw_access`` bucket, created if missing."""
    try:
        return await js.key_value(ACCESS_BUCKET)
    except nats.js.errors.BucketNotFoundError:
        return await js.create_key_value(bucket=ACCESS_BUCKET, history=1)


def entry_for(hub: Hub, principal: Principal, expires: float | None) -> AccessEntry:
    """What ``principal`` reaches among this hub's devices now."""
    now = time.time()
    devices: dict[str, DeviceAccess] = {}
    for device in hub.registry.devices.values():
        if not keyable(device.id):
            continue
        level = permissions.access(principal, device, now)
        if level == Access.NONE:
            continue
        until = _until(principal, device.id, device.room_id, device.home_id, now)
        properties = {
            f"{service.key}/{prop.key}": [service.iid, prop.iid, prop.writable]
            for service in device.spec.services
            for prop in service.properties
            if prop.readable
        }
        room = hub.registry.rooms.get(device.room_id)
        devices[device.id] = DeviceAccess(
            name=device.name,
            room=room.name if room is not None else device.room_id,
            control=level == Access.CONTROL,
            until=until,
            properties=properties,
        )
    role = principal.best_role
    return AccessEntry(
        user=principal.user,
        name=principal.name,
        role=role.value if role is not None else None,
        expires=expires,
        devices=devices,
    )


def _until(principal: Principal, device: str, room: str, home: str, now: float) -> float | None:
    """Until when the principal reaches the device: None for good (a role, or a share without
    an end), else the latest end of the live shares that cover it."""
    role = principal.role_in(home)
    if principal.sees_everything or (role is not None and role.at_least(Role.MEMBER)):
        return None
    ends: list[float] = []
    for share in principal.shares:
        if share.live(now) and share.covers(device, room, home):
            if share.until is None:
                return None
            ends.append(share.until)
    return max(ends, default=None)


class AccessPublisher:
    """Keeps ``hw_access`` in step with this home's tokens: puts what changed, deletes the keys
    of tokens that are gone."""

    def __init__(self, hub: Hub, home: str) -> None:
        self.hub = hub
        self.home = home
        self._sent: dict[str, bytes] = {}

    async def entries(self) -> dict[str, bytes]:
        """Every live sign-in token's entry, by KV key."""
        assert self.hub.storage is not None
        accounts = Accounts(self.hub.storage)
        now = time.time()
        found: dict[str, bytes] = {}
        for kind in sorted(SIGN_IN_KINDS):
            for record in await self.hub.storage.tokens(None, kind):
                if record.expires_at is not None and record.expires_at <= now:
                    continue
                principal = await accounts.principal_of(record)
                if principal is None:
                    continue
                entry = entry_for(self.hub, principal, record.expires_at)
                if entry["devices"]:
                    key = access_key(self.home, record.token_hash)
                    found[key] = json.dumps(entry, sort_keys=True).encode()
        return found

    async def publish(self, js: JetStreamContext) -> int:
        """Bring the bucket up to date; return how many keys were written or deleted."""
        kv = await access_bucket(js)
        wanted = await self.entries()
        if not self._sent:  # first round on this connection: learn what is there
            self._sent = dict.fromkeys(await self._stored_keys(js, kv), b"")
        changed = 0
        for key, value in wanted.items():
            if self._sent.get(key) != value:
                await kv.put(key, value)
                changed += 1
        for key in set(self._sent) - set(wanted):
            await kv.delete(key)
            changed += 1
        self._sent = dict(wanted)
        return changed

    def forget(self) -> None:
        """After a reconnect: compare with the bucket again rather than with memory."""
        self._sent = {}

    async def _stored_keys(self, js: JetStreamContext, kv: KeyValue) -> list[str]:
        return list(await read_keys(js, kv, ACCESS_BUCKET, f"{self.home}.*", meta_only=True))
