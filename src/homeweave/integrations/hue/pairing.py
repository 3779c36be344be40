"""Pairing with a Hue bridge: who it is, an app key made by pressing its link button, and a small
file that remembers app keys per bridge id (so pairing happens once)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohue import create_app_key  # type: ignore[import-untyped]
from aiohue.errors import LinkButtonNotPressed  # type: ignore[import-untyped]

_LOGGER = logging.getLogger(__name__)
DEVICE_TYPE = "homeweave#hub"
TIMEOUT = aiohttp.ClientTimeout(total=10)

__all__ = ["DEVICE_TYPE", "KeyStore", "LinkButtonNotPressed", "bridge_id", "create_key", "pair"]


async def bridge_id(host: str) -> str:
    """The bridge's id from its unauthenticated ``/api/config`` (``host`` may carry a port)."""
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.get(f"https://{host}/api/config", ssl=False) as response,
    ):
        response.raise_for_status()
        config: dict[str, Any] = await response.json()
    found = config.get("bridgeid")
    if not isinstance(found, str) or not found:
        raise aiohttp.ClientPayloadError(f"{host} is not a Hue bridge (no bridgeid in its config)")
    return found.upper()


async def create_key(host: str) -> str:
    """One try at an app key; LinkButtonNotPressed unless the button was pressed lately."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        key: str = await create_app_key(host, DEVICE_TYPE, session)
    return key


async def pair(
    host: str,
    *,
    interval: float = 2.0,
    on_wait: Callable[[], None] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> str:
    """Ask for an app key every ``interval`` seconds until someone presses the link button."""
    while True:
        try:
            return await create_key(host)
        except LinkButtonNotPressed:
            if on_wait is not None:
                on_wait()
        await sleep(interval)


class KeyStore:
    """App keys by bridge id in one JSON file, readable by its owner only::

    {"001788FFFE4A5B6C": {"host": "192.168.1.20", "app_key": "..."}}
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self, bridge: str) -> str | None:
        """Return the app key kept for ``bridge``, if any."""
        entry = (await asyncio.to_thread(self._read)).get(bridge.upper())
        key = entry.get("app_key") if isinstance(entry, dict) else None
        return key if isinstance(key, str) and key else None

    async def save(self, bridge: str, host: str, key: str) -> None:
        """Keep ``bridge``'s app key and host (the file is rewritten, owner-only)."""
        await asyncio.to_thread(self._update, bridge.upper(), {"host": host, "app_key": key})

    async def forget(self, bridge: str) -> None:
        """Drop what is kept for ``bridge``."""
        await asyncio.to_thread(self._update, bridge.upper(), None)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            _LOGGER.warning("ignoring unreadable Hue key file %s: %s", self.path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, bridge: str, entry: dict[str, str] | None) -> None:
        data = self._read()
        if entry is None:
            data.pop(bridge, None)
        else:
            data[bridge] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(temporary, self.path)
