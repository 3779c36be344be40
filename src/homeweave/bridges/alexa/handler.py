"""The Smart Home skill's directive handler: a directive's JSON in, the event to answer with out.

Every directive's bearer token is resolved to the principal acting (``authorize``, wired by the
composition root); a token nobody knows gets ``INVALID_AUTHORIZATION_CREDENTIAL``. Commands go
through the hub's ``Commands`` like every other channel's, so a value is validated against the
device's spec; whatever goes wrong is answered as the ``ErrorResponse`` Alexa defines, never as
an HTTP error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from homeweave.bridges.alexa import messages
from homeweave.bridges.alexa.capabilities import Call, Op, Read, Reading, Write
from homeweave.bridges.alexa.endpoints import Endpoint, endpoint_of
from homeweave.bridges.alexa.messages import AlexaError, Directive, Json
from homeweave.core import permissions
from homeweave.core.accounts import Accounts
from homeweave.core.commands import Commands
from homeweave.core.principal import SYSTEM, Channel
from homeweave.core.principal import Principal as Acting
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.errors import (
    AccessDenied,
    DeviceUnavailable,
    Forbidden,
    HomeweaveError,
    IntegrationError,
    InvalidValue,
    UnknownAddress,
)

_LOGGER = logging.getLogger(__name__)
SCENE_PREFIX = "scene#"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a directive acts for, and which devices they may use (None: every device);
    ``acting``: the hub's principal its commands run (and are audited) as."""

    name: str
    devices: frozenset[str] | None = None
    acting: Acting = SYSTEM

    def may_use(self, device_id: str) -> bool:
        """Whether this principal may see and control ``device_id``."""
        return self.devices is None or device_id in self.devices


Authorize = Callable[[str], Awaitable[Principal | None]]
"""A directive's bearer token -> the principal it acts as, or None for an unknown token (or it
raises the AlexaError to answer, e.g. EXPIRED_AUTHORIZATION_CREDENTIAL)."""


async def acting_principal(accounts: Accounts, registry: Registry, token: str) -> Principal | None:
    """The principal a directive's bearer token acts as (a user's token: only the devices in
    their scope, resolved at each directive, so an ended share ends at once). A token whose
    time is up is Alexa's EXPIRED_AUTHORIZATION_CREDENTIAL (Alexa then uses its refresh token).
    The hub's API and the fleet's link (``bridges/cloud``) both authorize with it."""
    acting = await accounts.principal(token)
    if acting is None:
        if await accounts.expired(token):
            raise AlexaError("EXPIRED_AUTHORIZATION_CREDENTIAL", "the token has expired")
        return None
    devices = None
    if not acting.sees_everything:
        devices = frozenset(d.id for d in permissions.visible(acting, registry.devices.values()))
    return Principal(acting.user, devices, acting)


async def nobody(token: str) -> Principal | None:
    """Until the composition root wires the API's tokens in: no token is valid."""
    return None


class SceneSource(Protocol):
    """The hub's scenes, as the automation engine keeps them (bridges do not import it)."""

    def scenes(self) -> Mapping[str, str]:
        """Scene id -> name, of every scene that can be applied."""
        ...

    async def apply(self, scene_id: str) -> None:
        """Apply a scene; HomeweaveError when it (or a device of it) fails."""
        ...


class GrantKeeper(Protocol):
    """Where ``AcceptGrant``'s authorization code goes (exchanged for event gateway tokens)."""

    async def accept(self, code: str) -> None:
        """Exchange and keep the grant; raise on failure."""
        ...


class SmartHome:
    """Handles Alexa directives for one hub."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        commands: Commands,
        *,
        authorize: Authorize = nobody,
        scenes: SceneSource | None = None,
        grants: GrantKeeper | None = None,
    ) -> None:
        self.registry = registry
        self.states = states
        self.commands = commands
        self.authorize = authorize
        self.scenes = scenes
        self.grants = grants
        self.last_directive: dict[str, float] = {}
        """Device id -> when Alexa last changed it (a change then is VOICE_INTERACTION)."""

    async def handle(self, message: object) -> Json:
        """The event answering ``message`` (a response, a report or an ErrorResponse)."""
        directive: Directive | None = None
        try:
            directive = Directive.parse(message)
            return await self._dispatch(directive)
        except AlexaError as exc:
            return messages.error_response(directive, exc)
        except Exception:
            _LOGGER.exception("Alexa directive failed: %r", message)
            error = AlexaError("INTERNAL_ERROR", "homeweave failed to handle the directive")
            return messages.error_response(directive, error)

    async def _dispatch(self, directive: Directive) -> Json:
        if (directive.namespace, directive.name) == ("Alexa.Authorization", "AcceptGrant"):
            return await self._accept_grant(directive)
        principal = await self.authorize(directive.token) if directive.token else None
        if principal is None:
            raise AlexaError(
                "INVALID_AUTHORIZATION_CREDENTIAL",
                "the bearer token is not a valid homeweave token",
            )
        if (directive.namespace, directive.name) == ("Alexa.Discovery", "Discover"):
            return messages.discovery_response(self.discover(principal))
        if directive.endpoint_id is None:
            raise AlexaError("INVALID_DIRECTIVE", "the directive names no endpoint")
        if directive.endpoint_id.startswith(SCENE_PREFIX):
            return await self._scene(directive)
        endpoint = self._endpoint(directive.endpoint_id, principal)
        if (directive.namespace, directive.name) == ("Alexa", "ReportState"):
            return messages.state_report(
                directive, endpoint.props(self._read(endpoint), time.time())
            )
        return await self._control(directive, endpoint, principal)

    def discover(self, principal: Principal) -> list[Json]:
        """Every endpoint the principal may use: devices, then scenes."""
        found = []
        for device in self.registry.devices.values():
            endpoint = endpoint_of(device) if principal.may_use(device.id) else None
            if endpoint is not None:
                found.append(self.describe(endpoint))
        if self.scenes is not None and principal.devices is None:
            found.extend(scene_endpoint(i, n) for i, n in self.scenes.scenes().items())
        return found

    def describe(self, endpoint: Endpoint) -> Json:
        """The discovery object of one endpoint, with the maker and model the device reports."""
        info = _info(endpoint.device, self.states)
        return endpoint.discovery(info.get("manufacturer"), info.get("model"))

    def _endpoint(self, endpoint_id: str, principal: Principal) -> Endpoint:
        device = self.registry.devices.get(endpoint_id)
        endpoint = endpoint_of(device) if device and principal.may_use(device.id) else None
        if endpoint is None:
            raise AlexaError("NO_SUCH_ENDPOINT", f"there is no endpoint {endpoint_id!r}")
        return endpoint

    def _read(
        self, endpoint: Endpoint, written: Mapping[tuple[int, int], Reading] | None = None
    ) -> Read:
        device_id = endpoint.device.id

        def read(siid: int, piid: int) -> Reading | None:
            if written and (siid, piid) in written:
                return written[(siid, piid)]
            state = self.states.get(device_id, siid, piid)
            return None if state is None else (state.value, state.updated_at)

        return read

    async def _control(
        self, directive: Directive, endpoint: Endpoint, principal: Principal
    ) -> Json:
        capability = endpoint.capability(directive.namespace, directive.instance)
        if capability is None:
            raise AlexaError(
                "INVALID_DIRECTIVE",
                f"{endpoint.endpoint_id} has no {directive.namespace}"
                + (f" instance {directive.instance}" if directive.instance else ""),
            )
        device = endpoint.device
        if not device.available:
            raise AlexaError(
                "ENDPOINT_UNREACHABLE",
                f"{device.name} is unavailable: {device.unavailable_reason or 'not answering'}",
            )
        ops = capability.handle(directive.name, directive.payload, self._read(endpoint))
        written = await self._run(device, ops, principal.acting)
        now = time.time()
        return messages.response(directive, endpoint.props(self._read(endpoint, written), now))

    async def _run(
        self, device: Device, ops: list[Op], acting: Acting = SYSTEM
    ) -> dict[tuple[int, int], Reading]:
        """Carry out the writes in order, as ``acting``; what was confirmed, by address."""
        acting = acting.via(Channel.ALEXA)
        written: dict[tuple[int, int], Reading] = {}
        self.last_directive[device.id] = time.monotonic()
        for op in ops:
            try:
                if isinstance(op, Write):
                    result = await self.commands.set(
                        f"{device.id}/{op.service.key}/{op.prop.key}", op.value, principal=acting
                    )
                    written[(result.siid, result.piid)] = (result.value, time.time())
                elif isinstance(op, Call):
                    action = f"{op.service.key}/{op.action.key}"
                    await self.commands.do(device.id, action, principal=acting)
            except HomeweaveError as exc:
                raise _translated(exc) from None
        self.last_directive[device.id] = time.monotonic()
        return written

    async def _scene(self, directive: Directive) -> Json:
        scene_id = (directive.endpoint_id or "").removeprefix(SCENE_PREFIX)
        if self.scenes is None or scene_id not in self.scenes.scenes():
            raise AlexaError("NO_SUCH_ENDPOINT", f"there is no scene {scene_id!r}")
        if (directive.namespace, directive.name) != ("Alexa.SceneController", "Activate"):
            raise AlexaError("INVALID_DIRECTIVE", f"a scene takes Activate, not {directive.name}")
        try:
            await self.scenes.apply(scene_id)
        except HomeweaveError as exc:
            raise _translated(exc) from None
        return messages.scene_started(directive, time.time())

    async def _accept_grant(self, directive: Directive) -> Json:
        try:
            principal = await self.authorize(directive.token) if directive.token else None
        except AlexaError:  # an expired grantee token: answered as the grant's failure
            principal = None
        grant = directive.payload.get("grant")
        code = grant.get("code") if isinstance(grant, dict) else None
        failed = None
        if principal is None:
            failed = "the grantee token is not a valid homeweave token"
        elif not isinstance(code, str) or not code:
            failed = "the grant has no authorization code"
        elif self.grants is None:
            failed = "proactive events are off (no bridges.alexa options)"
        if failed is None and self.grants is not None and isinstance(code, str):
            try:
                await self.grants.accept(code)
            except Exception as exc:
                _LOGGER.warning("Alexa AcceptGrant: could not exchange the code: %s", exc)
                failed = f"could not obtain the event gateway token: {exc}"
        if failed is not None:
            raise AlexaError("ACCEPT_GRANT_FAILED", failed, namespace="Alexa.Authorization")
        return messages.accept_grant_response(directive)


def scene_endpoint(scene_id: str, name: str) -> Json:
    """A scene as a SCENE_TRIGGER endpoint (``scene#<id>``)."""
    return {
        "endpointId": f"{SCENE_PREFIX}{scene_id}",
        "friendlyName": (name or scene_id)[:128],
        "description": "homeweave scene",
        "manufacturerName": "homeweave",
        "displayCategories": ["SCENE_TRIGGER"],
        "cookie": {},
        "capabilities": [
            {"type": "AlexaInterface", "interface": "Alexa", "version": "3"},
            {
                "type": "AlexaInterface",
                "interface": "Alexa.SceneController",
                "version": "3",
                "supportsDeactivation": False,
            },
        ],
    }


def _translated(exc: HomeweaveError) -> AlexaError:
    """Our errors as Alexa's."""
    if isinstance(exc, DeviceUnavailable):
        return AlexaError("ENDPOINT_UNREACHABLE", str(exc))
    if isinstance(exc, InvalidValue):
        return AlexaError("INVALID_VALUE", str(exc))
    if isinstance(exc, AccessDenied):
        return AlexaError("INVALID_DIRECTIVE", str(exc))
    if isinstance(exc, Forbidden):
        return AlexaError("INSUFFICIENT_PERMISSIONS", str(exc))
    if isinstance(exc, UnknownAddress):
        return AlexaError("NO_SUCH_ENDPOINT", str(exc))
    if isinstance(exc, IntegrationError):
        return AlexaError("HARDWARE_MALFUNCTION", str(exc))
    return AlexaError("INTERNAL_ERROR", str(exc))


def _info(device: Device, states: States) -> dict[str, str]:
    """The device-information values the device reported (manufacturer, model)."""
    found: dict[str, str] = {}
    for service in device.spec.services:
        if service.name != "device-information":
            continue
        for prop in service.properties:
            state = states.get(device.id, service.iid, prop.iid)
            if state is not None and isinstance(state.value, str) and state.value.strip():
                found.setdefault(prop.name, state.value.strip())
    return found
