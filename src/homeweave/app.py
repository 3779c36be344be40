"""The composition root: config → seed → hub + integrations + bridges + automation engine + API;
what ``homeweave run`` and ``homeweave demo`` start."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from homeweave.api.app import create_app
from homeweave.api.auth import Tokens
from homeweave.api.server import ApiServer
from homeweave.api.starting import start_answering_health
from homeweave.automation.engine import AutomationEngine
from homeweave.bridges.base import Bridge, bridge_class
from homeweave.config import HubConfig, parse_config
from homeweave.config.automations import check_automations
from homeweave.config.seed import hub_seed
from homeweave.config.voice import voice_settings
from homeweave.core.backups import Backups, hub_files_of
from homeweave.core.hub import Hub
from homeweave.core.paths import API_FILE, TOKEN_FILE, private_dir, write_private
from homeweave.core.progress import Jobs
from homeweave.sim.demo.home import demo_home
from homeweave.sim.demo.parts import DemoPart
from homeweave.storage import Storage
from homeweave.storage.backup import apply_pending

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Running:
    """A started hub: where its API listens, and the admin token if it was just created."""

    hub: Hub
    url: str
    data_dir: Path
    new_token: str | None
    backups: Backups | None = None
    setup_code: str | None = None  # while no user exists: creates the first owner

    @property
    def token_file(self) -> Path:
        """Where the admin token is kept in the data dir."""
        return self.data_dir / TOKEN_FILE


def build_hub(
    config: HubConfig,
    *,
    data_dir: Path | None = None,
    storage: Storage | None = None,
    jobs: Jobs | None = None,
) -> Hub:
    """Return a hub (not yet started) seeded from ``config``; spec files are read here."""
    return Hub(hub_seed(config), data_dir=data_dir, storage=storage, jobs=jobs)


def demo_config(
    parts: Sequence[DemoPart] = (),
    *,
    port: int = 8321,
    tick: float = 1.0,
    bridges: Mapping[str, Mapping[str, Any]] | None = None,
) -> HubConfig:
    """The demo home (``sim/demo/home.yaml``) with ``parts`` merged in and ``bridges``
    switched on, checked by the config loader as any homeweave.yaml is."""
    data = demo_home(parts, port=port, tick=tick)
    if bridges:
        data["bridges"] = {name: dict(options) for name, options in bridges.items()}
    text = yaml.safe_dump(data, sort_keys=False)
    return parse_config(text, filename="the demo home")


def keep_startup_heap() -> None:
    """Take what start-up built out of the garbage collector's full collections.

    The registry, the specs and the compiled automations live as long as the process; left in
    the collector's oldest generation, every full collection walks them all, and with thousands
    of traces a second passing through the write-behind queue those collections stalled the
    loop for 10-150 ms (automation benchmark: p99 8.5 ms, max 159 ms; with this, ~2 ms). CPython's
    ``gc.freeze`` moves them to a generation no collection visits; anything made later is
    collected as before. The process's owner calls it once everything has started (the CLI's
    ``run`` and ``demo``); a test that starts many hubs in one process does not.
    """
    gc.freeze()  # no gc.collect() first: on a start-up heap it costs ~0.15 s of readiness


async def settle_startup_heap(hub: Hub) -> None:
    """Once every integration has started (after the API is ready, so off its path): collect
    start-up's garbage, then freeze what lives on (`keep_startup_heap`). ``homeweave run`` and
    ``demo`` start with the collector off: start-up makes mostly objects that live as long as
    the process (modules, models, registry, specs), and collecting while making them was ~10 %
    of start-up's CPU time for nothing; they turn it on again once the API is ready."""
    await hub.wait_for_integrations()
    gc.collect()
    keep_startup_heap()


@asynccontextmanager
async def running_bridges(hub: Hub, config: HubConfig) -> AsyncIterator[list[Bridge]]:
    """Start the configured northbound bridges; a bridge that fails to start is logged and
    skipped, never taking the hub down."""
    started: list[Bridge] = []
    configured = list(config.bridges.items())
    del config  # not held while the hub runs (see running_hub)
    for name, options in configured:
        try:
            bridge = bridge_class(name)(hub, options)
            await bridge.start()
        except Exception:
            _LOGGER.exception("bridge %s failed to start", name)
            continue
        started.append(bridge)
    try:
        yield started
    finally:
        for bridge in reversed(started):
            try:
                await bridge.stop()
            except Exception:
                _LOGGER.exception("bridge %s failed to stop cleanly", bridge.name)


def _backups(config: HubConfig, data_dir: Path, jobs: Jobs) -> Backups:
    """The hub's backups; first, a restore checked through the API (or cut short by a kill) is
    put in place, before the storage opens."""
    files = hub_files_of(data_dir, config.storage, config.source)
    restored = apply_pending(files)
    if restored is not None:
        made = restored.manifest.created_at.isoformat(timespec="seconds")
        _LOGGER.warning("restored the backup made %s into %s", made, data_dir)
    settings = config.backup
    return Backups(
        files,
        settings.folder(config.base_dir, data_dir),
        keep=settings.keep,
        password=settings.password,
        time_of_day=settings.time_of_day,
        jobs=jobs,
    )


@asynccontextmanager
async def running_hub(
    config: HubConfig,
    data_dir: Path,
    *,
    host: str | None = None,
    port: int | None = None,
    wait_for_integrations: bool = True,
    jobs: Jobs | None = None,
) -> AsyncIterator[Running]:
    """Start the hub and its API; publish the URL in ``data_dir/api.json`` while running.

    With ``wait_for_integrations`` false (``homeweave run``) the API serves as soon as the hub's
    own parts are up, and the integrations start (in parallel) once it does: their devices are
    unavailable (``connecting``) until reached, and automations are checked against the devices
    known at start (configured or stored); one naming a device a bridge has not brought yet
    waits for it. Long jobs (the statistics back-fill at start, backups) report their progress
    on ``jobs`` (the hub's board: the CLI watches it for its progress bar).
    """
    await asyncio.to_thread(private_dir, data_dir)
    jobs = jobs if jobs is not None else Jobs()
    backups = await asyncio.to_thread(_backups, config, data_dir, jobs)
    hub = build_hub(config, data_dir=data_dir, jobs=jobs)
    listen_host = host or config.api.host
    listen_port = config.api.port if port is None else port
    # Health answers (``starting``, with the job) while a back-fill holds the start up.
    listen_port = await start_answering_health(
        hub, listen_host, listen_port, wait=wait_for_integrations
    )
    try:
        # After the integrations started (unless not waiting for them), so devices the bridges
        # brought count as known.
        check_automations(config, hub.registry, hub.commands)
        async with (
            AutomationEngine(hub, config.automations, config.scenes) as engine,
            AsyncExitStack() as stack,
        ):
            assert hub.storage is not None
            bridges = await stack.enter_async_context(running_bridges(hub, config))
            tokens = Tokens(hub.storage, versions=hub.versions)
            new_token = await tokens.ensure_admin(data_dir)
            app = create_app(hub, tokens, engine)
            app.state.voice_settings = voice_settings(config)
            # Everything running has what it needs of the config by now: not held while the hub
            # runs (with 1,000 devices their checked settings were ~1.5 MiB; the caller may
            # keep its own reference, as `homeweave run` does not).
            del config
            app.state.backups = backups
            schedule = asyncio.create_task(backups.run_schedule(), name="backup-schedule")
            stack.callback(schedule.cancel)
            if bridges:  # the Alexa bridge among them: its route is added on first use too
                from homeweave.api import alexa

                alexa.attach(app, bridges, tokens, engine)
            async with ApiServer(app, listen_host, listen_port) as server:
                api_file = data_dir / API_FILE
                info = json.dumps({"url": server.url, "pid": os.getpid()})
                await asyncio.to_thread(write_private, api_file, info + "\n")
                hub.start_integrations()  # unless started already: the API answers meanwhile
                code = await tokens.setup_code()
                if code is not None:
                    _LOGGER.warning(
                        "nobody can sign in yet: open %s/ and create the owner with the "
                        "one-time setup code %s (or: homeweave users add NAME --role owner)",
                        server.url,
                        code,
                    )
                try:
                    yield Running(hub, server.url, data_dir, new_token, backups, code)
                finally:
                    with suppress(FileNotFoundError):
                        api_file.unlink()
    finally:
        await hub.stop()
