"""History people can read (#18 item 4), on a phone (390x844) and a desktop (1440x900): a change
made with ``homeweave set`` shows in the device page's logbook with who made it and through
what; on/off is drawn as coloured bands named by their state; a thermostat gets its climate
graph; the room and the home have their logbooks too."""

from __future__ import annotations

import asyncio
import math
import re
import sys
import time
from pathlib import Path

from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.conftest import ContextFactory, Site

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": 1440, "height": 900}
CLI = [sys.executable, "-m", "homeweave.cli.main"]


async def member_token(site: Site, user: str) -> str:
    body = {"id": user, "password": f"{user}-password", "role": "member", "home": "home"}
    (await site.client.post("/api/users", json=body)).raise_for_status()
    made = await site.client.post("/api/tokens", json={"name": "e2e", "user": user})
    made.raise_for_status()
    token: str = made.json()["token"]
    return token


def seed(site: Site, address: str, values: list[tuple[float, object]]) -> None:
    """Record ``(hours ago, value)`` points of a property's history."""
    storage = site.running.hub.storage
    assert storage is not None
    ref = site.running.hub.commands.resolve(address)
    now = time.time()
    for hours, value in values:
        storage.record(ref.device.id, ref.service.iid, ref.prop.iid, value, now - hours * 3600)  # type: ignore[arg-type]


async def cli_set(site: Site, token: str, address: str, value: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *CLI,
        "set",
        address,
        value,
        "--url",
        site.url,
        "--token",
        token,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def test_the_device_page_logbook_names_a_cli_change_and_its_cause(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    token = await member_token(site, "anna")
    for name, viewport, mobile, brightness in (
        ("phone", PHONE, True, 37),
        ("desktop", WIDE, False, 64),
    ):
        await cli_set(site, token, "living-room-lamp/light/brightness", str(brightness))
        page = await (await contexts(viewport, mobile=mobile)).new_page()
        await page.goto("/devices/living-room-lamp")
        logbook = page.get_by_role("region", name="Logbook")
        line = logbook.locator(".logbook-line").first
        await expect(line).to_contain_text(
            f"Living room lamp brightness set to {brightness}% by anna via cli"
        )
        await expect(line.locator("time")).to_have_text(re.compile(r"^\d\d:\d\d$"))  # 24-hour
        await line.scroll_into_view_if_needed()
        await expect(line).to_be_in_viewport()
        await page.screenshot(path=artifacts / f"logbook-device-{name}.png")


async def test_the_logbook_speaks_the_dashboards_language_with_the_cause_once(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    # The hub words the sentence with the cause inside it (German: in the middle; Chinese: at the
    # start); the dashboard mutes the cause in place and shows it once.
    token = await member_token(site, "mia")
    await cli_set(site, token, "living-room-lamp/light/brightness", "42")
    for locale, cause, sentence in (
        ("de-DE", "von mia über die Kommandozeile", "Living room lamp"),
        ("zh-CN", "由 mia 通过命令行", "Living room lamp"),
    ):
        page = await (await contexts(PHONE, mobile=True, locale=locale)).new_page()
        await page.goto("/devices/living-room-lamp")
        line = page.locator(".logbook-line").first
        await expect(line).to_contain_text(sentence)
        await expect(line).to_contain_text("42")
        await expect(line.locator(".logbook-cause")).to_have_text(cause)
        text = await line.locator(".logbook-text").inner_text()
        assert text.count(cause) == 1, text
        await line.scroll_into_view_if_needed()
        await expect(line).to_be_in_viewport()
        await page.screenshot(path=artifacts / f"logbook-device-{locale}.png")


async def test_on_off_is_drawn_as_named_bands(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    seed(
        site,
        "hallway-motion/motion-sensor/motion-state",
        [(20, False), (9, True), (8, False), (4, True), (2.5, False)],
    )
    site.virtual.inject("hallway-motion", "motion-state", True)
    for name, viewport, mobile in (("phone", PHONE, True), ("desktop", WIDE, False)):
        page = await (await contexts(viewport, mobile=mobile)).new_page()
        await page.goto("/devices/hallway-motion")
        await page.get_by_role("button", name="Motion", exact=True).click()
        chart = page.locator(".history .chart")
        await expect(chart).to_have_attribute("aria-label", "Motion over the last 24 h")
        await expect(chart).to_have_attribute("data-kind", "timeline")
        await expect(chart).to_have_attribute("data-status", "ready")
        detected = chart.locator(".band[data-value='true']").last
        await expect(detected).to_have_text("Detected")
        await expect(chart.locator(".band[data-value='false']").last).to_have_text("Clear")
        await chart.scroll_into_view_if_needed()
        await expect(detected).to_be_in_viewport()
        # The logbook below tells the same changes in words.
        logbook = page.get_by_role("region", name="Logbook")
        await expect(logbook.locator(".logbook-line").first).to_contain_text(
            "Hallway motion sensor detected motion"
        )
        await page.screenshot(path=artifacts / f"history-timeline-{name}.png")


async def test_a_thermostat_has_a_climate_graph(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    # Six hours: the room warms towards a target raised from 19 to 21.5 °C three hours ago,
    # heating until it got there.
    seed(
        site,
        "living-room-thermostat/environment/temperature",
        [
            (6 - i / 4, round(19 + min(2.6, max(0, (i - 12) / 4)) + 0.2 * math.sin(i), 1))
            for i in range(24)
        ],
    )
    seed(site, "living-room-thermostat/thermostat/target-temperature", [(6, 19.0), (3, 21.5)])
    seed(site, "living-room-thermostat/thermostat/status", [(6, 0), (3, 1), (1, 0)])
    await site.client.put(
        "/api/devices/living-room-thermostat/thermostat/target-temperature", json={"value": 22.5}
    )
    for name, viewport, mobile in (("phone", PHONE, True), ("desktop", WIDE, False)):
        page = await (await contexts(viewport, mobile=mobile)).new_page()
        await page.goto("/devices/living-room-thermostat")
        chart = page.locator(".history .chart")
        await expect(chart).to_have_attribute("data-kind", "climate")
        await expect(chart).to_have_attribute("aria-label", "Climate over the last 24 h")
        await expect(chart).to_have_attribute("data-status", "ready")
        await chart.scroll_into_view_if_needed()
        await expect(chart.locator("canvas")).to_be_in_viewport()
        await expect(page.locator(".climate-key")).to_contain_text("Target")
        await expect(chart).to_have_attribute("data-heating", "1")  # 3 h to 1 h ago
        logbook = page.get_by_role("region", name="Logbook")
        await expect(logbook).to_contain_text(
            "Living room thermostat set to 22.5 °C by admin via app"
        )
        await page.screenshot(path=artifacts / f"history-climate-{name}.png")


async def test_the_room_and_the_home_have_a_logbook(
    site: Site, phone: Page, desktop: Page, artifacts: Path
) -> None:
    await site.client.put("/api/devices/kitchen-lamp/light/on", json={"value": False})
    await site.client.put("/api/devices/kitchen-lamp/light/on", json={"value": True})
    await desktop.goto("/rooms/kitchen")
    room = desktop.get_by_role("region", name="Logbook")
    await expect(room.locator(".logbook-line").first).to_contain_text(
        "Kitchen lamp turned on by admin via app"
    )
    await room.scroll_into_view_if_needed()
    await desktop.screenshot(path=artifacts / "logbook-room-desktop.png")

    # The more-info sheet from a tile on the home page has the latest lines too.
    await desktop.goto("/")
    kitchen = desktop.locator('section[data-room="kitchen"]')
    await kitchen.locator('[data-device="kitchen-lamp"] .tile-open').click()
    sheet = desktop.locator('dialog[data-sheet="kitchen-lamp"]')
    recent = sheet.get_by_role("region", name="Recent")
    await expect(recent.locator(".logbook-line").first).to_contain_text(
        "Kitchen lamp turned on by admin via app"
    )
    await desktop.screenshot(path=artifacts / "logbook-sheet-desktop.png")

    await phone.goto("/more")
    await phone.get_by_role("link", name="Logbook").click()
    await expect(phone).to_have_url(f"{site.url}/logbook")
    home = phone.get_by_role("region", name="What happened")
    first = home.locator(".logbook-line").first
    await expect(first).to_contain_text("Kitchen lamp turned on by admin via app")
    await expect(first).to_be_in_viewport()
    await phone.screenshot(path=artifacts / "logbook-home-phone.png")
