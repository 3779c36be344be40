"""``bridge/devices`` entries into hub devices: a spec derived from ``exposes``; a new device is
placed by core/placement (configured id/room/name, else by the rules), a known one (by IEEE
address, or configured by friendly name) keeps its id, room and name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from homeweave.core.integration import HubContext
from homeweave.core.placement import Found, Rules, adopt
from homeweave.core.registry import Device
from homeweave.errors import SpecError
from homeweave.integrations.zigbee2mqtt.devices import Directory, ZigbeeDevice
from homeweave.integrations.zigbee2mqtt.exposes import INFO_SIID, ZigbeeModel, build_model
from homeweave.integrations.zigbee2mqtt.options import Z2MOptions
from homeweave.integrations.zigbee2mqtt.payloads import malformed

_LOGGER = logging.getLogger(__name__)


class Registration:
    """Registers (or updates) the hub device of each usable ``bridge/devices`` entry."""

    def __init__(
        self,
        integration: str,
        hub: HubContext,
        options: Z2MOptions,
        directory: Directory,
        mine: Callable[[], list[Device]],
    ) -> None:
        self.integration = integration
        self.hub = hub
        self.options = options
        self.directory = directory
        self._mine = mine  # the hub devices of this integration

    def entry(self, topic: str, entry: dict[str, Any]) -> tuple[ZigbeeDevice, bool] | None:
        """Register or update one entry (received on ``topic``); the Zigbee device and whether
        it is new, or None for an entry that is no usable device (yet)."""
        ieee, name = entry.get("ieee_address"), entry.get("friendly_name")
        if not isinstance(ieee, str) or not isinstance(name, str):
            malformed(topic, "device entry without ieee_address/friendly_name", entry)
            return None
        if entry.get("type") == "Coordinator" or entry.get("definition") is None:
            return None
        if entry.get("interview_completed") is False:
            _LOGGER.info("zigbee2mqtt: %s (%s) is still being interviewed", name, ieee)
            return None
        try:
            model = build_model(entry)
        except (SpecError, ValueError, KeyError, TypeError) as exc:
            _LOGGER.warning("zigbee2mqtt: ignored device %r from %s: %s", name, topic, exc)
            return None
        previous = self.directory.zigbee.get(ieee)
        device = self._register(ieee, name, entry, model)
        if device is None:
            return None
        zigbee = ZigbeeDevice(
            ieee,
            name,
            device.id,
            model,
            online=previous.online if previous is not None else None,
            disabled=bool(entry.get("disabled")),
        )
        self.directory.put(zigbee)
        for piid, value in model.info.items():
            if value:
                self.hub.states.update(device.id, INFO_SIID, piid, value)
        return zigbee, previous is None

    def _register(
        self, ieee: str, name: str, entry: dict[str, Any], model: ZigbeeModel
    ) -> Device | None:
        existing = self._existing(ieee, name)
        definition = entry.get("definition") or {}
        options = {"friendly_name": name, "ieee_address": ieee}
        if existing is not None:
            unchanged = (
                existing.spec.document == model.spec.document
                and existing.options.get("friendly_name") == name
                and existing.options.get("ieee_address") == ieee
            )
            if unchanged:
                return existing
            if existing.spec.document != model.spec.document:
                self.hub.states.forget(existing.id)
            device = Device(
                id=existing.id,
                name=existing.name,
                room_id=existing.room_id,
                home_id=existing.home_id,
                integration=self.integration,
                spec=model.spec,
                model=str(definition.get("model") or existing.model or ""),
                options={**existing.options, **options},
                available=existing.available,
                unavailable_reason=existing.unavailable_reason,
            )
        else:
            wanted = self.options.placement(name, ieee)
            found = Found(
                self.integration,
                "ieee_address",
                ieee,
                name,
                wanted_id=wanted.id,
                wanted_room=wanted.room,
            )
            place = adopt(found, self.hub.registry, Rules(default_room=self.options.default_room))
            if place is None:
                return None
            device = Device(
                id=place.id,
                name=wanted.name or name,
                room_id=place.room.id,
                home_id=place.room.home_id,
                integration=self.integration,
                spec=model.spec,
                model=str(definition.get("model") or "") or None,
                options=options,
                available=False,
                unavailable_reason="waiting for Zigbee2MQTT",
            )
        self.hub.registry.register(device)
        return device

    def _existing(self, ieee: str, name: str) -> Device | None:
        """The hub device for this Zigbee device: known by IEEE address, else configured with
        ``options.friendly_name``/``options.ieee_address``."""
        known = self.directory.zigbee.get(ieee)
        if known is not None and known.device_id in self.hub.registry.devices:
            return self.hub.registry.devices[known.device_id]
        mine = self._mine()
        return next((d for d in mine if d.options.get("ieee_address") == ieee), None) or next(
            (
                d
                for d in mine
                if d.options.get("friendly_name") == name and "ieee_address" not in d.options
            ),
            None,
        )
