"""What a bearer token reaches, from the ``hw_access`` entries homes publish, and last values
from ``hw_states``: 404 for what it does not reach (as for what does not exist)."""

from __future__ import annotations

import json
import time
from typing import Any

import nats
import nats.errors
import nats.js.errors

from homeweave.cloud.fleet import ApiProblem, Fleet
from homeweave.transport.fleet_wire import (
    ACCESS_BUCKET,
    STATES_BUCKET,
    AccessEntry,
    DeviceAccess,
    access_key,
    keyable,
    token_digest,
)
from homeweave.transport.kv_read import read_keys


async def entry(fleet: Fleet, home: str, token: str) -> AccessEntry:
    """What ``token`` reaches in ``home``; 404 for a home it does not reach (as for a home that
    does not exist), 401 once the token expired."""
    unknown = ApiProblem(404, f"unknown home {home!r}", "UnknownAddress")
    if not keyable(home):
        raise unknown
    try:
        found = await fleet.access.get(access_key(home, token_digest(token)))
    except nats.js.errors.KeyNotFoundError:
        raise unknown from None
    if found.value is None:
        raise unknown
    loaded: AccessEntry = json.loads(found.value)
    expires = loaded.get("expires")
    if expires is not None and expires <= time.time():
        raise ApiProblem(401, "the token has expired", "Unauthorized")
    return loaded


async def reached(fleet: Fleet, token: str) -> dict[str, AccessEntry]:
    """Every home's entry for ``token`` (expired ones too: the caller tells them apart), by
    home, from one read of ``hw_access``."""
    kept = await read_keys(fleet.js, fleet.access, ACCESS_BUCKET, f"*.{token_digest(token)}")
    return {key.partition(".")[0]: json.loads(value) for key, value in kept.items() if value}


def visible_devices(loaded: AccessEntry) -> dict[str, DeviceAccess]:
    """The entry's devices whose share has not run out."""
    now = time.time()
    return {
        ident: device
        for ident, device in loaded["devices"].items()
        if device.get("until") is None or now < float(device["until"] or 0)
    }


def device_of(loaded: AccessEntry, home: str, device: str) -> DeviceAccess:
    """One visible device; 404 naming the ones there are otherwise."""
    devices = visible_devices(loaded)
    if device not in devices:
        choices = ", ".join(sorted(devices)) or "none"
        raise ApiProblem(
            404, f"unknown device {device!r} in {home!r} (devices: {choices})", "UnknownAddress"
        )
    return devices[device]


def property_of(found: DeviceAccess, device: str, service: str, prop: str) -> list[Any]:
    """``[siid, piid, writable]`` of ``service/prop``; 404 naming the properties otherwise."""
    tail = f"{service}/{prop}"
    if tail not in found["properties"]:
        choices = ", ".join(sorted(found["properties"]))
        raise ApiProblem(
            404, f"unknown property {device}/{tail} (properties: {choices})", "UnknownAddress"
        )
    return found["properties"][tail]


async def last_values(fleet: Fleet, home: str) -> dict[str, Any]:
    """Every last value of ``home`` by KV key (one read, not one get per key)."""
    kept = await read_keys(fleet.js, fleet.states, STATES_BUCKET, f"{home}.>")
    return {key: json.loads(value) for key, value in kept.items() if value}
