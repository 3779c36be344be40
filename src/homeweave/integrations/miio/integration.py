"""The ``miio`` integration: Xiaomi Wi-Fi devices over the local miIO/MIoT protocol.

Configuration (``homeweave.yaml``)::

    integrations:
      miio: {poll_interval: 10, unavailable_after: 30}
    devices:
      - {id: lamp, name: Lamp, room: hall, integration: miio, model: light,
         options: {host: 192.168.1.20, token: 0123456789abcdef0123456789abcdef}}
      - {id: vac, name: Vacuum, room: hall, integration: miio, model: vacuum,
         options: {host: 192.168.1.21, token: ..., legacy: roborock.vacuum.s5}}

Device options: ``host``, ``port`` (54321), ``token`` (32 hex digits), ``max_properties``
(properties per get_properties request, 15), ``legacy`` (a pre-MIoT model from ``legacy.py``;
otherwise the device speaks MIoT as described by its ``model`` or ``spec``), ``restore_on_start``
(false; true writes the last known values of writable properties back when the hub starts, for
devices that forget their settings without power — the demo's simulators).
Integration options (seconds): ``poll_interval`` (10), ``unavailable_after`` (30, or three poll
intervals if that is longer; at least twice the poll interval), ``startup_wait`` (2),
``timeout`` (1: the first attempt's wait, before a round trip was measured), ``min_timeout``
(0.25), ``max_timeout`` (3), ``deadline`` (5: budget of one request with its retries; a command
never waits longer), ``discover`` (addresses or ranges, e.g. ``192.168.1.20-60``, to say hello
to at start; devices found there that are not configured are logged with their did, and their
token if they reveal it).

Polling: every device is polled once at start (the hub waits up to ``startup_wait``, 2 s, for
these first answers, so it starts with known states), then every ``poll_interval`` (from a
random phase, minus up to 10 % jitter, so many devices spread out); a failed poll is retried
1, 2, 4 ... s after the previous one began, never later than ``poll_interval``.

Availability: a device is marked unavailable when it has not answered anything (poll or command)
for ``unavailable_after`` seconds — 30 s by default — counted from its last answer; a device that
has not answered since the hub started is marked unavailable as soon as its first poll fails. It
is available again at its first answer, so within one ``poll_interval`` of coming back. A device
that answers the hello but not encrypted requests gets the reason "wrong token?" and one error in
the log; otherwise the reason is "not responding". State changes only when the device confirms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from homeweave.core.integration import CONNECTING, HubContext, Integration, PropertyWrite
from homeweave.core.registry import Device
from homeweave.errors import ConfigError, DeviceUnavailable, HomeweaveError, IntegrationError
from homeweave.integrations.miio.mapping import Adapter, LegacyAdapter, MiotAdapter
from homeweave.integrations.miio.options import Settings, device_settings
from homeweave.model import Value
from homeweave.protocols.miio import discovery
from homeweave.protocols.miio.client import HelloReply, MiioClient, MiioDevice
from homeweave.protocols.miio.errors import ChecksumMismatch, MiioError, MiioTimeout
from homeweave.protocols.miio.miot import describe
from homeweave.transport.backoff import Backoff

_LOGGER = logging.getLogger(__name__)

NOT_RESPONDING = "not responding"
WRONG_TOKEN = "wrong token?"
FIRST_RETRY = 1.0
JITTER = 0.1


@dataclass(eq=False)
class Link:
    """The integration's hold on one device: its wire handle, adapter, poller and watchdog."""

    device_id: str
    device: MiioDevice
    adapter: Adapter
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    watchdog: asyncio.TimerHandle | None = None
    last_answer: float | None = None
    reason: str = NOT_RESPONDING
    told_token: bool = False
    restore: list[tuple[int, int, Value]] = field(default_factory=list)
    """Last known values to write back before the first poll (``restore_on_start``)."""
    polled: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    """Done after the first poll, answered or not."""

    @property
    def label(self) -> str:
        """The link as named in logs and errors: device id and address."""
        return f"miio device {self.device_id!r} at {self.device.label}"


class MiioIntegration(Integration[Settings]):
    """Polls miIO devices, sends them commands and keeps their availability honest."""

    name = "miio"
    reports_availability = True

    def __init__(self, hub: HubContext, options: Settings) -> None:
        super().__init__(hub, options)
        self.settings = options
        self.client = MiioClient()
        self.links: dict[str, Link] = {}
        self.broken: dict[str, str] = {}
        """Devices whose configuration is wrong, with the reason."""
        self.discovered: list[HelloReply] = []
        self.discovery: asyncio.Task[None] | None = None
        """The start-up discovery, when the ``discover`` option asks for one."""

    async def setup(self) -> None:
        """Open the socket, start polling each device (briefly awaiting first answers), discover."""
        await self.client.open()
        links = [self.add(device) for device in self.devices]
        first_polls = [link.polled for link in links if link is not None]
        if first_polls:  # start with known states where devices answer quickly
            await asyncio.wait(first_polls, timeout=self.settings.startup_wait)
        if self.settings.discover:
            self.discovery = asyncio.create_task(self._discover(), name="miio-discover")

    async def teardown(self) -> None:
        """Cancel polling, watchdogs and discovery, and close the socket."""
        tasks = [link.task for link in self.links.values() if link.task is not None]
        if self.discovery is not None:
            tasks.append(self.discovery)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for link in self.links.values():
            if link.watchdog is not None:
                link.watchdog.cancel()
        self.links.clear()
        self.client.close()

    def add(self, device: Device) -> Link | None:
        """Start polling a registry device; a configuration mistake leaves it unavailable."""
        try:
            options = device_settings(device.options, device.spec.name)
            self._check_address(options.host, options.port)
        except ConfigError as exc:
            reason = f"configuration: {exc.reason}"
            _LOGGER.error("miio device %r: %s", device.id, exc.reason)
            self.broken[device.id] = reason
            self.hub.registry.set_available(device.id, False, reason)
            return None
        wire = self.client.device(
            options.host, options.token, port=options.port, timing=self.settings.timing
        )
        label = f"miio device {device.id!r}"
        adapter: Adapter = (
            LegacyAdapter(options.legacy, device.spec, label=label)
            if options.legacy is not None
            else MiotAdapter(device.spec, chunk=options.max_properties, label=label)
        )
        link = Link(device.id, wire, adapter)
        if adapter.spec is not device.spec:  # a legacy model offers only what its table serves
            device = replace(device, spec=adapter.spec)
            self.hub.registry.register(device)
        if options.restore_on_start:
            link.restore = self._last_known(device)
        link.task = asyncio.create_task(self._poll_loop(link), name=f"miio-poll-{device.id}")
        self.links[device.id] = link
        return link

    def _check_address(self, host: str, port: int) -> None:
        for other in self.links.values():
            if (other.device.host, other.device.port) == (host, port):
                raise ConfigError(f"{host}:{port} is already device {other.device_id!r}")

    def _last_known(self, device: Device) -> list[tuple[int, int, Value]]:
        known = self.hub.states.of_device(device.id)
        return [
            (service.iid, prop.iid, known[(service.iid, prop.iid)].value)
            for service, prop in device.spec.all_properties()
            if prop.writable and prop.readable and (service.iid, prop.iid) in known
        ]

    async def _restore(self, link: Link) -> None:
        """Write last known values back to a device that forgets them when powered off."""
        try:
            outcomes = await link.adapter.write(link.device, link.restore)
        except MiioError as exc:
            _LOGGER.info("%s: could not restore its last known state: %s", link.label, exc)
            return
        refused = [(o.siid, o.piid) for o in outcomes if not o.ok]
        if refused:
            _LOGGER.debug("%s refused to restore %s", link.label, refused)

    # --- commands ---------------------------------------------------------------------------
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """Write properties; update the states the device took, raise naming those it refused."""
        link = self._link(device)
        triples = [(w.siid, w.piid, w.value) for w in writes]
        try:
            outcomes = await link.adapter.write(link.device, triples)
        except MiioError as exc:
            raise self._command_error(link, exc) from exc
        self._answered(link)
        refused = []
        for write, outcome in zip(writes, outcomes, strict=True):
            if outcome.ok:
                self.hub.states.update(device.id, write.siid, write.piid, write.value)
            else:
                refused.append(
                    f"{write.siid}.{write.piid}={write.value!r}: {describe(outcome.code)} "
                    f"({outcome.code})"
                )
        if refused:
            raise IntegrationError(device.id, "refused " + "; ".join(refused))

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Run an action on the device, return its outputs, and read the state back right away."""
        link = self._link(device)
        try:
            outs = await link.adapter.act(link.device, siid, aiid, args)
        except MiioError as exc:
            raise self._command_error(link, exc) from exc
        self._answered(link)
        link.wake.set()  # an action changes state we cannot predict: read it back now
        return outs

    def recheck(self, device: Device) -> None:
        """A command found the device unavailable: poll it now rather than at its next retry,
        so a device that is back is found within one round trip."""
        link = self.links.get(device.id)
        if link is not None:
            link.wake.set()

    def _link(self, device: Device) -> Link:
        link = self.links.get(device.id)
        if link is None:
            raise DeviceUnavailable(device.id, self.broken.get(device.id, "not set up"))
        return link

    def _command_error(self, link: Link, exc: MiioError) -> HomeweaveError:
        if isinstance(exc, MiioTimeout):
            reason = _reason(exc, link.reason)
            return DeviceUnavailable(link.device_id, f"{reason} ({exc})")
        if isinstance(exc, ChecksumMismatch):
            return DeviceUnavailable(link.device_id, f"{WRONG_TOKEN} (reply checksum mismatch)")
        self._answered(link)  # it answered, with an error
        return IntegrationError(link.device_id, str(exc))

    # --- polling and availability --------------------------------------------------------------
    async def refresh(self, device_id: str) -> bool:
        """Poll one device now, outside its schedule; True if it answered."""
        link = self.links.get(device_id)
        if link is None:
            raise DeviceUnavailable(device_id, self.broken.get(device_id, "not a miio device"))
        return await self._poll(link)

    async def _poll_loop(self, link: Link) -> None:
        loop = asyncio.get_running_loop()
        interval = self.settings.poll_interval
        if link.restore:
            await self._restore(link)
        answered = await self._poll(link)
        link.polled.set_result(None)
        # A device that stops answering is asked again sooner, backing off up to the interval.
        backoff = Backoff(initial=min(FIRST_RETRY, interval), maximum=interval)
        retries = backoff.delays()
        # A random phase after the first poll spreads many devices evenly over the interval.
        period = interval * random.random() if answered else next(retries)
        started = loop.time()
        while True:
            link.wake.clear()
            # Start to start, so a device that comes back is found within one period.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, started + min(period, interval) - loop.time())):
                    await link.wake.wait()
            started = loop.time()
            if await self._poll(link):
                period, retries = interval * random.uniform(1 - JITTER, 1), backoff.delays()
            else:
                period = next(retries)

    async def _poll(self, link: Link) -> bool:
        try:
            poll = await link.adapter.poll(link.device, deadline=self.settings.timing.deadline)
        except MiioTimeout as exc:
            self._failed(link, _reason(exc, link.reason), exc)
            return False
        except ChecksumMismatch as exc:
            self._failed(link, WRONG_TOKEN, exc)
            return False
        except MiioError as exc:  # it answered, but not as we hoped: alive, and say so
            _LOGGER.warning("%s: poll failed: %s", link.label, exc)
            self._answered(link)
            return True
        except Exception:  # a bug here must not end the polling
            _LOGGER.exception("%s: poll failed", link.label)
            return False
        self._answered(link)
        update = self.hub.states.update
        for (siid, piid), value in poll.values.items():
            update(link.device_id, siid, piid, value)
        if poll.refused:
            _LOGGER.debug("%s refused to read %s", link.label, poll.refused)
        return True

    def _answered(self, link: Link) -> None:
        loop = asyncio.get_running_loop()
        link.last_answer = loop.time()
        link.reason = NOT_RESPONDING
        link.told_token = False
        if link.watchdog is not None:
            link.watchdog.cancel()
        link.watchdog = loop.call_later(self.settings.unavailable_after, self._expired, link)
        device = self.hub.registry.devices.get(link.device_id)
        if device is not None and not device.available:
            _LOGGER.info("%s answers again", link.label)
            self.hub.registry.set_available(link.device_id, True)

    def _failed(self, link: Link, reason: str, exc: MiioError) -> None:
        _LOGGER.debug("%s: poll failed: %s", link.label, exc)
        link.reason = reason
        device = self.hub.registry.devices.get(link.device_id)
        if device is None:
            return
        if link.last_answer is None or not device.available:
            self._unavailable(link)  # never answered in this run, or already down: say why now

    def _expired(self, link: Link) -> None:
        link.watchdog = None
        self._unavailable(link)

    def _unavailable(self, link: Link) -> None:
        device = self.hub.registry.devices.get(link.device_id)
        if device is None or (not device.available and device.unavailable_reason == link.reason):
            return
        if link.reason == WRONG_TOKEN and not link.told_token:
            link.told_token = True  # once per outage, even if the reason wavers
            _LOGGER.error(
                "%s answers hello but not requests: wrong token? Check options.token "
                "(32 hex digits, from the Mi Home cloud or the device's pairing)",
                link.label,
            )
        elif device.available or device.unavailable_reason == CONNECTING:
            silent = self.settings.unavailable_after if link.last_answer is not None else 0
            _LOGGER.warning(
                "%s is unavailable: no answer%s",
                link.label,
                f" for {silent:g} s" if silent else " since start",
            )
        self.hub.registry.set_available(link.device_id, False, link.reason)

    # --- discovery ----------------------------------------------------------------------------
    async def _discover(self) -> None:
        hosts: list[str] = []
        for target in self.settings.discover:
            try:
                hosts.extend(discovery.expand(target))
            except ValueError as exc:
                _LOGGER.error("miio option 'discover': %s", exc)
        try:
            found = await discovery.discover(hosts, wait=self.settings.discover_wait)
        except OSError as exc:
            _LOGGER.error("miio discovery failed: %s", exc)
            return
        known = {(link.device.host, link.device.port) for link in self.links.values()}
        self.discovered = found
        for reply in found:
            if (reply.host, reply.port) in known:
                continue
            token = f"token {reply.token}" if reply.token else "token hidden (get it from the app)"
            _LOGGER.info(
                "found an unconfigured miIO device at %s:%s, did %d, %s",
                reply.host,
                reply.port,
                reply.did,
                token,
            )


def _reason(exc: MiioTimeout, known: str) -> str:
    """Why a device did not answer: a hello answered means the token; none means it is gone."""
    if exc.hello_answered is None:
        return known
    return WRONG_TOKEN if exc.hello_answered else NOT_RESPONDING


INTEGRATION = MiioIntegration
