"""The audit page and Undo in the dashboard (#15 items 4 and 5), on a phone (390x844) and a
desktop (1440x900): "who turned the heating off?" is one tap on the thermostat's name in the
audit log; a rename made here offers Undo in a toast that puts the name back; an automation
saved in the editor offers Undo that gives back the YAML exactly as it was written; an audit row
of a change has its own Undo."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page, ViewportSize, expect

from homeweave.core import Device
from homeweave.model import catalog_spec
from tests.e2e.conftest import ContextFactory, Site

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": 1440, "height": 900}
HEATING = "living-room-thermostat"
FOUND = "found-lamp"
WRITTEN = """\
# written by hand: a note when the door opens
id: door-note
name: Door note
triggers:
  - type: property
    address: hallway-door/magnet-sensor/contact-state
    to: false
actions:
  - {type: notify, message: 'The door is open'}
"""


async def person(site: Site, user: str, role: str) -> httpx.AsyncClient:
    """A user of the home and an API client acting as them (the caller closes it)."""
    body = {"id": user, "password": f"{user}-password", "role": role, "home": "home"}
    (await site.client.post("/api/users", json=body)).raise_for_status()
    made = await site.client.post("/api/tokens", json={"name": "e2e", "user": user})
    made.raise_for_status()
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    return httpx.AsyncClient(base_url=site.url, headers=headers, timeout=5)


async def test_who_turned_the_heating_off_is_one_tap_on_a_phone(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    async with (
        await person(site, "mia", "member") as mia,
        await person(site, "olivia", "owner") as olivia,
    ):
        on = f"/api/devices/{HEATING}/thermostat/on"
        (await olivia.put(on, json={"value": True})).raise_for_status()
        (
            await olivia.put("/api/devices/kitchen-lamp/light/on", json={"value": True})
        ).raise_for_status()
        (await mia.put(on, json={"value": False})).raise_for_status()
        (
            await olivia.put("/api/devices/kitchen-lamp/light/on", json={"value": False})
        ).raise_for_status()

    page = await (await contexts(PHONE, mobile=True)).new_page()
    await page.goto("/more")
    await page.get_by_role("link", name="Audit log").click()
    await expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_in_viewport()
    entries = page.get_by_role("list", name="Audit entries, newest first")
    newest = entries.get_by_role("listitem").first
    await expect(newest).to_be_in_viewport()
    await expect(newest).to_contain_text("olivia")
    await page.screenshot(path=str(artifacts / "audit-phone.png"))

    # One tap on the heating's name: only what happened to it, newest first: Mia, off.
    await entries.get_by_role("button", name="Living room thermostat").first.click()
    await expect(page).to_have_url(f"{site.url}/audit?device={HEATING}")
    first = entries.get_by_role("listitem").first
    await expect(first).to_contain_text("mia")
    await expect(first).to_contain_text("set power")
    await expect(first).to_contain_text("off")
    await expect(first.get_by_role("button", name="mia")).to_be_in_viewport()
    await expect(entries.get_by_role("listitem").filter(has_text="Kitchen")).to_have_count(0)
    chip = page.get_by_role("button", name="Remove filter Device: Living room thermostat")
    await expect(chip).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "audit-heating-phone.png"))

    # A tap on a person: only what they did.
    await chip.click()
    await entries.get_by_role("button", name="mia").first.click()
    await expect(page).to_have_url(f"{site.url}/audit?user=mia")
    await expect(entries.get_by_role("listitem")).to_have_count(1)


async def test_the_undo_toast_sits_above_the_tab_bar_on_a_phone(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    site.running.hub.registry.register(
        Device(FOUND, "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )
    page = await (await contexts(PHONE, mobile=True)).new_page()
    await page.goto(f"/devices/{FOUND}")
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    await page.get_by_role("button", name="Rename Found lamp").click()
    await page.get_by_role("textbox", name="Device name").fill("Reading lamp")
    await page.get_by_role("button", name="Save").click()
    undo = page.locator(".toast", has_text="Renamed to “Reading lamp”.").get_by_role(
        "button", name="Undo"
    )
    await expect(undo).to_be_in_viewport()
    tabs = page.get_by_role("navigation", name="Sections")
    await expect(tabs).to_be_in_viewport()
    toast_box = await page.locator(".toast").first.bounding_box()
    tabs_box = await tabs.bounding_box()
    assert toast_box is not None
    assert tabs_box is not None
    assert toast_box["y"] + toast_box["height"] <= tabs_box["y"]  # the tabs stay reachable
    await page.screenshot(path=str(artifacts / "undo-rename-phone.png"))
    await undo.click()
    await expect(page.get_by_role("heading", level=1, name="Found lamp")).to_be_in_viewport()
    assert (await site.client.get(f"/api/devices/{FOUND}")).json()["name"] == "Found lamp"


async def test_undo_after_a_rename_and_an_automation_edit_on_a_desktop(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    site.running.hub.registry.register(
        Device(FOUND, "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )
    page: Page = await (await contexts(WIDE)).new_page()

    # A rename made here: a toast offers Undo, which puts the name back.
    await page.goto(f"/devices/{FOUND}")
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    await page.get_by_role("button", name="Rename Found lamp").click()
    await page.get_by_role("textbox", name="Device name").fill("Reading lamp")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("heading", level=1, name="Reading lamp")).to_be_visible()
    toast = page.locator(".toast", has_text="Renamed to “Reading lamp”.")
    undo = toast.get_by_role("button", name="Undo")
    await expect(undo).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "undo-rename-desktop.png"))
    await undo.click()
    await expect(page.get_by_role("heading", level=1, name="Found lamp")).to_be_in_viewport()
    await expect(page.locator(".toast", has_text="Undone.")).to_be_in_viewport()
    assert (await site.client.get(f"/api/devices/{FOUND}")).json()["name"] == "Found lamp"

    # An automation written by hand, edited in the dashboard's editor, then undone: the hub
    # has the text exactly as it was written again.
    made = await site.client.post(
        "/api/automations", content=WRITTEN, headers={"Content-Type": "application/yaml"}
    )
    made.raise_for_status()
    await page.goto("/automations/door-note/edit")
    editor = page.get_by_role("textbox", name="Automation as YAML")
    await expect(editor).to_be_in_viewport()
    await expect(editor).to_have_value(WRITTEN)  # as written, comment and all
    await editor.fill(WRITTEN.replace("Door note", "Door note (edited)").split("\n", 1)[1])
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1, name="Door note (edited)")).to_be_visible()
    toast = page.locator(".toast", has_text="Changed “Door note (edited)”.")
    await expect(toast.get_by_role("button", name="Undo")).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "undo-automation-desktop.png"))
    await toast.get_by_role("button", name="Undo").click()
    await expect(page.get_by_role("heading", level=1, name="Door note")).to_be_in_viewport()
    versions = await site.client.get(
        "/api/versions", params={"kind": "automation", "id": "door-note"}
    )
    assert versions.json()[0]["after"]["yaml"].encode() == WRITTEN.encode()

    # The audit page: a rename row has its own Undo.
    (
        await site.client.patch(f"/api/devices/{FOUND}", json={"name": "Desk lamp"})
    ).raise_for_status()
    await page.goto(f"/audit?device={FOUND}")
    entries = page.get_by_role("list", name="Audit entries, newest first")
    row = entries.get_by_role("listitem").filter(has_text="Desk lamp").first
    await expect(row).to_be_in_viewport()
    await expect(row).to_contain_text("renamed")
    await page.screenshot(path=str(artifacts / "audit-desktop.png"))
    await row.get_by_role("button", name="Undo").click()
    await expect(page.locator(".toast", has_text="Undone.")).to_be_in_viewport()
    assert (await site.client.get(f"/api/devices/{FOUND}")).json()["name"] == "Found lamp"
    await expect(entries.get_by_role("listitem").first).to_contain_text("undid a change to")
