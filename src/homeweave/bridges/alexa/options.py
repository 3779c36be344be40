"""The alexa bridge's options (``bridges: alexa: {...}`` in homeweave.yaml), checked by
``config/`` when the file is loaded."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from homeweave.transport.backoff import Backoff

EVENT_GATEWAY = "https://api.amazonalexa.com/v3/events"
"""North America's; Europe: https://api.eu.amazonalexa.com/v3/events, Far East:
https://api.fe.amazonalexa.com/v3/events."""
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
"""Login with Amazon: where AcceptGrant's code becomes the event gateway's tokens."""


class AccountLinkingOptions(BaseModel):
    """The skill's account linking: the client Alexa authenticates as at ``/auth/token`` and
    where it may send a person back after ``/auth/authorize`` (the developer console's
    "Alexa Redirect URLs", one per region)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    client_id: str = Field(min_length=1, max_length=256)
    """"Your Client ID" in the console's account linking section (any string you choose)."""
    client_secret: str = Field(max_length=512)
    """"Your Secret" there (``!secret`` it); at least 16 characters."""
    redirect_uris: list[str] = Field(min_length=1)
    """Every "Alexa Redirect URL" the console lists, exactly as shown."""

    @field_validator("client_secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        if len(secret) < 16:  # never quoted: it is a secret
            raise ValueError(f"must be at least 16 characters, got {len(secret)}")
        return secret

    @field_validator("redirect_uris")
    @classmethod
    def _https(cls, uris: list[str]) -> list[str]:
        for uri in uris:
            if not re.fullmatch(r"https://[^\s/?#]+/\S*", uri) or "#" in uri:
                raise ValueError(f"{uri!r} is not an https:// URL without a #fragment")
        return uris


class AlexaOptions(BaseModel):
    """The Smart Home skill's event gateway, its Login with Amazon client, and retry timings."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    event_gateway: str = Field(default=EVENT_GATEWAY, pattern=r"^https?://\S+$")
    """Where proactive ChangeReport / AddOrUpdateReport / DeleteReport events are POSTed."""
    token_url: str = Field(default=TOKEN_URL, pattern=r"^https?://\S+$")
    """Where AcceptGrant's authorization code is exchanged (and tokens refreshed)."""
    client_id: str | None = None
    """The skill's Alexa Skill Messaging client id (developer console, Permissions)."""
    client_secret: str | None = None
    """... and its secret (``!secret`` it)."""
    retry_min: float = Field(default=1.0, gt=0)
    """Seconds before retrying an event the gateway did not take; doubling with jitter ..."""
    retry_max: float = Field(default=60.0, gt=0)
    """... up to this."""
    give_up_after: float = Field(default=900.0, gt=0)
    """Seconds after which an event still not delivered is dropped (with a log line)."""
    queue_size: int = Field(default=1000, ge=1)
    """Events waiting at most; beyond it the oldest is dropped (with a log line)."""
    account_linking: AccountLinkingOptions | None = None
    """Link Alexa accounts to homeweave users (``/auth/authorize``, ``/auth/token``); without
    it directives need a token made with ``homeweave tokens create``."""

    @property
    def backoff(self) -> Backoff:
        """Return the retry delays."""
        return Backoff(initial=self.retry_min, maximum=max(self.retry_min, self.retry_max))


OPTIONS = AlexaOptions
