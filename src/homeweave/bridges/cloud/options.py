"""The cloud link's options (``bridges: cloud: {...}`` in homeweave.yaml), checked by ``config/``
when the file is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from homeweave.transport.backoff import Backoff
from homeweave.transport.fleet_wire import stream_name

SCHEMES = ("nats", "tls", "ws", "wss")


def nats_url(url: str) -> str:
    """Check a ``nats://host[:port]`` URL (``tls://`` too); ValueError says what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"must be nats://host[:port] (or {', '.join(SCHEMES[1:])}), got {url!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"has a bad port: {exc}") from None
    return url


NatsUrl = Annotated[str, AfterValidator(nats_url)]


class CloudOptions(BaseModel):
    """Where the fleet's NATS is, which home this hub is, and how much to buffer."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    nats: NatsUrl = "nats://127.0.0.1:4222"
    """The fleet's NATS server (JetStream enabled)."""
    home_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    """This home in the fleet: the ``<home>`` of its subjects."""
    credentials: Path | None = None
    """A NATS ``.creds`` file (user JWT and NKey seed), if the server wants one."""
    buffer_max: int = Field(default=100_000, ge=1)
    """Messages kept on disk while NATS is away; beyond it the oldest are dropped (counted)."""
    publish_timeout: float = Field(default=5.0, gt=0)
    """Seconds to wait for JetStream's acknowledgement of one message."""
    reconnect_min: float = Field(default=0.5, gt=0)
    reconnect_max: float = Field(default=30.0, gt=0)
    access_every: float = Field(default=30.0, gt=0)
    """Seconds between refreshes of what this home's tokens may reach (``hw_access``)."""
    stream: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+$")
    """The JetStream stream holding this home's subjects (created if missing); default: the
    stream already capturing them (a fleet's ``HW_FLEET``), else
    ``HW_<HOME>``, created."""

    @property
    def backoff(self) -> Backoff:
        """Return the reconnect delays."""
        return Backoff(initial=self.reconnect_min, maximum=self.reconnect_max)

    @property
    def stream_name(self) -> str:
        """Return the stream's name."""
        return self.stream or stream_name(self.home_id)


OPTIONS = CloudOptions
