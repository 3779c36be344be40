"""Appliance cards as a person uses them: an IKEA STARKVIND purifier (power, mode, fan level,
child lock, PM2.5) and a BADRING leak sensor whose alarm turns its card red, each driven through
the simulated DIRIGERA hub; what the page shows and what the hub then sends are both checked."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from homeweave.sim.dirigera import DirigeraSimulator, payloads
from tests.e2e.conftest import Site, new_context
from tests.integration.test_dirigera_hub import api_for, hub_config

PURIFIER, LEAK = "starkvind", "dishwasher-leak-sensor"
ALARM = re.compile(r"\bis-alarm\b")


def hub_devices() -> list[payloads.Payload]:
    living = payloads.room("Living room")
    return [
        payloads.air_purifier("STARKVIND", living),
        payloads.water_sensor("Dishwasher leak sensor", living),
    ]


async def test_purifier_and_leak_sensor_cards(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    devices = hub_devices()
    purifier_id, leak_id = devices[0]["id"], devices[1]["id"]
    async with (
        DirigeraSimulator(devices) as sim,
        api_for(hub_config(sim, []), tmp_path) as (running, client),
    ):
        async with asyncio.timeout(10):
            while not {PURIFIER, LEAK} <= running.hub.registry.devices.keys():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        token = client.headers["Authorization"].removeprefix("Bearer ")
        context = await new_context(browser, running.url, token)
        try:
            page = await context.new_page()
            await page.goto("/rooms/living-room")
            await purifier_card(page, sim, purifier_id)
            await page.screenshot(path=str(artifacts / "appliances-desktop.png"), full_page=True)
            await leak_card(page, sim, leak_id, artifacts)
        finally:
            await context.close()


async def purifier_card(page: Page, sim: DirigeraSimulator, hub_id: str) -> None:
    card = page.locator(f'[data-device="{PURIFIER}"]')
    await card.scroll_into_view_if_needed()
    await expect(card).to_be_in_viewport()
    await expect(card.locator('[data-prop="pm2.5-density"] dt')).to_have_text("PM2.5")
    await expect(card.locator('[data-prop="pm2.5-density"] dd')).to_have_text("4 \u03bcg/m³")
    await expect(card.locator("[data-status]")).to_have_text("On · Auto")

    mode = card.get_by_label("Mode")
    await mode.select_option(label="High")
    await expect(mode).to_be_enabled()
    assert sim.state.device(hub_id)["attributes"]["fanMode"] == "high"
    await expect(card.locator("[data-status]")).to_have_text("On · High")

    level = card.get_by_role("slider", name="Fan speed")
    await level.fill("30")
    await expect(level).to_have_value("30")
    async with asyncio.timeout(5):
        while sim.state.device(hub_id)["attributes"]["motorState"] != 30:  # noqa: ASYNC110
            await asyncio.sleep(0.02)

    child_lock = card.get_by_role("button", name="Child lock")
    await expect(child_lock).to_have_attribute("aria-pressed", "false")
    await child_lock.click()
    await expect(child_lock).to_have_attribute("aria-pressed", "true")
    assert sim.state.device(hub_id)["attributes"]["childLock"] is True

    # the purifier's own sensor reports cleaner air: the card follows live
    sim.state.set_attributes(hub_id, currentPM25=17)
    await expect(card.locator('[data-prop="pm2.5-density"] dd')).to_have_text("17 \u03bcg/m³")

    await card.get_by_role("switch").click()
    await expect(card.locator("[data-status]")).to_have_text("Off")
    assert sim.state.device(hub_id)["attributes"]["fanMode"] == "off"


async def leak_card(page: Page, sim: DirigeraSimulator, hub_id: str, artifacts: Path) -> None:
    card = page.locator(f'[data-device="{LEAK}"]')
    await card.scroll_into_view_if_needed()
    await expect(card.locator("[data-status]")).to_have_text("Dry")
    await expect(card).not_to_have_class(ALARM)
    sim.state.set_attributes(hub_id, waterLeakDetected=True)
    await expect(card.locator("[data-status]")).to_have_text("Water leak!")
    await expect(card).to_have_class(ALARM)
    await expect(card).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "leak-alarm-desktop.png"))
    sim.state.set_attributes(hub_id, waterLeakDetected=False)
    await expect(card.locator("[data-status]")).to_have_text("Dry")
    await expect(card).not_to_have_class(ALARM)


async def test_fan_lock_and_humidifier_cards(site: Site, desktop: Page, artifacts: Path) -> None:
    await desktop.goto("/rooms/living-room")
    fan = desktop.locator('[data-device="living-room-fan"]')
    await fan.scroll_into_view_if_needed()
    await expect(fan).to_be_in_viewport()
    switch = fan.get_by_role("switch")
    if await switch.get_attribute("aria-checked") == "false":
        await switch.click()
    await expect(switch).to_have_attribute("aria-checked", "true")
    assert await site.value("living-room-fan/fan/on") is True
    await fan.get_by_label("Fan speed").select_option(label="Level3")
    await expect(fan.get_by_label("Fan speed")).to_be_enabled()
    assert await site.value("living-room-fan/fan/fan-level") == 3
    await fan.get_by_label("Mode").select_option(label="Natural Wind")
    await expect(fan.locator("[data-status]")).to_have_text("On · Natural Wind")
    oscillate = fan.get_by_role("button", name="Oscillate")
    swinging = await oscillate.get_attribute("aria-pressed") == "true"
    await oscillate.click()
    await expect(oscillate).to_have_attribute("aria-pressed", "false" if swinging else "true")
    assert await site.value("living-room-fan/fan/horizontal-swing") is (not swinging)
    await desktop.screenshot(path=str(artifacts / "fan-desktop.png"), full_page=True)

    await desktop.goto("/rooms/hallway")
    lock = desktop.locator('[data-device="front-door-lock"]')
    await lock.scroll_into_view_if_needed()
    await expect(lock).to_be_in_viewport()
    await expect(lock.locator("[data-status]")).to_have_text("Locked")
    await lock.get_by_role("button", name="Unlock").click()
    await expect(lock.locator("[data-status]")).to_have_text("Unlocked")
    assert await site.value("front-door-lock/lock/lock-state") == 2
    await lock.get_by_role("button", name="Lock", exact=True).click()
    await expect(lock.locator("[data-status]")).to_have_text("Locked")
    await desktop.screenshot(path=str(artifacts / "lock-desktop.png"), full_page=True)
    # the lock's events arrive live on its device page
    await desktop.goto("/devices/front-door-lock")
    await expect(desktop.get_by_role("heading", name="Recent events")).to_be_visible()
    unlock = await site.client.post("/api/devices/front-door-lock/actions/unlock")
    unlock.raise_for_status()
    await expect(desktop.locator(".event-list li").first).to_contain_text("lock/lock-event")

    await desktop.goto("/rooms/bedroom")
    humidifier = desktop.locator('[data-device="bedroom-humidifier"]')
    await humidifier.scroll_into_view_if_needed()
    target = humidifier.locator('output[data-prop="target-humidity"]')
    await expect(target).to_be_visible()
    before = await site.value("bedroom-humidifier/humidifier/target-humidity")
    assert isinstance(before, int)
    await humidifier.get_by_role("button", name="Raise target").click()
    async with asyncio.timeout(5):
        while await site.value("bedroom-humidifier/humidifier/target-humidity") == before:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    after = await site.value("bedroom-humidifier/humidifier/target-humidity")
    assert isinstance(after, int)
    assert after > before
