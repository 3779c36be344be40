"""The one permission check and the sign-in lockout, without a hub."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from homeweave.core import Device, EventBus, Home, Registry, Room
from homeweave.core import permissions as perm
from homeweave.core.lockout import Lockout
from homeweave.core.principal import EVERY_HOME, SYSTEM, Principal, Role, Share
from homeweave.errors import Forbidden, TooManyAttempts, UnknownAddress
from homeweave.model import catalog_spec


@pytest.fixture
def registry() -> Registry:
    reg = Registry(EventBus())
    reg.add_home(Home("home", "Home"))
    reg.add_home(Home("cabin", "Cabin"))
    for room, home in (("hall", "home"), ("kitchen", "home"), ("deck", "cabin")):
        reg.add_room(Room(room, home, room))
    for device, room, home in (
        ("hall-lamp", "hall", "home"),
        ("kitchen-lamp", "kitchen", "home"),
        ("deck-lamp", "deck", "cabin"),
    ):
        reg.add_device(Device(device, device, room, home, "virtual", catalog_spec("light")))
    return reg


def person(roles: dict[str, Role], *shares: Share) -> Principal:
    return Principal("p", "P", MappingProxyType(roles), shares)


def test_roles_are_per_home(registry: Registry) -> None:
    member = person({"home": Role.MEMBER})
    seen = {d.id for d in perm.visible(member, registry.devices.values())}
    assert seen == {"hall-lamp", "kitchen-lamp"}
    with pytest.raises(UnknownAddress) as found:
        perm.device(registry, member, "deck-lamp")
    assert str(found.value).startswith("unknown device 'deck-lamp' (known: hall-lamp, kitchen")
    assert perm.device(registry, SYSTEM, "deck-lamp").id == "deck-lamp"


def test_a_guest_has_only_live_shares(registry: Registry) -> None:
    guest = person(
        {"home": Role.GUEST},
        Share("s1", room_id="hall", control=False),
        Share("s2", device_id="kitchen-lamp", until=1000.0),
    )
    hall, kitchen = registry.devices["hall-lamp"], registry.devices["kitchen-lamp"]
    assert perm.access(guest, hall, now=0) is perm.Access.SEE
    assert perm.access(guest, kitchen, now=999.9) is perm.Access.CONTROL
    assert perm.access(guest, kitchen, now=1000.0) is perm.Access.NONE
    with pytest.raises(Forbidden, match="needs control of device 'hall-lamp'"):
        perm.require_control(guest, hall, "set hall-lamp/light/on")


def test_a_missing_role_is_named(registry: Registry) -> None:
    member = person({"home": Role.MEMBER})
    with pytest.raises(Forbidden) as found:
        perm.require_role(member, Role.ADMIN, "changing device 'x'", "home")
    assert str(found.value) == (
        "changing device 'x' needs the role admin in home 'home'; user 'p' is member"
    )
    perm.require_role(person({EVERY_HOME: Role.OWNER}), Role.ADMIN, "anything", "cabin")
    with pytest.raises(Forbidden, match="has no role"):
        perm.require_role(person({}), Role.MEMBER, "reading")


def test_the_lockout_doubles_and_a_success_clears_it() -> None:
    now = [0.0]
    lockout = Lockout(free=3, base=1.0, ceiling=4.0, clock=lambda: now[0])
    for _ in range(2):
        lockout.failed("user:a")
        lockout.check("user:a")
    lockout.failed("user:a")
    with pytest.raises(TooManyAttempts) as locked:
        lockout.check("user:a")
    assert locked.value.retry_after == 1.0
    lockout.check("user:b")  # other names are not locked
    now[0] = 1.0
    lockout.check("user:a")
    lockout.failed("user:a")
    with pytest.raises(TooManyAttempts) as longer:
        lockout.check("user:a")
    assert longer.value.retry_after == 2.0
    for _ in range(5):
        lockout.failed("user:a")
    with pytest.raises(TooManyAttempts) as capped:
        lockout.check("user:a")
    assert capped.value.retry_after == 4.0
    lockout.succeeded("user:a")
    lockout.check("user:a")
