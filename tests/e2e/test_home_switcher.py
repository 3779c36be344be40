"""Several homes (#15 item 2, Mi Home's home switcher): with a second home in the config the
dashboard shows one home at a time, a switcher in the top bar changes it, the pages show only
that home's rooms and devices, and the choice is kept for the next visit. With one home there
is no switcher (the other dashboard tests)."""

from __future__ import annotations

from pathlib import Path

import yaml
from playwright.async_api import Browser, expect

from homeweave.app import running_hub
from homeweave.config import parse_config
from homeweave.sim.demo.home import demo_home
from tests.e2e.conftest import DESKTOP, PHONE, new_context
from tests.e2e.test_dashboard import card

FLAT = {
    "id": "flat",
    "name": "Holiday flat",
    "time_zone": "Asia/Shanghai",
    "location": {"latitude": 31.23, "longitude": 121.47, "elevation": 4.0},
    "rooms": [{"id": "flat-lounge", "name": "Lounge"}],
}
FLAT_LAMP = {
    "id": "flat-lamp",
    "name": "Lounge lamp",
    "room": "flat-lounge",
    "integration": "virtual",
    "model": "light",
}


async def test_the_switcher_shows_one_home_at_a_time(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    data = demo_home(port=0, tick=0)
    data["homes"].append(FLAT)
    data["devices"].append(FLAT_LAMP)
    config = parse_config(yaml.safe_dump(data, sort_keys=False), filename="two homes")
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
            context = await new_context(browser, running.url, running.new_token, size)
            try:
                page = await context.new_page()
                await page.goto("/")
                switcher = page.get_by_role("combobox", name="Home")
                await expect(switcher).to_be_in_viewport()
                await expect(switcher).to_have_value("home")
                heading = page.get_by_role("heading", level=1)
                await expect(heading).to_have_text("Demo home")
                await expect(card(page, "kitchen-lamp")).to_be_visible()
                await expect(card(page, "flat-lamp")).to_have_count(0)

                await switcher.select_option(label="Holiday flat")
                await expect(heading).to_have_text("Holiday flat")
                await expect(card(page, "flat-lamp")).to_be_in_viewport()
                await expect(card(page, "kitchen-lamp")).to_have_count(0)
                await page.screenshot(path=str(artifacts / f"home-switcher-{name}.png"))

                await page.reload()  # kept for the next visit
                await expect(page.get_by_role("heading", level=1)).to_have_text("Holiday flat")
                await switcher.select_option(label="Demo home")
                await expect(heading).to_have_text("Demo home")
            finally:
                await context.close()
