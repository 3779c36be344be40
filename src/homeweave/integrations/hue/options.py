"""The ``hue`` integration's options (``integrations: {hue: {...}}`` in homeweave.yaml)::

    hue:
      host: 192.168.1.20          # the bridge; "host:port" for a bridge not on 443 (simulators)
      app_key: ...                # optional: else read from key_file, else pair (link button)
      key_file: DATA_DIR/hue-keys.json   # where pairing stores app keys (default: the hub data dir)
      transition_ms: 400          # transition sent with every light command (0: instant)
      rooms: {"Woonkamer": living-room}   # Hue room (name or id) -> our room id
      default_room: hallway       # for devices whose Hue room matches none of ours
      discover: true              # register bridge devices that no device config names
      groups: true                # also a device per Hue room's grouped light

Per device (``options`` of a device with ``integration: hue``): ``hue_id`` (the Hue device id, or
any of its service ids) or ``hue_name`` (its name in the Hue app; default: the device's name), and
``transition_ms``.

Checked by ``config/`` when homeweave.yaml is loaded; imports nothing of the integration.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

KEY_FILE = "hue-keys.json"


def _expand(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None


class HueOptions(BaseModel):
    """How to reach the Hue bridge, and where the devices found on it go."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    host: str = Field(min_length=1)
    """The bridge's address, e.g. 192.168.1.20; ``host:port`` for one not on 443."""
    app_key: str | None = None
    """The bridge's app key; unset: read from ``key_file``, else pair (press the link button)."""
    key_file: Annotated[Path | None, AfterValidator(_expand)] = Field(default=None, strict=False)
    """Where pairing keeps app keys; unset: ``hue-keys.json`` in the hub's data dir."""
    transition_ms: int | None = Field(default=400, ge=0)
    """Transition sent with every light command, in ms (0: instant; null: the bridge's own)."""
    rooms: dict[str, str] = Field(default_factory=dict)
    """Hue room (name or id) -> our room id, for discovered devices."""
    default_room: str | None = None
    """Room for discovered devices whose Hue room matches none of ours."""
    discover: bool = True
    """Register bridge devices that no device config names."""
    groups: bool = True
    """Also a device per Hue room's grouped light."""
    pair_interval: float = Field(default=2.0, gt=0)
    """Seconds between pairing attempts while waiting for the link button."""
    connect_timeout: float = Field(default=10.0, gt=0)
    """Seconds to wait for the bridge to answer a connect."""
    retry_max: float = Field(default=60.0, gt=0)
    """Longest wait between reconnect attempts, in seconds."""


class HueDeviceOptions(BaseModel):
    """A configured Hue device's ``options``: which bridge device it is."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    hue_id: str | None = None
    """The Hue device id, or any of its service ids."""
    hue_name: str | None = None
    """Its name in the Hue app (default: the device's name)."""
    transition_ms: int | None = Field(default=None, ge=0)
    """This device's transition in ms, instead of the integration's."""
    discovered: bool = False
    """Set by the hub on devices it registered from the bridge."""


OPTIONS = HueOptions
DEVICE_OPTIONS = HueDeviceOptions


def device_transition(options: HueOptions, device_options: Mapping[str, Any]) -> int | None:
    """The transition for one device's commands: its own option, else the integration's."""
    value = device_options.get("transition_ms", options.transition_ms)
    return int(value) if _is_int(value) else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
