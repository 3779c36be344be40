"""Bearer tokens: an admin token made on first run, stored hashed, handed to its owner in a file."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from pathlib import Path

from homeweave.core.paths import TOKEN_FILE, write_private
from homeweave.storage import TokenStore


def hash_token(token: str) -> str:
    """SHA-256 of a token; tokens are 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """Checks bearer tokens against the store, remembering the ones already seen valid."""

    def __init__(self, store: TokenStore) -> None:
        self._store = store
        self._valid: set[str] = set()

    async def ensure_admin(self, data_dir: Path) -> str | None:
        """Create the admin token if the store has none; return it (only then) and write it to
        ``data_dir/admin-token`` with mode 0600."""
        if await self._store.has_tokens():
            return None
        token = secrets.token_urlsafe(32)
        await self._store.add_token("admin", hash_token(token))
        await asyncio.to_thread(write_private, data_dir / TOKEN_FILE, token + "\n")
        self._valid.add(hash_token(token))
        return token

    async def check(self, token: str) -> bool:
        """True if ``token`` is one the store knows."""
        digest = hash_token(token)
        if any(hmac.compare_digest(digest, known) for known in self._valid):
            return True
        if await self._store.token_exists(digest):
            self._valid.add(digest)
            return True
        return False
