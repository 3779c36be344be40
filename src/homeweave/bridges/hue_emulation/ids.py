"""The emulated bridge's identity and its light ids, kept in ``DATA_DIR/hue-emulation.json`` so
that an Echo finds the same bridge and the same lights after a restart::

    {"mac": "02:42:ac:11:00:02", "lights": {"living-room-lamp": 1, ...}, "users": ["..."]}

Numeric ids are handed out once and never reused (a removed device keeps its number)."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from pathlib import Path
from typing import Any

from homeweave.core.paths import write_private

_LOGGER = logging.getLogger(__name__)
ID_FILE = "hue-emulation.json"
MAX_USERS = 50  # an Echo may ask again after each reset: the oldest names are forgotten


class IdMap:
    """Device id <-> Hue light number, the bridge's MAC and the usernames it gave out."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.mac = _mac()
        self.numbers: dict[str, int] = {}
        self.users: list[str] = []
        self._saving: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Read the file, if there is one (a damaged one is logged and started afresh)."""
        data: Any = None
        if self.path is not None:
            try:
                data = json.loads(await asyncio.to_thread(self.path.read_text, encoding="utf-8"))
            except FileNotFoundError:
                data = None
            except (OSError, ValueError) as exc:
                _LOGGER.warning(
                    "ignored %s (%s): Echo devices will find new lights", self.path, exc
                )
        if isinstance(data, dict):
            if isinstance(data.get("mac"), str):
                self.mac = data["mac"]
            lights = data.get("lights")
            if isinstance(lights, dict):
                self.numbers = {k: v for k, v in lights.items() if isinstance(v, int) and v > 0}
            users = data.get("users")
            if isinstance(users, list):
                self.users = [u for u in users if isinstance(u, str)]
        await self.save()

    def number(self, device_id: str) -> int:
        """The device's light number, handing out the next one the first time."""
        found = self.numbers.get(device_id)
        if found is None:
            found = max(self.numbers.values(), default=0) + 1
            self.numbers[device_id] = found
            self._save_soon()
        return found

    def device(self, number: int) -> str | None:
        """The device with that light number, if any."""
        return next((d for d, n in self.numbers.items() if n == number), None)

    def new_user(self) -> str:
        """A new username (as ``POST /api`` hands out), kept."""
        user = secrets.token_hex(16)
        self.users = [*self.users, user][-MAX_USERS:]
        self._save_soon()
        return user

    @property
    def bridge_id(self) -> str:
        """The 16-hex bridge id real bridges derive from their MAC (FFFE in the middle)."""
        digits = self.mac.replace(":", "").upper()
        return f"{digits[:6]}FFFE{digits[6:]}"

    def _save_soon(self) -> None:
        if self.path is not None and (self._saving is None or self._saving.done()):
            self._saving = asyncio.get_running_loop().create_task(
                self.save(), name="hue-emulation-save-ids"
            )

    async def save(self) -> None:
        """Write the file now (owner-only)."""
        if self.path is None:
            return
        await asyncio.sleep(0)  # a burst of new numbers is one write
        text = json.dumps({"mac": self.mac, "lights": self.numbers, "users": self.users})
        await asyncio.to_thread(write_private, self.path, text + "\n")

    async def close(self) -> None:
        """Finish a pending write."""
        if self._saving is not None:
            await self._saving
        await self.save()


def _mac() -> str:
    """This host's MAC, as diyHue does (or a random, locally administered one)."""
    node = uuid.getnode()
    return ":".join(f"{(node >> s) & 0xFF:02x}" for s in range(40, -1, -8))
