"""The device page's history offers 1 h to 1 y; a year draws from hourly statistics (the chart
says so and shows the year's min and max); the More page shows what the database holds."""

from __future__ import annotations

import math
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from playwright.async_api import Page, expect

from homeweave.core.hub import DATABASE_FILE
from tests.e2e.conftest import Site

DAY = 86400.0


def seed_year(site: Site, device: str, siid: int, piid: int) -> None:
    """A year of hourly statistics for one property, written beside the running hub (as the
    hub writes them hour by hour): a seasonal curve from 5 to 35."""
    data_dir = site.running.data_dir
    assert data_dir is not None
    start = time.time() // 3600 * 3600 - 365 * DAY
    rows = []
    for h in range(365 * 24):
        at = start + h * 3600
        mean = round(20 + 10 * math.sin(h / (365 * 24) * 2 * math.pi), 2)
        low, high = (
            (5.0, mean + 1)
            if h == 1000
            else (mean - 1, 35.0)
            if h == 5000
            else (
                mean - 1,
                mean + 1,
            )
        )
        rows.append((device, siid, piid, at, mean, low, high, mean))
    with closing(sqlite3.connect(Path(data_dir) / DATABASE_FILE, timeout=10)) as conn:
        conn.executemany("INSERT INTO statistics_hourly VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()


async def test_a_year_of_history_is_hourly_averages(
    site: Site, desktop: Page, artifacts: Path
) -> None:
    seed_year(site, "living-room-climate", 2, 1)
    await desktop.goto("/devices/living-room-climate")
    chart = desktop.locator(".history .chart")
    await expect(chart).to_have_attribute("data-status", "ready")
    await expect(chart).to_have_attribute("data-resolution", "raw")  # 24 h: every value

    periods = desktop.get_by_role("group", name="Period")
    for label in ("1 h", "24 h", "7 d", "30 d", "1 y"):
        await expect(periods.get_by_role("button", name=label, exact=True)).to_be_in_viewport()

    await periods.get_by_role("button", name="1 y", exact=True).click()
    await expect(chart).to_have_attribute("aria-label", "Temperature over the last 1 y")
    await expect(chart).to_have_attribute("data-resolution", "hour")
    await expect(chart).to_have_attribute("data-status", "ready")
    assert int(await chart.get_attribute("data-points") or 0) >= 365 * 24 - 1
    stats = desktop.locator(".history .stats")
    await expect(stats).to_contain_text("Hourly averages")
    await expect(stats).to_contain_text("5.0°C")  # the year's lowest reading, not a mean
    await expect(stats).to_contain_text("35.0°C")
    await expect(chart.locator("canvas")).to_be_in_viewport()
    await desktop.screenshot(path=artifacts / "history-one-year-desktop.png")

    await periods.get_by_role("button", name="7 d", exact=True).click()
    await expect(chart).to_have_attribute("data-resolution", "5m")


async def test_the_more_page_shows_the_database_size(
    site: Site, phone: Page, artifacts: Path
) -> None:
    await phone.goto("/more")
    section = phone.get_by_role("region", name="Storage")
    await expect(section).to_be_in_viewport()
    size = phone.get_by_test_id("storage-size")
    await expect(size).to_have_text(re.compile(r"^(?!0\.0 )\d[\d.]* MB"))
    await expect(phone.get_by_test_id("storage-size")).to_contain_text("raw history kept 10 days")
    for use in ("Raw history", "Long-term statistics", "Everything else"):
        await expect(section.get_by_text(use, exact=True)).to_be_visible()
    await phone.screenshot(path=artifacts / "more-storage-phone.png")
