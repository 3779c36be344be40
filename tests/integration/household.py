"""A household on a running demo hub: an owner, an admin, a member, a guest with the hallway,
a guest whose share has expired, and each one's API token — made through the real API with the
hub's admin token (the way ``homeweave users add`` and ``tokens create`` do it)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from homeweave.app import Running
from homeweave.storage import ShareRecord

PASSWORDS = {
    "olivia": "olivia-owns-the-house",
    "adam": "adam-admin-pass",
    "mia": "mia-member-pass",
    "gus": "gus-guest-pass",
    "eve": "eve-expired-pass",
    "temp": "temporary-pass",
}
ROLES = {
    "olivia": ("owner", "*"),
    "adam": ("admin", "home"),
    "mia": ("member", "home"),
    "gus": ("guest", "home"),
    "eve": ("guest", "home"),
    "temp": ("member", "home"),
}
GUEST_ROOM = "hallway"


async def guest_devices(admin: httpx.AsyncClient) -> set[str]:
    """The ids of the devices in the guest's room, as the admin sees them."""
    found = ok(await admin.get("/api/devices", params={"room": GUEST_ROOM}))
    assert isinstance(found, list)
    return {d["id"] for d in found}


@dataclass
class Household:
    """The people of the demo home and their tokens (``revoked``: one that no longer works)."""

    tokens: dict[str, str] = field(default_factory=dict)
    revoked: str = ""
    victim_token_id: str = ""  # a token of temp's, for the matrix to try to revoke

    def client(self, running: Running, who: str) -> httpx.AsyncClient:
        """An HTTP client signed in with ``who``'s token."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10)


def ok(response: httpx.Response, status: int = 200) -> object:
    """The JSON of an answer with ``status`` (the body in the failure message otherwise)."""
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def make_household(running: Running, admin: httpx.AsyncClient) -> Household:
    """Add the users, the guests' shares and a token each, as the hub's admin."""
    house = Household()
    for user, password in PASSWORDS.items():
        role, home = ROLES[user]
        body = {"id": user, "password": password, "role": role, "home": home}
        ok(await admin.post("/api/users", json=body), 201)
    share = {"user": "gus", "room": GUEST_ROOM, "control": True}
    ok(await admin.post("/api/shares", json=share), 201)
    # A share that already ended: written straight to storage, as the API refuses a past end.
    assert running.hub.storage is not None
    expired = ShareRecord("expired1", "eve", None, GUEST_ROOM, None, True, time.time() - 60, "x", 0)
    await running.hub.storage.add_share(expired)
    for user in PASSWORDS:
        made = ok(await admin.post("/api/tokens", json={"name": "test", "user": user}), 201)
        assert isinstance(made, dict)
        house.tokens[user] = made["token"]
    old = ok(await admin.post("/api/tokens", json={"name": "old", "user": "mia"}), 201)
    assert isinstance(old, dict)
    ok(await admin.delete(f"/api/tokens/{old['id']}"), 204)
    house.revoked = old["token"]
    victim = ok(await admin.post("/api/tokens", json={"name": "victim", "user": "temp"}), 201)
    assert isinstance(victim, dict)
    house.victim_token_id = victim["id"]
    return house
