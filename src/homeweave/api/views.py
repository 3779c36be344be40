"""Hub objects to API bodies."""

from __future__ import annotations

from homeweave.api.schemas import (
    ActionOut,
    ChoiceOut,
    DeviceOut,
    EventOut,
    HomeOut,
    PropertyOut,
    RoomOut,
    ServiceOut,
)
from homeweave.core import Device, Registry, States
from homeweave.model import Property, Service


def home_out(registry: Registry, home_id: str, seen: set[str] | None = None) -> HomeOut:
    """Return a home as the API shows it, with the device ids of each room (with ``seen``, only
    those devices, and only rooms that hold one)."""
    home = registry.homes[home_id]
    rooms = [
        RoomOut(id=r.id, name=r.name, devices=[d.id for d in registry.devices_in(room=r.id)])
        for r in registry.rooms_of(home_id)
    ]
    if seen is not None:
        rooms = [
            RoomOut(id=r.id, name=r.name, devices=[d for d in r.devices if d in seen])
            for r in rooms
            if any(d in seen for d in r.devices)
        ]
    return HomeOut(
        id=home.id,
        name=home.name,
        latitude=home.latitude,
        longitude=home.longitude,
        elevation=home.elevation,
        time_zone=home.time_zone,
        rooms=rooms,
    )


def property_out(states: States, device: Device, service: Service, prop: Property) -> PropertyOut:
    """Return a property's definition and current value (None while unknown or write-only)."""
    state = states.get(device.id, service.iid, prop.iid)
    rng = prop.value_range
    return PropertyOut(
        siid=service.iid,
        piid=prop.iid,
        key=prop.key,
        name=prop.name,
        address=f"{device.id}/{service.key}/{prop.key}",
        description=prop.description,
        format=prop.format.value,
        access=sorted(a.value for a in prop.access),
        unit=prop.unit,
        range=[rng.min, rng.max, rng.step] if rng is not None else None,
        choices=[ChoiceOut(value=c.value, description=c.description) for c in prop.value_list]
        or None,
        value=state.value if state is not None and prop.readable else None,
        changed_at=state.changed_at if state is not None else None,
    )


def device_out(states: States, device: Device, *, configured: bool) -> DeviceOut:
    """Return a device as the API shows it: placement (and whether homeweave.yaml sets it),
    availability, spec and current values."""
    services = [
        ServiceOut(
            siid=svc.iid,
            key=svc.key,
            name=svc.name,
            description=svc.description,
            properties=[property_out(states, device, svc, p) for p in svc.properties],
            actions=[
                ActionOut(
                    siid=svc.iid,
                    aiid=a.iid,
                    key=a.key,
                    name=a.name,
                    description=a.description,
                    ins=[svc.property(piid).key for piid in a.ins],
                    outs=[svc.property(piid).key for piid in a.outs],
                )
                for a in svc.actions
            ],
            events=[
                EventOut(
                    siid=svc.iid, eiid=e.iid, key=e.key, name=e.name, description=e.description
                )
                for e in svc.events
            ],
        )
        for svc in device.spec.services
    ]
    return DeviceOut(
        id=device.id,
        name=device.name,
        home=device.home_id,
        room=device.room_id,
        integration=device.integration,
        model=device.model,
        type=device.spec.name,
        spec_type=device.spec.type.raw,
        available=device.available,
        unavailable_reason=device.unavailable_reason,
        configured=configured,
        services=services,
    )
