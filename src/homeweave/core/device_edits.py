"""A person renames a device or moves it to another room: checked (admin in the device's home),
applied to the registry, kept as a version (so it can be undone) with one audit entry per field
that changed, answered once saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeweave.core import permissions
from homeweave.core.principal import Principal, Role
from homeweave.core.registry import Device
from homeweave.core.versions import Logged

if TYPE_CHECKING:
    from homeweave.core.hub import Hub


async def change_device(
    hub: Hub,
    principal: Principal,
    device_id: str,
    *,
    name: str | None = None,
    room_id: str | None = None,
) -> Device:
    """Rename and/or move a device as ``principal``; UnknownAddress for a device it may not
    see, Forbidden without the role admin in its home, Conflict for one from homeweave.yaml."""
    before = hub.commands.device(device_id, principal)
    permissions.require_role(
        principal, Role.ADMIN, f"changing device {device_id!r}", before.home_id
    )
    changed = hub.registry.update(device_id, name=name, room_id=room_id)
    logged = [
        Logged(f"device.{what}", device_id, old, new, device_id)
        for what, old, new in (
            ("name", before.name, changed.name),
            ("room", before.room_id, changed.room_id),
        )
        if old != new
    ]
    await hub.registry_saved()
    await hub.versions.record(
        principal,
        "device",
        device_id,
        "device.change",
        placed(before),
        placed(changed),
        logged,
        device_id=device_id,
    )
    return changed


def placed(device: Device) -> dict[str, Any]:
    """What a version of a device holds: its name and room."""
    return {"name": device.name, "room": device.room_id}


def restorer(hub: Hub) -> Any:
    """How a device's name and room are put back (by `Versions.undo`)."""

    async def restore(principal: Principal, ident: str, data: dict[str, Any] | None) -> None:
        if data is None:
            return  # devices come and go with their integrations; only names and rooms return
        await change_device(hub, principal, ident, name=data["name"], room_id=data["room"])

    return restore
