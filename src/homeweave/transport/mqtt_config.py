"""Checked MQTT settings as config values: a broker URL and a topic (pydantic types), shared by
every options model that names a broker (the Zigbee2MQTT integration, the HA bridge)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

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
