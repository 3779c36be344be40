"""The dashboard in Debian's Chromium against a demo hub on loopback: sign in, control devices
and see the hub's state change, see values arrive live, read history; screenshots of the main
views at phone and desktop widths go to test-artifacts/dashboard/."""

from __future__ import annotations

import asyncio
import gzip
import json
import math
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Locator, Page, Route, ViewportSize, expect

from homeweave.web import STATIC, mount
from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, Site

# The bundle budget (gzipped bytes), also enforced by web/vite.config.js when building.
BUDGET_INITIAL_JS = 30_000
BUDGET_TOTAL_JS = 107_000
BUDGET_INITIAL_CSS = 10_000  # the first page's
BUDGET_TOTAL_CSS = 16_000  # every page's


def card(page: Page, device_id: str) -> Locator:
    return page.locator(f'article[data-device="{device_id}"]')


def status(page: Page, device_id: str) -> Locator:
    return card(page, device_id).locator("[data-status]")


async def open_home(page: Page) -> None:
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1, name="Demo home")).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()


async def open_room(page: Page, room: str) -> None:
    """A room's page: a full card per device (the home page has compact tiles)."""
    await page.goto(f"/rooms/{room}")
    await expect(page.locator(f'.card-grid[data-room="{room}"]')).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()


# --- signing in -------------------------------------------------------------------------------
async def test_sign_in_refuses_a_wrong_token_then_accepts_the_admin_token(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    page = await (await contexts(DESKTOP, signed_in=False)).new_page()
    await page.goto("/")
    # No one exists yet: the first-run page, which offers the admin token too.
    await expect(page.get_by_role("heading", name="Welcome to homeweave")).to_be_visible()
    await page.get_by_role("button", name="Use the admin token instead").click()
    field = page.get_by_label("Admin token")
    await field.fill("not-the-token")
    await page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("That token was not accepted")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await page.screenshot(path=artifacts / "login-error-desktop.png")

    await field.fill(site.token)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Demo home")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('homeweave.token')") == site.token

    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Demo home")).to_be_visible()

    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_label("Admin token")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('homeweave.token')") is None


async def test_a_revoked_token_returns_to_sign_in_with_a_message(
    site: Site, contexts: ContextFactory
) -> None:
    context = await contexts(DESKTOP, signed_in=False)
    await context.add_init_script("localStorage.setItem('homeweave.token', 'stale-token')")
    page = await context.new_page()
    await page.goto("/rooms/kitchen")
    await expect(page.get_by_role("alert")).to_contain_text("no longer accepts this token")
    await expect(page.get_by_label("Admin token")).to_be_visible()


# --- controls ---------------------------------------------------------------------------------
async def test_toggling_a_lamp_switches_the_device(site: Site, desktop: Page) -> None:
    await open_home(desktop)
    switch = card(desktop, "living-room-lamp").get_by_role("switch")
    await expect(switch).to_have_attribute("aria-checked", "false")
    await switch.click()
    await expect(status(desktop, "living-room-lamp")).to_have_text("On · 80%")
    assert await site.value("living-room-lamp/light/on") is True

    await switch.focus()
    await desktop.keyboard.press("Space")
    await expect(status(desktop, "living-room-lamp")).to_have_text("Off")
    assert await site.value("living-room-lamp/light/on") is False


async def test_moving_sliders_sets_brightness_and_white_tone(site: Site, desktop: Page) -> None:
    await open_room(desktop, "living-room")
    ceiling = card(desktop, "living-room-ceiling")
    brightness = ceiling.get_by_role("slider", name="Brightness")
    await brightness.focus()
    await desktop.keyboard.press("End")
    await expect(status(desktop, "living-room-ceiling")).to_have_text("On · 100%")
    assert await site.value("living-room-ceiling/light/brightness") == 100

    # A mouse click a quarter of the way along the track.
    box = await brightness.bounding_box()
    assert box is not None
    await desktop.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    await expect(status(desktop, "living-room-ceiling")).not_to_have_text("On · 100%")
    value = await site.value("living-room-ceiling/light/brightness")
    assert isinstance(value, int)
    assert 15 <= value <= 35
    await expect(status(desktop, "living-room-ceiling")).to_have_text(f"On · {value}%")

    await ceiling.get_by_role("slider", name="White tone").fill("6500")
    await expect(ceiling.locator("output", has_text="6,500 K")).to_be_visible()
    assert await site.value("living-room-ceiling/light/color-temperature") == 6500


async def test_color_swatches_and_picker_set_the_packed_rgb_color(
    site: Site, desktop: Page
) -> None:
    await open_room(desktop, "living-room")
    lamp = card(desktop, "living-room-lamp")
    await expect(lamp.locator("[data-light-mode]")).to_have_text("Showing white")
    await lamp.get_by_role("button", name="Color", exact=True).click()  # its colour controls
    await lamp.get_by_role("button", name="Blue").click()
    await expect(lamp.get_by_role("button", name="Blue")).to_have_attribute("aria-pressed", "true")
    assert await site.value("living-room-lamp/light/color") == 0x3FA9FF
    await expect(lamp.locator("[data-light-mode]")).to_have_text("Showing a color")
    await expect(lamp.locator(".wheel")).to_have_attribute("data-color", "#3fa9ff")
    await lamp.get_by_label("Custom color").fill("#12ab34")
    await expect(lamp.get_by_role("button", name="Blue")).to_have_attribute("aria-pressed", "false")
    assert await site.value("living-room-lamp/light/color") == 0x12AB34


async def test_thermostat_target_beside_the_room_temperature(site: Site, desktop: Page) -> None:
    await desktop.goto("/rooms/study")
    radiator = card(desktop, "study-thermostat")
    await expect(radiator.locator('[data-prop="temperature"]')).to_have_text("19.0°C")
    target = radiator.locator('output[data-prop="target-temperature"]')
    await expect(target).to_have_text("19.5°C")
    raise_target = radiator.get_by_role("button", name="Raise target")
    puts: list[str] = []
    desktop.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    async with desktop.expect_response(lambda r: r.request.method == "PUT") as answer:
        await raise_target.click()
        await raise_target.click()
        await expect(target).to_have_text("20.5°C")  # at once; sent as one write a moment later
    assert (await answer.value).ok
    assert len(puts) == 1
    assert await site.value("study-thermostat/thermostat/target-temperature") == 20.5

    await radiator.get_by_label("Mode").select_option(label="Eco")
    await expect(radiator.get_by_label("Mode")).to_be_enabled()
    assert await site.value("study-thermostat/thermostat/mode") == 2


async def test_vacuum_starts_pauses_and_docks(site: Site, desktop: Page) -> None:
    await desktop.goto("/rooms/living-room")
    vacuum = card(desktop, "robot-vacuum")
    await expect(status(desktop, "robot-vacuum")).to_have_text("Charging")
    await expect(vacuum.locator('[data-prop="battery-level"] dd')).to_have_text("100%")
    await vacuum.get_by_role("button", name="Start").click()
    await expect(status(desktop, "robot-vacuum")).to_have_text("Sweeping")
    assert await site.value("robot-vacuum/vacuum/status") == 2
    site.virtual.step(30)  # the virtual clock: it sweeps, the battery drains
    await expect(vacuum.locator('[data-prop="battery-level"] dd')).to_have_text("94%")
    await vacuum.get_by_role("button", name="Pause").click()
    await expect(status(desktop, "robot-vacuum")).to_have_text("Paused")
    await vacuum.get_by_role("button", name="Dock").click()
    await expect(status(desktop, "robot-vacuum")).to_have_text("Returning to dock")
    assert await site.value("robot-vacuum/vacuum/status") == 5


async def test_blind_position_and_speaker_volume_and_mute(site: Site, desktop: Page) -> None:
    await desktop.goto("/rooms/living-room")
    curtain = card(desktop, "living-room-curtain")
    await curtain.get_by_role("slider", name="Position").fill("40")
    await expect(curtain.locator("output")).to_contain_text("40%")
    assert await site.value("living-room-curtain/curtain/target-position") == 40
    site.virtual.step(2)  # it moves 10 %/s toward the target
    await expect(curtain.locator("output")).to_contain_text("now 80%")
    await expect(status(desktop, "living-room-curtain")).to_have_text("Closing")

    speaker = card(desktop, "living-room-speaker")
    await speaker.get_by_role("slider", name="Volume").fill("55")
    await expect(speaker.locator("output")).to_have_text("55%")
    assert await site.value("living-room-speaker/speaker/volume") == 55
    mute = speaker.get_by_role("button", name="Mute")
    await mute.click()
    await expect(mute).to_have_attribute("aria-pressed", "true")
    assert await site.value("living-room-speaker/speaker/mute") is True
    await speaker.get_by_role("button", name="Play").click()
    await expect(status(desktop, "living-room-speaker")).to_have_text("Playing")


async def test_a_command_shows_progress_then_the_hubs_error(site: Site, desktop: Page) -> None:
    """The request is held to see the spinner, then reaches the real hub with a value it
    refuses; the card shows the hub's own message and the confirmed value again."""
    await open_room(desktop, "kitchen")
    release = asyncio.Event()

    async def hold_then_send_out_of_range(route: Route) -> None:
        await release.wait()
        await route.continue_(post_data=json.dumps({"value": 150}))

    await desktop.route("**/api/devices/kitchen-lamp/light/brightness", hold_then_send_out_of_range)
    lamp = card(desktop, "kitchen-lamp")
    await lamp.get_by_role("slider", name="Brightness").fill("90")
    await expect(lamp.get_by_role("status", name="Setting…")).to_be_visible()
    await expect(lamp.locator(".slider").first).to_have_attribute("aria-busy", "true")
    await expect(lamp.locator("output").first).to_have_text("90%")
    release.set()
    alert = lamp.get_by_role("alert")
    await expect(alert).to_contain_text("150")
    await expect(alert).to_contain_text("1..100")
    await expect(lamp.locator("output").first).to_have_text("80%")
    await expect(lamp.get_by_role("status", name="Setting…")).to_be_hidden()
    assert await site.value("kitchen-lamp/light/brightness") == 80
    await lamp.get_by_role("button", name="Dismiss").click()
    await expect(alert).to_be_hidden()


# --- live updates -----------------------------------------------------------------------------
async def test_sensor_values_and_availability_arrive_live(site: Site, desktop: Page) -> None:
    await open_home(desktop)
    # the home page's tiles: one line of status each
    climate = status(desktop, "bedroom-climate")
    await expect(climate).to_contain_text("21.0°C")
    site.virtual.inject("bedroom-climate", "temperature", 23.4)
    await expect(climate).to_contain_text("23.4°C")
    await expect(status(desktop, "hallway-door")).to_contain_text("Closed")
    site.virtual.inject("hallway-door", "contact-state", False)
    await expect(status(desktop, "hallway-door")).to_contain_text("Open")

    site.virtual.set_online("hallway-lamp", False)
    lamp = card(desktop, "hallway-lamp")
    await expect(status(desktop, "hallway-lamp")).to_have_text("Unavailable")
    await expect(lamp.get_by_role("switch")).to_be_disabled()
    await expect(desktop.get_by_text("1 unavailable")).to_be_visible()
    await lamp.locator(".tile-open").click()  # the sheet says why
    sheet = desktop.get_by_role("dialog", name="Lamp")
    await expect(sheet).to_contain_text("not responding")
    await sheet.get_by_role("button", name="Close").click()
    await expect(sheet).to_be_hidden()

    # a room's page: full cards with every reading
    await open_room(desktop, "bedroom")
    reading = card(desktop, "bedroom-climate").locator('[data-prop="temperature"] dd')
    await expect(reading).to_have_text("23.4°C")
    site.virtual.inject("bedroom-climate", "temperature", 21.0)
    await expect(reading).to_have_text("21.0°C")
    site.virtual.set_online("hallway-lamp", True)
    await open_home(desktop)
    await expect(lamp.get_by_role("switch")).to_be_enabled()


def seed_history(site: Site, device: str, siid: int, piid: int, *, hours: int, base: float) -> None:
    """Recorded values every 15 minutes over the past hours: a gentle daily curve."""
    storage = site.running.hub.storage
    assert storage is not None
    now = time.time()
    steps = hours * 4
    for i in range(steps):
        value = round(base + 1.5 * math.sin(i / 6) + 0.3 * math.sin(i * 1.7), 1)
        storage.record(device, siid, piid, value, now - (steps - i) * 900)


async def test_history_chart_shows_recorded_values_and_new_ones(site: Site, desktop: Page) -> None:
    seed_history(site, "living-room-climate", 2, 1, hours=6, base=20.5)
    await desktop.goto("/devices/living-room-climate")
    chart = desktop.locator(".history .chart")
    await expect(chart.locator("canvas")).to_be_visible()
    await expect(chart).to_have_attribute("data-status", "ready")
    points = int(await chart.get_attribute("data-points") or 0)
    assert points >= 24
    site.virtual.inject("living-room-climate", "temperature", 24.2)
    await expect(chart).to_have_attribute("data-points", str(points + 1))
    await expect(desktop.locator(".stats")).to_contain_text("24.2°C")

    await desktop.get_by_role("button", name="Humidity", exact=True).click()
    await expect(chart).to_have_attribute("aria-label", "Humidity over the last 24 h")
    await expect(chart).to_have_attribute("data-status", "ready")
    await desktop.get_by_role("button", name="1 h").click()
    await expect(chart).to_have_attribute("aria-label", "Humidity over the last 1 h")
    await expect(chart.locator("canvas")).to_be_visible()


async def test_automations_appear_in_the_menu_once_the_hub_has_them(
    site: Site, desktop: Page
) -> None:
    await open_home(desktop)
    await desktop.get_by_role("link", name="Automations").click()
    await expect(desktop.get_by_role("heading", level=1, name="Automations")).to_be_visible()
    await expect(
        desktop.get_by_text("Hallway lamp when the front door opens after dark")
    ).to_be_visible()


# --- looks, layout, accessibility ---------------------------------------------------------------
async def furnish(site: Site) -> None:
    """A lived-in home for the screenshots: lights on in colors, a vacuum at work, history."""
    writes = {
        "living-room-lamp/light/on": True,
        "living-room-lamp/light/color": 0xFFB46B,
        "bedroom-lamp/light/on": True,
        "bedroom-lamp/light/brightness": 35,
        "kitchen-lamp/light/on": True,
        "kitchen-lamp/light/color": 0x3FA9FF,
        "living-room-speaker/speaker/volume": 45,
        "living-room-curtain/curtain/target-position": 60,
    }
    for address, value in writes.items():
        response = await site.client.put(f"/api/devices/{address}", json={"value": value})
        response.raise_for_status()
    (await site.client.post("/api/devices/robot-vacuum/actions/start-sweep")).raise_for_status()
    (await site.client.post("/api/devices/living-room-speaker/actions/play")).raise_for_status()
    site.virtual.step(2)
    site.virtual.set_online("hallway-motion", False)
    seed_history(site, "living-room-thermostat", 3, 1, hours=24, base=19.5)


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= await page.evaluate("window.innerWidth"), "the page scrolls sideways"


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_screenshots_of_home_room_and_device(
    site: Site,
    contexts: ContextFactory,
    artifacts: Path,
    size: str,
    viewport: ViewportSize,
) -> None:
    await furnish(site)
    page = await (await contexts(viewport, mobile=size == "phone")).new_page()
    await open_home(page)
    await expect(status(page, "robot-vacuum")).to_have_text("Sweeping")
    await no_sideways_scroll(page)
    await page.screenshot(path=artifacts / f"home-{size}.png", full_page=size == "desktop")

    await page.get_by_role("link", name="Living room", exact=True).first.click()
    await expect(page.get_by_role("heading", level=1, name="Living room")).to_be_focused()
    await no_sideways_scroll(page)
    await page.screenshot(path=artifacts / f"room-{size}.png", full_page=True)

    await card(page, "living-room-thermostat").get_by_role("link").click()
    await expect(
        page.get_by_role("heading", level=1, name="Living room thermostat")
    ).to_be_visible()
    await expect(page.locator(".history .chart")).to_have_attribute("data-status", "ready")
    await no_sideways_scroll(page)
    await page.screenshot(path=artifacts / f"device-{size}.png", full_page=True)

    await page.goto("/devices/robot-vacuum")  # a deep link is served the dashboard too
    await expect(page.get_by_role("heading", level=1, name="Robot vacuum")).to_be_visible()
    await page.screenshot(path=artifacts / f"device-vacuum-{size}.png")


async def test_dark_theme_follows_the_system_and_the_toggle(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    await furnish(site)
    page = await (await contexts(DESKTOP)).new_page()
    await page.emulate_media(color_scheme="dark")
    await open_home(page)
    background = "getComputedStyle(document.body).backgroundColor"
    dark = await page.evaluate(background)
    await page.screenshot(path=artifacts / "home-desktop-dark.png")
    await page.get_by_role("button", name="Use light theme").click()
    assert await page.evaluate(background) != dark
    await page.reload()
    await expect(page.get_by_role("button", name="Use dark theme")).to_be_visible()
    await page.get_by_role("button", name="Use dark theme").click()
    assert await page.evaluate(background) == dark
    await page.goto("/devices/living-room-thermostat")
    await expect(page.locator(".history .chart")).to_have_attribute("data-status", "ready")
    await page.screenshot(path=artifacts / "device-desktop-dark.png")


UNNAMED_CONTROLS = """() => [...document.querySelectorAll('button, input, select, a[href]')]
  .filter((el) => {
    const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.labels && el.labels.length) || el.textContent.trim() || el.title;
    return !labelled;
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


async def test_keyboard_and_screen_reader_basics(site: Site, desktop: Page) -> None:
    await open_home(desktop)
    await desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    assert await desktop.evaluate(UNNAMED_CONTROLS) == []
    await expect(desktop.get_by_role("navigation", name="Main")).to_be_visible()
    await expect(desktop.get_by_role("main")).to_be_visible()
    # Every control reaches the keyboard: tab to the first lamp's switch and flip it.
    switch = card(desktop, "living-room-lamp").get_by_role("switch")
    for _ in range(40):
        await desktop.keyboard.press("Tab")
        if await switch.evaluate("(el) => el === document.activeElement"):
            break
    await expect(switch).to_be_focused()
    outline = await switch.evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline != "none", "focus must be visible"
    await desktop.keyboard.press("Enter")
    await expect(switch).to_have_attribute("aria-checked", "true")

    await desktop.goto("/devices/robot-vacuum")
    await expect(desktop.get_by_role("heading", level=1, name="Robot vacuum")).to_be_visible()
    assert await desktop.evaluate(UNNAMED_CONTROLS) == []


async def test_the_home_page_paints_its_content(site: Site, desktop: Page) -> None:
    """The browser records a first contentful paint (how long it takes is a figure for
    ``bench``, not an assertion: a loaded CI machine must not fail a test on time)."""
    await open_home(desktop)
    paint = await desktop.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
    )
    assert paint is not None
    assert paint > 0


# --- serving ----------------------------------------------------------------------------------
async def test_index_revalidates_assets_are_immutable_and_gzipped(site: Site) -> None:
    index = await site.client.get("/")
    assert index.status_code == 200
    assert index.headers["cache-control"] == "no-cache"
    assert "script-src 'self' 'sha256-" in index.headers["content-security-policy"]
    script = next(part for part in index.text.split('"') if part.startswith("/assets/"))
    asset = await site.client.get(script, headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-encoding"] == "gzip"
    assert "javascript" in asset.headers["content-type"]
    plain = await site.client.get(script, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == asset.content  # httpx decoded the gzipped one
    assert (await site.client.get("/assets/nope.js")).status_code == 404


async def test_client_routes_get_the_page_and_unknown_api_paths_stay_json(site: Site) -> None:
    for path in ("/rooms/kitchen", "/devices/robot-vacuum", "/automations"):
        response = await site.client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
    missing = await site.client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]
    assert (await site.client.get("/api/health")).json()["status"] == "ok"
    assert (await site.client.get("/favicon.svg")).headers["content-type"] == "image/svg+xml"


async def test_index_answers_not_modified_to_a_matching_etag(site: Site) -> None:
    index = await site.client.get("/")
    again = await site.client.get("/", headers={"If-None-Match": index.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_mount_is_idempotent_and_says_when_the_dashboard_is_not_built(
    tmp_path: Path,
) -> None:
    app = FastAPI()
    mount(app, tmp_path)
    mount(app, tmp_path)
    assert sum(getattr(r, "name", "") == "web-page" for r in app.router.routes) == 1
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        response = await client.get("/rooms/kitchen")
    assert response.status_code == 503
    assert "make web" in response.text


def test_the_built_bundle_is_within_its_budget() -> None:
    assets = STATIC / "assets"
    scripts = {p.name: len(gzip.compress(p.read_bytes(), 9)) for p in assets.glob("*.js")}
    styles = {p.name: len(gzip.compress(p.read_bytes(), 9)) for p in assets.glob("*.css")}
    index = (STATIC / "index.html").read_text()
    initial = sum(size for name, size in scripts.items() if name in index)
    assert 0 < initial <= BUDGET_INITIAL_JS
    assert sum(scripts.values()) <= BUDGET_TOTAL_JS
    assert 0 < sum(size for name, size in styles.items() if name in index) <= BUDGET_INITIAL_CSS
    assert sum(styles.values()) <= BUDGET_TOTAL_CSS
    for script in assets.glob("*.js"):
        assert (assets / f"{script.name}.gz").is_file(), "the build writes a .gz beside each asset"
