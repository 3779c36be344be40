"""Invite links: share a home, room or device with someone who has no account, by a link.

Making an invite makes a guest (user ``guest-XXXXXX``, no password: they cannot sign in any other
way), shares the thing with them until a moment, and stores the link's secret as a token of kind
``invite`` (its SHA-256 only, like every token). Opening the link gives a sign-in session for
that guest, ending when the share does.

The link is **multi-use**: each browser that opens it gets its own session (the guest's phone and
laptop), until the invite ends or is revoked — so it is handed over like a key. Revoking removes
the guest with their share, link and sessions: the next request of any of them is refused and
their WebSockets are closed (`Accounts.watch`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from homeweave.core import permissions
from homeweave.core.accounts import Accounts, Issued, hash_token, new_token
from homeweave.core.principal import Principal, Role
from homeweave.errors import InvalidValue, UnknownAddress
from homeweave.storage.records import ShareRecord, UserRecord

INVITE_KIND = "invite"
NO_PASSWORD = "!invite"  # not an argon2 hash: no password ever matches it
INVITE_PATH = "/invite/"


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite: its guest (``id``, the guest's user id, is the invite's id), what is shared
    and until when."""

    id: str
    name: str
    share: ShareRecord
    created_at: float

    @property
    def until(self) -> float | None:
        """When the invite (and the guest's access) ends; None: when revoked."""
        return self.share.until


@dataclass(frozen=True, slots=True)
class NewInvite:
    """An invite just made, with its link's secret (shown this once)."""

    token: str
    invite: Invite

    @property
    def link(self) -> str:
        """The path of the link (the hub's URL goes before it)."""
        return f"{INVITE_PATH}{self.token}"


class Invites:
    """Invites kept with the people of ``accounts``."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    async def create(
        self,
        actor: Principal,
        *,
        home_of: str,
        home: str | None = None,
        room: str | None = None,
        device: str | None = None,
        control: bool = True,
        until: float | None = None,
        name: str | None = None,
    ) -> NewInvite:
        """Invite a guest to a home, room or device (in home ``home_of``); admins only."""
        if sum(x is not None for x in (home, room, device)) != 1:
            raise InvalidValue("invite", "", "exactly one of home, room or device")
        permissions.require_role(actor, Role.ADMIN, "inviting a guest", home_of)
        now = time.time()
        if until is not None and until <= now:
            raise InvalidValue("until", until, "a time in the future")
        guest = f"guest-{secrets.token_hex(3)}"
        label = (name or "").strip()[:200] or "Guest"
        store = self.accounts.store
        await store.add_user(UserRecord(guest, label, NO_PASSWORD, now, {home_of: "guest"}))
        share = ShareRecord(
            secrets.token_hex(6), guest, home, room, device, control, until, actor.user, now
        )
        await store.add_share(share)
        token = new_token()
        await store.add_token(
            INVITE_KIND, hash_token(token), user_id=guest, kind=INVITE_KIND, expires_at=until
        )
        self.accounts.forget()
        what = device or room or home or ""
        await self.accounts.record(actor, "invite.create", f"{guest}:{what}", new=until)
        return NewInvite(token, Invite(guest, label, share, now))

    async def list(self, actor: Principal) -> list[Invite]:
        """Every invite still standing (admins)."""
        permissions.require_role(actor, Role.ADMIN, "listing invites")
        store = self.accounts.store
        found = []
        for link in await store.tokens(None, kind=INVITE_KIND):
            if link.user_id is None:
                continue
            user = await store.user(link.user_id)
            shares = await store.shares(link.user_id)
            if user is not None and shares:
                found.append(Invite(user.id, user.display_name, shares[0], user.created_at))
        return found

    async def revoke(self, actor: Principal, invite_id: str) -> Invite:
        """End an invite at once: its guest, share, link and sessions go."""
        permissions.require_role(actor, Role.ADMIN, f"revoking invite {invite_id!r}")
        known = {i.id: i for i in await self.list(actor)}
        found = known.get(invite_id)
        if found is None:
            raise UnknownAddress("invite", invite_id, choices=sorted(known))
        await self.accounts.store.remove_user(invite_id)
        self.accounts.forget()
        await self.accounts.record(actor, "invite.revoke", invite_id)
        return found

    async def open(self, token: str) -> tuple[Issued, Principal]:
        """A session for the guest of the invite ``token`` is the link of; UnknownAddress
        (as for a link never made) when it was revoked or has ended."""
        link = await self.accounts.store.token(hash_token(token))
        if (
            link is None
            or link.kind != INVITE_KIND
            or link.user_id is None
            or (link.expires_at is not None and time.time() >= link.expires_at)
        ):
            raise UnknownAddress("invite", "link (it was revoked or has ended)")
        opened = await self.accounts.open_session(link.user_id, link.expires_at)
        guest = opened[1]
        await self.accounts.record(guest, "invite.open", guest.user)
        return opened
