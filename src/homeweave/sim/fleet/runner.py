"""Many homes on one NATS connection, speaking the edge link's protocol: state changes to
JetStream on ``hw.<home>.state`` with message ids, commands answered on ``hw.<home>.cmd`` (one
wildcard subscription for all of them), what each home's owner and guest tokens reach in
``hw_access``. The stream: the one that already captures ``hw.<home>.state`` (a fleet stream),
else one per home as an edge hub makes it (``HW_<HOME>``)."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from homeweave.sim.fleet.homes import KINDS, SimHome, build_homes, events_per_second
from homeweave.transport.fleet_wire import (
    ACCESS_BUCKET,
    MSG_ID,
    access_key,
    message_id,
    stream_name,
    subject,
    token_digest,
)
from homeweave.transport.recent_commands import RecentCommands, ReusedId, fingerprint

_LOGGER = logging.getLogger(__name__)
IN_FLIGHT = 512  # publishes awaiting JetStream's ack at once
TICK = 0.05


async def _quiet(error: Exception) -> None:
    _LOGGER.debug("fleet sim: NATS: %s", error)


class FleetSim:
    """``async with FleetSim(url, homes, devices_per_home) as sim``: the homes are online (their
    access published, commands answered); ``await sim.run(rate, seconds)`` publishes changes."""

    def __init__(
        self,
        url: str,
        homes: int,
        devices_per_home: int,
        *,
        seed: int = 1,
        on_ack: Callable[[int], None] | None = None,
    ) -> None:
        self.url = url
        self.homes = build_homes(homes, devices_per_home, seed)
        self.by_id = {home.id: home for home in self.homes}
        self.devices = homes * devices_per_home
        self.published = 0
        self.commands = 0
        self.recent = RecentCommands()
        self.on_ack = on_ack
        self._rng = random.Random(seed)
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._flying: set[asyncio.Task[None]] = set()

    @property
    def natural_rate(self) -> float:
        """State messages per second these devices make on their own."""
        return events_per_second(self.devices)

    async def __aenter__(self) -> FleetSim:
        self._nc = await nats.connect(
            servers=[self.url],
            name=f"homeweave sim fleet ({len(self.homes)} homes)",
            connect_timeout=2,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            pending_size=64 * 1024 * 1024,
            error_cb=_quiet,
        )
        self._js = self._nc.jetstream(timeout=10)
        await self._ensure_streams()
        await self.publish_access()
        await self._nc.subscribe("hw.*.cmd", cb=self._on_command)
        await self._nc.flush()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.drain()
        if self._nc is not None:
            with suppress(nats.errors.Error):
                await self._nc.close()

    @property
    def js(self) -> JetStreamContext:
        """Return the JetStream context."""
        assert self._js is not None
        return self._js

    async def _ensure_streams(self) -> None:
        try:  # a fleet stream capturing every home's subjects, if the fleet has one
            await self.js.find_stream_name_by_subject(subject(self.homes[0].id, "state"))
            return
        except nats.js.errors.NotFoundError:
            pass
        for home in self.homes:  # else one per home, as an edge hub makes it
            name = stream_name(home.id)
            with suppress(nats.js.errors.BadRequestError):
                await self.js.add_stream(
                    name=name, subjects=[subject(home.id, "state"), subject(home.id, "event")]
                )

    async def publish_access(self) -> None:
        """Put what each home's owner and guest tokens reach in ``hw_access``."""
        try:
            kv = await self.js.key_value(ACCESS_BUCKET)
        except nats.js.errors.BucketNotFoundError:
            kv = await self.js.create_key_value(bucket=ACCESS_BUCKET, history=1)
        for home in self.homes:
            for guest, token in ((False, home.owner_token), (True, home.guest_token)):
                key = access_key(home.id, token_digest(token))
                await kv.put(key, json.dumps(home.access(guest)).encode())

    # --- out: state changes -----------------------------------------------------------------
    async def announce(self) -> None:
        """Publish every current value once (a hub that just linked up reports its state)."""
        for home in self.homes:
            for device in home.devices.values():
                for prop in KINDS[device.kind]:
                    value = device.values[prop.tail]
                    await self.wait_for_slot()
                    self.publish(home, home.state_body(device.id, prop, value, None))
        await self.drain()

    def publish(self, home: SimHome, body: dict[str, Any]) -> asyncio.Task[None]:
        """Publish one state message of ``home`` (acked in the background, in-flight bounded)."""
        task = asyncio.create_task(self._publish(home, body))
        self._flying.add(task)
        task.add_done_callback(self._flying.discard)
        return task

    async def _publish(self, home: SimHome, body: dict[str, Any]) -> None:
        headers = {MSG_ID: message_id(home.epoch, home.next_seq())}
        data = json.dumps(body).encode()
        async with self._slots:
            for _ in range(5):
                try:
                    await self.js.publish(subject(home.id, "state"), data, headers=headers)
                except (TimeoutError, nats.errors.Error) as exc:
                    _LOGGER.debug("fleet sim: publish retried: %s", exc)
                    await asyncio.sleep(0.2)
                    continue
                self.published += 1
                if self.on_ack is not None:
                    self.on_ack(1)
                return

    async def wait_for_slot(self) -> None:
        """Wait until fewer than ``IN_FLIGHT`` publishes await their ack (back-pressure)."""
        await self._slots.acquire()
        self._slots.release()

    async def drain(self) -> None:
        """Wait for every publish in flight."""
        while self._flying:
            await asyncio.gather(*list(self._flying), return_exceptions=True)

    async def run(self, rate: float | None = None, seconds: float | None = None) -> None:
        """Publish changes at ``rate`` messages/s (default: the devices' own rate) for
        ``seconds`` (default: until cancelled)."""
        per_second = self.natural_rate if rate is None else rate
        started = time.monotonic()
        sent = 0
        while seconds is None or time.monotonic() - started < seconds:
            due = int(per_second * (time.monotonic() - started)) - sent
            for _ in range(max(0, due)):
                home = self._rng.choice(self.homes)
                body = home.change(self._rng)
                if body is not None:
                    await self.wait_for_slot()
                    self.publish(home, body)
                sent += 1
            await asyncio.sleep(TICK)

    # --- in: commands -----------------------------------------------------------------------
    async def _on_command(self, msg: Msg) -> None:
        home = self.by_id.get(msg.subject.split(".")[1])
        if home is None or not msg.reply:
            return
        try:
            request = json.loads(msg.data)
        except ValueError:
            request = None

        async def run() -> dict[str, Any]:
            reply, change = home.command(request)
            self.commands += 1
            if change is not None:
                self.publish(home, change)
            return reply

        ident = request.get("id") if isinstance(request, dict) else None
        if isinstance(ident, str):  # as a hub does: an id already run is answered, not re-run
            token = request.get("token") if isinstance(request, dict) else None
            caller = token_digest(token) if isinstance(token, str) else ""
            what = fingerprint(request)
            try:
                reply = await self.recent.once(f"{home.id}:{caller}:{ident}", what, run)
            except ReusedId as exc:
                reply = {"ok": False, "kind": "BadRequest", "error": str(exc)}
        else:
            reply = await run()
        with suppress(nats.errors.Error):
            await msg.respond(json.dumps(reply).encode())
