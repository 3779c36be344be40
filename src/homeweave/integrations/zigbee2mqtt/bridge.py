"""The Zigbee2MQTT bridge: what it says about itself (``bridge/state``, ``info``, ``groups``,
``event``), and requests to it (``bridge/request/<command>``) answered by correlated
responses."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from homeweave.errors import DeviceUnavailable, IntegrationError
from homeweave.integrations.zigbee2mqtt.payloads import malformed, parse_json, parse_online
from homeweave.protocols.zigbee2mqtt.client import (
    BridgeRequestError,
    BridgeTimeout,
    ClientClosed,
    Received,
    Z2MClient,
)
from homeweave.protocols.zigbee2mqtt.topics import TopicKind

_LOGGER = logging.getLogger(__name__)

BRIDGE_ID = "zigbee2mqtt-bridge"
"""The device id errors of bridge requests name."""

BRIDGE_KINDS = frozenset(
    {TopicKind.BRIDGE_STATE, TopicKind.BRIDGE_INFO, TopicKind.BRIDGE_GROUPS, TopicKind.BRIDGE_EVENT}
)
"""The bridge topics ``BridgeState.take`` reads."""


@dataclass
class BridgeState:
    """What the Zigbee2MQTT bridge said about itself."""

    online: bool | None = None  # from bridge/state; None until known (again)
    info: dict[str, Any] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)

    def take(self, kind: TopicKind, message: Received) -> bool:
        """Read a bridge/state, info, groups or event message; True if it told ``online``."""
        if kind is TopicKind.BRIDGE_STATE:
            online = parse_online(message.payload)
            if online is None:
                malformed(message.topic, "expected online/offline", message.payload)
                return False
            self.online = online
            _LOGGER.info("zigbee2mqtt: bridge is %s", "online" if online else "offline")
            return True
        if kind is TopicKind.BRIDGE_INFO:
            info = parse_json(message, dict)
            if info is not None:
                self.info = info
        elif kind is TopicKind.BRIDGE_GROUPS:
            groups = parse_json(message, list)
            if groups is not None:
                self.groups = {
                    str(g["friendly_name"])
                    for g in groups
                    if isinstance(g, dict) and "friendly_name" in g
                }
        elif kind is TopicKind.BRIDGE_EVENT:
            event = parse_json(message, dict)
            if event is not None:
                _LOGGER.info("zigbee2mqtt: bridge event %s", event.get("type"))
        return False


class BridgeRequests:
    """Requests to the bridge; errors it answers become IntegrationError, no answer
    DeviceUnavailable."""

    def __init__(self, client: Z2MClient, state: BridgeState) -> None:
        self.client = client
        self.state = state

    async def request(self, command: str, payload: dict[str, Any] | None = None) -> Any:
        """``bridge/request/<command>``; returns the response's ``data``."""
        try:
            return await self.client.request(command, payload)
        except BridgeRequestError as exc:
            raise IntegrationError(BRIDGE_ID, exc.message) from None
        except (BridgeTimeout, ClientClosed) as exc:
            raise DeviceUnavailable(BRIDGE_ID, str(exc)) from None

    async def permit_join(self, seconds: int) -> Any:
        """Let new devices join for ``seconds`` (0 closes), in the bridge's version's format."""
        major = str(self.state.info.get("version") or "").split(".")[0]
        if major.isdigit() and int(major) < 2:
            return await self.request("permit_join", {"value": seconds > 0, "time": seconds})
        return await self.request("permit_join", {"time": seconds})

    async def rename(self, old: str, new: str) -> Any:
        """Rename a device in Zigbee2MQTT; the hub device keeps its id (matched by IEEE)."""
        return await self.request("device/rename", {"from": old, "to": new})

    async def health_check(self) -> bool:
        """Whether Zigbee2MQTT reports itself healthy."""
        data = await self.request("health_check")
        return bool(isinstance(data, dict) and data.get("healthy"))
