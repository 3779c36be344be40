"""Bearer tokens: an admin token made on first run, stored hashed, handed to its owner in a file;
and the one check of them, for every /api/ request and WebSocket, which also resolves the acting
`Principal` (people: user tokens and sign-in session cookies, see `core.accounts`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from homeweave.api.errors import error
from homeweave.api.sessions import PUBLIC_PATHS, cookie_principal, session_token
from homeweave.core.accounts import Accounts, hash_token
from homeweave.core.paths import TOKEN_FILE, write_private
from homeweave.core.principal import Channel, Principal

__all__ = ["PUBLIC_PATHS", "BearerAuth", "Tokens", "hash_token"]
POLICY_VIOLATION = 1008


class Tokens(Accounts):
    """The accounts the API checks tokens against (token → principal, cached)."""

    async def ensure_admin(self, data_dir: Path) -> str | None:
        """Create the admin token if the store has none; return it (only then) and write it to
        ``data_dir/admin-token`` with mode 0600."""
        token = await self.ensure_admin_token()
        if token is not None:
            await asyncio.to_thread(write_private, data_dir / TOKEN_FILE, token + "\n")
        return token


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
        # --- people (#15): the one place a request's principal is resolved -----------------
        token = _token(scope)
        principal = await self.tokens.principal(token) if token is not None else None
        refusal = "a valid bearer token is required"
        if principal is None and token is None:
            principal, refusal = await cookie_principal(scope, self.tokens, refusal)
        if principal is not None:
            scope.setdefault("state", {})["principal"] = principal.via(_channel(scope))
            await self.app(scope, receive, send)
        # --- end people ----------------------------------------------------------------------
        elif scope["type"] == "websocket":
            # Accept first: a close during the handshake reaches the client as a bare HTTP 403
            # (browsers then report only 1006); after it the client sees 1008 and the reason.
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            reason = "a valid token is required"
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": reason})
        else:
            response = error(401, refusal, "HTTPError")
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


def presented_token(scope: Scope) -> str | None:
    """The token a request signed in with: its bearer token, else its session cookie's."""
    return _token(scope) or session_token(scope)


def _channel(scope: Scope) -> Channel:
    """``ws`` for a WebSocket; ``cli`` when the CLI says so (its client sends the header);
    else ``api``."""
    if scope["type"] == "websocket":
        return Channel.WS
    for name, value in scope.get("headers", ()):
        if name == b"x-homeweave-channel":
            return Channel.CLI if value == b"cli" else Channel.API
    return Channel.API


def principal_of(scope: Scope) -> Principal | None:
    """The principal `BearerAuth` resolved for this request (None on a public path)."""
    found: Principal | None = scope.get("state", {}).get("principal")
    return found
