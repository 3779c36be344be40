"""The hub's side of pairing: PKCE authorization codes, the action button, access tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from homeweave.sim.dirigera.state import Rejected

AUDIENCE = "homesmart.local"


@dataclass(slots=True)
class _Code:
    challenge: str
    issued: float


class Pairing:
    """Codes handed out by ``authorize``; a token for a code once the button was pressed after
    the code was issued (within ``window`` seconds), or at any time if ``hold_button``."""

    def __init__(
        self,
        *,
        window: float = 60.0,
        code_ttl: float = 300.0,
        hold_button: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.code_ttl = code_ttl
        self.hold_button = hold_button
        self.tokens: dict[str, str] = {}
        """Access token -> the client name it was issued to."""
        self.on_authorize: Callable[[], None] | None = None
        """Called when a client asked for a code (e.g. a test's person pressing the button)."""
        self._clock = clock
        self._codes: dict[str, _Code] = {}
        self._pressed_at: float | None = None

    def issue(self, name: str) -> str:
        """A token without pairing (the simulator's ready token)."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = name
        return token

    def valid(self, token: str) -> bool:
        """Return whether ``token`` was issued (by pairing or ``issue``)."""
        return token in self.tokens

    def forget(self) -> None:
        """Forget every token and pending code, as a hub reset or restored without its
        credentials does: every client must pair again."""
        self.tokens.clear()
        self._codes.clear()
        self._pressed_at = None

    def press_button(self) -> None:
        """Someone pressed the action button on the hub."""
        self._pressed_at = self._clock()

    def authorize(self, params: Mapping[str, str]) -> str:
        """``GET /v1/oauth/authorize``: remember the challenge, answer with a code."""
        if params.get("audience") != AUDIENCE:
            raise Rejected(400, f"audience must be {AUDIENCE!r}")
        if params.get("response_type") != "code":
            raise Rejected(400, "response_type must be 'code'")
        if params.get("code_challenge_method") != "S256":
            raise Rejected(400, "code_challenge_method must be 'S256'")
        challenge = params.get("code_challenge", "")
        if not 43 <= len(challenge) <= 128:
            raise Rejected(400, "code_challenge is missing or malformed")
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Code(challenge, self._clock())
        if self.on_authorize is not None:
            self.on_authorize()
        return code

    def token(self, form: Mapping[str, str]) -> str:
        """``POST /v1/oauth/token``: a token, if the verifier fits and the button was pressed."""
        if form.get("grant_type") != "authorization_code":
            raise Rejected(400, "grant_type must be 'authorization_code'")
        code = self._codes.get(form.get("code", ""))
        now = self._clock()
        if code is None or now - code.issued > self.code_ttl:
            raise Rejected(400, "unknown or expired code")
        if challenge_of(form.get("code_verifier", "")) != code.challenge:
            raise Rejected(400, "code_verifier does not match the code_challenge")
        pressed = self._pressed_at
        if not self.hold_button and (
            pressed is None or pressed < code.issued or now - pressed > self.window
        ):
            raise Rejected(403, "press the action button on the hub")
        del self._codes[form.get("code", "")]
        return self.issue(form.get("name", "") or "unnamed")


def challenge_of(verifier: str) -> str:
    """``base64url(SHA-256(verifier))`` without padding."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
