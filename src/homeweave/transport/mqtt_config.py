"""Checked MQTT settings as config values: a broker URL and a topic (pydantic types) and the
broker options every MQTT user shares (the Zigbee2MQTT integration, the HA bridge)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import BrokerSettings

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"


def broker_url(url: str) -> str:
    """Check an ``mqtt://`` / ``mqtts://`` URL; ValueError says what is wrong."""
    try:
        BrokerSettings.from_url(url)
    except ValueError as exc:
        raise ValueError(f"is invalid: {exc}") from None
    return url


def topic(text: str) -> str:
    """A topic without surrounding slashes and without wildcards; ValueError otherwise."""
    stripped = text.strip("/")
    if not stripped or any(c in stripped for c in "#+"):
        raise ValueError(f"must be a topic without wildcards, got {text!r}")
    return stripped


BrokerUrl = Annotated[str, AfterValidator(broker_url)]
Topic = Annotated[str, AfterValidator(topic)]


class MqttBrokerOptions(BaseModel):
    """Which broker, with which login, and how to reconnect: the base of every options model
    that talks MQTT."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    broker_url: BrokerUrl = Field(default=DEFAULT_BROKER, alias="broker")
    """``mqtt://[user:pass@]host[:port]``, ``mqtts://`` for TLS."""
    username: str | None = None
    """The broker login, instead of in the URL."""
    password: str | None = None
    reconnect_min: float = Field(default=0.5, gt=0)
    """Seconds before the first reconnect attempt; doubling with jitter ..."""
    reconnect_max: float = Field(default=30.0, gt=0)
    """... up to this."""
    keepalive: int = Field(default=30, ge=1)
    """MQTT keepalive, in seconds."""

    @property
    def broker(self) -> BrokerSettings:
        """Return the broker to connect to, credentials included."""
        return BrokerSettings.from_url(
            self.broker_url, username=self.username, password=self.password
        )

    @property
    def backoff(self) -> Backoff:
        """Return the reconnect delays."""
        return Backoff(initial=self.reconnect_min, maximum=self.reconnect_max)
