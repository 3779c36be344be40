"""Pairing with a DIRIGERA hub: OAuth2 authorization code with PKCE, confirmed by pressing the
action button on the hub. The result is a long-lived access token (there is no refresh)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import secrets
import string
from collections.abc import Callable

from homeweave.protocols.dirigera.client import DirigeraClient
from homeweave.protocols.dirigera.errors import (
    ApiError,
    AuthenticationError,
    DirigeraError,
    PairingTimeout,
)

_LOGGER = logging.getLogger(__name__)

VERIFIER_ALPHABET = string.ascii_letters + string.digits + "_-~."
"""RFC 7636's unreserved characters, the alphabet a code verifier is drawn from."""
VERIFIER_LENGTH = 128


def code_verifier(length: int = VERIFIER_LENGTH) -> str:
    """A fresh random PKCE code verifier (43..128 characters)."""
    if not 43 <= length <= 128:
        raise ValueError(f"a PKCE code verifier has 43..128 characters, not {length}")
    return "".join(secrets.choice(VERIFIER_ALPHABET) for _ in range(length))


def code_challenge(verifier: str) -> str:
    """``base64url(SHA-256(verifier))`` without padding (method S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def pair(
    client: DirigeraClient,
    name: str,
    *,
    wait: float = 60.0,
    interval: float = 1.0,
    waiting: Callable[[], None] | None = None,
) -> str:
    """Get an access token: ask for a code, then poll for the token while a person presses the
    hub's action button. ``waiting`` is called once the hub waits for the press.

    Raises PairingTimeout when nobody pressed it within ``wait`` seconds; the token is also
    stored on ``client``.
    """
    verifier = code_verifier()
    code = await client.authorize(code_challenge(verifier))
    if waiting is not None:
        waiting()
    last: DirigeraError | None = None
    try:
        async with asyncio.timeout(wait):
            while True:
                try:
                    token = await client.request_token(code, verifier, name)
                except (ApiError, AuthenticationError) as exc:
                    last = exc  # the hub refuses until the button was pressed
                    _LOGGER.debug("DIRIGERA token not granted yet: %s", exc)
                    await asyncio.sleep(interval)
                    continue
                client.token = token
                return token
    except TimeoutError:
        reason = f" (last answer: {last})" if last else ""
        raise PairingTimeout(
            f"the hub's action button was not pressed within {wait:g} s{reason}"
        ) from None
