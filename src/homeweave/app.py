"""A running hub with its API: what ``homeweave run`` and ``homeweave demo`` start."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from homeweave.api.app import create_app
from homeweave.api.auth import Tokens, write_private
from homeweave.api.server import ApiServer
from homeweave.automation.engine import AutomationEngine
from homeweave.bridges.base import Bridge, bridge_class
from homeweave.config import HubConfig
from homeweave.core.hub import Hub
from homeweave.core.paths import API_FILE, TOKEN_FILE

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Running:
    """A started hub: where its API listens, and the admin token if it was just created."""

    hub: Hub
    url: str
    data_dir: Path
    new_token: str | None

    @property
    def token_file(self) -> Path:
        return self.data_dir / TOKEN_FILE


@asynccontextmanager
async def running_bridges(hub: Hub, config: HubConfig) -> AsyncIterator[list[Bridge]]:
    """Start the configured northbound bridges; a bridge that fails to start is logged and
    skipped, never taking the hub down."""
    started: list[Bridge] = []
    for name, options in config.bridges.items():
        try:
            bridge = bridge_class(name)(hub, options or {})
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


@asynccontextmanager
async def running_hub(
    config: HubConfig,
    data_dir: Path,
    *,
    host: str | None = None,
    port: int | None = None,
) -> AsyncIterator[Running]:
    """Start the hub and its API; publish the URL in ``data_dir/api.json`` while running."""
    async with (
        Hub(config, data_dir=data_dir) as hub,
        AutomationEngine(hub, config.automations, config.scenes) as engine,
        AsyncExitStack() as stack,
    ):
        assert hub.storage is not None
        await stack.enter_async_context(running_bridges(hub, config))
        tokens = Tokens(hub.storage)
        new_token = await tokens.ensure_admin(data_dir)
        app = create_app(hub, tokens, engine)
        listen_host = host or config.api.host
        listen_port = config.api.port if port is None else port
        async with ApiServer(app, listen_host, listen_port) as server:
            api_file = data_dir / API_FILE
            info = json.dumps({"url": server.url, "pid": os.getpid()})
            await asyncio.to_thread(write_private, api_file, info + "\n")
            try:
                yield Running(hub, server.url, data_dir, new_token)
            finally:
                with suppress(FileNotFoundError):
                    api_file.unlink()
