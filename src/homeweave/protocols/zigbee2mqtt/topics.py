"""Zigbee2MQTT's topic map under a base topic: build topics, and tell what a topic is.

Wire code only: imports nothing of the hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_BASE_TOPIC = "zigbee2mqtt"
DEVICE_SUFFIXES = ("availability", "set", "get")


class TopicKind(StrEnum):
    """What a message under the base topic is about."""

    BRIDGE_STATE = "bridge/state"
    BRIDGE_INFO = "bridge/info"
    BRIDGE_DEVICES = "bridge/devices"
    BRIDGE_GROUPS = "bridge/groups"
    BRIDGE_EVENT = "bridge/event"
    BRIDGE_LOGGING = "bridge/logging"
    BRIDGE_RESPONSE = "bridge/response"
    BRIDGE_REQUEST = "bridge/request"
    BRIDGE_OTHER = "bridge/other"
    DEVICE_STATE = "state"
    DEVICE_AVAILABILITY = "availability"
    DEVICE_COMMAND = "command"  # <name>/set, <name>/get, <name>/set/<attr>: sent *to* Z2M
    FOREIGN = "foreign"  # not under the base topic


@dataclass(frozen=True, slots=True)
class ParsedTopic:
    """A topic split into its kind, the device name (friendly name) and what follows."""

    kind: TopicKind
    name: str = ""
    rest: str = ""


_BRIDGE_KINDS = {
    "state": TopicKind.BRIDGE_STATE,
    "info": TopicKind.BRIDGE_INFO,
    "devices": TopicKind.BRIDGE_DEVICES,
    "groups": TopicKind.BRIDGE_GROUPS,
    "event": TopicKind.BRIDGE_EVENT,
    "logging": TopicKind.BRIDGE_LOGGING,
}


@dataclass(frozen=True, slots=True)
class Topics:
    """Topics of one Zigbee2MQTT instance (``base`` is its ``mqtt.base_topic``)."""

    base: str = DEFAULT_BASE_TOPIC

    @property
    def all(self) -> str:
        """The wildcard covering every topic of this instance."""
        return f"{self.base}/#"

    @property
    def subscriptions(self) -> list[str]:
        """What a client of Zigbee2MQTT listens to: the bridge, and state and availability of
        one-level names. Deeper names (``room/lamp``) are watched one by one (``watched``).

        Not ``<base>/#``: that brings a client's own ``/set`` back to it, and the unacknowledged
        echo makes the broker's Nagle hold the device's answer for a delayed ACK (~40 ms).
        """
        return [f"{self.base}/bridge/#", f"{self.base}/+", f"{self.base}/+/availability"]

    def watched(self, name: str) -> list[str]:
        """The topics to watch for device ``name`` beyond ``subscriptions``."""
        if "/" not in name:
            return []
        return [self.device(name), self.availability(name)]

    def bridge(self, name: str) -> str:
        """Return the topic ``<base>/bridge/<name>`` (``state``, ``devices``, ``event``...)."""
        return f"{self.base}/bridge/{name}"

    def request(self, command: str) -> str:
        """Return the topic a bridge ``command`` request is published to."""
        return f"{self.base}/bridge/request/{command}"

    def response(self, command: str) -> str:
        """Return the topic the bridge answers a ``command`` on."""
        return f"{self.base}/bridge/response/{command}"

    def device(self, name: str) -> str:
        """Return the topic device ``name`` publishes its state on."""
        return f"{self.base}/{name}"

    def set(self, name: str) -> str:
        """Return the topic that writes to device ``name``."""
        return f"{self.base}/{name}/set"

    def get(self, name: str) -> str:
        """Return the topic that asks device ``name`` to report values."""
        return f"{self.base}/{name}/get"

    def availability(self, name: str) -> str:
        """Return the topic of device ``name``'s online/offline status."""
        return f"{self.base}/{name}/availability"

    def parse(self, topic: str) -> ParsedTopic:
        """Classify ``topic``; names may contain ``/``, so suffixes match from the right."""
        prefix = f"{self.base}/"
        if not topic.startswith(prefix):
            return ParsedTopic(TopicKind.FOREIGN, rest=topic)
        rest = topic[len(prefix) :]
        if rest.startswith("bridge/"):
            return _parse_bridge(rest.removeprefix("bridge/"))
        parts = rest.split("/")
        if len(parts) >= 2 and parts[-1] == "availability":
            return ParsedTopic(TopicKind.DEVICE_AVAILABILITY, "/".join(parts[:-1]))
        for depth in (1, 2):  # <name>/set, <name>/set/<attr>
            if len(parts) > depth and parts[-depth] in ("set", "get"):
                name = "/".join(parts[:-depth])
                return ParsedTopic(TopicKind.DEVICE_COMMAND, name, "/".join(parts[-depth:]))
        return ParsedTopic(TopicKind.DEVICE_STATE, rest)


def _parse_bridge(rest: str) -> ParsedTopic:
    if rest in _BRIDGE_KINDS:
        return ParsedTopic(_BRIDGE_KINDS[rest], "bridge")
    head, _, command = rest.partition("/")
    if head == "response" and command:
        return ParsedTopic(TopicKind.BRIDGE_RESPONSE, "bridge", command)
    if head == "request" and command:
        return ParsedTopic(TopicKind.BRIDGE_REQUEST, "bridge", command)
    return ParsedTopic(TopicKind.BRIDGE_OTHER, "bridge", rest)
