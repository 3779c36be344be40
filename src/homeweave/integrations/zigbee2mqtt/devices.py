"""The devices of Zigbee2MQTT's ``bridge/devices`` list by IEEE address and friendly name
(messages for devices not listed yet are held until the first list arrives)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from homeweave.core.registry import Device
from homeweave.errors import DeviceUnavailable
from homeweave.integrations.zigbee2mqtt.exposes import ZigbeeModel
from homeweave.protocols.zigbee2mqtt.client import Received

_LOGGER = logging.getLogger(__name__)


@dataclass
class ZigbeeDevice:
    """A device Zigbee2MQTT reported, and the hub device it became."""

    ieee: str
    friendly_name: str
    device_id: str
    model: ZigbeeModel
    online: bool | None = None  # from <name>/availability; None: not reported
    disabled: bool = False


class Directory:
    """The listed devices by IEEE address (``zigbee``) and friendly name (``names``)."""

    def __init__(self) -> None:
        self.zigbee: dict[str, ZigbeeDevice] = {}
        self.names: dict[str, str] = {}  # friendly name -> IEEE address
        self.listed = asyncio.Event()
        """Set once the first ``bridge/devices`` list was read."""
        self._early: dict[str, Received] = {}  # by topic, until the first device list
        self._warned: set[str] = set()

    def put(self, zigbee: ZigbeeDevice) -> None:
        """Add or replace a device (a rename drops its old name)."""
        previous = self.zigbee.get(zigbee.ieee)
        if previous is not None and previous.friendly_name != zigbee.friendly_name:
            self.names.pop(previous.friendly_name, None)
        self.zigbee[zigbee.ieee] = zigbee
        self.names[zigbee.friendly_name] = zigbee.ieee

    def keep_only(self, seen: set[str]) -> list[ZigbeeDevice]:
        """Forget the devices not in the latest list (by IEEE address); returns them."""
        gone = [self.zigbee.pop(ieee) for ieee in set(self.zigbee) - seen]
        for zigbee in gone:
            self.names.pop(zigbee.friendly_name, None)
        return gone

    def first_list(self) -> list[Received]:
        """Note that a device list was read; the messages held until then, the first time."""
        if self.listed.is_set():
            return []
        self.listed.set()
        early, self._early = self._early, {}
        return list(early.values())

    def known(self, name: str, message: Received, groups: set[str]) -> ZigbeeDevice | None:
        """The listed device a message is about; None (held or logged once) for others."""
        ieee = self.names.get(name)
        if ieee is not None:
            return self.zigbee[ieee]
        if name in groups:
            return None
        if not self.listed.is_set():  # retained state before the device list: keep it
            self._early[message.topic] = message
            return None
        log = _LOGGER.debug if name in self._warned else _LOGGER.warning
        self._warned.add(name)
        log(
            "zigbee2mqtt: ignored %s: unknown device %r (not in bridge/devices)",
            message.topic,
            name,
        )
        return None

    def of(self, device: Device) -> ZigbeeDevice:
        """The Zigbee device behind a hub device; DeviceUnavailable if not (yet) listed."""
        ieee = device.options.get("ieee_address")
        zigbee = self.zigbee.get(ieee) if isinstance(ieee, str) else None
        if zigbee is None:
            raise DeviceUnavailable(device.id, "not (yet) reported by Zigbee2MQTT")
        return zigbee
