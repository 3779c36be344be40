"""Scenes: target values across devices, written concurrently with one ``set_properties`` call
per device, grouped by integration; and capturing the current state into a scene."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeweave.automation.refs import PropRef, Resolver
from homeweave.core.commands import Commands
from homeweave.core.integration import PropertyWrite
from homeweave.core.principal import SYSTEM, Principal
from homeweave.core.registry import Device, Registry
from homeweave.core.states import State, States
from homeweave.errors import AutomationError, HomeweaveError
from homeweave.model import Value

if TYPE_CHECKING:  # imported where a scene is captured: the schema's models are ~20 ms, 1.3 MiB
    from homeweave.automation.schema import SceneConfig

_LOGGER = logging.getLogger(__name__)

SCENE_PROPERTIES: dict[str, frozenset[str]] = {
    "light": frozenset({"on", "brightness", "color", "color-temperature"}),
    "switch": frozenset({"on"}),
    "wireless-charger": frozenset({"on"}),
    "curtain": frozenset({"target-position", "current-position"}),
    "thermostat": frozenset({"on", "target-temperature", "mode"}),
    "air-purifier": frozenset({"on", "fan-level", "mode"}),
    "fan": frozenset({"on", "fan-level", "mode"}),
    "humidifier": frozenset({"on", "target-humidity", "fan-level", "mode"}),
    "air-conditioner": frozenset({"on", "target-temperature", "fan-level", "mode"}),
    "speaker": frozenset({"volume", "mute"}),
}
"""What a person sets, by standard service and property name (model/standard.py): what
``capture`` stores of a device. Not the device's own settings (power-on behaviour, start-up
colour, a light's mode, indicator lights), not diagnostics, not commands (motor control)."""

SAME_MOMENT = 0.25
"""Seconds apart within which a light's colour and white tone count as learnt together (from
one report or poll): then the white tone is taken as its mode."""


@dataclass(frozen=True, slots=True)
class Write:
    """One checked value for one property."""

    ref: PropRef
    value: Value


@dataclass(frozen=True, slots=True)
class DeviceOutcome:
    """How one device took its batch of writes."""

    device_id: str
    integration: str
    addresses: tuple[str, ...]
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the device took every value."""
        return not self.error


@dataclass(frozen=True, slots=True)
class Scene:
    """A compiled scene."""

    id: str
    name: str
    writes: tuple[Write, ...]


def compile_scene(config: SceneConfig, resolver: Resolver) -> Scene:
    """Check every address (writable) and value of a scene against the registry."""
    writes = []
    for address, value in config.values.items():
        path = f"values.{address}"
        ref = resolver.prop(address, path, write=True)
        writes.append(Write(ref, resolver.value(ref, value, path)))
    return Scene(config.id, config.name, tuple(writes))


class Writer:
    """Sends writes to their integrations, all devices at once."""

    def __init__(self, commands: Commands) -> None:
        self._commands = commands

    async def write(
        self, writes: Sequence[Write], *, durable: bool, principal: Principal = SYSTEM
    ) -> list[DeviceOutcome]:
        """Write everything; one call per device, all devices concurrently (``durable``: as
        ``Commands.write``, for writes a person is answered for)."""
        batches: dict[str, dict[str, list[Write]]] = {}  # integration -> device -> writes
        for w in writes:
            batches.setdefault(w.ref.integration, {}).setdefault(w.ref.device_id, []).append(w)
        calls = [
            self._send(integration, device_id, device_writes, durable, principal)
            for integration, devices in batches.items()
            for device_id, device_writes in devices.items()
        ]
        if len(calls) == 1:  # the common case needs no extra task
            return [await calls[0]]
        return list(await asyncio.gather(*calls))

    async def _send(
        self,
        integration: str,
        device_id: str,
        writes: list[Write],
        durable: bool,
        principal: Principal,
    ) -> DeviceOutcome:
        addresses = tuple(w.ref.address for w in writes)
        batch = [PropertyWrite(w.ref.siid, w.ref.piid, w.value) for w in writes]
        try:
            await self._commands.write(device_id, batch, durable=durable, principal=principal)
        except HomeweaveError as exc:
            return DeviceOutcome(device_id, integration, addresses, str(exc))
        except Exception as exc:  # an integration's bug must not take the other devices down
            _LOGGER.exception("integration %s failed to write to %s", integration, device_id)
            return DeviceOutcome(device_id, integration, addresses, f"{type(exc).__name__}: {exc}")
        return DeviceOutcome(device_id, integration, addresses)


def outcome_sentence(outcomes: Sequence[DeviceOutcome]) -> tuple[bool, str]:
    """All fine?, and a sentence: ``2 devices (virtual: 1, hue: 1)`` or what failed."""
    failed = [o for o in outcomes if not o.ok]
    if failed:
        return False, "; ".join(o.error for o in failed)
    per: dict[str, int] = {}
    for o in outcomes:
        per[o.integration] = per.get(o.integration, 0) + 1
    spread = ", ".join(f"{name}: {count}" for name, count in per.items())
    return True, f"{len(outcomes)} device(s) ({spread})"


def capture(
    registry: Registry,
    states: States,
    scene_id: str,
    name: str,
    devices: Iterable[str] = (),
    addresses: Iterable[str] = (),
    resolver: Resolver | None = None,
) -> SceneConfig:
    """A scene holding the current values of what a person sets on ``devices``
    (``SCENE_PROPERTIES``; a light's colour or white tone, whichever it shows), and of each
    extra address as named."""
    values: dict[str, Value] = {}
    for device_id in devices:
        values.update(_device_values(registry.device(device_id), states))
    for address in addresses:
        if resolver is None:
            raise AutomationError("addresses need a resolver")
        ref = resolver.prop(address, f"addresses.{address}", write=True)
        current = states.value(*ref.key)
        if current is None:
            raise AutomationError(f"{ref.address} has no known value to capture")
        values[ref.address] = current
    if not values:
        raise AutomationError("nothing to capture: name devices or addresses with known values")
    from homeweave.automation.schema import SceneConfig

    return SceneConfig.model_validate({"id": scene_id, "name": name, "values": values})


def _device_values(device: Device, states: States) -> dict[str, Value]:
    """What a person set on a device (``SCENE_PROPERTIES``), by address; of a light, its colour
    or its white tone."""
    out: dict[str, Value] = {}
    for service in device.spec.services:
        wanted = SCENE_PROPERTIES.get(service.name, frozenset())
        known: dict[str, tuple[str, State]] = {}  # standard name -> address, state
        for prop in service.properties:
            state = states.get(device.id, service.iid, prop.iid)
            if prop.name in wanted and prop.writable and prop.readable and state is not None:
                known[prop.name] = (f"{device.id}/{service.key}/{prop.key}", state)
        if "color" in known and "color-temperature" in known:
            del known[_not_shown(known["color"][1], known["color-temperature"][1])]
        out.update((address, state.value) for address, state in known.values())
    return out


def _not_shown(colour: State, white: State) -> str:
    """Which of a light's colour and white tone it does not show: the one not set last (a
    colour counts only when set clearly after the white tone)."""
    return "color-temperature" if colour.changed_at > white.changed_at + SAME_MOMENT else "color"
