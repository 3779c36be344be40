"""An embedded MQTT broker (amqtt) on a free loopback port, for a demo with no external broker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from amqtt.broker import Broker  # type: ignore[import-untyped]


@asynccontextmanager
async def embedded_broker(host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Run an anonymous MQTT 3.1.1 broker on ``host`` and a free port; yields its URL."""
    config: dict[str, Any] = {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:0"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }
    # amqtt logs every connection at INFO; the demo's console is not the place for that.
    logging.getLogger("amqtt").setLevel(logging.WARNING)
    broker = Broker(config)
    await broker.start()
    try:
        server = broker._servers["default"]  # amqtt has no public accessor for the bound port
        port: int = server.instance.sockets[0].getsockname()[1]
        yield f"mqtt://{host}:{port}"
    finally:
        await broker.shutdown()
