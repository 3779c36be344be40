"""The fleet's wire on NATS, in one place for everyone who speaks it: the edge link
(``bridges/cloud``), the fleet simulator (``sim/fleet``) and the cloud services (``cloud/``).

- ``hw.<home>.state`` / ``hw.<home>.event``: JetStream, one JSON object per change, each with a
  ``Nats-Msg-Id`` header for de-duplication; the home's stream is ``HW_<HOME>``.
- ``hw.<home>.cmd``: request/reply. ``{"op": "set", "address", "value", "token"?}`` or
  ``{"op": "do", "device", "action", "args", "token"?}`` → ``{"ok": true, ...}`` or
  ``{"ok": false, "kind", "error"}``. With ``token`` the home acts as the person it signs in
  (its own users, roles and shares decide); an unknown token is ``kind: "Unauthorized"``.
  ``{"op": "alexa", "directive": {...}}`` → ``{"ok": true, "response": {...}}``: an Alexa directive
  for this home's own endpoint ids, answered by its directive handler (``bridges/alexa``).
  With ``"id"`` (at most `MAX_ID` characters, the client's name for the command) the home runs
  an id once and answers a repeat with the first reply (``transport/recent_commands``).
- KV ``hw_access``, key ``<home>.<sha256 of a token>``: what that token may reach in that home,
  published by the home itself (`AccessEntry`), so the cloud answers "which homes, which
  devices" without asking every home, and while a home is offline.
- KV ``hw_states``, key ``<home>.<device>.<siid>.<piid>``: the last value of each property,
  kept by the cloud API from the state stream.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, TypedDict

ACCESS_BUCKET = "hw_access"
STATES_BUCKET = "hw_states"
MSG_ID = "Nats-Msg-Id"
UNAUTHORIZED = "Unauthorized"
MAX_ID = 200
"""The longest command id (``Idempotency-Key``) a home takes."""
KEY_PART = re.compile(r"^[-_=A-Za-z0-9]+$")
"""What one dot-separated part of a KV key may hold (NATS allows ``/`` too; we do not need it)."""


def subject(home: str, kind: str) -> str:
    """``hw.<home>.<kind>`` for kind ``state``, ``event`` or ``cmd``."""
    return f"hw.{home}.{kind}"


def stream_name(home: str) -> str:
    """The JetStream stream of one home's state and events."""
    return "HW_" + home.upper().replace("-", "_")


def message_id(epoch: int, seq: int) -> str:
    """The de-duplication id of a publisher's ``seq``-th message (``epoch``: random per outbox)."""
    return f"{epoch:x}-{seq}"


def token_digest(token: str) -> str:
    """SHA-256 (hex) of a token, as homes store it and as access keys name it."""
    return hashlib.sha256(token.encode()).hexdigest()


def access_key(home: str, digest: str) -> str:
    """The ``hw_access`` key of one token in one home."""
    return f"{home}.{digest}"


def state_key(home: str, device: str, siid: int, piid: int) -> str:
    """The ``hw_states`` key of one property."""
    return f"{home}.{device}.{siid}.{piid}"


def keyable(part: str) -> bool:
    """Whether ``part`` can be one segment of a KV key (device ids are checked before use)."""
    return bool(KEY_PART.match(part))


class DeviceAccess(TypedDict):
    """One device a token may reach: its name and room, whether it may control it (else only
    look), until when (epoch seconds, None: for good), and its readable properties by address
    tail (``"light/brightness"``) → ``[siid, piid, writable]``."""

    name: str
    room: str
    control: bool
    until: float | None
    properties: dict[str, list[Any]]


class AccessEntry(TypedDict):
    """What a token reaches in one home (the value of an ``hw_access`` key)."""

    user: str
    name: str
    role: str | None
    expires: float | None
    devices: dict[str, DeviceAccess]
