"""The bridge's topic map: HA discovery configs under the discovery prefix, everything else
(bridge availability, device availability, entity state and commands) under the base topic.

```
<prefix>/<component>/<base>_<device>/<entity>/config   retained discovery config
homeassistant/status                                   HA's birth/last will (online/offline)
<base>/bridge/state                                    online/offline (our last will), retained
<base>/bridge/discovery                                the config topics we published, retained
<base>/<device>/availability                           online/offline, retained
<base>/<device>/<entity>/state                         state JSON, retained
<base>/<device>/<entity>/set[/<field>]                 commands from HA
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from homeweave.bridges.ha_mqtt.entity import EntityTopics
from homeweave.bridges.ha_mqtt.options import DEFAULT_BASE, DEFAULT_PREFIX, DEFAULT_STATUS

ONLINE, OFFLINE = "online", "offline"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def safe(name: str) -> str:
    """A topic level (and HA object id) from any name: only letters, digits, ``_`` and ``-``."""
    return _UNSAFE.sub("_", name) or "_"


@dataclass(frozen=True, slots=True)
class Topics:
    """Topics of one bridge: ``prefix`` is HA's discovery prefix, ``base`` our own root,
    ``birth`` where HA announces itself."""

    prefix: str = DEFAULT_PREFIX
    base: str = DEFAULT_BASE
    birth: str = DEFAULT_STATUS

    @property
    def bridge_state(self) -> str:
        """The topic of the bridge's own online/offline state (our last will)."""
        return f"{self.base}/bridge/state"

    @property
    def index(self) -> str:
        """The topic listing the discovery config topics we published."""
        return f"{self.base}/bridge/discovery"

    @property
    def commands(self) -> list[str]:
        """Wildcards covering every entity's command topics (and nothing we publish)."""
        return [f"{self.base}/+/+/set", f"{self.base}/+/+/set/+"]

    def node(self, device_id: str) -> str:
        """Return the HA node id of a device: ``<base>_<device>``, made topic-safe."""
        return safe(f"{self.base}_{device_id}")

    def config(self, component: str, device_id: str, key: str) -> str:
        """Return the discovery config topic of one entity."""
        return f"{self.prefix}/{component}/{self.node(device_id)}/{safe(key)}/config"

    def availability(self, device_id: str) -> str:
        """Return the online/offline topic of a device."""
        return f"{self.base}/{safe(device_id)}/availability"

    def entity(self, device_id: str, key: str) -> EntityTopics:
        """Return the state topic and command topic base of one entity."""
        root = f"{self.base}/{safe(device_id)}/{safe(key)}"
        return EntityTopics(state=f"{root}/state", command_base=f"{root}/set")

    def command_of(self, topic: str) -> tuple[str, str] | None:
        """``(command_base, field)`` of a command topic; None for anything else."""
        if not topic.startswith(f"{self.base}/"):
            return None
        parts = topic[len(self.base) + 1 :].split("/")
        if len(parts) == 3 and parts[2] == "set":
            return topic, ""
        if len(parts) == 4 and parts[2] == "set" and parts[3]:
            return topic.rsplit("/", 1)[0], parts[3]
        return None
