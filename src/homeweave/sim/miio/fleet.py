"""Many simulated miIO devices at once, each on its own loopback address.

Real clients (python-miio) only ever talk to port 54321, so by default every device gets its own
address, ``127.0.0.2``, ``127.0.0.3`` ...; an address whose port is taken (another simulator, a
demo) is skipped. Where extra loopback addresses do not exist (macOS without aliases) the fleet
falls back to distinct ports on ``127.0.0.1``.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import random
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

from homeweave.model import DeviceSpec, catalog_model, catalog_names, catalog_spec, urn_model
from homeweave.protocols.miio.protocol import DEFAULT_PORT
from homeweave.sim.miio.brains import Brain, MiotBrain
from homeweave.sim.miio.legacy import LEGACY_BRAINS
from homeweave.sim.miio.server import Faults, MiioSimulator

_LOGGER = logging.getLogger(__name__)
FIRST_HOST = "127.0.0.2"
FALLBACK_HOST = "127.0.0.1"
LEGACY_SPECS = {"yeelink.light.color1": "light", "roborock.vacuum.s5": "vacuum"}
"""The catalog spec each simulated legacy model stands for."""


def kinds() -> list[str]:
    """Everything a fleet can simulate: every catalog spec, then the legacy models."""
    return [*catalog_names(), *LEGACY_BRAINS]


def brain_for(
    kind: str, *, options: Mapping[str, Any] | None = None, seed: int | None = None
) -> Brain:
    """A brain for a catalog spec name or a legacy miIO model name."""
    legacy = LEGACY_BRAINS.get(kind)
    if legacy is not None:
        return legacy(options=options, seed=seed)
    return MiotBrain(catalog_spec(kind), options=options, seed=seed, model=catalog_model(kind))


def spec_model(spec: DeviceSpec, file_name: str) -> str:
    """The model a simulator of a spec file reports: the file's name when it is a model name
    (``xiaomi.airp.mb5.json``), else one made from the spec's URN."""
    stem = file_name.removesuffix(".json")
    parts = stem.split(".")
    return stem if len(parts) == 3 and all(parts) else urn_model(spec)


@dataclass(frozen=True, slots=True)
class SimInfo:
    """How to reach one simulated device, as ``homeweave sim miio`` prints it."""

    address: str
    port: int
    did: int
    model: str
    """What ``miIO.info`` reports (``xiaomi.airp.mb5``, ``homeweave.light.v1``)."""
    token: str
    spec: str
    """The catalog spec to configure it with (``model:`` in homeweave.yaml), or the path of
    the spec file it simulates (``spec:``)."""
    legacy: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a dict (for JSON output)."""
        return asdict(self)

    def device_options(self) -> dict[str, Any]:
        """The ``options`` of a homeweave.yaml device entry for this simulator."""
        options: dict[str, Any] = {"host": self.address, "port": self.port, "token": self.token}
        if self.legacy:
            options["legacy"] = self.model
        return options


def loopback_hosts(first: str = FIRST_HOST) -> Iterator[str]:
    """``first`` and the loopback addresses after it (skipping .0 and .255)."""
    number = int(ipaddress.IPv4Address(first))
    end = int(ipaddress.IPv4Address("127.255.255.254"))
    while number <= end:
        if number & 0xFF not in (0, 255):
            yield str(ipaddress.IPv4Address(number))
        number += 1


class Fleet:
    """``async with Fleet() as fleet: await fleet.add("light")`` — stopped together.

    ``port`` 54321 (default): one loopback address per device from ``first_host`` on. Any other
    ``port``: every device on ``first_host``, on ``port``, ``port + 1`` ... (0: any free port).
    """

    def __init__(
        self,
        *,
        first_host: str = FIRST_HOST,
        port: int = DEFAULT_PORT,
        faults: Faults | None = None,
        seed: int | None = None,
    ) -> None:
        self.sims: list[MiioSimulator] = []
        self.infos: list[SimInfo] = []
        self._faults = faults
        self._seed = seed
        self._port = port
        self._host = first_host
        self._hosts = loopback_hosts(first_host) if port == DEFAULT_PORT else None

    async def __aenter__(self) -> Fleet:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop every simulator."""
        for sim in self.sims:
            await sim.stop()
        self.sims.clear()

    async def add(
        self,
        kind: str,
        *,
        options: Mapping[str, Any] | None = None,
        token: bytes | None = None,
    ) -> MiioSimulator:
        """Start a simulator of ``kind`` (catalog spec or legacy model) on the next address."""
        brain = brain_for(kind, options=options, seed=self._next_seed())
        return await self._add(brain, LEGACY_SPECS.get(kind, kind), kind in LEGACY_BRAINS, token)

    async def add_spec(
        self,
        spec: DeviceSpec,
        source: str,
        *,
        model: str,
        options: Mapping[str, Any] | None = None,
        token: bytes | None = None,
    ) -> MiioSimulator:
        """Start a simulator of any spec (read from file ``source``) answering as ``model``."""
        brain = MiotBrain(spec, options=options, seed=self._next_seed(), model=model)
        return await self._add(brain, source, False, token)

    def _next_seed(self) -> int | None:
        return None if self._seed is None else self._seed * 100_003 + len(self.sims)

    async def _add(
        self, brain: Brain, spec: str, legacy: bool, token: bytes | None
    ) -> MiioSimulator:
        seed = self._next_seed()
        faults = Faults(**asdict(self._faults)) if self._faults else None
        if token is None:
            token = secrets.token_bytes(16) if seed is None else random.Random(seed).randbytes(16)

        def make(host: str, port: int) -> MiioSimulator:
            return MiioSimulator(brain, host=host, port=port, token=token, faults=faults, seed=seed)

        sim = await self._start(make)
        self.sims.append(sim)
        info = SimInfo(sim.host, sim.port, sim.did, brain.model, sim.token.hex, spec, legacy)
        self.infos.append(info)
        return sim

    async def _start(self, make: Callable[[str, int], MiioSimulator]) -> MiioSimulator:
        while self._hosts is not None:
            sim = make(next(self._hosts), DEFAULT_PORT)
            try:
                await sim.start()
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                if exc.errno != errno.EADDRNOTAVAIL:
                    raise
                _LOGGER.info("no loopback aliases here; simulators share %s", FALLBACK_HOST)
                self._hosts, self._host, self._port = None, FALLBACK_HOST, 0
                break
            return sim
        sim = make(self._host, self._port)
        await sim.start()
        if self._port:
            self._port += 1
        return sim
