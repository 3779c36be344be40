"""The whole demo — Xiaomi, Hue, IKEA and Zigbee simulators and the virtual home — through the
skill handler: Discovery and a ReportState of every endpoint are valid Alexa messages."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import demo_config, running_hub
from homeweave.sim.demo.parts import start_demo_parts
from tests.integration.alexa_stub import check, directive

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


async def test_every_demo_endpoint_is_discovered_and_reports_valid_state(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        parts = await start_demo_parts(stack)
        config = demo_config(parts, port=0, tick=0, bridges={"alexa": {}})
        running = await stack.enter_async_context(running_hub(config, tmp_path, port=0))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=running.url))
        token = running.new_token

        async def send(message: object) -> Any:
            reply = await client.post("/api/alexa/smart_home", json=message)
            return check(reply.json())

        event = await send(directive("Alexa.Discovery", "Discover", token))
        endpoints = event["event"]["payload"]["endpoints"]
        categories = {e["endpointId"]: e["displayCategories"][0] for e in endpoints}
        assert len(categories) >= 40
        assert categories["starkvind"] == "FAN"
        purifier = next(e for e in endpoints if e["endpointId"] == "starkvind")
        interfaces = {c["interface"]: c for c in purifier["capabilities"]}
        assert interfaces["Alexa.RangeController"]["instance"] == "Fan.Speed"
        assert interfaces["Alexa.ModeController"]["configuration"]["supportedModes"]
        assert "Alexa.PowerController" in interfaces
        for endpoint_id in categories:
            if endpoint_id.startswith("scene#"):
                continue
            state = await send(directive("Alexa", "ReportState", token, endpoint_id))
            assert state["event"]["header"]["name"] == "StateReport", endpoint_id
