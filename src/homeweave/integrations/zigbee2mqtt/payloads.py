"""Reading Zigbee2MQTT payloads leniently: JSON of the expected shape, online/offline in either
of its two spellings, and reported values compared with what was written. What cannot be
read is logged with its topic and dropped."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from homeweave.protocols.zigbee2mqtt.client import Received

_LOGGER = logging.getLogger(__name__)
SHOWN = 200
"""Characters of a malformed payload quoted in the log."""

_JSON = TypeVar("_JSON", dict[str, Any], list[Any])


def parse_json(message: Received, kind: type[_JSON]) -> _JSON | None:
    """The payload parsed as a JSON object (``dict``) or array (``list``), or None (logged with
    its topic)."""
    try:
        data = json.loads(message.payload)
    except ValueError:
        malformed(message.topic, "not JSON", message.payload)
        return None
    if not isinstance(data, kind):
        expected = "a JSON object" if kind is dict else "a JSON array"
        malformed(message.topic, f"expected {expected}", message.payload)
        return None
    return data


def parse_online(payload: bytes) -> bool | None:
    """``online``/``offline`` as bare text (1.x legacy) or ``{"state": ...}`` JSON."""
    text = payload.decode("utf-8", errors="replace").strip()
    if text in ("online", "offline"):
        return text == "online"
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("state") in ("online", "offline"):
        return bool(data["state"] == "online")
    return None


def malformed(topic: str, problem: str, raw: object) -> None:
    """Log a message that was ignored because it could not be read."""
    shown = raw[:SHOWN] if isinstance(raw, bytes) else repr(raw)[:SHOWN]
    _LOGGER.warning("zigbee2mqtt: ignored %s: %s: %r", topic, problem, shown)


def same(reported: Any, sent: Any) -> bool:
    """Whether a reported value confirms a sent one (text ignoring case, numbers ~equal)."""
    if isinstance(sent, str) and isinstance(reported, str):
        return reported.upper() == sent.upper()
    numbers = (int, float)
    if isinstance(sent, numbers) and isinstance(reported, numbers):
        if isinstance(sent, bool) or isinstance(reported, bool):
            return sent is reported
        return abs(reported - sent) <= 1e-6 * max(1.0, abs(sent))
    if isinstance(sent, Mapping) and isinstance(reported, Mapping):  # a colour's x/y
        return all(k in reported and same(reported[k], v) for k, v in sent.items())
    return bool(reported == sent)
