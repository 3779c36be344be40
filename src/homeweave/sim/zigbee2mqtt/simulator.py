"""A Zigbee2MQTT simulator: a process on any MQTT broker that speaks Zigbee2MQTT's MQTT API.

It publishes the retained bridge topics (``bridge/state`` with a last will, ``bridge/info``,
``bridge/devices``, ``bridge/groups``) and per-device availability, answers ``<name>/set``,
``<name>/get`` and ``bridge/request/*`` (permit_join, health_check, device/rename,
device/remove), and reports readings over time. ``version`` picks the 1.x or 2.x payloads:

- availability and bridge state: bare ``online``/``offline`` (1.x legacy default) or JSON;
- actions: 1.x adds the legacy ``click`` and follows each action with ``"action": ""``;
- Aqara motion: 1.x has raw ``illuminance`` plus ``illuminance_lux``; 2.x only lux;
- ``bridge/info``: ``permit_join_timeout`` (1.x) or ``permit_join_end`` (2.x);
- ``permit_join`` requests: ``{"value": true, "time": 60}`` (1.x) or ``{"time": 60}`` (2.x);
  both are accepted.

Nothing here imports the hub: this is the outside world.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import random
import socket
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiomqtt

from homeweave.sim.zigbee2mqtt.behaviours import Rates, SimDevice, behaviour_of
from homeweave.sim.zigbee2mqtt.devices import (
    COORDINATOR_IEEE,
    DEFINITIONS,
    NETWORK,
    Placement,
)

_LOGGER = logging.getLogger(__name__)
CLOSE_TIMEOUT = 2.0

VERSIONS = {1: "1.42.0", 2: "2.1.3"}
COMMIT = "a1b2c3d"


def parse_broker(url: str) -> tuple[str, int]:
    """``mqtt://host:port`` -> (host, port)."""
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"broker URL must look like mqtt://HOST:PORT, got {url!r}")
    return parts.hostname, parts.port or 1883


class Z2MSimulator:
    """``async with Z2MSimulator("mqtt://127.0.0.1:1883", "zigbee2mqtt") as sim:``.

    ``tick`` > 0 moves time by itself every ``tick`` seconds; with 0, call ``step`` instead.
    """

    def __init__(
        self,
        broker: str,
        base_topic: str = "zigbee2mqtt",
        *,
        version: int = 2,
        network: Iterable[Placement] = NETWORK,
        tick: float = 0.0,
        seed: int | None = None,
        retain_state: bool = False,
        rates: Rates | None = None,
        reconnect_delay: float = 0.2,
    ) -> None:
        if version not in VERSIONS:
            raise ValueError(f"version must be 1 or 2, got {version!r}")
        self.host, self.port = parse_broker(broker)
        self.base = base_topic.strip("/")
        self.version = version
        self.tick = tick
        self.rng = random.Random(seed)
        self.retain_state = retain_state
        self.rates = rates or Rates()
        self.reconnect_delay = reconnect_delay
        self.devices: dict[str, SimDevice] = {}
        for place in network:
            definition = DEFINITIONS[place.model]
            self.devices[place.friendly_name] = SimDevice(
                place.ieee,
                place.friendly_name,
                place.network_address,
                definition,
                copy.deepcopy(definition.initial),
            )
        self.permit_join_until = 0.0
        self.commands: list[tuple[str, dict[str, Any]]] = []  # every /set applied, in order
        self.connects = 0
        self._retained: set[str] = set()
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # --- lifecycle -----------------------------------------------------------------------------
    async def __aenter__(self) -> Z2MSimulator:
        self._tasks.append(asyncio.create_task(self._run(), name=f"z2m-sim-{self.base}"))
        if self.tick > 0:
            self._tasks.append(
                asyncio.create_task(self._ticker(), name=f"z2m-sim-tick-{self.base}")
            )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Say offline (as Zigbee2MQTT does on a clean stop) and disconnect."""
        # Bounded: a broker that does not answer must not keep the simulator from stopping.
        if self._client is not None and self._connected.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await self._publish(
                        self._topic("bridge/state"), self._online(False), retain=True
                    )
        for task in self._tasks:
            task.cancel()
        _, stuck = (
            await asyncio.wait(self._tasks, timeout=CLOSE_TIMEOUT) if self._tasks else ((), ())
        )
        if stuck:
            _LOGGER.warning("z2m simulator: %d task(s) did not stop in time", len(stuck))
        self._tasks.clear()

    async def wait_connected(self) -> None:
        """Return once connected, subscribed and announced."""
        await self._connected.wait()

    @property
    def broker_url(self) -> str:
        """The broker's URL, ``mqtt://<host>:<port>``."""
        return f"mqtt://{self.host}:{self.port}"

    # --- what tests and the demo drive -----------------------------------------------------------
    async def press(self, name: str, action: str) -> None:
        """Press a button or remote: ``single``, ``double``, ``long`` (hold then release), or
        any of the device's action values."""
        device = self.devices[name]
        for value in ("hold", "release") if action == "long" else (action,):
            await self._report(device, {"action": value})
            if self.version < 2:  # legacy: click too, then the action is cleared
                await self._report(device, {"action": "", "click": ""})

    async def update(self, name: str, **values: Any) -> None:
        """Change readings of a device and report them (``contact=False`` opens a door)."""
        device = self.devices[name]
        device.state.update(values)
        await self._report(device)

    async def step(self, seconds: float) -> None:
        """Move simulated time on: sensors drift and report, blinds move."""
        for device in list(self.devices.values()):
            reported = behaviour_of(device).step(device, seconds, self.rng, self.rates)
            if reported:
                await self._report(device, reported if isinstance(reported, dict) else None)

    async def join(self, model: str, friendly_name: str, ieee: str) -> None:
        """A new device joins the network: announced on bridge/event, then bridge/devices."""
        definition = DEFINITIONS[model]
        address = 0x3000 + len(self.devices)
        device = SimDevice(
            ieee, friendly_name, address, definition, copy.deepcopy(definition.initial)
        )
        self.devices[friendly_name] = device
        event = {
            "type": "device_joined",
            "data": {"friendly_name": friendly_name, "ieee_address": ieee},
        }
        await self._publish(self._topic("bridge/event"), event)
        await self._publish(self._topic("bridge/devices"), self.bridge_devices(), retain=True)
        await self._publish(
            self._topic(f"{friendly_name}/availability"), self._online(True), retain=True
        )

    async def set_available(self, name: str, online: bool) -> None:
        """A device stops (or starts) answering; Zigbee2MQTT announces it."""
        device = self.devices[name]
        device.available = online
        await self._publish(self._topic(f"{name}/availability"), self._online(online), retain=True)

    async def set_bridge_online(self, online: bool) -> None:
        """Announce the bridge going offline or online (as its last will would)."""
        await self._publish(self._topic("bridge/state"), self._online(online), retain=True)

    async def clear_retained(self) -> None:
        """Remove every retained message this simulator published (tests share brokers)."""
        for topic in sorted(self._retained):
            await self._publish(topic, b"", retain=True)
        self._retained.clear()

    # --- MQTT --------------------------------------------------------------------------------
    async def _run(self) -> None:
        will = aiomqtt.Will(self._topic("bridge/state"), self._online(False), qos=1, retain=True)
        lost = False  # said once when the broker goes away, once when it is back
        while True:
            client = aiomqtt.Client(
                self.host,
                self.port,
                identifier=f"z2m-sim-{self.rng.getrandbits(32):08x}",
                will=will,
                keepalive=30,
                timeout=5,
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            )
            try:
                async with client:
                    self._client = client
                    for pattern in self._subscriptions():
                        await client.subscribe(pattern, qos=1)
                    await self._announce()
                    self.connects += 1
                    self._connected.set()
                    if lost:
                        _LOGGER.info("MQTT broker %s:%s reached again", self.host, self.port)
                        lost = False
                    async for message in client.messages:
                        await self._handle(message.topic.value, message.payload)
            except aiomqtt.MqttError as exc:
                if not lost:
                    _LOGGER.warning(
                        "z2m simulator: cannot reach the MQTT broker %s:%s (%s); retrying",
                        self.host,
                        self.port,
                        exc,
                    )
                lost = True
            finally:
                self._connected.clear()
                self._client = None
            await asyncio.sleep(self.reconnect_delay)

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            await self.step(self.tick)

    def _subscriptions(self) -> list[str]:
        """What the bridge listens to: requests, and set/get for names of up to three levels.
        (Not ``<base>/#``: hearing its own state reports back would leave unacknowledged data
        on the broker's socket, and Nagle would then hold the next command for a delayed ACK.)"""
        patterns = [f"{self.base}/bridge/request/#"]
        for depth in (1, 2, 3):
            name = "/".join("+" * depth)
            patterns += [f"{self.base}/{name}/set", f"{self.base}/{name}/get"]
            patterns.append(f"{self.base}/{name}/set/+")
        return patterns

    def _topic(self, rest: str) -> str:
        return f"{self.base}/{rest}"

    def _online(self, online: bool) -> bytes:
        state = "online" if online else "offline"
        if self.version < 2:
            return state.encode()
        return json.dumps({"state": state}).encode()

    async def _publish(
        self, topic: str, payload: Any, *, retain: bool = False, qos: int = 0
    ) -> None:
        client = self._client
        if client is None:
            _LOGGER.debug("z2m simulator: not connected, dropped %s", topic)
            return
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if retain:
            self._retained.add(topic)
        try:
            await client.publish(topic, data, qos=1 if retain else qos, retain=retain)
        except aiomqtt.MqttError as exc:
            _LOGGER.debug("z2m simulator: publish %s failed: %s", topic, exc)

    async def _announce(self) -> None:
        """What Zigbee2MQTT publishes when it (re)connects."""
        await self._publish(self._topic("bridge/state"), self._online(True), retain=True)
        await self._publish(self._topic("bridge/info"), self.bridge_info(), retain=True)
        await self._publish(self._topic("bridge/devices"), self.bridge_devices(), retain=True)
        await self._publish(self._topic("bridge/groups"), [], retain=True)
        for device in self.devices.values():
            await self._publish(
                self._topic(f"{device.friendly_name}/availability"),
                self._online(device.available),
                retain=True,
            )
            if self.retain_state:
                await self._report(device)

    async def _report(self, device: SimDevice, extra: dict[str, Any] | None = None) -> None:
        payload = {**self.state_payload(device), **(extra or {})}
        if self.version < 2 and "action" in payload and payload["action"]:
            payload["click"] = payload["action"]
        await self._publish(
            self._topic(device.friendly_name),
            payload,
            retain=self.retain_state and not extra,
        )

    def state_payload(self, device: SimDevice) -> dict[str, Any]:
        """The device's full state as Zigbee2MQTT publishes it."""
        payload = dict(device.state)
        if self.version < 2 and device.definition.behaviour == "motion":
            payload["illuminance_lux"] = payload.get("illuminance", 0)
        payload["linkquality"] = 60 + device.network_address % 150
        return payload

    # --- requests in -------------------------------------------------------------------------
    async def _handle(self, topic: str, raw: Any) -> None:
        rest = topic[len(self.base) + 1 :] if topic.startswith(self.base + "/") else ""
        if rest.startswith("bridge/request/"):
            await self._request(rest.removeprefix("bridge/request/"), raw)
            return
        name, verb, attribute = _split(rest)
        if verb not in ("set", "get"):
            return
        device = self.devices.get(name)
        if device is None:
            await self._log("error", f"Entity '{name}' is unknown")
            return
        if attribute:  # <name>/set/<attribute> with a raw value
            await self._set(device, {attribute: _raw_value(raw)})
            return
        payload = _message(raw)
        if payload is None:
            await self._log("error", f"Invalid message '{_text(raw)}', skipping...")
            return
        if verb == "set":
            await self._set(device, payload)
        else:
            await self._report(device)

    async def _set(self, device: SimDevice, payload: dict[str, Any]) -> None:
        if not device.available:
            await self._log("error", f"Publish 'set' to '{device.friendly_name}' failed: timeout")
            return
        self.commands.append((device.friendly_name, payload))
        outcome = behaviour_of(device).on_set(device, payload)
        for key, error in outcome.errors:
            # Zigbee2MQTT's own wording: "Publish 'set' '<key>' to '<name>' failed: '<error>'".
            await self._log(
                "error", f"Publish 'set' '{key}' to '{device.friendly_name}' failed: '{error}'"
            )
        if outcome.report:
            await self._report(device)

    async def _log(self, level: str, message: str) -> None:
        await self._publish(self._topic("bridge/logging"), {"level": level, "message": message})

    async def _request(self, command: str, raw: Any) -> None:
        request = _json_object(raw) or {}
        transaction = request.pop("transaction", None)
        try:
            data = await self._answer(command, request)
            response: dict[str, Any] = {"data": data, "status": "ok"}
        except _RequestFailed as exc:
            response = {"data": {}, "status": "error", "error": str(exc)}
        if transaction is not None:
            response["transaction"] = transaction
        await self._publish(self._topic(f"bridge/response/{command}"), response)

    async def _answer(self, command: str, request: dict[str, Any]) -> dict[str, Any]:
        if command == "health_check":
            return {"healthy": True}
        if command == "permit_join":
            return await self._permit_join(request)
        if command == "device/rename":
            return await self._rename(request)
        if command == "device/remove":
            return await self._remove(request)
        raise _RequestFailed(f"Request '{command}' is not supported")

    async def _permit_join(self, request: dict[str, Any]) -> dict[str, Any]:
        seconds = request.get("time", 254 if request.get("value", True) else 0)
        if request.get("value") is False:
            seconds = 0
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= 254:
            raise _RequestFailed(f"Invalid time {seconds!r}, expected 0..254")
        self.permit_join_until = time.time() + seconds if seconds else 0.0
        await self._publish(self._topic("bridge/info"), self.bridge_info(), retain=True)
        if self.version < 2:
            return {"value": seconds > 0, "time": seconds}
        return {"time": seconds}

    async def _rename(self, request: dict[str, Any]) -> dict[str, Any]:
        old, new = request.get("from"), request.get("to")
        device = self._find(old)
        if not isinstance(new, str) or not new or new in self.devices:
            raise _RequestFailed(f"Invalid new name {new!r}")
        await self._publish(self._topic(f"{device.friendly_name}/availability"), b"", retain=True)
        self._retained.discard(self._topic(f"{device.friendly_name}/availability"))
        del self.devices[device.friendly_name]
        device.friendly_name = new
        self.devices[new] = device
        await self._publish(self._topic("bridge/devices"), self.bridge_devices(), retain=True)
        await self._publish(
            self._topic(f"{new}/availability"), self._online(device.available), retain=True
        )
        return {"from": old, "to": new, "homeassistant_rename": False}

    async def _remove(self, request: dict[str, Any]) -> dict[str, Any]:
        device = self._find(request.get("id"))
        del self.devices[device.friendly_name]
        await self._publish(self._topic("bridge/devices"), self.bridge_devices(), retain=True)
        return {"id": request.get("id"), "block": False, "force": bool(request.get("force"))}

    def _find(self, ref: object) -> SimDevice:
        for device in self.devices.values():
            if ref in (device.friendly_name, device.ieee):
                return device
        raise _RequestFailed(f"Device '{ref}' does not exist")

    # --- retained documents ------------------------------------------------------------------
    def bridge_info(self) -> dict[str, Any]:
        """Return the ``bridge/info`` payload as the simulated Zigbee2MQTT version shapes it."""
        joining = self.permit_join_until > time.time()
        info: dict[str, Any] = {
            "version": VERSIONS[self.version],
            "commit": COMMIT,
            "coordinator": {
                "ieee_address": COORDINATOR_IEEE,
                "type": "zStack3x0",
                "meta": {"revision": 20230507, "transportrev": 2},
            },
            "network": {"channel": 11, "pan_id": 6754, "extended_pan_id": "0xdddddddddddddddd"},
            "log_level": "info",
            "permit_join": joining,
            "restart_required": False,
            "config": {"mqtt": {"base_topic": self.base}, "advanced": {}},
        }
        if self.version < 2:
            info["permit_join_timeout"] = max(0, round(self.permit_join_until - time.time()))
            info["config"]["advanced"]["legacy_availability_payload"] = True
        elif joining:
            info["permit_join_end"] = int(self.permit_join_until * 1000)
        return info

    def bridge_devices(self) -> list[dict[str, Any]]:
        """Return the ``bridge/devices`` payload: the coordinator, then every device."""
        coordinator = {
            "ieee_address": COORDINATOR_IEEE,
            "type": "Coordinator",
            "network_address": 0,
            "supported": True,
            "disabled": False,
            "friendly_name": "Coordinator",
            "definition": None,
            "power_source": None,
            "interviewing": False,
            "interview_completed": True,
            "endpoints": {},
        }
        return [coordinator, *(self._device_entry(d) for d in self.devices.values())]

    def _device_entry(self, device: SimDevice) -> dict[str, Any]:
        definition = device.definition
        entry: dict[str, Any] = {
            "ieee_address": device.ieee,
            "type": definition.device_type,
            "network_address": device.network_address,
            "supported": True,
            "disabled": False,
            "friendly_name": device.friendly_name,
            "description": "",
            "manufacturer": definition.manufacturer,
            "model_id": definition.model_id,
            "power_source": definition.power_source,
            "software_build_id": definition.software_build_id or None,
            "date_code": definition.date_code or None,
            "interviewing": False,
            "interview_completed": True,
            "endpoints": {"1": {"bindings": [], "configured_reportings": [], "clusters": {}}},
            "definition": {
                "model": definition.model,
                "vendor": definition.vendor,
                "description": definition.description,
                "exposes": definition.exposes(self.version),
                "options": definition.options,
                "supports_ota": definition.vendor == "IKEA",
            },
        }
        if self.version >= 2:
            entry["definition"]["source"] = "native"
            entry["interview_state"] = "SUCCESSFUL"
        return entry


class _RequestFailed(Exception):
    """A bridge request answered with ``status: error``."""


STATE_VALUES = ("on", "off", "toggle", "open", "close", "stop", "lock", "unlock")
"""Plain payloads Zigbee2MQTT takes on ``<name>/set`` as ``{"state": <payload>}``."""


def _split(rest: str) -> tuple[str, str, str]:
    """``<name>/set``, ``<name>/get`` or ``<name>/set/<attribute>`` -> (name, verb, attribute);
    names may contain ``/``, so the verb is found from the right."""
    name, _, attribute = rest.rpartition("/set/")
    if name and "/" not in attribute:
        return name, "set", attribute
    name, _, verb = rest.rpartition("/")
    return name, verb, ""


def _text(raw: Any) -> str:
    """A payload as the text it carries (never a ``b'...'`` repr)."""
    return raw.decode(errors="replace") if isinstance(raw, bytes | bytearray) else str(raw)


def _json_object(raw: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(raw) if isinstance(raw, bytes | str) else None
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _message(raw: Any) -> dict[str, Any] | None:
    """A ``/set`` or ``/get`` payload as Zigbee2MQTT reads it: a JSON object, or a plain state
    word (``ON``, ``off``, ``TOGGLE`` ...) meaning ``{"state": word}``; None otherwise."""
    payload = _json_object(raw)
    if payload is not None:
        return payload
    text = _text(raw).strip()
    return {"state": text} if text.lower() in STATE_VALUES else None


def _raw_value(raw: Any) -> Any:
    text = _text(raw)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text
