"""Who each automation runs as: its owner, the person who last saved its definition through the
API (kept beside it in the store, kind ``automation-owner``). Automations from homeweave.yaml
belong to the hub (whoever may edit that file owns the hub) and run with its rights.

A run acts as its owner through the core's permission check on the ``automation`` channel: an
owner who was removed, or lost control of a device, makes the action fail with a trace message
saying so and an audit line — the automation never keeps rights its owner lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from homeweave.core import permissions
from homeweave.core.accounts import person
from homeweave.core.commands import Commands
from homeweave.core.principal import Channel, Principal, hub_principal
from homeweave.core.registry import Device
from homeweave.errors import Forbidden, UnknownAddress
from homeweave.storage.protocols import AutomationStore, PeopleStore

OWNER_KIND = "automation-owner"


class Owners:
    """The owner of every automation saved through the API, by automation id."""

    def __init__(self, store: AutomationStore, people: PeopleStore | None) -> None:
        self._store = store
        self._people = people
        self._owners: dict[str, str] = {}
        self._as_hub: dict[str, Principal] = {}  # automations without an owner: who they act as

    async def load(self) -> None:
        """Read the stored owners."""
        for body in await self._store.definitions(OWNER_KIND):
            self._owners[str(body["id"])] = str(body["user"])

    def of(self, automation_id: str) -> str | None:
        """The owner's user id (None: the hub's own automation)."""
        return self._owners.get(automation_id)

    async def save(self, automation_id: str, principal: Principal) -> None:
        """Record ``principal`` as the automation's owner (the hub itself: none)."""
        if principal.channel is Channel.HUB:
            await self.drop(automation_id)
            return
        body = {"id": automation_id, "user": principal.user}
        await self._store.save_definition(OWNER_KIND, automation_id, body)
        self._owners[automation_id] = principal.user

    async def drop(self, automation_id: str) -> None:
        """Forget the owner of a deleted automation."""
        await self._store.delete_definition(OWNER_KIND, automation_id)
        self._owners.pop(automation_id, None)

    async def acting_as(self, automation_id: str, commands: Commands) -> Principal:
        """The principal a run of ``automation_id`` acts as; ActionFailed (and an audit line)
        when its owner no longer exists."""
        owner = self._owners.get(automation_id)
        if owner is None or self._people is None:
            # The same (immutable) principal for every run, not a new one each time.
            acting = self._as_hub.get(automation_id)
            if acting is None:
                acting = hub_principal(f"automation:{automation_id}", Channel.AUTOMATION)
                self._as_hub[automation_id] = acting
            return acting
        found = await person(self._people, owner)
        if found is None:
            gone = hub_principal(f"automation:{automation_id}", Channel.AUTOMATION)
            reason = f"automation {automation_id!r} runs as {owner!r}, who no longer exists"
            commands.record(gone, "automation.run", automation_id, result=f"refused: {reason}")
            raise _failed(reason)
        # The audit and the logbook name the automation ("by automation Evening"); the
        # permission check uses its owner's roles and shares.
        return replace(
            found,
            user=f"automation:{automation_id}",
            channel=Channel.AUTOMATION,
            on_behalf_of=found.user,
        )


def authorise(
    commands: Commands, principal: Principal, automation_id: str, devices: Iterable[str]
) -> None:
    """ActionFailed (with an audit line) unless ``principal`` still controls every device."""
    if principal.sees_everything:
        return
    for device_id in sorted(set(devices)):
        try:
            device = commands.device(device_id, principal)
            permissions.require_control(principal, device, f"automation {automation_id!r}")
        except (UnknownAddress, Forbidden):
            owner = principal.on_behalf_of or principal.user
            reason = (
                f"automation {automation_id!r} runs as {owner!r}, "
                f"who may no longer control {device_id!r}"
            )
            try:
                known: Device | None = commands.device(device_id)
            except UnknownAddress:
                known = None
            refused = f"refused: {reason}"
            commands.record(principal, "automation.run", device_id, known, result=refused)
            raise _failed(reason) from None


def _failed(reason: str) -> Exception:
    """ActionFailed, imported here: only a run refused reaches this, and the engine of a hub
    without automations loads no action code (the actions' module needs their schema)."""
    from homeweave.automation.actions import ActionFailed

    return ActionFailed(reason)
