"""Notifications from the notify action: logged, published on the bus, kept for the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from homeweave.core.events import EventType


@dataclass(frozen=True, slots=True)
class Notification:
    """A message an automation sends to people."""

    automation: str
    message: str
    title: str | None
    level: str
    at: float
    trace: str


NOTIFICATION: EventType[Notification] = EventType("notification")


def notification_message(notification: Notification) -> dict[str, Any]:
    """The WebSocket message for a notification (``{"type": "notification", ...}``)."""
    return {"type": "notification", **asdict(notification)}
