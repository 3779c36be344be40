"""The cloud link as a bridge: bus → outbox on disk → JetStream, in order; commands from
``hw.<home>.cmd`` → ``hub.commands``. The NATS client (nats-py) reconnects by itself once
connected; the first connection is retried by the hub's one supervise loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from homeweave.bridges.alexa.handler import Authorize, SmartHome, acting_principal, nobody
from homeweave.bridges.base import Bridge
from homeweave.bridges.cloud.access import AccessPublisher
from homeweave.bridges.cloud.options import CloudOptions
from homeweave.bridges.cloud.outbox import Outbox
from homeweave.core.accounts import Accounts
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
    PropertyChanged,
    Unsubscribe,
)
from homeweave.core.principal import Channel, Principal, hub_principal
from homeweave.core.supervise import supervise
from homeweave.errors import HomeweaveError
from homeweave.transport.fleet_wire import (
    MAX_ID,
    MSG_ID,
    UNAUTHORIZED,
    message_id,
    subject,
    token_digest,
)
from homeweave.transport.recent_commands import RecentCommands, fingerprint

if TYPE_CHECKING:
    from homeweave.core.hub import Hub

_LOGGER = logging.getLogger(__name__)
AS_CLOUD = hub_principal("bridge:cloud", Channel.BRIDGE)
"""Who a command from the fleet without a token acts as (the fleet's own tools); a command with
the caller's token acts as that person."""
OUTBOX_FILE = "cloud-outbox.db"
BATCH = 256  # messages read from the outbox per round
LINK_ERRORS = (nats.errors.Error, OSError, asyncio.TimeoutError)


class CloudBridge(Bridge[CloudOptions]):
    """Publishes this home to the fleet and takes the fleet's commands."""

    name = "cloud"

    def __init__(self, hub: Hub, options: CloudOptions) -> None:
        super().__init__(hub, options)
        home = options.home_id
        self.subjects = {kind: subject(home, kind) for kind in ("state", "event", "cmd")}
        self.access = AccessPublisher(hub, home)
        data_dir = hub.data_dir
        if data_dir is None:
            raise HomeweaveError("the cloud link needs the hub's data dir for its outbox")
        self.outbox = Outbox(data_dir / OUTBOX_FILE, options.buffer_max)
        self.published = 0
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._pending: list[tuple[str, bytes]] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._commands: set[asyncio.Task[None]] = set()
        self.recent = RecentCommands()
        self._alexa: SmartHome | None = None
        self._unsubscribes: list[Unsubscribe] = []
        self._warned_drop = 0

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the outbox, follow the bus, and start connecting (in the background)."""
        await self.outbox.__aenter__()
        bus = self.hub.bus
        self._unsubscribes = [
            bus.subscribe(PROPERTY_CHANGED, self._on_property),
            bus.subscribe(DEVICE_EVENT, self._on_event),
            bus.subscribe(AVAILABILITY_CHANGED, self._on_availability),
        ]
        self._tasks = [
            asyncio.create_task(self._pump(), name="cloud-pump"),
            asyncio.create_task(
                supervise(
                    f"cloud link to {self.options.nats}",
                    self._serve,
                    backoff=self.options.backoff,
                    lost=self._lost,
                    expected=LINK_ERRORS,
                ),
                name="cloud-link",
            ),
        ]
        if len(self.outbox):
            self._wake.set()  # what an earlier run could not publish goes first

    async def stop(self) -> None:
        """Stop following the bus, keep what is unpublished on disk, close the connection."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        for task in [*self._tasks, *self._commands]:
            task.cancel()
        for task in [*self._tasks, *self._commands]:
            with suppress(asyncio.CancelledError, Exception):
                await task
        if self._pending:
            await self.outbox.append(self._pending)
            self._pending = []
        if self._nc is not None:
            with suppress(*LINK_ERRORS):
                await self._nc.close()
        await self.outbox.__aexit__(None, None, None)

    @property
    def connected(self) -> bool:
        """Whether the link to NATS is up now."""
        return self._nc is not None and self._nc.is_connected

    # --- the connection ---------------------------------------------------------------------
    async def _serve(self, up: Any) -> None:
        options = self.options
        nc = await nats.connect(
            servers=[options.nats],
            user_credentials=str(options.credentials) if options.credentials else None,
            name=f"homeweave {options.home_id}",
            connect_timeout=2,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=options.reconnect_min,
            disconnected_cb=self._disconnected,
            reconnected_cb=self._reconnected,
            error_cb=self._error,
        )
        self._nc = nc
        try:
            self._js = nc.jetstream(timeout=options.publish_timeout)
            await self._ensure_stream()
            await nc.subscribe(self.subjects["cmd"], cb=self._on_command)
            self.access.forget()
            await self.access.publish(self._js)
            up()
            _LOGGER.info("cloud link: connected to %s as home %s", options.nats, options.home_id)
            self._wake.set()
            while True:  # nats-py reconnects by itself from here on
                await asyncio.sleep(options.access_every)
                with suppress(*LINK_ERRORS):
                    await self.access.publish(self._js)
        finally:
            self._nc = None
            with suppress(*LINK_ERRORS):
                await nc.close()

    async def _ensure_stream(self) -> None:
        """The stream holding this home's subjects: a fleet's (``HW_FLEET``, found by subject)
        if there is one, else the home's own, created with de-duplication by message id."""
        assert self._js is not None
        name = self.options.stream_name
        if self.options.stream is None:
            try:
                found = await self._js.find_stream_name_by_subject(self.subjects["state"])
            except nats.js.errors.NotFoundError:
                pass
            else:
                _LOGGER.info("cloud link: publishing into stream %s", found)
                return
        try:
            await self._js.stream_info(name)
        except nats.js.errors.NotFoundError:
            await self._js.add_stream(
                name=name, subjects=[self.subjects["state"], self.subjects["event"]]
            )

    def _lost(self, error: Exception | None) -> str:
        return f"cloud link: {error or 'connection closed'}; this hub goes on locally"

    async def _disconnected(self) -> None:
        _LOGGER.warning(
            "cloud link: NATS at %s is away; queueing on disk (%d waiting)",
            self.options.nats,
            len(self.outbox),
        )

    async def _reconnected(self) -> None:
        _LOGGER.warning("cloud link: back; replaying %d queued messages", len(self.outbox))
        self._wake.set()

    async def _error(self, error: Exception) -> None:
        _LOGGER.debug("cloud link: %s", error)

    # --- out: the bus → outbox → JetStream --------------------------------------------------
    def _queue(self, kind: str, body: dict[str, Any]) -> None:
        body["home"] = self.options.home_id
        self._pending.append((self.subjects[kind], json.dumps(body).encode()))
        self._wake.set()

    def _on_property(self, change: PropertyChanged) -> None:
        self._queue(
            "state",
            {
                "device": change.device_id,
                "siid": change.siid,
                "piid": change.piid,
                "value": change.value,
                "old": change.old,
                "at": time.time(),
            },
        )

    def _on_availability(self, change: AvailabilityChanged) -> None:
        self._queue(
            "state",
            {
                "device": change.device_id,
                "available": change.available,
                "reason": change.reason,
                "at": change.at,
            },
        )

    def _on_event(self, event: DeviceEvent) -> None:
        self._queue(
            "event",
            {
                "device": event.device_id,
                "siid": event.siid,
                "eiid": event.eiid,
                "arguments": {str(k): v for k, v in event.arguments.items()},
                "at": event.at,
            },
        )

    async def _pump(self) -> None:
        """Move new messages to the outbox, then publish the oldest in order while connected;
        a message leaves the outbox only once JetStream acknowledged it."""
        delays = self.options.backoff.delays()
        while True:
            backlog = len(self.outbox) > 0 and not self._pending
            timeout = next(delays) if backlog and self.connected else None
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            if self._pending:
                batch, self._pending = self._pending, []
                await self.outbox.append(batch)
                self._warn_dropped()
            if not self.connected:
                continue
            try:
                await self._publish_backlog()
            except LINK_ERRORS as exc:
                _LOGGER.debug("cloud link: publishing paused: %s", exc)
            else:
                delays = self.options.backoff.delays()

    async def _publish_backlog(self) -> None:
        js = self._js
        assert js is not None
        while True:
            queued = await self.outbox.oldest(BATCH)
            if not queued:
                return
            done = 0
            try:
                for message in queued:
                    await js.publish(
                        message.subject,
                        message.payload,
                        headers={MSG_ID: message_id(self.outbox.epoch, message.seq)},
                    )
                    done = message.seq
                    self.published += 1
            finally:
                if done:
                    await self.outbox.remove_through(done)
            if self._pending:
                batch, self._pending = self._pending, []
                await self.outbox.append(batch)
                self._warn_dropped()

    def _warn_dropped(self) -> None:
        if self.outbox.dropped > self._warned_drop:
            _LOGGER.warning(
                "cloud link: outbox full (%d messages); %d oldest dropped so far",
                self.outbox.limit,
                self.outbox.dropped,
            )
            self._warned_drop = self.outbox.dropped

    # --- in: commands -----------------------------------------------------------------------
    async def _on_command(self, msg: Msg) -> None:
        task = asyncio.create_task(self._command(msg), name="cloud-command")
        self._commands.add(task)
        task.add_done_callback(self._commands.discard)

    async def _command(self, msg: Msg) -> None:
        """``{"op": "set", "address", "value"}``, ``{"op": "do", "device", "action", "args"}``
        or ``{"op": "alexa", "directive"}`` (``"token"`` and ``"id"`` optional) → ``{"ok": true,
        ...}`` or ``{"ok": false, "kind", "error"}``. A request with an ``id`` already run is
        answered with that run's reply and not run again (``transport/recent_commands``)."""
        reply: dict[str, Any]
        try:
            request = json.loads(msg.data)
            if not isinstance(request, dict):
                raise ValueError("expected a JSON object")
            ident = request.get("id")
            if ident is None:
                reply = await self._run(request)
            elif not isinstance(ident, str) or not 0 < len(ident) <= MAX_ID:
                raise ValueError(f"id must be a string of 1 to {MAX_ID} characters")
            else:
                token = request.get("token")
                caller = token_digest(token) if isinstance(token, str) else ""
                run = partial(self._run, request)
                reply = await self.recent.once(f"{caller}:{ident}", fingerprint(request), run)
        except (ValueError, UnicodeDecodeError) as exc:
            reply = {"ok": False, "kind": "BadRequest", "error": str(exc)}
        if msg.reply:
            with suppress(*LINK_ERRORS):
                await msg.respond(json.dumps(reply).encode())

    async def _run(self, request: dict[str, Any]) -> dict[str, Any]:
        """Carry out one command as the person its token signs in; refusals as replies."""
        try:
            op = request.get("op")
            if op == "alexa":  # the directive carries its token; the handler checks it
                return {"ok": True, "response": await self.alexa.handle(request.get("directive"))}
            acting = await self._acting(request.get("token"))
            if acting is None:
                return {"ok": False, "kind": UNAUTHORIZED, "error": "unknown or expired token"}
            if op == "set":
                result = await self.hub.commands.set(
                    str(request["address"]), request.get("value"), principal=acting
                )
                return {"ok": True, "address": result.address, "value": result.value}
            if op == "do":
                args = request.get("args", [])
                if not isinstance(args, list):
                    raise ValueError("args must be a list")
                done = await self.hub.commands.do(
                    str(request["device"]), str(request["action"]), args, principal=acting
                )
                return {"ok": True, "address": done.address, "outputs": done.outputs}
            raise ValueError(f"op must be 'set', 'do' or 'alexa', got {op!r}")
        except HomeweaveError as exc:
            return {"ok": False, "kind": type(exc).__name__, "error": str(exc)}
        except (ValueError, KeyError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            return {"ok": False, "kind": "BadRequest", "error": problem}

    @property
    def alexa(self) -> SmartHome:
        """This home's Alexa directive handler, for the fleet's skill endpoint (the one the
        hub's own ``/api/alexa/smart_home`` uses, authorizing the same way; no scenes, no
        proactive events from here)."""
        if self._alexa is None:
            hub = self.hub
            authorize: Authorize = nobody  # no storage, no tokens: every directive refused
            if hub.storage is not None:
                authorize = partial(acting_principal, Accounts(hub.storage), hub.registry)
            self._alexa = SmartHome(hub.registry, hub.states, hub.commands, authorize=authorize)
        return self._alexa

    async def _acting(self, token: object) -> Principal | None:
        """Who a command acts as: the person ``token`` signs in here (checked afresh, so a
        revoked token or share stops at once), or the fleet itself without one."""
        if token is None:
            return AS_CLOUD
        if not isinstance(token, str) or self.hub.storage is None:
            return None
        accounts = Accounts(self.hub.storage)
        found = await accounts.principal(token)
        return found.via(Channel.BRIDGE) if found is not None else None


BRIDGE = CloudBridge
