"""Run by a Home Assistant installation's own interpreter: read MQTT discovery messages as JSON
lines ``{"topic": ..., "payload": ...}`` on stdin and apply to each what that Home Assistant
applies when the message arrives — its discovery topic pattern, its list of supported
components, its key abbreviations, and the component's own ``DISCOVERY_SCHEMA`` (voluptuous).
Print one JSON line per message: ``{"topic", "component", "error"}`` (error null when accepted),
then ``{"version": ...}``.

Nothing of Home Assistant is copied here: every rule comes from importing it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import tempfile
from typing import Any

from homeassistant.components.mqtt import abbreviations
from homeassistant.components.mqtt.discovery import SUPPORTED_COMPONENTS, TOPIC_MATCHER
from homeassistant.const import __version__
from homeassistant.core import HomeAssistant


def expand(payload: dict[str, Any]) -> dict[str, Any]:
    """Long keys for abbreviated ones, as HA's discovery does before validating."""
    out = {abbreviations.ABBREVIATIONS.get(k, k): v for k, v in payload.items()}
    if isinstance(out.get("device"), dict):
        table = abbreviations.DEVICE_ABBREVIATIONS
        out["device"] = {table.get(k, k): v for k, v in out["device"].items()}
    return out


def schema_for(component: str) -> Any:
    """The voluptuous schema HA applies to a discovered ``component``."""
    if component == "device_automation":
        return importlib.import_module(
            "homeassistant.components.mqtt.device_trigger"
        ).TRIGGER_DISCOVERY_SCHEMA
    return importlib.import_module(f"homeassistant.components.mqtt.{component}").DISCOVERY_SCHEMA


def check(prefix: str, topic: str, raw: str) -> tuple[str | None, str | None]:
    """(component, error or None) for one discovery message."""
    match = TOPIC_MATCHER.match(topic.replace(f"{prefix}/", "", 1))
    if match is None:
        return None, "topic does not match Home Assistant's discovery pattern"
    component = match.group("component")
    if component not in SUPPORTED_COMPONENTS:
        return component, f"component {component!r} is not supported"
    if not raw:
        return component, None  # an empty payload deletes an entity
    payload = expand(json.loads(raw))
    payload["platform"] = "mqtt"
    try:
        schema_for(component)(payload)
    except Exception as exc:  # voluptuous.Invalid and friends: report, do not stop
        return component, f"{type(exc).__name__}: {exc}"
    return component, None


async def check_all(prefix: str, lines: list[str]) -> None:
    """Check each message inside a running Home Assistant's loop, where HA validates discovery
    (since 2024.10 a template validated without one is reported, and that needs HA's frame
    helper; a bare schema call would fail on that instead of on the payload)."""
    with tempfile.TemporaryDirectory() as config_dir:
        hass = HomeAssistant(config_dir)
        frame = importlib.import_module("homeassistant.helpers.frame")
        if hasattr(frame, "async_setup"):
            frame.async_setup(hass)
        for line in lines:
            message = json.loads(line)
            component, error = check(prefix, message["topic"], message["payload"])
            print(json.dumps({"topic": message["topic"], "component": component, "error": error}))
    print(json.dumps({"version": __version__}))


def main() -> None:
    """Check every message on stdin; the discovery prefix is the first argument."""
    prefix = sys.argv[1] if len(sys.argv) > 1 else "homeassistant"
    asyncio.run(check_all(prefix, [line for line in sys.stdin if line.strip()]))


if __name__ == "__main__":
    main()
