"""Who is acting: a person (or the hub itself) with a role per home, what was shared with them,
and the channel the request came through. Every command and query carries one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """A person's role in one home, from most to least trusted."""

    OWNER = "owner"  # everything, other owners included
    ADMIN = "admin"  # devices, automations, scenes, users (not owners)
    MEMBER = "member"  # use every device, run scenes, read automations
    GUEST = "guest"  # only what was shared with them

    @property
    def rank(self) -> int:
        """Higher is more trusted."""
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        """Whether this role includes everything ``other`` may do."""
        return self.rank >= other.rank


_RANKS = {Role.GUEST: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Channel(StrEnum):
    """Through what a request reached the hub (kept in the audit log)."""

    API = "api"
    WS = "ws"
    CLI = "cli"
    VOICE = "voice"
    ALEXA = "alexa"
    AUTOMATION = "automation"
    BRIDGE = "bridge"
    HUB = "hub"  # the hub itself: start-up checks, internal callers


EVERY_HOME = "*"
"""The home key of a role that holds in every home (the hub's own principals, the admin token)."""


@dataclass(frozen=True, slots=True)
class Share:
    """Something shared with a person: a whole home, a room or one device; to look at only or to
    control; until a moment (epoch seconds) or for good. Expiry is checked when a decision is
    made, so an expired share stops working at once, without a restart or a timer."""

    id: str
    home_id: str | None = None
    room_id: str | None = None
    device_id: str | None = None
    control: bool = True
    until: float | None = None

    def live(self, now: float) -> bool:
        """Whether the share still holds at ``now``."""
        return self.until is None or now < self.until

    def covers(self, device_id: str, room_id: str, home_id: str) -> bool:
        """Whether the share reaches this device."""
        if self.device_id is not None:
            return self.device_id == device_id
        if self.room_id is not None:
            return self.room_id == room_id
        return self.home_id is not None and self.home_id == home_id


@dataclass(frozen=True, slots=True)
class Principal:
    """The acting person (or hub part): ``user`` id, display ``name``, role per home id
    (`EVERY_HOME` for all), shares, and the channel of this request."""

    user: str
    name: str
    roles: Mapping[str, Role] = field(default_factory=lambda: MappingProxyType({}))
    shares: tuple[Share, ...] = ()
    channel: Channel = Channel.API
    token_id: str | None = None  # the token or session that signed this request in, if any
    on_behalf_of: str | None = None
    """For an automation run (``user`` ``automation:ID``): the person whose roles and shares it
    acts with, its owner."""
    until: float | None = None  # when that token or session ends (epoch seconds), if ever

    def role_in(self, home_id: str) -> Role | None:
        """The role in ``home_id``, if any."""
        return self.roles.get(home_id) or self.roles.get(EVERY_HOME)

    @property
    def best_role(self) -> Role | None:
        """The highest role in any home."""
        return max(self.roles.values(), key=lambda r: r.rank, default=None)

    @property
    def sees_everything(self) -> bool:
        """A member (or more) of every home: no device is hidden (the fast path)."""
        role = self.roles.get(EVERY_HOME)
        return role is not None and role.at_least(Role.MEMBER)

    def via(self, channel: Channel) -> Principal:
        """The same principal acting through ``channel``."""
        return self if channel == self.channel else replace(self, channel=channel)


OWNER_OF_EVERY_HOME: Mapping[str, Role] = MappingProxyType({EVERY_HOME: Role.OWNER})
"""The roles of a part of the hub: one read-only mapping shared by all of them."""


def hub_principal(name: str, channel: Channel) -> Principal:
    """A part of the hub acting as an owner of every home (a bridge, an automation)."""
    return Principal(name, name, OWNER_OF_EVERY_HOME, channel=channel)


SYSTEM = hub_principal("system", Channel.HUB)
"""The default for internal callers: the hub itself, an owner of every home."""
