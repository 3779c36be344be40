"""What Zigbee2MQTT adds to every device's ``exposes`` itself (the models' own exposes are data:
definitions/*.json)."""

from __future__ import annotations

from typing import Any

STATE, SET, GET = 1, 2, 4
"""``access`` bits: reported in state, settable, gettable."""

Expose = dict[str, Any]


def linkquality() -> Expose:
    """Return the ``linkquality`` expose Zigbee2MQTT lists for every device."""
    return {
        "type": "numeric",
        "name": "linkquality",
        "label": "Linkquality",
        "property": "linkquality",
        "access": STATE,
        "unit": "lqi",
        "value_min": 0,
        "value_max": 255,
        "description": "Link quality (signal strength)",
        "category": "diagnostic",
    }
