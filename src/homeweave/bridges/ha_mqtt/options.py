"""The ha_mqtt bridge's options (``bridges: ha_mqtt: {...}`` in homeweave.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.bridges.ha_mqtt.topics import DEFAULT_BASE, DEFAULT_PREFIX, DEFAULT_STATUS
from homeweave.options import OptionReader
from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import BrokerSettings

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"
KNOWN = frozenset(
    {
        "broker",
        "username",
        "password",
        "discovery_prefix",
        "base_topic",
        "status_topic",
        "reconnect_min",
        "reconnect_max",
        "keepalive",
    }
)

_READ = OptionReader("bridges.ha_mqtt")


@dataclass(frozen=True)
class HaOptions:
    broker: BrokerSettings = field(default_factory=BrokerSettings)
    discovery_prefix: str = DEFAULT_PREFIX
    base_topic: str = DEFAULT_BASE
    status_topic: str = DEFAULT_STATUS
    backoff: Backoff = field(default_factory=Backoff)
    keepalive: int = 30


def parse_options(options: Mapping[str, Any]) -> HaOptions:
    """Check and convert the options; ConfigError names the one that is wrong."""
    unknown = sorted(set(options) - KNOWN)
    if unknown:
        raise _READ.error(
            f"unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}"
        )
    try:
        broker = BrokerSettings.from_url(
            _READ.text(options, "broker", DEFAULT_BROKER),
            username=_READ.optional_text(options, "username"),
            password=_READ.optional_text(options, "password"),
        )
    except ValueError as exc:
        raise _READ.error(str(exc)) from None
    return HaOptions(
        broker=broker,
        discovery_prefix=_topic(options, "discovery_prefix", DEFAULT_PREFIX),
        base_topic=_topic(options, "base_topic", DEFAULT_BASE),
        status_topic=_topic(options, "status_topic", DEFAULT_STATUS),
        backoff=Backoff(
            initial=_READ.number(options, "reconnect_min", 0.5, positive=True),
            maximum=_READ.number(options, "reconnect_max", 30.0, positive=True),
        ),
        keepalive=max(1, int(_READ.number(options, "keepalive", 30, positive=True))),
    )


def _topic(options: Mapping[str, Any], key: str, default: str) -> str:
    topic = _READ.text(options, key, default).strip("/")
    if not topic or any(c in topic for c in "#+"):
        raise _READ.error(f"{key} must be a topic without wildcards, got {topic!r}")
    return topic
