"""The ha_mqtt bridge's options (``bridges: ha_mqtt: {...}`` in homeweave.yaml), checked by
``config/`` when the file is loaded."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import BrokerSettings
from homeweave.transport.mqtt_config import DEFAULT_BROKER, BrokerUrl, Topic

DEFAULT_PREFIX = "homeassistant"
DEFAULT_BASE = "homeweave"
DEFAULT_STATUS = "homeassistant/status"  # HA's birth topic: its own setting, not the prefix's


class HaOptions(BaseModel):
    """The broker Home Assistant uses, the topics, and reconnect timings (s)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    broker_url: BrokerUrl = Field(default=DEFAULT_BROKER, alias="broker")
    """The broker HA's MQTT integration uses; ``mqtts://`` for TLS, ``user:pass@`` allowed."""
    username: str | None = None
    password: str | None = None
    discovery_prefix: Topic = DEFAULT_PREFIX
    """HA's discovery prefix (its MQTT integration setting)."""
    base_topic: Topic = DEFAULT_BASE
    """Our state, command and availability topics."""
    status_topic: Topic = DEFAULT_STATUS
    """HA's birth message topic: ``online`` there -> republish all."""
    reconnect_min: float = Field(default=0.5, gt=0)
    reconnect_max: float = Field(default=30.0, gt=0)
    keepalive: int = Field(default=30, ge=1)
    """MQTT keepalive, in seconds."""

    @property
    def broker(self) -> BrokerSettings:
        """The broker to connect to, credentials included."""
        return BrokerSettings.from_url(
            self.broker_url, username=self.username, password=self.password
        )

    @property
    def backoff(self) -> Backoff:
        """Reconnect delays."""
        return Backoff(initial=self.reconnect_min, maximum=self.reconnect_max)


OPTIONS = HaOptions
