"""Renaming and moving a device from its page in the dashboard (#19 item 7): a device the hub
found is changed through the API and shows its new name and room everywhere without a reload;
one defined in homeweave.yaml offers no such controls; the hub's refusals are shown as they are."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from playwright.async_api import Page, Route, expect

from homeweave.core import Device
from homeweave.model import catalog_spec
from tests.e2e.conftest import Site

FOUND = "found-lamp"


def find_a_lamp(site: Site) -> None:
    """A lamp found at run time (as discovery does), so not in homeweave.yaml: in the kitchen."""
    site.running.hub.registry.register(
        Device(FOUND, "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )


async def open_found_lamp(page: Page) -> None:
    await page.goto(f"/devices/{FOUND}")
    await expect(page.get_by_role("heading", level=1, name="Found lamp")).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()


async def placed(site: Site) -> tuple[str, str]:
    answer = (await site.client.get(f"/api/devices/{FOUND}")).json()
    return answer["name"], answer["room"]


async def test_renaming_shows_progress_then_the_new_name_everywhere(
    site: Site, desktop: Page, artifacts: Path
) -> None:
    find_a_lamp(site)
    await open_found_lamp(desktop)
    release = asyncio.Event()

    async def hold(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await desktop.route(f"**/api/devices/{FOUND}", hold)
    await desktop.get_by_role("button", name="Rename Found lamp").click()
    field = desktop.get_by_role("textbox", name="Device name")
    await expect(field).to_be_focused()
    await field.fill("Reading lamp")
    await field.press("Enter")
    await expect(desktop.locator(".rename .spinner")).to_be_visible()
    await expect(desktop.get_by_role("button", name="Save")).to_be_disabled()
    release.set()
    heading = desktop.get_by_role("heading", level=1, name="Reading lamp")
    await expect(heading).to_be_in_viewport()
    await expect(desktop.get_by_role("button", name="Rename Reading lamp")).to_be_focused()
    assert await placed(site) == ("Reading lamp", "kitchen")
    await desktop.screenshot(path=artifacts / "device-renamed-desktop.png")

    # The room page (reached inside the app, no reload) shows the card with its new name.
    await (
        desktop.get_by_role("navigation", name="Breadcrumb")
        .get_by_role("link", name="Kitchen")
        .click()
    )
    lamp = desktop.locator(f'article[data-device="{FOUND}"]')
    await lamp.scroll_into_view_if_needed()
    await expect(lamp.get_by_text("Reading lamp")).to_be_in_viewport()


async def test_moving_puts_the_card_in_the_new_room(site: Site, desktop: Page) -> None:
    find_a_lamp(site)
    await open_found_lamp(desktop)
    crumbs = desktop.get_by_role("navigation", name="Breadcrumb")
    await desktop.get_by_role("combobox", name="Room").select_option(label="Study")
    await expect(crumbs.get_by_role("link", name="Study")).to_be_visible()
    assert await placed(site) == ("Found lamp", "study")

    await crumbs.get_by_role("link", name="Study").click()
    await expect(desktop.get_by_role("heading", level=1, name="Study")).to_be_visible()
    lamp = desktop.locator(f'[data-room="study"] article[data-device="{FOUND}"]')
    await lamp.scroll_into_view_if_needed()
    await expect(lamp.get_by_text("Found lamp")).to_be_in_viewport()
    await desktop.get_by_role("link", name="Kitchen", exact=True).first.click()
    await expect(desktop.get_by_role("heading", level=1, name="Kitchen")).to_be_visible()
    await expect(desktop.locator(f'article[data-device="{FOUND}"]')).to_have_count(0)


async def test_a_device_in_homeweave_yaml_offers_no_rename_or_move(
    site: Site, desktop: Page
) -> None:
    await desktop.goto("/devices/living-room-lamp")
    await expect(desktop.get_by_role("heading", level=1, name="Living room lamp")).to_be_visible()
    await expect(desktop.get_by_text("defined in homeweave.yaml")).to_be_visible()
    await expect(desktop.get_by_role("button", name="Rename Living room lamp")).to_have_count(0)
    await expect(desktop.get_by_role("combobox", name="Room")).to_have_count(0)


async def test_the_hubs_refusals_are_shown_and_nothing_changes(
    site: Site, desktop: Page, artifacts: Path
) -> None:
    find_a_lamp(site)
    await open_found_lamp(desktop)
    await desktop.get_by_role("button", name="Rename Found lamp").click()
    field = desktop.get_by_role("textbox", name="Device name")
    await field.fill("   ")
    await desktop.get_by_role("button", name="Save").click()
    alert = desktop.get_by_role("alert")
    await expect(alert).to_contain_text("not blank")
    await expect(field).to_be_visible()
    await desktop.screenshot(path=artifacts / "device-rename-refused-desktop.png")
    await field.press("Escape")
    await expect(alert).to_be_hidden()
    await expect(desktop.get_by_role("heading", level=1, name="Found lamp")).to_be_visible()
    assert await placed(site) == ("Found lamp", "kitchen")

    # A room that went away meanwhile: the hub's 404 message, and the select stays on Kitchen.
    async def to_a_gone_room(route: Route) -> None:
        await route.continue_(post_data=json.dumps({"room": "attic"}))

    await desktop.route(f"**/api/devices/{FOUND}", to_a_gone_room)
    rooms = desktop.get_by_role("combobox", name="Room")
    await rooms.select_option(label="Study")
    await expect(alert).to_contain_text("unknown room 'attic'")
    await expect(rooms).to_have_value("kitchen")
    assert await placed(site) == ("Found lamp", "kitchen")
