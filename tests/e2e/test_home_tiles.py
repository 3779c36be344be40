"""The home page shows each device as a compact tile (icon, name, one line of status; the icon
switches it), so a room fits on a phone screen; a tap opens the more-info sheet with every
control (a bottom sheet on phones, a dialog on desktops) and its controls work."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, Site
from tests.e2e.test_dashboard import card, no_sideways_scroll, open_home, status


async def test_a_room_of_tiles_fits_a_phone_and_the_sheet_sets_brightness(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    page = await (await contexts(PHONE, mobile=True)).new_page()
    await open_home(page)
    living = page.locator('section[data-room="living-room"]')
    await living.get_by_role("heading", level=2).scroll_into_view_if_needed()
    tiles = living.locator("article.tile")
    count = await tiles.count()
    assert count >= 7
    for index in range(count):
        await expect(tiles.nth(index)).to_be_in_viewport(ratio=1)  # one screen, no scrolling
    await no_sideways_scroll(page)
    await page.screenshot(path=str(artifacts / "home-tiles-phone.png"))

    # the icon is the lamp's switch
    ceiling = card(page, "living-room-ceiling")
    await expect(ceiling.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    await ceiling.get_by_role("switch").click()
    await expect(status(page, "living-room-ceiling")).to_have_text("Off")
    assert await site.value("living-room-ceiling/light/on") is False
    await ceiling.get_by_role("switch").click()
    await expect(status(page, "living-room-ceiling")).to_have_text("On · 60%")

    # a tap on the rest opens the sheet from the bottom, with the full controls
    await ceiling.locator(".tile-open").click()
    sheet = page.get_by_role("dialog", name="Ceiling light")
    await expect(sheet).to_be_in_viewport()
    box = await sheet.bounding_box()
    assert box is not None
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, "a bottom sheet on phones"
    brightness = sheet.get_by_role("slider", name="Brightness")
    await brightness.focus()
    await page.keyboard.press("End")
    await expect(sheet.locator("[data-status]")).to_have_text("On · 100%")
    assert await site.value("living-room-ceiling/light/brightness") == 100
    await expect(status(page, "living-room-ceiling")).to_have_text("On · 100%")  # the tile too
    await page.screenshot(path=str(artifacts / "home-sheet-phone.png"))
    await page.keyboard.press("Escape")
    await expect(sheet).to_be_hidden()

    # the sheet leads on to the device page
    await ceiling.locator(".tile-open").click()
    await sheet.get_by_role("link", name="History and details").click()
    await expect(page.get_by_role("heading", level=1, name="Living room ceiling")).to_be_visible()


async def test_the_sheet_is_a_dialog_on_desktop(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    page = await (await contexts(DESKTOP)).new_page()
    await open_home(page)
    vacuum = card(page, "robot-vacuum")
    await vacuum.locator(".tile-open").click()
    sheet = page.get_by_role("dialog", name="Robot vacuum")
    await expect(sheet).to_be_in_viewport(ratio=1)
    box = await sheet.bounding_box()
    assert box is not None
    assert box["y"] > 0
    assert box["y"] + box["height"] < DESKTOP["height"], "centred, not a bottom sheet"
    await sheet.get_by_role("button", name="Start").click()
    await expect(sheet.locator("[data-status]")).to_have_text("Sweeping")
    assert await site.value("robot-vacuum/vacuum/status") == 2
    await page.screenshot(path=str(artifacts / "home-sheet-desktop.png"))
    await sheet.get_by_role("button", name="Close").click()
    await expect(sheet).to_be_hidden()
    await expect(status(page, "robot-vacuum")).to_have_text("Sweeping")


async def test_a_room_header_switches_all_its_lights(site: Site, contexts: ContextFactory) -> None:
    page = await (await contexts(DESKTOP)).new_page()
    await open_home(page)
    kitchen = page.locator('section[data-room="kitchen"]')
    switch = kitchen.get_by_role("switch", name="All lights in Kitchen")
    await expect(switch).to_have_attribute("aria-checked", "false")
    await expect(kitchen.get_by_text("Lights off")).to_be_visible()
    await switch.click()
    await expect(kitchen.get_by_text("1 light on")).to_be_visible()
    await expect(switch).to_have_attribute("aria-checked", "true")
    assert await site.value("kitchen-lamp/light/on") is True
    assert await site.value("kitchen-coffee-plug/switch/on") is True  # a plug is no light
    await switch.click()
    await expect(switch).to_have_attribute("aria-checked", "false")
    assert await site.value("kitchen-lamp/light/on") is False
