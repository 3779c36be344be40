"""The zigbee2mqtt integration's options (``integrations: zigbee2mqtt: {...}`` in homeweave.yaml),
checked by ``config/`` when the file is loaded.

```yaml
integrations:
  zigbee2mqtt:
    broker: mqtt://127.0.0.1:1883     # mqtts:// for TLS; user:pass@ allowed
    username: null                    # or here, instead of in the URL
    password: null
    base_topic: zigbee2mqtt
    default_room: hallway             # where discovered devices go (else the first room)
    rooms: {"0x00158d0001a2b3c4": kitchen, "Bedroom sensor": bedroom}
    devices: {"Study bulb": {id: study-lamp, room: study, name: "Study lamp"}}
```
``rooms`` and ``devices`` are keyed by Zigbee2MQTT friendly name or IEEE address.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from homeweave.protocols.zigbee2mqtt.topics import DEFAULT_BASE_TOPIC
from homeweave.transport.mqtt_config import MqttBrokerOptions, Topic


class Placement(BaseModel):
    """Where a discovered device goes: its id, room and name (each optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str | None = None
    room: str | None = None
    name: str | None = None


class Z2MOptions(MqttBrokerOptions):
    """The broker, the Zigbee2MQTT base topic, placement of discovered devices, timings (s)."""

    base_topic: Topic = DEFAULT_BASE_TOPIC
    """Zigbee2MQTT's ``mqtt.base_topic``."""
    default_room: str | None = None
    """Where discovered devices go (else the first room)."""
    rooms: dict[str, str] = Field(default_factory=dict)
    """Friendly name or IEEE address -> our room id."""
    devices: dict[str, Placement] = Field(default_factory=dict)
    """Friendly name or IEEE address -> ``{id, room, name}`` for that device."""
    startup_wait: float = Field(default=5.0, ge=0)
    """How long setup waits for the retained device list."""
    resend_after: float = Field(default=2.0, ge=0)
    request_timeout: float = Field(default=10.0, ge=0)

    def placement(self, friendly_name: str, ieee: str) -> Placement:
        """The configured placement by friendly name, else by IEEE address; ``rooms`` gives
        the room where ``devices`` names none."""
        for key in (friendly_name, ieee):
            device, room = self.devices.get(key), self.rooms.get(key)
            if device is not None or room is not None:
                found = device or Placement()
                return found if found.room else found.model_copy(update={"room": room})
        return Placement()


OPTIONS = Z2MOptions
