"""A demo hub with its API listening on a free loopback port, and clients that talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeweave.app import Running, demo_config, running_hub
from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.storage_backends import backend, postgres_url  # noqa: F401 (fixtures)

Api = tuple[Running, httpx.AsyncClient]
"""A running hub and an HTTP client that sends its admin token."""


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    """The demo home with the virtual clock off (tests step it) and a client with the token."""
    async with running_hub(demo_config(port=0, tick=0), tmp_path, port=0) as running:
        assert running.new_token is not None, "a new data dir should make an admin token"
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5) as client:
            yield running, client


@pytest.fixture
def virtual(api: Api) -> VirtualIntegration:
    """The hub's virtual integration, to step time and make devices misbehave."""
    integration = api[0].hub.integrations["virtual"]
    assert isinstance(integration, VirtualIntegration)
    return integration
