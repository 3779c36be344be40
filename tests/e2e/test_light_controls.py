"""Lights offer the controls they have and no others; the Zigbee2MQTT blind has a position
slider (#19 items 3 and 8), checked in the dashboard with the Hue and Zigbee2MQTT simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, expect

from tests.e2e.conftest import Site, demo_site, new_context
from tests.e2e.test_dashboard import card

PARTS = ["homeweave.sim.hue.demo:demo_part", "homeweave.sim.zigbee2mqtt.demo:demo_part"]


@pytest_asyncio.fixture(loop_scope="session")
async def partners(tmp_path: Path) -> AsyncIterator[Site]:
    """The demo home with its Hue bridge and Zigbee2MQTT simulators."""
    async with demo_site(tmp_path, PARTS) as started:
        yield started


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
        await play.get_by_role("button", name="Color", exact=True).click()
        await expect(play.get_by_role("button", name="Blue")).to_be_in_viewport()

        await page.goto("/rooms/study")
        blind = card(page, "study-blind")  # FYRTUR through Zigbee2MQTT
        await blind.scroll_into_view_if_needed()
        position = blind.get_by_role("slider", name="Position")
        await expect(position).to_be_in_viewport()
        await page.screenshot(path=str(artifacts / "light-controls-study.png"))
    finally:
        await context.close()
