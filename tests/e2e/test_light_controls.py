"""Lights offer the controls they have and no others; the Zigbee2MQTT blind has a position
slider (#19 items 3 and 8), checked in the dashboard with the Hue and Zigbee2MQTT simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest_asyncio
from playwright.async_api import Browser, expect

from homeweave.app import demo_config, running_hub
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.sim.demo.parts import start_demo_parts
from tests.e2e.conftest import Site, new_context
from tests.e2e.test_dashboard import card

PARTS = ["homeweave.sim.hue.demo:demo_part", "homeweave.sim.zigbee2mqtt.demo:demo_part"]


@pytest_asyncio.fixture(loop_scope="session")
async def partners(tmp_path: Path) -> AsyncIterator[Site]:
    """The demo home with its Hue bridge and Zigbee2MQTT simulators."""
    async with AsyncExitStack() as stack:
        parts = await start_demo_parts(stack, PARTS)
        assert sorted(p.integration for p in parts) == ["hue", "zigbee2mqtt"]
        config = demo_config(port=0, tick=0, parts=parts)
        running = await stack.enter_async_context(running_hub(config, tmp_path, port=0))
        assert running.new_token is not None
        virtual = running.hub.integrations["virtual"]
        assert isinstance(virtual, VirtualIntegration)
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=running.url,
                headers={"Authorization": f"Bearer {running.new_token}"},
                timeout=5,
            )
        )
        yield Site(running, running.new_token, client, virtual)


async def test_each_light_shows_only_the_controls_it_has(
    partners: Site, browser: Browser, artifacts: Path
) -> None:
    context = await new_context(browser, partners.url, partners.token)
    try:
        page = await context.new_page()
        await page.goto("/rooms/hallway")
        white = card(page, "hallway-hue-bulb")  # Hue White (LWA001): dimming only
        await white.scroll_into_view_if_needed()
        await expect(white).to_be_in_viewport()
        await expect(white.get_by_role("slider", name="Brightness")).to_be_in_viewport()
        await expect(white.get_by_role("slider", name="White tone")).to_have_count(0)
        await expect(white.get_by_role("button", name="Blue")).to_have_count(0)
        await expect(white.get_by_label("Custom color")).to_have_count(0)

        await page.goto("/rooms/kitchen")
        pendant = card(page, "kitchen-hue-pendant")  # white ambiance: white tone, no colour
        await pendant.scroll_into_view_if_needed()
        await expect(pendant.get_by_role("slider", name="White tone")).to_be_in_viewport()
        await expect(pendant.get_by_role("button", name="Blue")).to_have_count(0)

        await page.goto("/rooms/living-room")
        play = card(page, "living-room-hue-play")  # a colour lamp keeps its swatches
        await play.scroll_into_view_if_needed()
        await expect(play.get_by_role("button", name="Blue")).to_be_in_viewport()

        await page.goto("/rooms/study")
        blind = card(page, "study-blind")  # FYRTUR through Zigbee2MQTT
        await blind.scroll_into_view_if_needed()
        position = blind.get_by_role("slider", name="Position")
        await expect(position).to_be_in_viewport()
        await page.screenshot(path=str(artifacts / "light-controls-study.png"))
    finally:
        await context.close()
