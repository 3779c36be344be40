"""The alexa bridge's options (``bridges: alexa: {...}`` in homeweave.yaml), checked by
``config/`` when the file is loaded."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from homeweave.transport.backoff import Backoff

EVENT_GATEWAY = "https://api.amazonalexa.com/v3/events"
"""North America's; Europe: https://api.eu.amazonalexa.com/v3/events, Far East:
https://api.fe.amazonalexa.com/v3/events."""
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
"""Login with Amazon: where AcceptGrant's code becomes the event gateway's tokens."""


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

    @property
    def backoff(self) -> Backoff:
        """Return the retry delays."""
        return Backoff(initial=self.retry_min, maximum=max(self.retry_min, self.retry_max))


OPTIONS = AlexaOptions
