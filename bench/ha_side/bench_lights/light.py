"""The benchmark's lights: in memory, confirming every command at once (homeweave's virtual
lamps do the same)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ColorMode, LightEntity
from homeassistant.core import HomeAssistant


async def async_setup_platform(
    hass: HomeAssistant, config: Any, async_add_entities: Any, discovery_info: Any = None
) -> None:
    """Add ``count`` lights, ``light.bench_0000`` on."""
    count = int((discovery_info or config or {}).get("count", 1000))
    async_add_entities([BenchLight(i) for i in range(count)])


class BenchLight(LightEntity):  # type: ignore[misc]  # Home Assistant is not typed here
    """One dimmable light."""

    _attr_color_mode = ColorMode.BRIGHTNESS
    _attr_should_poll = False

    def __init__(self, index: int) -> None:
        self._attr_supported_color_modes = {ColorMode.BRIGHTNESS}
        self._attr_name = f"Bench {index:04d}"
        self._attr_unique_id = f"bench-{index:04d}"
        self.entity_id = f"light.bench_{index:04d}"
        self._attr_is_on = False
        self._attr_brightness = 128

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, at the brightness asked for."""
        self._attr_is_on = True
        if ATTR_BRIGHTNESS in kwargs:
            self._attr_brightness = kwargs[ATTR_BRIGHTNESS]
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        self._attr_is_on = False
        self.async_write_ha_state()
