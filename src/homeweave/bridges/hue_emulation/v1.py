"""Hue v1 REST JSON shapes (wire code: knows nothing of the hub) — the bridge config, a light
object, the success/error arrays writes are answered with — and the conversions between a Hue
``bri`` (1..254) and a fraction of a range.

What the known emulators (HA ``emulated_hue``, diyHue, ha-bridge) learnt about Echo devices,
reported by their users rather than verifiable here, and kept so:

* Echo only talks to a bridge on TCP port 80, over plain HTTP, and never presses a link button:
  ``POST /api`` creates a user at once, and any username is accepted afterwards (an Echo keeps
  using the one it got first, even across a factory reset of the emulator).
* Light objects need a ``uniqueid`` shaped like a real one — eight colon-separated bytes and an
  endpoint, ``00:17:88:01:xx:xx:xx:xx-0b`` — stable across restarts, or the Echo shows duplicates
  or "device not responding"; ``modelid`` must be one a real Hue lamp has (``LCT015`` colour,
  ``LTW001`` white tone, ``LWB010`` dimmable, ``LOM001`` plug) for some Echo generations to show
  the right controls; ids are numeric strings ("1", "2", ...).
* A ``PUT .../state`` is answered with one ``{"success": {"/lights/<id>/state/<key>": value}}``
  per key sent, echoing the value *as sent* (not as stored): Echo compares them and says the
  device did not respond otherwise. The HTTP status is 200 even for error entries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
BRI_MAX = 254
API_VERSION = "1.56.0"
SW_VERSION = "1956097030"
MODEL = {
    "Extended color light": "LCT015",
    "Color light": "LLC020",
    "Color temperature light": "LTW001",
    "Dimmable light": "LWB010",
    "On/Off plug-in unit": "LOM001",
}

# v1 error types
UNAUTHORIZED, INVALID_JSON, NOT_AVAILABLE, METHOD, MISSING, PARAMETER, INVALID_VALUE = (
    1, 2, 3, 4, 5, 6, 7
)  # fmt: skip
INTERNAL = 901


@dataclass(frozen=True, slots=True)
class BridgeInfo:
    """Who the emulated bridge says it is, and where."""

    name: str
    mac: str
    bridge_id: str
    ip: str
    port: int


def config(info: BridgeInfo, users: list[str] | None = None) -> Json:
    """``GET /api/<user>/config`` (or, without ``users``, the short unauthenticated one)."""
    short: Json = {
        "name": info.name,
        "datastoreversion": "131",
        "swversion": SW_VERSION,
        "apiversion": API_VERSION,
        "mac": info.mac,
        "bridgeid": info.bridge_id,
        "factorynew": False,
        "replacesbridgeid": None,
        "modelid": "BSB002",
        "starterkitid": "",
    }
    if users is None:
        return short
    now = datetime.now(UTC)
    return {
        **short,
        "ipaddress": info.ip,
        "netmask": "255.255.255.0",
        "gateway": info.ip,
        "dhcp": True,
        "proxyaddress": "none",
        "proxyport": 0,
        "UTC": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "localtime": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "timezone": "UTC",
        "zigbeechannel": 25,
        "linkbutton": False,
        "portalservices": False,
        "whitelist": {
            u: {"last use date": "", "create date": "", "name": "homeweave user"} for u in users
        },
    }


def unique_id(device_id: str) -> str:
    """``00:17:88:01:xx:xx:xx:xx-0b``, derived from our device id (stable across restarts)."""
    digest = hashlib.sha256(device_id.encode()).digest()[:4]
    return "00:17:88:01:" + ":".join(f"{b:02x}" for b in digest) + "-0b"


def light(device_id: str, name: str, kind: str, state: Json, product: str) -> Json:
    """One light object of ``GET /api/<user>/lights``."""
    return {
        "state": {"alert": "none", "mode": "homeautomation", **state},
        "type": kind,
        "name": name[:32],
        "modelid": MODEL.get(kind, "LWB010"),
        "manufacturername": "homeweave",
        "productname": product,
        "uniqueid": unique_id(device_id),
        "swversion": "1.50.2_r30933",
        "swupdate": {"state": "noupdates", "lastinstall": None},
        "capabilities": {"certified": False, "streaming": {"renderer": False, "proxy": False}},
    }


def success(path: str, value: Any) -> Json:
    """One entry of a write's answer."""
    return {"success": {path: value}}


def error(kind: int, address: str, description: str) -> Json:
    """One error entry (``[{"error": {...}}]`` is the body of a failed request)."""
    return {"error": {"type": kind, "address": address, "description": description}}


def to_bri(fraction: float) -> int:
    """A fraction 0..1 as Hue's 1..254 (0 only for nothing at all)."""
    if fraction <= 0:
        return 0
    return max(1, min(BRI_MAX, round(fraction * BRI_MAX)))


def from_bri(bri: float) -> float:
    """Hue's bri as a fraction 0..1."""
    return min(max(bri, 0), BRI_MAX) / BRI_MAX
