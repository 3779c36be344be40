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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeweave.core.paths import default_data_dir
from homeweave.errors import ConfigError

KEY_FILE = "hue-keys.json"


@dataclass(frozen=True, slots=True)
class HueOptions:
    host: str
    app_key: str | None = None
    key_file: Path = field(default_factory=lambda: default_data_dir() / KEY_FILE)
    transition_ms: int | None = 400
    rooms: dict[str, str] = field(default_factory=dict)
    default_room: str | None = None
    discover: bool = True
    groups: bool = True
    pair_interval: float = 2.0
    connect_timeout: float = 10.0
    retry_max: float = 60.0

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> HueOptions:
        """Check types and fill defaults; ConfigError names the offending option."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(
                f"hue: unknown option {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        host = options.get("host")
        if not isinstance(host, str) or not host:
            raise ConfigError("hue: 'host' (the bridge's address, e.g. 192.168.1.20) is required")
        rooms = options.get("rooms") or {}
        if not isinstance(rooms, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in rooms.items()
        ):
            raise ConfigError("hue: 'rooms' must map Hue room names to room ids")
        values: dict[str, Any] = {"host": host, "rooms": dict(rooms)}
        for name, kind in (
            ("app_key", str),
            ("default_room", str),
            ("discover", bool),
            ("groups", bool),
        ):
            if name in options and options[name] is not None:
                values[name] = _typed(options, name, kind)
        for name in ("pair_interval", "connect_timeout", "retry_max"):
            if name in options:
                values[name] = float(_typed(options, name, (int, float)))
        if "transition_ms" in options:
            transition = options["transition_ms"]
            if transition is not None and not _is_int(transition):
                raise ConfigError("hue: 'transition_ms' must be a whole number of milliseconds")
            values["transition_ms"] = transition
        if options.get("key_file"):
            values["key_file"] = Path(str(_typed(options, "key_file", str))).expanduser()
        return cls(**values)


def device_transition(options: HueOptions, device_options: Mapping[str, Any]) -> int | None:
    """The transition for one device's commands: its own option, else the integration's."""
    value = device_options.get("transition_ms", options.transition_ms)
    return int(value) if _is_int(value) else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _typed(options: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = options[name]
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"hue: {name!r} has the wrong type ({value!r})")
    if not isinstance(value, kind):
        raise ConfigError(f"hue: {name!r} has the wrong type ({value!r})")
    return value
