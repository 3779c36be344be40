"""The one permission check: what a principal may see and do. `Commands` and every read of
devices, states, history and events go through here, whatever the channel.

A device a principal may not see is answered exactly as an unknown device (404, listing only
the devices it may see): its existence does not leak. A device it may see but not control, or
a task above its role, is `Forbidden` with a message naming what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from enum import IntEnum

from homeweave.core.principal import Principal, Role
from homeweave.core.registry import Device, Registry
from homeweave.errors import Forbidden, UnknownAddress


class Access(IntEnum):
    """What a principal may do with one device."""

    NONE = 0
    SEE = 1
    CONTROL = 2


def access(principal: Principal, device: Device, now: float | None = None) -> Access:
    """What ``principal`` may do with ``device`` at ``now`` (default: this moment)."""
    if principal.sees_everything:
        return Access.CONTROL
    role = principal.role_in(device.home_id)
    if role is not None and role.at_least(Role.MEMBER):
        return Access.CONTROL
    found = Access.NONE
    if principal.shares:
        at = time.time() if now is None else now
        for share in principal.shares:
            if share.live(at) and share.covers(device.id, device.room_id, device.home_id):
                if share.control:
                    return Access.CONTROL
                found = Access.SEE
    return found


def can_see(principal: Principal, device: Device, now: float | None = None) -> bool:
    """Whether the device exists for ``principal``."""
    return principal.sees_everything or access(principal, device, now) >= Access.SEE


def visible(principal: Principal, devices: Iterable[Device]) -> list[Device]:
    """The devices ``principal`` may see, in order."""
    if principal.sees_everything:
        return list(devices)
    now = time.time()
    return [d for d in devices if access(principal, d, now) >= Access.SEE]


def device(registry: Registry, principal: Principal, device_id: str) -> Device:
    """The device ``principal`` names, if it may see it; else UnknownAddress as for a device
    that does not exist, listing only the devices it may see."""
    if principal.sees_everything:
        return registry.device(device_id)
    found = registry.devices.get(device_id)
    if found is None or not can_see(principal, found):
        choices = sorted(d.id for d in visible(principal, registry.devices.values()))
        raise UnknownAddress("device", device_id, choices=choices)
    return found


def require_control(principal: Principal, device: Device, doing: str) -> None:
    """Forbidden unless ``principal`` may control the device (it may at least see it)."""
    if principal.sees_everything or access(principal, device) is Access.CONTROL:
        return
    raise Forbidden(
        f"{doing} needs control of device {device.id!r}; {_who(principal)} may only look at it"
    )


def require_role(principal: Principal, role: Role, doing: str, home_id: str | None = None) -> None:
    """Forbidden unless ``principal`` has ``role`` (or more) in ``home_id`` — with None, in some
    home (for what is not tied to one home: automations, integrations, users)."""
    held = principal.role_in(home_id) if home_id is not None else principal.best_role
    if held is not None and held.at_least(role):
        return
    where = f" in home {home_id!r}" if home_id is not None else ""
    has = f"is {held.value}" if held is not None else "has no role"
    raise Forbidden(f"{doing} needs the role {role.value}{where}; {_who(principal)} {has}")


def home_of(
    registry: Registry,
    *,
    home: str | None = None,
    room: str | None = None,
    device: str | None = None,
) -> str:
    """The home of what a share names (one of ``home``, ``room``, ``device``); UnknownAddress
    for one that does not exist."""
    if device is not None:
        return registry.device(device).home_id
    if room is not None:
        if room not in registry.rooms:
            raise UnknownAddress("room", room, choices=sorted(registry.rooms))
        return registry.rooms[room].home_id
    if home is not None and home not in registry.homes:
        raise UnknownAddress("home", home, choices=sorted(registry.homes))
    return home or ""


def _who(principal: Principal) -> str:
    return f"user {principal.user!r}"
