"""On a phone the dashboard has a bottom tab bar (Home, Rooms, Automations, Scenes, More) that
reaches every section, always on screen, with nothing scrolling sideways at 360 px; on a
desktop the sidebar stays and the tab bar is not shown."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.conftest import ContextFactory, Site

NARROW: ViewportSize = {"width": 360, "height": 740}


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= await page.evaluate("window.innerWidth"), page.url


async def test_the_tab_bar_reaches_every_section_on_a_phone(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    page = await (await contexts(NARROW, mobile=True)).new_page()
    await page.goto("/")
    tabs = page.get_by_role("navigation", name="Sections")
    await expect(tabs).to_be_in_viewport()
    await expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    # the automations API shows up after the home: the bar then has all five tabs
    await expect(tabs.get_by_role("link")).to_have_text(
        ["Home", "Rooms", "Automations", "Scenes", "More"]
    )
    await no_sideways_scroll(page)
    await page.screenshot(path=str(artifacts / "tabs-home-phone.png"))

    await tabs.get_by_role("link", name="Rooms").click()
    await expect(page).to_have_url(f"{site.url}/rooms")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Rooms")
    await expect(tabs.get_by_role("link", name="Rooms")).to_have_attribute("aria-current", "page")
    kitchen = page.locator('[data-room="kitchen"] a')
    await expect(kitchen).to_contain_text("Kitchen")
    await no_sideways_scroll(page)
    await page.screenshot(path=str(artifacts / "tabs-rooms-phone.png"))
    await kitchen.click()
    await expect(page).to_have_url(f"{site.url}/rooms/kitchen")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kitchen")
    await expect(tabs.get_by_role("link", name="Rooms")).to_have_attribute("aria-current", "page")
    await expect(tabs).to_be_in_viewport()  # still there below the room's cards
    await no_sideways_scroll(page)

    await tabs.get_by_role("link", name="Automations").click()
    await expect(page).to_have_url(f"{site.url}/automations")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Automations")
    await no_sideways_scroll(page)

    await tabs.get_by_role("link", name="Scenes").click()
    await expect(page).to_have_url(f"{site.url}/scenes")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Scenes")
    await no_sideways_scroll(page)

    await tabs.get_by_role("link", name="More").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("More")
    before = await page.evaluate("document.documentElement.dataset.theme || ''")
    await page.get_by_role("button", name="Dark theme", exact=True).click()
    assert await page.evaluate("document.documentElement.dataset.theme") == "dark" != before
    await page.screenshot(path=str(artifacts / "tabs-more-phone.png"))
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("textbox", name="Admin token")).to_be_in_viewport()


async def test_desktop_keeps_the_sidebar_without_a_tab_bar(site: Site, desktop: Page) -> None:
    await desktop.goto("/")
    await expect(desktop.get_by_role("navigation", name="Main")).to_be_in_viewport()
    await expect(desktop.get_by_role("navigation", name="Sections")).to_be_hidden()
