"""What the dashboard shows, as a person sees it in Debian's Chromium: the home right after
signing in (no "Loading" placeholder left above it), times in the home's zone and one 24-hour
format, cards that say what matters in readable words (Zigbee2MQTT devices included), history
charts that step between settings, and the look of last-known values while the hub is down.
Screenshots go to test-artifacts/dashboard/."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest_asyncio
from playwright.async_api import Browser, Page, Route, expect

from homeweave.app import demo_config, running_hub
from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, Site, demo_site, new_context
from tests.e2e.test_dashboard import card, no_sideways_scroll, open_room, status

HOME_ZONE = ZoneInfo("Europe/Amsterdam")  # the demo home's time_zone
BROWSER_ZONE = "America/New_York"  # far from it, so a time in the wrong zone shows
TWELVE_HOUR = re.compile(r"\d\s?[AP]M\b")
RECONNECT_MS = 30_000  # the dashboard retries with backoff (at most 30 s apart)


async def address_of(site: Site, device: str, key: str) -> tuple[int, int]:
    """(siid, piid) of a device's property, from the API."""
    response = await site.client.get(f"/api/devices/{device}")
    response.raise_for_status()
    for service in response.json()["services"]:
        for prop in service["properties"]:
            if prop["key"] == key:
                return service["siid"], prop["piid"]
    raise AssertionError(f"{device} has no {key}")


# --- item 1: signing in -------------------------------------------------------------------------
async def test_after_signing_in_the_home_is_on_screen_without_the_loading_placeholder(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    page = await (await contexts(DESKTOP, signed_in=False)).new_page()
    await page.goto("/")
    heading = page.get_by_role("heading", level=1, name="Demo home")
    await page.get_by_role("button", name="Use the admin token instead").click()
    for attempt in ("first", "again"):
        await page.get_by_label("Admin token").fill(site.token)
        await page.get_by_role("button", name="Sign in").click()
        await expect(heading).to_be_in_viewport()
        await expect(page.locator(".boot")).to_have_count(0)
        await expect(page.get_by_text("Loading homeweave")).to_have_count(0)
        assert await page.evaluate("window.scrollY") == 0
        await page.screenshot(path=artifacts / f"signed-in-{attempt}-desktop.png")
        await page.get_by_role("button", name="Log out").click()
        await expect(page.get_by_label("Admin token")).to_be_in_viewport()
        await expect(page.locator(".boot")).to_have_count(0)


# --- item 5: times ------------------------------------------------------------------------------
async def test_times_are_in_the_homes_zone_and_24_hour_whatever_the_browsers_zone(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    homes = (await site.client.get("/api/homes")).json()
    assert homes[0]["time_zone"] == str(HOME_ZONE)
    (await site.client.post("/api/automations/vacuum-finished/run")).raise_for_status()
    traces = (await site.client.get("/api/automations/vacuum-finished/traces")).json()
    ran = next(t for t in traces if t["trigger"]["kind"] == "manual")
    at_home = datetime.fromtimestamp(ran["at"], HOME_ZONE)

    page = await (await contexts(DESKTOP, timezone_id=BROWSER_ZONE)).new_page()
    assert await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == BROWSER_ZONE
    await page.goto(f"/automations/vacuum-finished/traces/{ran['id']}")
    when = page.locator(".trace-head .page-sub")
    await expect(when).to_contain_text(at_home.strftime("%H:%M:%S"))
    await expect(when).to_be_in_viewport()
    row = page.locator(f'.trace-row[data-trace="{ran["id"]}"] time')
    await expect(row).to_contain_text(at_home.strftime("%H:%M:%S"))
    await expect(page.locator("#main")).not_to_contain_text(TWELVE_HOUR)
    await page.screenshot(path=artifacts / "trace-times-desktop.png")

    # The greeting follows the home's clock too.
    hours = {datetime.now(HOME_ZONE).hour}
    await page.goto("/")
    hours.add(datetime.now(HOME_ZONE).hour)
    greetings = {
        "Good night"
        if h < 6
        else "Good morning"
        if h < 12
        else "Good afternoon"
        if h < 18
        else "Good evening"
        for h in hours
    }
    eyebrow = page.locator(".page-head .eyebrow")
    await expect(eyebrow).to_be_in_viewport()
    assert await eyebrow.inner_text() in greetings


# --- item 8: cards and charts -------------------------------------------------------------------
@pytest_asyncio.fixture(loop_scope="session")
async def zigbee(tmp_path: Path) -> AsyncIterator[Site]:
    """The demo home with its Zigbee2MQTT part (simulator on an embedded broker) added."""
    async with demo_site(tmp_path, ["homeweave.sim.zigbee2mqtt.demo:demo_part"]) as started:
        yield started


async def zigbee_value(site: Site, address: str) -> Any:
    """A Zigbee2MQTT device's value, once the simulator has reported it."""
    deadline = time.monotonic() + 10
    while (value := await site.value(address)) is None:
        assert time.monotonic() < deadline, f"{address} never reported"
        await site.client.get("/api/homes")  # yield to the hub for a moment
    return value


async def test_cards_say_what_matters_in_readable_words(
    zigbee: Site, browser: Browser, artifacts: Path
) -> None:
    link_quality = await zigbee_value(zigbee, "study-blind/zigbee/link-quality")
    millivolts = await zigbee_value(zigbee, "hallway-button/battery/voltage")
    context = await new_context(browser, zigbee.url, zigbee.token)
    try:
        page = await context.new_page()
        await open_room(page, "study")  # rooms show full cards; the home page, compact tiles

        # Link quality is a diagnostic: not on the card (under the device page's Device info).
        blind = card(page, "study-blind")
        await blind.scroll_into_view_if_needed()
        await expect(blind).to_be_in_viewport()
        await expect(status(page, "study-blind")).not_to_contain_text(str(link_quality))
        await expect(blind.locator('[data-prop="link-quality"]')).to_have_count(0)
        await expect(page.locator(".reading dt", has_text="Linkquality")).to_have_count(0)

        # Battery millivolts are a diagnostic too, in volts (3.04 V, not 3,042 mV).
        await page.goto("/devices/hallway-button")
        info = page.locator("[data-device-info]")
        await info.locator("summary").click()
        voltage = info.locator('[data-prop="voltage"] dd')
        await voltage.scroll_into_view_if_needed()
        await expect(voltage).to_be_in_viewport()
        await expect(voltage).to_have_text(f"{millivolts / 1000:.2f} V")
        await expect(info.locator('[data-prop="link-quality"] dt')).to_have_text("Link quality")
        await open_room(page, "hallway")
        button = card(page, "hallway-button")
        await expect(button.locator('[data-prop="voltage"]')).to_have_count(0)
        overflowing = await page.evaluate(
            """() => [...document.querySelectorAll('.reading')]
                .filter((tile) => tile.scrollWidth > tile.clientWidth
                    || tile.querySelector('dd').scrollWidth > tile.querySelector('dd').clientWidth)
                .map((tile) => tile.textContent)"""
        )
        assert overflowing == []

        # No tile without a value (the button has not reported its device temperature).
        assert await zigbee.value("hallway-button/diagnostics/device-temperature") is None
        await expect(button.locator('[data-prop="device-temperature"]')).to_have_count(0)
        await expect(page.locator(".reading dd").filter(has_text=re.compile(r"^—$"))).to_have_count(
            0
        )
        await page.evaluate("window.scrollTo(0, 0)")  # else the sticky bar shows mid-page
        await page.screenshot(path=artifacts / "zigbee-cards-desktop.png", full_page=True)

        # Motion says so once, in words that do not repeat the label.
        zigbee.virtual.inject("hallway-motion", "motion-state", True)
        motion = card(page, "hallway-motion")
        await motion.scroll_into_view_if_needed()
        await expect(motion.locator('[data-prop="motion-state"] dd')).to_have_text("Detected")
        await expect(status(page, "hallway-motion")).to_have_text(re.compile(r"^Motion detected"))
        await expect(motion).to_be_in_viewport()
        repeated = await page.evaluate(
            """() => [...document.querySelectorAll('.reading')]
                .filter((tile) => tile.querySelector('dt').textContent
                    === tile.querySelector('dd').textContent)
                .map((tile) => tile.textContent)"""
        )
        assert repeated == []
        statuses = await page.locator("[data-status]").all_inner_texts()
        assert [s for s in statuses if len(set(s.split(" · "))) < len(s.split(" · "))] == []
    finally:
        await context.close()


async def stroke_heights(page: Page, fractions: list[float]) -> list[int]:
    """For each fraction of the chart's plot width, the canvas row of the line's stroke there
    (the topmost opaque accent-coloured pixel)."""
    heights: list[int] = await page.evaluate(
        """(fractions) => {
            const canvas = document.querySelector('.history .chart canvas');
            const plot = document.querySelector('.history .chart .u-over').getBoundingClientRect();
            const box = canvas.getBoundingClientRect();
            const scale = canvas.width / box.width;
            const context = canvas.getContext('2d');
            return fractions.map((f) => {
                const x = Math.round((plot.left - box.left + f * plot.width) * scale);
                const column = context.getImageData(x, 0, 1, canvas.height).data;
                for (let y = 0; y < canvas.height; y++) {
                    const [r, g, b, a] = column.slice(y * 4, y * 4 + 4);
                    if (a > 200 && b - r > 60) return y;
                }
                return -1;
            });
        }""",
        fractions,
    )
    return heights


async def test_a_settings_history_steps_from_value_to_value(
    site: Site, desktop: Page, artifacts: Path
) -> None:
    siid, piid = await address_of(site, "living-room-lamp", "brightness")
    storage = site.running.hub.storage
    assert storage is not None
    now = time.time()
    storage.record("living-room-lamp", siid, piid, 10, now - 3 * 3600)
    storage.record("living-room-lamp", siid, piid, 90, now - 2 * 3600)
    await desktop.goto("/devices/living-room-lamp")
    await desktop.get_by_role("button", name="Brightness", exact=True).click()
    chart = desktop.locator(".history .chart")
    await expect(chart).to_have_attribute("aria-label", "Brightness over the last 24 h")
    await expect(chart).to_have_attribute("data-status", "ready")
    await chart.scroll_into_view_if_needed()
    await expect(chart.locator("canvas")).to_be_in_viewport()
    await desktop.screenshot(path=artifacts / "history-stepped-desktop.png")

    # The plot spans the 3 hours from the first value: the brightness was 10 for the first
    # third, so a line that held the value is as low in the middle of that third as at its
    # start; a sloped one would be half-way up to 90 there.
    start, middle, later = await stroke_heights(desktop, [0.03, 0.17, 0.6])
    assert min(start, middle, later) >= 0, "no line found"
    assert abs(start - middle) <= 2
    assert later < middle - 40


async def test_on_off_and_modes_have_a_timeline_of_states(site: Site, desktop: Page) -> None:
    site.virtual.inject("hallway-motion", "motion-state", True)
    await desktop.goto("/devices/hallway-motion")
    await desktop.get_by_role("button", name="Motion", exact=True).click()
    chart = desktop.locator(".history .chart")
    await expect(chart).to_have_attribute("aria-label", "Motion over the last 24 h")
    await expect(chart).to_have_attribute("data-status", "ready")
    await expect(chart.locator(".band[data-value='true']").last).to_be_in_viewport()


# --- item 9: the hub goes away and comes back ---------------------------------------------------
async def test_while_the_hub_is_down_values_look_stale_and_controls_wait(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    config = demo_config(port=0, tick=0)
    async with running_hub(config, tmp_path, port=0) as first:
        assert first.new_token is not None
        url, token = first.url, first.new_token
        context = await new_context(browser, url, token)
        page = await context.new_page()
        await open_room(page, "living-room")
        lamp = card(page, "living-room-lamp")
        switch = lamp.get_by_role("switch")

        # A command the network drops: the card says the hub cannot be reached.
        async def drop(route: Route) -> None:
            await route.abort("connectionrefused")

        await page.route("**/api/devices/living-room-lamp/light/on", drop)
        await switch.click()
        await expect(lamp.get_by_role("alert")).to_contain_text("The hub cannot be reached")
        await page.unroute("**/api/devices/living-room-lamp/light/on")

    # The hub is down: last known values, marked so, and nothing to press.
    try:
        await expect(page.get_by_text("Reconnecting…")).to_be_visible()
        await expect(page.get_by_text("Hub offline")).to_be_in_viewport()
        await expect(lamp).to_have_class(re.compile(r"\bis-stale\b"))
        await expect(lamp.get_by_text(re.compile(r"^last seen \d\d:\d\d$"))).to_be_in_viewport()
        opacity = await lamp.locator(".card-body").evaluate("e => getComputedStyle(e).opacity")
        assert float(opacity) < 0.75
        await expect(switch).to_be_disabled()
        await expect(lamp.get_by_role("slider").first).to_be_disabled()
        await expect(
            card(page, "robot-vacuum").get_by_role("button", name="Start")
        ).to_be_disabled()
        await page.screenshot(path=artifacts / "hub-offline-desktop.png")
        await page.set_viewport_size(PHONE)  # "Reconnecting…" still leaves room for the rest
        await expect(page.get_by_role("button", name="Log out")).to_be_in_viewport(ratio=1)
        await no_sideways_scroll(page)
        await page.screenshot(path=artifacts / "hub-offline-phone.png")
        await page.set_viewport_size(DESKTOP)

        port = urlsplit(url).port
        async with running_hub(config, tmp_path, port=port) as second:
            assert second.url == url
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=5) as client:
                put = "/api/devices/living-room-lamp/light/brightness"
                (await client.put(put, json={"value": 35})).raise_for_status()
            # Back: live values (the change made while away included), controls, no stale error.
            await expect(page.get_by_text("Live", exact=True)).to_be_visible(timeout=RECONNECT_MS)
            await expect(lamp).not_to_have_class(re.compile(r"\bis-stale\b"))
            await expect(page.get_by_text("Hub offline")).to_have_count(0)
            await expect(lamp.get_by_text("last seen")).to_have_count(0)
            await expect(lamp).not_to_contain_text("cannot be reached")
            await expect(switch).to_be_enabled()
            brightness = lamp.get_by_role("slider", name="Brightness")
            await expect(brightness).to_have_attribute("aria-valuetext", "35%")
            await expect(brightness).to_be_in_viewport()
            await page.screenshot(path=artifacts / "hub-back-desktop.png")
    finally:
        await context.close()
