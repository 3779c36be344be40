"""Account linking: OAuth 2.0 authorization codes (RFC 6749 §4.1, PKCE per RFC 7636) and
refresh tokens, so that a voice assistant (Alexa) acts with a homeweave user's own token.

What it issues are ordinary user tokens (``kind`` "api", hashed at rest, listed and revoked by
``homeweave tokens``) that expire after ``ACCESS_SECONDS``, each with one refresh token: a token
row of kind "refresh" whose ``name`` is the id of the token it renews. A refresh rotates both
(the old pair stops working); revoking the access token ends the link (its refresh token goes
with it, and one whose token is gone is refused). Authorization codes live in memory only: they
last ``CODE_SECONDS``, and a hub restarted meanwhile makes the person link again.

Hand-written rather than on authlib or oauthlib: their servers are synchronous (a validator or
model class calls into storage, which here is async), authlib's server integrations are Flask and
Django, and what is needed is two grants of one confidential client — the checks below, each
naming the RFC section it follows.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from homeweave.core.accounts import REFRESH_KIND, Accounts, hash_token, new_token
from homeweave.core.principal import Channel
from homeweave.storage.records import TokenRecord, UserRecord

CODE_SECONDS = 600.0
"""An authorization code's life (RFC 6749 §4.1.2: 10 minutes at most)."""
ACCESS_SECONDS = 3600
"""An issued access token's life; the client renews it with its refresh token."""
CODE_VERIFIER_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)


class OAuthError(Exception):
    """An error answered as RFC 6749 §5.2 (token endpoint) or §4.1.2.1 (authorization)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """A confidential client allowed to link accounts (the Alexa skill)."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = "Alexa"

    def secret_matches(self, secret: str) -> bool:
        """Whether ``secret`` is this client's (constant time)."""
        return hmac.compare_digest(secret.encode(), self.client_secret.encode())


@dataclass(frozen=True, slots=True)
class Issued:
    """The token response of RFC 6749 §5.1 (secrets shown once; only hashes are kept)."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_id: str

    def body(self) -> dict[str, str | int]:
        """The JSON body of the token response."""
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        }


@dataclass(frozen=True, slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    user_id: str
    challenge: str | None
    expires_at: float


def s256(verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class AccountLinking:
    """The authorization server's state: its clients, the pending codes, and issuing tokens
    through ``accounts``."""

    def __init__(
        self,
        accounts: Accounts,
        clients: Iterable[OAuthClient],
        *,
        clock: Callable[[], float] = time.time,  # for the codes' expiry
    ) -> None:
        self.accounts = accounts
        self.clients = {c.client_id: c for c in clients}
        self._clock = clock
        self._codes: dict[str, _Code] = {}  # by hash of the code
        self._used: dict[str, tuple[str, float]] = {}  # code hash -> (token id, until)
        # One exchange at a time: a refresh token read by two requests at once rotates once.
        self._lock = asyncio.Lock()

    # -- the authorization endpoint ---------------------------------------------------------

    def client_for(self, client_id: str, redirect_uri: str) -> OAuthClient:
        """The client, if ``redirect_uri`` is one it registered (exact match, RFC 6749 §3.1.2.3);
        else OAuthError, which must be shown to the person, never sent to the redirect URI."""
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthError("invalid_client", f"unknown client_id {client_id[:80]!r}")
        if redirect_uri not in client.redirect_uris:
            raise OAuthError(
                "invalid_request",
                f"redirect_uri {redirect_uri[:200]!r} is not one configured for this client",
            )
        return client

    @staticmethod
    def check_challenge(challenge: str | None, method: str | None) -> None:
        """Accept no PKCE, or S256 with a well-formed challenge (plain is refused)."""
        if challenge is None and method is None:
            return
        if method != "S256":
            raise OAuthError("invalid_request", "code_challenge_method must be S256")
        if challenge is None or not 43 <= len(challenge) <= 128:
            raise OAuthError("invalid_request", "code_challenge must be 43 to 128 characters")

    async def sign_in(self, user_id: str, password: str, *, client: str = "") -> UserRecord:
        """The user whose password this is (the hub's lockout applies); SignInFailed or
        TooManyAttempts otherwise."""
        return await self.accounts.verify_password(
            user_id, password, client=client, channel=Channel.ALEXA.value
        )

    async def issue_code(
        self,
        client: OAuthClient,
        redirect_uri: str,
        user: UserRecord,
        challenge: str | None,
    ) -> str:
        """A fresh single-use authorization code for ``user``, valid ``CODE_SECONDS``."""
        self._sweep()
        code = new_token()
        expires = self._clock() + CODE_SECONDS
        self._codes[hash_token(code)] = _Code(
            client.client_id, redirect_uri, user.id, challenge, expires
        )
        await self.accounts.audit_as(user.id, Channel.ALEXA.value, "link.consent", client.name)
        return code

    # -- the token endpoint -----------------------------------------------------------------

    def authenticate(self, client_id: str | None, secret: str | None) -> OAuthClient:
        """The client these credentials authenticate (RFC 6749 §2.3.1); invalid_client else."""
        client = self.clients.get(client_id or "")
        if client is None or secret is None or not client.secret_matches(secret):
            raise OAuthError("invalid_client", "client authentication failed", 401)
        return client

    async def exchange_code(
        self, client: OAuthClient, code: str, redirect_uri: str | None, verifier: str | None
    ) -> Issued:
        """Tokens for an authorization code (RFC 6749 §4.1.3). A code works once: a second use
        is invalid_grant and revokes what the first one issued (§4.1.2)."""
        async with self._lock:
            return await self._exchange_code(client, code, redirect_uri, verifier)

    async def _exchange_code(
        self, client: OAuthClient, code: str, redirect_uri: str | None, verifier: str | None
    ) -> Issued:
        self._sweep()
        digest = hash_token(code)
        pending = self._codes.pop(digest, None)
        if pending is None:
            used = self._used.pop(digest, None)
            if used is not None:
                await self._revoke(used[0])
                raise OAuthError(
                    "invalid_grant",
                    "the authorization code was already used; its tokens are revoked",
                )
            raise OAuthError("invalid_grant", "unknown or expired authorization code")
        if pending.client_id != client.client_id:
            raise OAuthError("invalid_grant", "the authorization code was issued to another client")
        if redirect_uri != pending.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request")
        if pending.challenge is not None:
            if verifier is None or not 43 <= len(verifier) <= 128:
                raise OAuthError("invalid_grant", "code_verifier is missing or malformed")
            if not set(verifier) <= CODE_VERIFIER_CHARS or not hmac.compare_digest(
                s256(verifier), pending.challenge
            ):
                raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        elif verifier is not None:
            raise OAuthError("invalid_grant", "no code_challenge was sent for this code")
        issued = await self._issue(client, pending.user_id)
        self._used[digest] = (issued.token_id, pending.expires_at)
        return issued

    async def refresh(self, client: OAuthClient, refresh_token: str) -> Issued:
        """New tokens for a refresh token (RFC 6749 §6); the old pair stops working (rotation).
        Refused when the token it renews was revoked (or its user removed)."""
        async with self._lock:
            return await self._refresh(client, refresh_token)

    async def _refresh(self, client: OAuthClient, refresh_token: str) -> Issued:
        store = self.accounts.store
        record = await store.token(hash_token(refresh_token))
        if record is None or record.kind != REFRESH_KIND:
            raise OAuthError("invalid_grant", "unknown or revoked refresh token")
        client_id, _, renews = record.name.rpartition(" ")
        if client_id != client.client_id:
            raise OAuthError("invalid_grant", "the refresh token was issued to another client")
        # Taken away first, so two refreshes with one token cannot both succeed.
        if await store.revoke_token(record.id) is None:
            raise OAuthError("invalid_grant", "unknown or revoked refresh token")
        current = await self._token(record.user_id, renews)
        if current is None or record.user_id is None:
            raise OAuthError(
                "invalid_grant", "the linked token was revoked; link the account again"
            )
        await store.revoke_token(current.id)
        self.accounts.forget()
        return await self._issue(client, record.user_id)

    # -- issuing ----------------------------------------------------------------------------

    async def _issue(self, client: OAuthClient, user_id: str) -> Issued:
        store = self.accounts.store
        access, refresh = new_token(), new_token()
        expires_at = time.time() + ACCESS_SECONDS  # the clock `Accounts.principal` checks
        name = f"{client.name} (account linking)"
        token_id = await store.add_token(
            name, hash_token(access), user_id=user_id, expires_at=expires_at
        )
        # A refresh row: its name ties it to the client and to the token it renews.
        await store.add_token(
            f"{client.client_id} {token_id}",
            hash_token(refresh),
            user_id=user_id,
            kind=REFRESH_KIND,
        )
        target = f"{user_id}/{token_id}"
        await self.accounts.audit_as(user_id, Channel.ALEXA.value, "token.create", target, new=name)
        return Issued(access, refresh, ACCESS_SECONDS, token_id)

    async def _token(self, user_id: str | None, token_id: str) -> TokenRecord | None:
        if user_id is None:
            return None
        found = [t for t in await self.accounts.store.tokens(user_id) if t.id == token_id]
        return found[0] if found else None

    async def _revoke(self, token_id: str) -> None:
        record = await self.accounts.store.revoke_token(token_id)
        if record is not None:
            await self.accounts.revoke_renewals(record)
        self.accounts.forget()

    def _sweep(self) -> None:
        now = self._clock()
        for digest in [d for d, c in self._codes.items() if c.expires_at <= now]:
            del self._codes[digest]
        for digest in [d for d, (_, until) in self._used.items() if until <= now]:
            del self._used[digest]
