"""A device's state payload into the hub: values into ``states``; reported actions, and values
that stand for an event when they change to them, onto the bus as DEVICE_EVENT."""

from __future__ import annotations

import logging
import time
from typing import Any

from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.integration import HubContext
from homeweave.integrations.zigbee2mqtt.devices import ZigbeeDevice
from homeweave.integrations.zigbee2mqtt.mapping import decode_state

_LOGGER = logging.getLogger(__name__)


def apply_state(hub: HubContext, zigbee: ZigbeeDevice, payload: dict[str, Any], topic: str) -> None:
    """Take in one ``<name>`` state payload of ``zigbee`` (received on ``topic``)."""
    decoded = decode_state(zigbee.model.mapping, payload)
    for problem in decoded.problems:
        _LOGGER.warning("zigbee2mqtt: ignored part of %s: %s", topic, problem)
    now = time.time()
    states = hub.states
    for binding, value in decoded.values:
        before = states.value(zigbee.device_id, binding.siid, binding.piid)
        changed = states.update(zigbee.device_id, binding.siid, binding.piid, value, at=now)
        if changed and before is not None:
            for edge_value, eiid in binding.edge_events:
                if edge_value == value and type(edge_value) is type(value):
                    _event(hub, zigbee, binding.siid, eiid, now)
    for siid, eiid in decoded.events:
        _event(hub, zigbee, siid, eiid, now)


def _event(hub: HubContext, zigbee: ZigbeeDevice, siid: int, eiid: int, at: float) -> None:
    hub.bus.publish(DEVICE_EVENT, DeviceEvent(zigbee.device_id, siid, eiid, {}, at))
