"""The hub: owns the bus, registry, states, commands, storage and integrations for one loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from homeweave.core import device_edits
from homeweave.core.commands import Commands
from homeweave.core.energy_samples import seed_samples
from homeweave.core.events import (
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    EventBus,
    PropertyChanged,
    RegistryChanged,
    Unsubscribe,
)
from homeweave.core.integration import (
    CONNECTING,
    HubContext,
    Integration,
    Status,
    integration_class,
    integration_options,
)
from homeweave.core.logbook import keep_device_log
from homeweave.core.meter import EnergyMeter
from homeweave.core.paths import DATABASE_FILE, hub_files
from homeweave.core.progress import BACKFILL, BACKFILL_TITLE, Job, Jobs
from homeweave.core.registry import Device, Home, Registry, Room
from homeweave.core.seed import HubSeed
from homeweave.core.states import States
from homeweave.core.versions import Versions
from homeweave.errors import StorageError
from homeweave.model import DeviceSpec, load_spec
from homeweave.storage import (
    DeviceRecord,
    HomeRecord,
    RegistrySnapshot,
    RoomRecord,
    Storage,
    storage_for,
)

_LOGGER = logging.getLogger(__name__)
__all__ = ["DATABASE_FILE", "Hub"]


class Hub:
    """``async with Hub(seed, data_dir=...) as hub:`` runs one home (or several) in this loop."""

    def __init__(
        self,
        seed: HubSeed,
        *,
        data_dir: Path | None = None,
        storage: Storage | None = None,
        jobs: Jobs | None = None,
    ) -> None:
        self.seed = seed
        self.data_dir = data_dir
        self.bus = EventBus()
        self.jobs = jobs if jobs is not None else Jobs()
        """The hub's long jobs and their progress (published on the bus as ``PROGRESS``)."""
        self.jobs.bus = self.bus
        self.registry = Registry(self.bus)
        self.states = States(self.bus)
        self.context = HubContext(self.bus, self.registry, self.states, data_dir)
        self.integrations: dict[str, Integration] = {}
        if storage is None:
            storage = storage_for(
                seed.storage,
                None if data_dir is None else data_dir / DATABASE_FILE,
                flush_interval=seed.history.flush_interval,
                retention_days=seed.history.retention_days,
                max_size_mb=seed.history.max_size_mb,
                hub_files=() if data_dir is None else hub_files(data_dir),
            )
        self.storage = storage
        durable = storage.committed if storage is not None else None
        audit = storage.record_audit if storage is not None else None
        self.commands = Commands(
            self.registry, self.states, self.integrations, durable=durable, audit=audit
        )
        self.versions = Versions(storage, audit)
        self.versions.restorer("device", device_edits.restorer(self))
        self.meter: EnergyMeter | None = None
        if storage is not None:
            self.meter = EnergyMeter(
                self.registry, self.states, storage.record_energy, max_gap=seed.energy.max_gap
            )
        self.started_at = 0.0
        self.starting: set[str] = set()
        """Integrations whose ``setup`` has not finished yet (or not begun)."""
        self._start_tasks: dict[str, asyncio.Task[None]] = {}
        self._all_started = asyncio.Event()
        self._unsubscribes: list[Unsubscribe] = []
        self._saving: asyncio.Task[None] | None = None
        self._registry_dirty = False
        self._save_failed: Exception | None = None

    async def __aenter__(self) -> Hub:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self, *, wait: bool = True) -> None:
        """Open storage, build the registry, restore last states, start integrations.

        Integrations start in parallel, each on its own (one that fails or hangs does not hold
        up the others). With ``wait`` false this returns before they start: their devices are
        unavailable (``connecting``) until their integration reaches them, ``starting`` names
        the integrations, the owner launches them with `start_integrations` (``homeweave run``:
        once its API answers) and `wait_for_integrations` waits for them."""
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        self.jobs.bind()
        if self.storage is not None:
            await self._open_storage(self.storage)
        try:
            await self._load_registry()
            if self.storage is not None:
                await self._restore_states(self.storage)
                self._unsubscribes.append(self.bus.subscribe(PROPERTY_CHANGED, self._record))
                if self.meter is not None:
                    self._unsubscribes.extend(self.meter.start(self.bus))
                self._unsubscribes.extend(keep_device_log(self.bus, self.registry, self.storage))
                await seed_samples(
                    self.storage, self.registry, self.seed.energy.sample_days, time.time()
                )
                self._unsubscribes.append(
                    self.bus.subscribe(REGISTRY_CHANGED, self._registry_changed)
                )
            self._prepare_integrations()
            if wait:
                self.start_integrations()
                await self.wait_for_integrations()
        except BaseException:
            await self.stop()
            raise
        self.started_at = time.time()

    async def _open_storage(self, storage: Storage) -> None:
        """Open ``storage``; a first back-fill of the statistics is a job on the board."""
        backfill: list[Job] = []

        def report(done: int, total: int) -> None:  # in the storage's thread
            if not backfill:
                backfill.append(
                    self.jobs.start(BACKFILL, BACKFILL_TITLE, unit="points", total=total)
                )
            backfill[0].progress(done, total)

        try:
            await storage.open(report)
        except BaseException as exc:
            if backfill:
                backfill[0].fail(str(exc) or type(exc).__name__)
            raise
        if backfill:
            backfill[0].finish()

    async def stop(self) -> None:
        """Stop integrations (in reverse), flush history, close storage."""
        starting = list(self._start_tasks.values())
        for task in starting:
            task.cancel()
        await asyncio.gather(*starting, return_exceptions=True)
        self._start_tasks.clear()  # a task cancelled before it ran did not remove itself
        self.starting.clear()
        self._all_started.set()
        for name, integration in reversed(list(self.integrations.items())):
            try:
                await integration.teardown()
            except Exception:
                _LOGGER.exception("integration %s failed to stop cleanly", name)
        self.integrations.clear()
        if self._saving is not None:
            await self._saving
        if self.meter is not None:
            await self.meter.stop()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        if self.storage is not None:
            await self.storage.close()

    def _registry_changed(self, event: RegistryChanged) -> None:
        self._registry_dirty = True
        if self._saving is None or self._saving.done():
            self._saving = asyncio.create_task(self._save_registry(), name="save-registry")

    async def _save_registry(self) -> None:
        # A change that lands while a save is running is saved by the next round, not lost.
        while self._registry_dirty:
            self._registry_dirty = False
            await asyncio.sleep(0)  # let a burst of discoveries land in one save
            if self.storage is not None:
                try:
                    await self.storage.save_registry(self._snapshot())
                    self._save_failed = None
                except Exception as exc:
                    self._save_failed = exc
                    _LOGGER.exception("could not save the registry")

    async def registry_saved(self) -> None:
        """Wait until every registry change made so far is in storage (answer a person's
        change only once it would survive a crash)."""
        if self._saving is not None and not self._saving.done():
            await asyncio.shield(self._saving)
        if self._save_failed is not None:
            raise StorageError(f"the change is not saved: {self._save_failed}")

    def _record(self, event: PropertyChanged) -> None:
        assert self.storage is not None
        self.storage.record(event.device_id, event.siid, event.piid, event.value, event.at)

    async def _load_registry(self) -> None:
        if self.seed.homes or self.storage is None:
            self._registry_from_seed()
            if self.storage is not None:
                await self._keep_found_devices(self.storage)
                await self.storage.save_registry(self._snapshot())
            return
        snapshot = await self.storage.load_registry()
        specs: dict[str, DeviceSpec] = {}
        home_of = {r.id: r.home_id for r in snapshot.rooms}
        self.registry.replace_all(
            (
                Home(h.id, h.name, h.latitude, h.longitude, h.elevation, h.time_zone)
                for h in snapshot.homes
            ),
            (Room(r.id, r.home_id, r.name) for r in snapshot.rooms),
            (
                self._device_from_record(d, home_of.get(d.room_id, ""), specs)
                for d in snapshot.devices
            ),
        )

    async def _keep_found_devices(self, storage: Storage) -> None:
        """Keep the stored devices the config does not name (found by a hub or bridge, perhaps
        renamed or moved since) while their integration is still configured and their room
        still exists; the config decides everything else."""
        snapshot = await storage.load_registry()
        specs: dict[str, DeviceSpec] = {}
        registry = self.registry
        for record in snapshot.devices:
            if record.id in registry.devices or record.integration not in self.seed.integrations:
                continue
            room = registry.rooms.get(record.room_id)
            if room is not None:
                registry.add_device(self._device_from_record(record, room.home_id, specs))

    def _registry_from_seed(self) -> None:
        # Copies: the registry mutates its entries (availability), a seed may start many hubs.
        seed = self.seed
        self.registry.replace_all(
            (replace(h) for h in seed.homes),
            (replace(r) for r in seed.rooms),
            (replace(d, options=dict(d.options)) for d in seed.devices),
        )
        self.registry.configured = frozenset(d.id for d in seed.devices)

    @staticmethod
    def _device_from_record(
        record: DeviceRecord, home_id: str, specs: dict[str, DeviceSpec]
    ) -> Device:
        # Devices of one model share its spec: build it once (a spec takes ~0.2 ms to build and
        # holds its whole document; a hub with 1,000 stored devices has a handful of models).
        key = json.dumps(record.spec, sort_keys=True)
        spec = specs.get(key)
        if spec is None:
            specs[key] = spec = load_spec(record.spec, source=f"stored spec of {record.id}")
        return Device(
            id=record.id,
            name=record.name,
            room_id=record.room_id,
            home_id=home_id,
            integration=record.integration,
            spec=spec,
            model=record.model,
            options=dict(record.options),
        )

    def _snapshot(self) -> RegistrySnapshot:
        reg = self.registry
        return RegistrySnapshot(
            homes=[
                HomeRecord(h.id, h.name, h.latitude, h.longitude, h.elevation, h.time_zone)
                for h in reg.homes.values()
            ],
            rooms=[RoomRecord(r.id, r.home_id, r.name) for r in reg.rooms.values()],
            devices=[
                DeviceRecord(
                    d.id, d.name, d.room_id, d.integration, d.model, d.spec.document, d.options
                )
                for d in reg.devices.values()
            ],
        )

    async def _restore_states(self, storage: Storage) -> None:
        for rec in await storage.load_states():
            if rec.device_id in self.registry.devices:
                self.states.restore(rec.device_id, rec.siid, rec.piid, rec.value, rec.changed_at)

    def integration_status(self, name: str) -> Status:
        """How the running integration ``name`` stands; one still starting that has no state
        of its own is ``connecting``."""
        status = self.integrations[name].status()
        if name in self.starting and status.state == "running":
            return Status("connecting", "starting")
        return status

    async def wait_for_integrations(self) -> None:
        """Wait until every integration has finished starting (or failed to)."""
        await self._all_started.wait()

    def _prepare_integrations(self) -> None:
        """Name the integrations to start; their devices are ``connecting`` until reached."""
        devices = self.registry.devices.values()
        self.starting = {*self.seed.integrations, *(d.integration for d in devices)}
        for name in self.starting:
            for device in self.registry.devices_of(name):
                self.registry.set_available(device.id, False, CONNECTING)
        self._check_started()

    def start_integrations(self) -> None:
        """Launch the start-up of every integration not launched yet, each in its own task."""
        for name in sorted(self.starting - self._start_tasks.keys()):
            self._start_tasks[name] = asyncio.create_task(
                self._start_integration(name), name=f"start-{name}"
            )
        self._check_started()

    def _check_started(self) -> None:
        if not self.starting:
            self._all_started.set()

    async def _start_integration(self, name: str) -> None:
        try:
            # Finding an integration imports its module (aiohue, aiomqtt ...: 0.1 s and more):
            # in a thread, so the API answers meanwhile.
            found = await asyncio.to_thread(integration_class, name)
            options = self.seed.integrations.get(name) or integration_options(name)()
            integration = found(self.context, options)
        except Exception as exc:
            self._failed(name, exc)
            self._started_one(name)
            return
        self.integrations[name] = integration
        try:
            await integration.setup()
        except Exception as exc:
            del self.integrations[name]
            try:
                await integration.teardown()
            except Exception:
                _LOGGER.exception("integration %s failed to stop cleanly", name)
            self._failed(name, exc)
        else:
            if not integration.reports_availability:
                for device in self.registry.devices_of(name):
                    if not device.available and device.unavailable_reason == CONNECTING:
                        self.registry.set_available(device.id, True)
        finally:
            self._started_one(name)

    def _started_one(self, name: str) -> None:
        self.starting.discard(name)
        self._start_tasks.pop(name, None)
        self._check_started()

    def _failed(self, name: str, exc: Exception) -> None:
        _LOGGER.error("integration %s failed to start", name, exc_info=exc)
        for device in self.registry.devices_of(name):
            self.registry.set_available(device.id, False, f"integration failed: {exc}")
