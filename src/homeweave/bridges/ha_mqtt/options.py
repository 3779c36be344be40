"""The ha_mqtt bridge's options (``bridges: ha_mqtt: {...}`` in homeweave.yaml), checked by
``config/`` when the file is loaded."""

from __future__ import annotations

from homeweave.transport.mqtt_config import MqttBrokerOptions, Topic

DEFAULT_PREFIX = "homeassistant"
DEFAULT_BASE = "homeweave"
DEFAULT_STATUS = "homeassistant/status"  # HA's birth topic: its own setting, not the prefix's


class HaOptions(MqttBrokerOptions):
    """The broker Home Assistant uses (``mqtts://`` for TLS, ``user:pass@`` allowed), the
    topics, and reconnect timings (s)."""

    discovery_prefix: Topic = DEFAULT_PREFIX
    """HA's discovery prefix (its MQTT integration setting)."""
    base_topic: Topic = DEFAULT_BASE
    """Our state, command and availability topics."""
    status_topic: Topic = DEFAULT_STATUS
    """HA's birth message topic: ``online`` there -> republish all."""


OPTIONS = HaOptions
