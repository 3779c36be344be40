"""Speaking to the home from the dashboard (#20 items 4-5): with speech-to-text configured the
Talk box has a microphone button; Chromium records its (fake) microphone, the dashboard sends a
16 kHz WAV to ``POST /api/conversation/audio``, the Wyoming STT stand-in (a separate process)
hears the sentence, the lamp turns on and the answer is shown with what was heard. Without
speech-to-text there is no button. And a voice timer that rings shows up as a toast."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from homeweave.app import demo_config, running_hub
from homeweave.config import HubConfig
from tests.e2e.conftest import CHROMIUM_ARGS, DESKTOP, new_context
from tests.e2e.test_dashboard import card, open_home
from tests.integration.test_voice_speech import _server

COMMAND = "turn on the kitchen lamp"
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest_asyncio.fixture(loop_scope="session")
async def hearing_browser(chromium_path: str) -> AsyncIterator[Browser]:
    """Chromium with a fake microphone (a beeping test signal) it may use without asking."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path, args=[*CHROMIUM_ARGS, *FAKE_MICROPHONE], headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


async def test_a_spoken_sentence_switches_the_lamp(
    hearing_browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    raw = demo_config(port=0, tick=0).model_dump(mode="json", exclude_unset=True)
    with _server("stt", "--transcript", COMMAND) as stt:
        raw["homes"][0]["voice"] = {"languages": ["en"], "stt": stt}
        config = HubConfig.model_validate(raw, strict=False)
        async with running_hub(config, tmp_path, port=0) as running:
            assert running.new_token is not None
            context = await new_context(hearing_browser, running.url, running.new_token, DESKTOP)
            try:
                page: Page = await context.new_page()
                await open_home(page)
                switch = card(page, "kitchen-lamp").get_by_role("switch")
                await expect(switch).to_have_attribute("aria-checked", "false")
                microphone = page.get_by_role("button", name="Speak to the home")
                await expect(microphone).to_be_in_viewport()
                await microphone.click()
                stop = page.get_by_role("button", name="Stop listening")
                await expect(stop).to_have_attribute("aria-pressed", "true")
                await page.wait_for_timeout(600)  # let the fake microphone fill a few buffers
                await stop.click()
                answer = page.get_by_role("status").filter(has_text="Turned on")
                await expect(answer).to_have_text(f"“{COMMAND}” — Turned on the light")
                await expect(switch).to_have_attribute("aria-checked", "true")
                ref = running.hub.commands.resolve("kitchen-lamp/light/on")
                assert running.hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)
                await page.screenshot(path=str(artifacts / "talk-microphone-desktop.png"))

                field = page.get_by_label("Say something to the home")
                await field.fill("set a timer for 1 second named tea")
                await field.press("Enter")
                await expect(
                    page.get_by_role("status").filter(has_text="Timer set")
                ).to_be_visible()
                toast = page.get_by_role("status", name="Notifications")
                await expect(toast).to_contain_text("The tea timer is done", timeout=5000)
                await expect(toast.get_by_text("The tea timer is done")).to_be_in_viewport()
            finally:
                await context.close()


async def test_no_microphone_without_speech_to_text(
    hearing_browser: Browser, tmp_path: Path
) -> None:
    async with running_hub(demo_config(port=0, tick=0), tmp_path, port=0) as running:
        assert running.new_token is not None
        context = await new_context(hearing_browser, running.url, running.new_token, DESKTOP)
        try:
            page = await context.new_page()
            await open_home(page)
            await expect(page.get_by_role("button", name="Say")).to_be_visible()
            await expect(page.get_by_role("button", name="Speak to the home")).to_have_count(0)
        finally:
            await context.close()
