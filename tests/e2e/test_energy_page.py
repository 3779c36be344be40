"""The Energy page on a phone and a desktop: reached from More (phone) or the sidebar
(desktop), it shows kWh per day as bars (the demo's made-up days and today's metering) and a
breakdown per device with its cost, both on screen without scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.conftest import ContextFactory, Site

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1440, "height": 900}


async def check_energy_page(page: Page, site: Site, shot: Path) -> None:
    await expect(page).to_have_url(f"{site.url}/energy")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Energy")
    chart = page.get_by_role("img", name="Energy per day over the last 30 days")
    await expect(chart).to_be_in_viewport()
    await expect(chart.locator("canvas")).to_be_visible()
    bars = int(await chart.get_attribute("data-bars") or 0)
    assert bars >= 14, bars  # the 14 made-up days, and today's if metered yet
    breakdown = page.get_by_role("list", name="Energy by device")
    fridge = breakdown.locator('[data-group="kitchen-fridge-plug"]')
    await expect(fridge).to_contain_text("Fridge plug")
    await expect(fridge).to_contain_text("kWh")
    await expect(fridge).to_contain_text("€")
    await expect(breakdown.locator("li").first).to_be_in_viewport()
    await expect(page.get_by_text("made-up consumption")).to_be_attached()
    await page.screenshot(path=str(shot))

    await page.get_by_role("group", name="Group by").get_by_role("button", name="Room").click()
    rooms = page.get_by_role("list", name="Energy by room")
    await expect(rooms.locator('[data-group="kitchen"]')).to_contain_text("Kitchen")
    await page.get_by_role("group", name="Period").get_by_role("button", name="12 mo").click()
    months = page.get_by_role("img", name="Energy per month over the last 12 months")
    await expect(months).to_be_in_viewport()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_the_energy_page_shows_bars_and_a_breakdown(
    site: Site, contexts: ContextFactory, artifacts: Path, viewport: ViewportSize
) -> None:
    phone = viewport is PHONE
    page = await (await contexts(viewport, mobile=phone)).new_page()
    await page.goto("/")
    if phone:
        tabs = page.get_by_role("navigation", name="Sections")
        await tabs.get_by_role("link", name="More").click()
        await page.get_by_role("link", name="Energy").click()
    else:
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Energy").click()
    name = "phone" if phone else "desktop"
    await check_energy_page(page, site, artifacts / f"energy-{name}.png")
    await page.screenshot(path=str(artifacts / f"energy-{name}-months-rooms.png"))
