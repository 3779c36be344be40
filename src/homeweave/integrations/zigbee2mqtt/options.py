"""The zigbee2mqtt integration's options (``integrations: zigbee2mqtt: {...}`` in homeweave.yaml).

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.options import OptionReader
from homeweave.protocols.zigbee2mqtt.topics import DEFAULT_BASE_TOPIC
from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import BrokerSettings

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"

_READ = OptionReader("integrations.zigbee2mqtt")


@dataclass(frozen=True)
class Placement:
    """Where a discovered device goes: its id, room and name (each optional)."""

    id: str | None = None
    room: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Z2MOptions:
    broker: BrokerSettings = field(default_factory=BrokerSettings)
    base_topic: str = DEFAULT_BASE_TOPIC
    default_room: str | None = None
    placements: dict[str, Placement] = field(default_factory=dict)
    startup_wait: float = 5.0
    resend_after: float = 2.0
    request_timeout: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    keepalive: int = 30

    def placement(self, friendly_name: str, ieee: str) -> Placement:
        """The configured placement by friendly name, else by IEEE address."""
        return self.placements.get(friendly_name) or self.placements.get(ieee) or Placement()


def parse_options(options: Mapping[str, Any]) -> Z2MOptions:
    """Check and convert the options; ConfigError says which one is wrong."""
    known = {
        "broker",
        "username",
        "password",
        "base_topic",
        "default_room",
        "rooms",
        "devices",
        "startup_wait",
        "resend_after",
        "request_timeout",
        "reconnect_min",
        "reconnect_max",
        "keepalive",
    }
    unknown = sorted(set(options) - known)
    if unknown:
        raise _READ.error(
            f"unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    try:
        broker = BrokerSettings.from_url(
            _READ.text(options, "broker", DEFAULT_BROKER),
            username=_READ.optional_text(options, "username"),
            password=_READ.optional_text(options, "password"),
        )
    except ValueError as exc:
        raise _READ.error(str(exc)) from None
    base = _READ.text(options, "base_topic", DEFAULT_BASE_TOPIC).strip("/")
    if not base or any(c in base for c in "#+"):
        raise _READ.error(f"base_topic must be a topic without wildcards, got {base!r}")
    return Z2MOptions(
        broker=broker,
        base_topic=base,
        default_room=_READ.optional_text(options, "default_room"),
        placements=_placements(options),
        startup_wait=_READ.number(options, "startup_wait", 5.0),
        resend_after=_READ.number(options, "resend_after", 2.0),
        request_timeout=_READ.number(options, "request_timeout", 10.0),
        backoff=Backoff(
            initial=_READ.number(options, "reconnect_min", 0.5),
            maximum=_READ.number(options, "reconnect_max", 30.0),
        ),
        keepalive=int(_READ.number(options, "keepalive", 30)),
    )


def _placements(options: Mapping[str, Any]) -> dict[str, Placement]:
    placements: dict[str, Placement] = {}
    rooms = options.get("rooms") or {}
    if not isinstance(rooms, Mapping):
        raise _READ.error("rooms must map friendly names or IEEE addresses to room ids")
    for key, room in rooms.items():
        if not isinstance(room, str):
            raise _READ.error(f"rooms[{key!r}] must be a room id, got {room!r}")
        placements[str(key)] = Placement(room=room)
    devices = options.get("devices") or {}
    if not isinstance(devices, Mapping):
        raise _READ.error("devices must map friendly names or IEEE addresses to {id, room, name}")
    for key, entry in devices.items():
        if not isinstance(entry, Mapping) or not set(entry) <= {"id", "room", "name"}:
            raise _READ.error(f"devices[{key!r}] must be a mapping with id, room and/or name")
        values = {k: v for k, v in entry.items() if v is not None}
        if not all(isinstance(v, str) for v in values.values()):
            raise _READ.error(f"devices[{key!r}]: id, room and name must be text")
        earlier = placements.get(str(key), Placement())
        placements[str(key)] = Placement(
            id=values.get("id"), room=values.get("room", earlier.room), name=values.get("name")
        )
    return placements
