"""Talking to the home from the dashboard (#20 item 4): a sentence typed in Chromium changes
the device, its card shows it, and the answer is shown."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from tests.e2e.conftest import Site
from tests.e2e.test_dashboard import card, open_home, status


async def test_a_typed_sentence_switches_the_lamp_and_answers(
    site: Site, desktop: Page, artifacts: Path
) -> None:
    await open_home(desktop)
    switch = card(desktop, "kitchen-lamp").get_by_role("switch")
    await expect(switch).to_have_attribute("aria-checked", "false")
    field = desktop.get_by_label("Say something to the home")
    await field.fill("turn on the kitchen lamp")
    await desktop.get_by_role("button", name="Say").click()
    answer = desktop.get_by_role("status").filter(has_text="Turned on")
    await expect(answer).to_have_text("Turned on the light")
    await expect(switch).to_have_attribute("aria-checked", "true")
    await expect(status(desktop, "kitchen-lamp")).to_contain_text("On")
    assert await site.value("kitchen-lamp/light/on") is True
    await expect(field).to_have_value("")
    await desktop.screenshot(path=str(artifacts / "talk-desktop.png"))


async def test_a_sentence_not_understood_is_answered(site: Site, desktop: Page) -> None:
    await open_home(desktop)
    field = desktop.get_by_label("Say something to the home")
    await field.fill("set the kitchen lamp brightness to 150%")
    await field.press("Enter")
    answer = desktop.get_by_role("status").filter(has_text="allowed")
    await expect(answer).to_contain_text("allowed: 1..100")
    assert await site.value("kitchen-lamp/light/brightness") != 150
    await field.fill("blorp the flibber")
    await field.press("Enter")
    await expect(desktop.get_by_role("status").filter(has_text="Sorry")).to_be_visible()
    await expect(field).to_have_value("blorp the flibber")  # kept, to be corrected
