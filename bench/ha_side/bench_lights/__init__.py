"""A Home Assistant custom component for homeweave's side-by-side benchmark (``python -m bench
vs-ha``): ``count`` in-memory lights (as homeweave's virtual integration has), and an access
token for the benchmark written to ``<config>/bench-token``. Runs inside Home Assistant's own
virtualenv, never imported by homeweave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import discovery

DOMAIN = "bench_lights"


async def async_setup(hass: HomeAssistant, config: dict[str, Any]) -> bool:
    """Create the lights and a token a client can use with the REST API (when configured as
    ``bench_lights: {count: N}``; as a ``light`` platform it only provides the lights)."""
    if DOMAIN not in config:
        return True
    count = int((config[DOMAIN] or {}).get("count", 1000))
    user = await hass.auth.async_create_system_user("bench", group_ids=[GROUP_ID_ADMIN])
    refresh = await hass.auth.async_create_refresh_token(user)
    token = hass.auth.async_create_access_token(refresh)
    path = Path(hass.config.path("bench-token"))
    await hass.async_add_executor_job(path.write_text, token)
    hass.async_create_task(
        discovery.async_load_platform(hass, "light", DOMAIN, {"count": count}, config)
    )
    return True
