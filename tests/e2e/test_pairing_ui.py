"""The dashboard offers pairing again when a DIRIGERA hub forgets homeweave's token: the home
page says the integration needs pairing, its Pair button starts pairing and says which button to
press, and once it is pressed the notice goes and the devices are back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Browser, expect

from homeweave.sim.dirigera import DirigeraSimulator
from tests.e2e.conftest import new_context
from tests.integration.test_dirigera_hub import CONFIGURED, DEVICES, LAMP, api_for, hub_config


async def test_pair_a_dirigera_hub_again_from_the_home_page(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    async with DirigeraSimulator(DEVICES) as sim:
        config = hub_config(sim, CONFIGURED, reconnect_max=0.2)
        async with api_for(config, tmp_path) as (running, client):
            integration = running.hub.integrations["dirigera"]
            await sim.restart(forget_credentials=True)
            async with asyncio.timeout(10):
                while integration.status().state != "needs pairing":  # noqa: ASYNC110 - a state, no event
                    await asyncio.sleep(0.02)
            token = client.headers["Authorization"].removeprefix("Bearer ")
            context = await new_context(browser, running.url, token)
            try:
                page = await context.new_page()
                await page.goto("/")
                notice = page.locator(".pairing [data-integration=dirigera]")
                await expect(notice).to_contain_text("needs pairing: the DIRIGERA hub at 127.0.0.1")
                await page.screenshot(path=str(artifacts / "pairing-needed.png"))

                await notice.get_by_role("button", name="Pair").click()
                await expect(notice).to_contain_text(
                    "press the action button on the DIRIGERA hub at 127.0.0.1"
                )
                assert integration.status().state == "pairing"
                sim.pairing.press_button()  # someone presses the hub's action button
                await expect(page.locator(".pairing")).to_have_count(0)
                assert running.hub.registry.device(LAMP).available
            finally:
                await context.close()
