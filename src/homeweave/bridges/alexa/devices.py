"""Sensors that detect (doors, motion), players, and locks."""

from __future__ import annotations

from homeweave.bridges.alexa.capabilities import (
    Call,
    Capability,
    Op,
    Read,
    interface,
)
from homeweave.bridges.alexa.messages import Json, Prop
from homeweave.model import Action, Property, Service, Value

PLAYBACK = {
    "play": "Play",
    "pause": "Pause",
    "stop": "Stop",
    "next": "Next",
    "previous": "Previous",
}
LOCK_STATES = {"locked": "LOCKED", "unlocked": "UNLOCKED", "jammed": "JAMMED"}


class Detection(Capability):
    """A boolean sensor as ContactSensor (``contact-state`` false: open, DETECTED) or
    MotionSensor (``motion-state`` true: DETECTED)."""

    def __init__(self, service: Service, prop: Property, interface_name: str, when: bool) -> None:
        super().__init__(service)
        self.prop = prop
        self.interface = interface_name
        self.when = when

    def discovery(self) -> Json:
        """Return the sensor capability."""
        return interface(self.interface, ["detectionState"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the state's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``detectionState``."""
        return self._prop(
            read, self.prop, "detectionState",
            lambda v: "DETECTED" if bool(v) is self.when else "NOT_DETECTED",
        )  # fmt: skip


class Playback(Capability):
    """``play-control`` actions without inputs as PlaybackController."""

    interface = "Alexa.PlaybackController"

    def __init__(self, service: Service, actions: dict[str, Action]) -> None:
        super().__init__(service)
        self.actions = actions  # Alexa's operation name -> our action

    def discovery(self) -> Json:
        """Return PlaybackController with the operations the device has."""
        return interface(self.interface, supportedOperations=list(self.actions))

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Play, Pause, Stop, Next, Previous."""
        action = self.actions.get(name)
        if action is None:
            return super().handle(name, payload, read)
        return [Call(self.service, action)]


class Lock(Capability):
    """``lock-state`` (Locked / Unlocked) and the ``lock`` / ``unlock`` actions as
    LockController."""

    interface = "Alexa.LockController"

    def __init__(self, service: Service, state: Property, lock: Action, unlock: Action) -> None:
        super().__init__(service)
        self.state = state
        self.actions = {"Lock": lock, "Unlock": unlock}

    def discovery(self) -> Json:
        """Return LockController."""
        return interface(self.interface, ["lockState"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the lock state's address."""
        return frozenset({(self.service.iid, self.state.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``lockState`` (JAMMED for a state that is neither)."""

        def state(value: Value) -> str:
            choice = self.state.choice(int(value))
            name = choice.description.strip().lower() if choice is not None else ""
            return LOCK_STATES.get(name, "JAMMED")

        return self._prop(read, self.state, "lockState", state)

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Lock, Unlock."""
        action = self.actions.get(name)
        if action is None:
            return super().handle(name, payload, read)
        return [Call(self.service, action)]
