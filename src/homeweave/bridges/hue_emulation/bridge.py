"""The Hue emulation bridge: an SSDP responder and the Hue v1 API on aiohttp, serving the
hub's exposed devices as lights to an Amazon Echo on the LAN (no cloud, no skill)."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from aiohttp import web

from homeweave.bridges.base import Bridge
from homeweave.bridges.hue_emulation.description import description_xml
from homeweave.bridges.hue_emulation.ids import ID_FILE, IdMap
from homeweave.bridges.hue_emulation.lights import HubLights
from homeweave.bridges.hue_emulation.options import HueEmulationOptions
from homeweave.bridges.hue_emulation.server import hue_app
from homeweave.bridges.hue_emulation.ssdp import Identity, SsdpResponder
from homeweave.bridges.hue_emulation.v1 import BridgeInfo

if TYPE_CHECKING:
    from homeweave.core.hub import Hub

_LOGGER = logging.getLogger(__name__)
NAME = "homeweave"


def lan_address() -> str:
    """The address of the interface the default route leaves by (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only
            address: str = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    return address


class HueEmulationBridge(Bridge[HueEmulationOptions]):
    """An emulated Philips Hue bridge (v1 API) for the hub's devices."""

    name = "hue_emulation"

    def __init__(self, hub: Hub, options: HueEmulationOptions) -> None:
        super().__init__(hub, options)
        self.ids = IdMap(hub.data_dir / ID_FILE if hub.data_dir is not None else None)
        self.lights = HubLights(hub.registry, hub.states, hub.commands, self.ids, options.expose)
        self.ip = str(options.advertise_ip) if options.advertise_ip else lan_address()
        self.port = options.port
        self.ssdp: SsdpResponder | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen for HTTP and SSDP; number the exposed devices (kept in the data dir)."""
        await self.ids.load()
        self.lights.exposed()  # hand out numbers now, in registry order
        await self.ids.save()
        options = self.options
        sock = _listen(options.host, options.port)  # bound first: port 0 gives the real port
        self.port = sock.getsockname()[1]
        announced = options.advertise_port or self.port
        base = f"http://{self.ip}:{announced}/"
        info = BridgeInfo(NAME, self.ids.mac, self.ids.bridge_id, self.ip, announced)
        identity = Identity(f"{base}description.xml", self.ids.bridge_id, self.ids.mac)
        serial = self.ids.mac.replace(":", "")
        description = description_xml(base, f"{NAME} ({self.ip})", serial, identity.uuid)
        self._runner = web.AppRunner(hue_app(self.lights, info, description), access_log=None)
        await self._runner.setup()
        try:
            await web.SockSite(self._runner, sock).start()
            self.ssdp = await SsdpResponder.start(identity, options.ssdp_port, self.ip)
            _LOGGER.info(
                "Hue emulation: bridge %s at %s, SSDP on UDP %d, %d lights",
                self.ids.bridge_id, base, self.ssdp.port, len(self.lights.exposed()),
            )  # fmt: skip
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop answering and keep the id map."""
        if self.ssdp is not None:
            self.ssdp.close()
            self.ssdp = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.ids.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; a clear error for a privileged port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except PermissionError:
        sock.close()
        raise PermissionError(
            f"hue_emulation cannot listen on port {port}: ports below 1024 need root or "
            "CAP_NET_BIND_SERVICE (see the README's Echo section)"
        ) from None
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


BRIDGE = HueEmulationBridge
