"""Automations and scenes in the dashboard, in Debian's Chromium against a demo hub: the list and
its switches, Run now and the trace it leaves, why an automation did not run (a failing
condition with the value it saw), dry runs, the YAML editor with the hub's errors, scenes, and
notifications as toasts. Screenshots go to test-artifacts/dashboard/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page, ViewportSize, expect

from homeweave.web import STATIC
from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, Site
from tests.e2e.test_dashboard import UNNAMED_CONTROLS, no_sideways_scroll

NIGHT_LIGHT = "hallway-night-light"
VACUUM_DONE = "vacuum-finished"


def yaml_with(line: str) -> re.Pattern[str]:
    """A YAML text that has this line."""
    return re.compile(rf"(^|\n){re.escape(line)}\n")


def row(page: Page, automation: str) -> Locator:
    return page.locator(f'li[data-automation="{automation}"]')


async def api(site: Site, method: str, path: str, **kwargs: Any) -> Any:
    response = await site.client.request(method, path, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def near_miss_in_the_hallway(site: Site) -> None:
    """Motion in the hallway while it is bright there: the night light's `hallway dark` is
    false, so it is triggered but does not run."""
    site.virtual.inject("hallway-motion", "illumination", 230)
    site.virtual.inject("hallway-motion", "motion-state", True)


async def shoot(page: Page, path: Path, *, full: bool) -> None:
    """A screenshot from the top of the page (a full-page one would show the sticky bar where
    the page was scrolled to)."""
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=path, full_page=full)


async def open_list(page: Page) -> None:
    await page.goto("/")
    await page.get_by_role("link", name="Automations").click()
    await expect(page.get_by_role("heading", level=1, name="Automations")).to_be_visible()


# --- the list -------------------------------------------------------------------------------------
async def test_the_list_shows_every_demo_automation_with_its_state(
    site: Site, desktop: Page
) -> None:
    automations = await api(site, "GET", "/api/automations")
    assert len(automations) >= 10
    await open_list(desktop)
    await expect(desktop.locator("li[data-automation]")).to_have_count(len(automations))
    for automation in automations:
        item = row(desktop, automation["id"])
        await expect(item.get_by_role("link", name=automation["name"])).to_be_visible()
        await expect(item.get_by_role("switch")).to_have_attribute("aria-checked", "true")
        await expect(
            item.get_by_role("button", name=f"Run {automation['name']} now")
        ).to_be_enabled()
    started = row(desktop, "hub-started")  # its start trigger ran when the hub came up
    await expect(started.locator('[data-result="ran"]')).to_have_text("Ran")
    await expect(started).to_contain_text("triggered by the hub started")
    await expect(row(desktop, "coffee-ready")).to_contain_text(
        "When Coffee machine plug · Power drops below 5.0 W and stays so for 2 min"
    )
    await expect(row(desktop, "weekday-morning")).to_contain_text("next")
    # The automations code is a chunk of its own, loaded when needed.
    index = (STATIC / "index.html").read_text()
    chunks = [p.name for p in (STATIC / "assets").glob("automations-*.js")]
    assert len(chunks) == 1
    assert chunks[0] not in index


async def test_the_switch_disables_and_enables_through_the_api(site: Site, desktop: Page) -> None:
    await open_list(desktop)
    switch = row(desktop, "coffee-ready").get_by_role("switch")
    await switch.click()
    await expect(switch).to_have_attribute("aria-checked", "false")
    await expect(switch).to_have_attribute("aria-busy", "false")
    assert (await api(site, "GET", "/api/automations/coffee-ready"))["enabled"] is False
    await desktop.reload()
    await expect(switch).to_have_attribute("aria-checked", "false")
    await expect(row(desktop, "coffee-ready")).to_have_class("card auto-card is-off")

    await desktop.get_by_role("link", name="Coffee machine idle: switch it off and say so").click()
    heading = desktop.get_by_role("heading", level=1, name="Coffee machine idle")
    await expect(heading).to_be_focused()  # announced once loaded, and where the keyboard goes on
    detail = desktop.get_by_role(
        "switch", name="Coffee machine idle: switch it off and say so: enabled"
    )
    await expect(detail).to_have_attribute("aria-checked", "false")
    await expect(desktop.get_by_text("It is off: its triggers are not watched")).to_be_visible()
    await detail.focus()
    await desktop.keyboard.press("Space")
    await expect(detail).to_have_attribute("aria-checked", "true")
    await expect(desktop.get_by_text("It is off: its triggers are not watched")).to_be_hidden()
    assert (await api(site, "GET", "/api/automations/coffee-ready"))["enabled"] is True


# --- run now, traces, toasts -------------------------------------------------------------------
async def test_run_now_leaves_a_trace_the_viewer_shows_step_by_step(
    site: Site, desktop: Page
) -> None:
    await desktop.goto(f"/automations/{VACUUM_DONE}")
    await expect(
        desktop.get_by_role("heading", level=1, name="Tell when the robot vacuum has finished")
    ).to_be_visible()
    flow = desktop.locator(".flow")  # how it works, in words
    await expect(flow.get_by_text("Living room speaker · Play", exact=True)).to_be_visible()
    await desktop.get_by_role("button", name="Run now").click()

    # Its notify action arrives over the WebSocket as a toast.
    toast = desktop.locator(f'.toast[data-automation="{VACUUM_DONE}"]')
    await expect(toast).to_contain_text("Robot vacuum")
    await expect(toast).to_contain_text("Cleaned")
    await desktop.get_by_role("link", name="see trace").click()

    await expect(desktop.get_by_role("heading", level=1, name="Ran")).to_be_visible()
    await expect(desktop.get_by_text("Run by hand, with “Run now”")).to_be_visible()
    steps = desktop.locator(".steps:not(.nested) > .step")
    await expect(steps).to_have_count(2)
    await expect(steps.nth(0)).to_contain_text("notify")
    await expect(steps.nth(0)).to_have_attribute("data-outcome", "ok")
    await expect(steps.nth(1)).to_contain_text("choice 0: all conditions held")
    nested = steps.nth(1).locator(".step")
    await expect(nested).to_contain_text("Living room speaker · Play")
    await expect(nested).to_contain_text("Done")
    await expect(nested).to_contain_text("took")
    await expect(nested.locator("code")).to_have_text("actions[1].choices[0][0]")
    assert await site.value("living-room-speaker/play-control/playing-state") == 1

    traces = await api(site, "GET", f"/api/automations/{VACUUM_DONE}/traces")
    ran = next(t for t in traces if t["trigger"]["kind"] == "manual")
    assert desktop.url.endswith(f"/automations/{VACUUM_DONE}/traces/{ran['id']}")
    await expect(desktop.locator(f'.trace-row[data-trace="{ran["id"]}"]')).to_have_attribute(
        "aria-current", "page"
    )
    await toast.get_by_role("button", name="Dismiss notification").click()
    await expect(toast).to_be_hidden()


async def test_why_it_did_not_run_shows_the_false_condition_and_its_value(
    site: Site, desktop: Page
) -> None:
    await desktop.goto(f"/automations/{NIGHT_LIGHT}")
    await expect(desktop.get_by_text("Nothing has happened yet")).to_be_visible()
    near_miss_in_the_hallway(site)  # the open page notices and loads the new trace

    last = desktop.locator(".last-run")
    await expect(last.get_by_role("heading", name="Why didn’t it run?")).to_be_visible()
    failing = last.locator(".why-check")
    await expect(failing).to_contain_text("hallway dark was false")
    await expect(failing).to_contain_text("Hallway motion sensor · Light level 230 lx")
    assert await site.value("hallway-lamp/light/on") is False

    await last.get_by_role("link").click()
    await expect(desktop.get_by_role("heading", level=1, name="Conditions not met")).to_be_visible()
    trigger = desktop.locator(".tl-item").first
    await expect(trigger).to_contain_text("Hallway motion sensor · Motion became true (was false)")
    await expect(trigger.locator(".seen")).to_contain_text(
        "Hallway motion sensor · Motion Detected (was Clear)"
    )
    check = desktop.locator('.check[data-ok="false"]').first
    await expect(check).to_contain_text("hallway dark")
    await expect(check).to_contain_text("not met")
    await expect(check).to_contain_text("illumination 230 lx > 50")
    await expect(check.locator(".seen")).to_contain_text("230 lx")
    await expect(desktop.get_by_text("Nothing was done: hallway dark was false.")).to_be_visible()

    # A change that does not match the trigger is a near-miss, listed with its reason.
    site.virtual.inject("hallway-motion", "motion-state", False)
    miss = desktop.locator(".trace-row.is-near-miss")
    await desktop.reload()
    await expect(miss.first).to_contain_text("Not triggered")
    await expect(miss.first).to_contain_text("became false (was true), not true")


async def test_a_dry_run_against_now_and_with_values_changes_nothing(
    site: Site, desktop: Page
) -> None:
    site.virtual.inject("hallway-motion", "illumination", 230)
    await desktop.goto(f"/automations/{NIGHT_LIGHT}")
    await desktop.get_by_role("button", name="Dry run").click()
    panel = desktop.locator(".dry-run")
    result = panel.locator(".dry-result")
    await expect(result).to_have_attribute("data-result", "would-not-run")
    await expect(panel).to_contain_text("Against the current state")
    await expect(result.locator(".why-check")).to_contain_text("230 lx")

    await panel.get_by_label("Hallway motion sensor · Light level").fill("12")
    await panel.get_by_role("button", name="Dry run with these values").click()
    await expect(result).to_have_attribute("data-result", "would-run")
    await expect(result).to_contain_text("it would set")
    await expect(result.locator('.step[data-outcome="would"]')).to_have_count(3)
    assert await site.value("hallway-lamp/light/on") is False
    assert await site.value("hallway-motion/motion-sensor/illumination") == 230
    traces = await api(site, "GET", f"/api/automations/{NIGHT_LIGHT}/traces")
    assert all(not t["dry_run"] for t in traces)


# --- the editor -------------------------------------------------------------------------------
BAD_YAML = """\
id: evening-hall
name: Evening hall light
triggers:
  - type: property
    address: hallway-door/magnet-sensor/contact-state
    to: false
    for: soon
actions:
  - type: set
    address: hallway-lamp/light/brightness
    value: 500
"""


async def test_the_yaml_editor_shows_the_hubs_errors_then_saves_and_edits(
    site: Site, desktop: Page
) -> None:
    await open_list(desktop)
    await desktop.get_by_role("link", name="New automation").click()
    await expect(desktop.get_by_role("heading", level=1, name="New automation")).to_be_visible()
    yaml = desktop.get_by_label("Automation as YAML")
    await expect(yaml).to_have_value(yaml_with("id: my-automation"))
    await yaml.fill(BAD_YAML)
    await expect(desktop.get_by_label("Name")).to_have_value("Evening hall light")
    await desktop.get_by_role("button", name="Create automation").click()

    problems = desktop.locator("#yaml-problems")
    await expect(problems).to_contain_text("The hub did not accept it")
    problem = problems.locator('li[data-path="triggers[0].for"]')
    await expect(problem).to_contain_text("Line 7")
    await expect(problem).to_contain_text("must be a duration like 90s, 5m")
    await expect(yaml).to_have_attribute("aria-invalid", "true")
    await problem.get_by_role("button").click()
    await expect(yaml).to_be_focused()
    assert await yaml.evaluate("(el) => el.value.slice(el.selectionStart, el.selectionEnd)") == (
        "    for: soon"
    )
    assert "evening-hall" not in {a["id"] for a in await api(site, "GET", "/api/automations")}

    await yaml.fill(BAD_YAML.replace("    for: soon\n", "    for: 2m\n"))
    await desktop.get_by_role("button", name="Create automation").click()
    value = problems.locator('li[data-path="actions[0].address"]')
    await expect(value).to_contain_text("Line 10 actions[0].address")
    await expect(value).to_contain_text("invalid value 500; allowed: 1..100")

    await yaml.fill(BAD_YAML.replace("    for: soon\n", "    for: 2m\n").replace("500", "40"))
    await desktop.get_by_label("Description").fill("Softly, when the door stays open")
    await desktop.get_by_role("button", name="Create automation").click()
    await expect(desktop.get_by_role("heading", level=1, name="Evening hall light")).to_be_visible()
    await expect(desktop.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    assert desktop.url.endswith("/automations/evening-hall")
    created = await api(site, "GET", "/api/automations/evening-hall")
    assert created["source"] == "api"
    assert created["description"] == "Softly, when the door stays open"
    assert created["definition"]["triggers"][0]["for"] == 120
    assert created["definition"]["actions"][0]["value"] == 40

    # Edit it: the form's mode and the YAML are one text; the change persists.
    await desktop.get_by_role("link", name="Edit").click()
    await expect(desktop.get_by_role("heading", level=1, name="Edit automation")).to_be_visible()
    await expect(yaml).to_have_value(yaml_with("    for: 2m"))
    await desktop.get_by_label("Mode").select_option("queued")
    await expect(yaml).to_have_value(yaml_with("mode: queued"))
    await desktop.get_by_role("button", name="Save").click()
    await expect(desktop.get_by_role("heading", level=1, name="Evening hall light")).to_be_visible()
    await expect(desktop.get_by_text("Queued: runs one after another")).to_be_visible()
    edited = await api(site, "GET", "/api/automations/evening-hall")
    assert edited["mode"] == "queued"
    await desktop.reload()
    await expect(desktop.get_by_text("Queued: runs one after another")).to_be_visible()


async def test_an_automation_from_the_config_is_shown_read_only_with_a_copy_to_edit(
    site: Site, desktop: Page
) -> None:
    await desktop.goto(f"/automations/{NIGHT_LIGHT}")
    await desktop.get_by_role("link", name="YAML").click()
    yaml = desktop.get_by_label("Automation as YAML")
    await expect(yaml).to_have_attribute("readonly", "")
    await expect(yaml).to_have_value(yaml_with("  - type: numeric"))
    await expect(yaml).to_have_value(yaml_with("    name: hallway dark"))
    await expect(yaml).to_have_value(yaml_with("    timeout: 10m"))
    await expect(desktop.get_by_role("button", name="Create automation")).to_have_count(0)
    await desktop.get_by_role("button", name="Edit a copy").click()
    await expect(desktop.get_by_role("heading", level=1, name="New automation")).to_be_visible()
    await expect(desktop.get_by_label("ID")).to_have_value(f"{NIGHT_LIGHT}-copy")
    await desktop.get_by_role("button", name="Create automation").click()
    await expect(
        desktop.get_by_role(
            "heading", level=1, name="Night light on hallway motion when it is dark there (copy)"
        )
    ).to_be_visible()
    copy = await api(site, "GET", f"/api/automations/{NIGHT_LIGHT}-copy")
    original = await api(site, "GET", f"/api/automations/{NIGHT_LIGHT}")
    assert copy["actions"] == original["actions"]
    await desktop.get_by_role("button", name="Delete").click()
    await desktop.get_by_role("button", name="Yes, delete").click()
    await expect(desktop.get_by_role("heading", level=1, name="Automations")).to_be_visible()
    await expect(desktop.get_by_text("Deleted “Night light")).to_be_visible()
    assert f"{NIGHT_LIGHT}-copy" not in {
        a["id"] for a in await api(site, "GET", "/api/automations")
    }


TRICKY: dict[str, Any] = {
    "id": "tricky-words",
    "name": "yes",
    "description": "  leading spaces, a # and: a colon\nand a second line",
    "triggers": [{"type": "time", "at": "08:30", "weekdays": ["mon", "sat"]}],
    "conditions": [{"type": "time", "name": "on", "after": "22:00", "before": "04:00"}],
    "actions": [
        {
            "type": "notify",
            "title": "'quoted' \"twice\"",
            "message": "100% {sure} [ok] * & ! | > @ `x`",
        },
        {"type": "delay", "duration": 90.5},
        {
            "type": "set",
            "values": {"hallway-lamp/light/mode": "Night", "hallway-lamp/light/on": True},
        },
    ],
}


async def test_the_yaml_the_editor_writes_reads_back_as_the_same_automation(
    site: Site, desktop: Page
) -> None:
    """Every demo automation, and one with awkward strings, through the dashboard's YAML writer
    and back through the hub's YAML loader."""
    await api(site, "POST", "/api/automations", json=TRICKY)
    automations = await api(site, "GET", "/api/automations")
    for automation in automations:
        await desktop.goto(f"/automations/{automation['id']}/edit")
        text = await desktop.get_by_label("Automation as YAML").input_value()
        assert text.startswith(f"id: {automation['id']}\n")
        copy = f"{automation['id']}-again"
        text = text.replace(f"id: {automation['id']}\n", f"id: {copy}\n", 1)
        again = await site.client.post(
            "/api/automations", content=text, headers={"Content-Type": "application/yaml"}
        )
        assert again.status_code == 201, (text, again.text)
        expected = {**automation["definition"], "id": copy}
        assert again.json()["definition"] == expected


# --- scenes -------------------------------------------------------------------------------------
async def test_scenes_apply_and_capture(site: Site, desktop: Page) -> None:
    await desktop.goto("/")
    await desktop.get_by_role("link", name="Scenes").click()
    await expect(desktop.get_by_role("heading", level=1, name="Scenes")).to_be_visible()
    movie = desktop.locator('[data-scene="movie"]')
    await expect(movie).to_contain_text("Living room lamp")
    await expect(movie).to_contain_text("Brightness 20%")
    await movie.get_by_role("button", name="Apply Movie night").click()
    await expect(movie.get_by_role("status")).to_have_text("Applied: 4 devices confirmed.")
    assert await site.value("living-room-lamp/light/brightness") == 20
    assert await site.value("living-room-speaker/speaker/volume") == 35

    await desktop.get_by_role("button", name="Capture current state").click()
    await desktop.get_by_label("Scene name").fill("Reading")
    await desktop.get_by_role("button", name="Save scene").click()
    await expect(desktop.get_by_role("alert")).to_contain_text("Choose at least one device")
    await desktop.get_by_label("Living room lamp").check()
    await desktop.get_by_role("button", name="Save scene").click()
    await expect(desktop.get_by_text("Saved the scene “Reading”.")).to_be_visible()
    reading = desktop.locator('[data-scene="reading"]')
    await expect(reading).to_contain_text("captured here")
    captured = await api(site, "GET", "/api/scenes/reading")
    assert captured["values"]["living-room-lamp/light/brightness"] == 20

    await api(site, "PUT", "/api/devices/living-room-lamp/light/brightness", json={"value": 90})
    await reading.get_by_role("button", name="Apply Reading").click()
    await expect(reading.get_by_role("status")).to_have_text("Applied: 1 device confirmed.")
    assert await site.value("living-room-lamp/light/brightness") == 20
    await reading.get_by_role("button", name="Delete Reading").click()
    await expect(reading).to_have_count(0)


# --- looks and accessibility --------------------------------------------------------------------
async def test_automation_pages_have_named_controls(site: Site, desktop: Page) -> None:
    near_miss_in_the_hallway(site)
    for path, heading in [
        ("/automations", "Automations"),
        (f"/automations/{NIGHT_LIGHT}", "Night light on hallway motion when it is dark there"),
        ("/automations/new", "New automation"),
        ("/scenes", "Scenes"),
    ]:
        await desktop.goto(path)
        await expect(desktop.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert await desktop.evaluate(UNNAMED_CONTROLS) == [], path
        assert await desktop.title() == f"{heading} · homeweave"


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_screenshots_of_automations_trace_and_scenes(
    site: Site,
    contexts: ContextFactory,
    artifacts: Path,
    size: str,
    viewport: ViewportSize,
) -> None:
    page = await (await contexts(viewport, mobile=size == "phone")).new_page()
    await page.goto(f"/automations/{VACUUM_DONE}")
    await page.get_by_role("button", name="Run now").click()
    await expect(page.get_by_role("link", name="see trace")).to_be_visible()
    near_miss_in_the_hallway(site)
    await api(site, "POST", "/api/automations/coffee-ready/disable")

    await page.goto("/automations")
    await expect(row(page, NIGHT_LIGHT).locator('[data-result="condition-false"]')).to_be_visible()
    await expect(row(page, VACUUM_DONE).locator('[data-result="ran"]')).to_be_visible()
    await no_sideways_scroll(page)
    await shoot(page, artifacts / f"automations-{size}.png", full=size == "desktop")

    await row(page, NIGHT_LIGHT).get_by_role("link").first.click()
    await expect(page.locator(".why-check")).to_contain_text("230 lx")
    await no_sideways_scroll(page)
    await shoot(page, artifacts / f"automation-{size}.png", full=True)

    await page.locator(".last-run").get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1, name="Conditions not met")).to_be_visible()
    await no_sideways_scroll(page)
    await shoot(page, artifacts / f"trace-{size}.png", full=True)

    await page.goto(f"/automations/{VACUUM_DONE}")  # run again: a toast, then its trace
    await page.get_by_role("button", name="Run now").click()
    await expect(page.locator(".toast")).to_contain_text("Cleaned")
    await page.get_by_role("link", name="see trace").click()
    await expect(page.get_by_role("heading", level=1, name="Ran")).to_be_visible()
    await shoot(page, artifacts / f"trace-ran-{size}.png", full=size == "desktop")

    await page.goto(f"/automations/{NIGHT_LIGHT}")
    await page.get_by_role("button", name="Dry run").click()
    await expect(page.locator(".dry-result")).to_have_attribute("data-result", "would-not-run")
    await shoot(page, artifacts / f"dry-run-{size}.png", full=True)

    await page.goto("/automations/new")
    await page.get_by_label("Automation as YAML").fill(BAD_YAML)
    await page.get_by_role("button", name="Create automation").click()
    await expect(page.locator("#yaml-problems")).to_be_visible()
    await no_sideways_scroll(page)
    await shoot(page, artifacts / f"editor-{size}.png", full=True)

    await page.goto("/scenes")
    await (
        page.locator('[data-scene="movie"]').get_by_role("button", name="Apply Movie night").click()
    )
    await expect(page.locator('[data-scene="movie"]').get_by_role("status")).to_be_visible()
    await no_sideways_scroll(page)
    await shoot(page, artifacts / f"scenes-{size}.png", full=size == "desktop")
