"""The event gateway's OAuth tokens: AcceptGrant's authorization code exchanged with Login with
Amazon for an access and a refresh token, kept in ``DATA_DIR/alexa-grant.json`` (0600) and
refreshed before they expire or when the gateway refuses them."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import aiohttp

from homeweave.core.paths import write_private

_LOGGER = logging.getLogger(__name__)
GRANT_FILE = "alexa-grant.json"
TIMEOUT = aiohttp.ClientTimeout(total=10)
EARLY = 60.0  # seconds before expiry at which an access token is refreshed


class GrantError(Exception):
    """Login with Amazon refused or could not be reached."""


class Grants:
    """The tokens of one skill's grant (one Amazon account linked to this hub)."""

    def __init__(
        self, token_url: str, client_id: str | None, client_secret: str | None, path: Path | None
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.path = path
        self._tokens: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    @property
    def granted(self) -> bool:
        """Whether a grant was accepted (events can be sent)."""
        return bool(self._tokens.get("refresh_token") or self._tokens.get("access_token"))

    async def load(self) -> None:
        """Read the kept grant, if any."""
        if self.path is None:
            return
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
            data = json.loads(text)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            _LOGGER.warning(
                "ignored %s: %s (accept the grant again in the Alexa app)", self.path, exc
            )
            return
        if isinstance(data, dict):
            self._tokens = data

    async def accept(self, code: str) -> None:
        """Exchange AcceptGrant's code for tokens and keep them; GrantError on failure."""
        async with self._lock:
            await self._obtain({"grant_type": "authorization_code", "code": code})

    async def access_token(self) -> str:
        """A valid access token (refreshed first if it is about to expire); GrantError."""
        async with self._lock:
            expires = float(self._tokens.get("expires_at", 0))
            if self._tokens.get("access_token") and time.time() < expires - EARLY:
                return str(self._tokens["access_token"])
            refresh = self._tokens.get("refresh_token")
            if not refresh:
                raise GrantError("no grant: enable the skill's events in the Alexa app again")
            await self._obtain({"grant_type": "refresh_token", "refresh_token": refresh})
            return str(self._tokens["access_token"])

    def expire(self) -> None:
        """Forget the access token (the gateway refused it): the next use refreshes."""
        self._tokens["expires_at"] = 0

    async def _obtain(self, form: dict[str, str]) -> None:
        if not self.client_id or not self.client_secret:
            raise GrantError("bridges.alexa needs client_id and client_secret to accept grants")
        form = {**form, "client_id": self.client_id, "client_secret": self.client_secret}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(self.token_url, data=form) as reply,
            ):
                body = await reply.json(content_type=None)
                status = reply.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise GrantError(f"{self.token_url}: {exc or type(exc).__name__}") from exc
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            raise GrantError(f"{self.token_url} answered {status}: {str(body)[:200]}")
        self._tokens = {
            "access_token": body["access_token"],
            "refresh_token": body.get("refresh_token") or self._tokens.get("refresh_token"),
            "expires_at": time.time() + float(body.get("expires_in", 3600)),
        }
        if self.path is not None:
            await asyncio.to_thread(write_private, self.path, json.dumps(self._tokens) + "\n")
