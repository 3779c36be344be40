"""Bearer tokens: an admin token made on first run, stored hashed, handed to its owner in a file;
and the one check of them, for every /api/ request and WebSocket."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from pathlib import Path
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from homeweave.api.errors import error
from homeweave.core.paths import TOKEN_FILE, write_private
from homeweave.storage import TokenStore

PUBLIC_PATHS = frozenset({"/api/health", "/api/alexa/smart_home"})  # Alexa: token in the body
POLICY_VIOLATION = 1008


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


class BearerAuth:
    """Checks the token of every /api/ request before anything reads its body, so a stranger
    learns nothing about a request but 401; a WebSocket may bring it as ``?token=`` (browsers
    cannot set its headers) and is closed with 1008 without it."""

    def __init__(self, app: ASGIApp, tokens: Tokens) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass on requests with a valid token or a public path; refuse others (401 or 1008)."""
        path: str = scope.get("path", "")
        if (
            scope["type"] not in ("http", "websocket")
            or not path.startswith("/api/")
            or path in PUBLIC_PATHS
        ):
            await self.app(scope, receive, send)
            return
        token = _token(scope)
        if token is not None and await self.tokens.check(token):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            # Accept first: a close during the handshake reaches the client as a bare HTTP 403
            # (browsers then report only 1006); after it the client sees 1008 and the reason.
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            reason = "a valid token is required"
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": reason})
        else:
            response = error(401, "a valid bearer token is required", "HTTPError")
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)


def _token(scope: Scope) -> str | None:
    """The bearer token of a request; a WebSocket's ``?token=`` goes first."""
    if scope["type"] == "websocket":
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token: str = query.get("token", [""])[0]
        if token:
            return token
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None
