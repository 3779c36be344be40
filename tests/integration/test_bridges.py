"""Northbound bridges start with the hub; a broken one is logged and never takes the hub down."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from homeweave.app import demo_config, running_hub


async def test_an_unknown_bridge_is_logged_and_the_hub_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = demo_config(port=0, tick=0).model_copy(update={"bridges": {"nope": {}}})
    with caplog.at_level(logging.ERROR):
        async with (
            running_hub(config, tmp_path, port=0) as running,
            httpx.AsyncClient(base_url=running.url) as client,
        ):
            assert (await client.get("/api/health")).status_code == 200
    assert "bridge nope failed to start" in caplog.text
    assert "unknown bridge 'nope'" in caplog.text
