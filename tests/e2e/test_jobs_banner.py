"""A long job under way shows on every page as a thin banner under the top bar ("Building
long-term statistics · 42 %", with a bar), on a phone and a desktop, while scrolling and from
page to page; it goes when the job ends. The job is driven by the test on the hub's board (the
hook the back-fill and backups report through), so it runs as long as the test looks."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from homeweave.core.progress import BACKFILL, BACKFILL_TITLE
from tests.e2e.conftest import Site


async def sees_the_job_on_every_page(page: Page, site: Site, artifacts: Path, name: str) -> None:
    job = site.running.hub.jobs.start(BACKFILL, BACKFILL_TITLE, unit="points", total=10_000)
    job.progress(4_200, 10_000)
    try:
        await page.goto("/")
        banner = page.get_by_role("status").filter(has_text=f"{BACKFILL_TITLE} · 42 %")
        await expect(banner).to_be_in_viewport()
        bar = page.get_by_role("progressbar", name=BACKFILL_TITLE)
        await expect(bar).to_be_in_viewport()
        await expect(bar).to_have_attribute("value", "4200")
        await page.screenshot(path=str(artifacts / f"jobs-banner-{name}.png"))
        await page.mouse.wheel(0, 2000)  # it stays with the top bar
        await expect(banner).to_be_in_viewport()

        job.progress(7_700, 10_000)
        await page.goto("/energy")
        moved = page.get_by_role("status").filter(has_text=f"{BACKFILL_TITLE} · 77 %")
        await expect(moved).to_be_in_viewport()
        await page.screenshot(path=str(artifacts / f"jobs-banner-{name}-energy.png"))
    finally:
        job.finish()
    await expect(page.get_by_role("progressbar", name=BACKFILL_TITLE)).to_be_hidden()


async def test_a_desktop_sees_the_back_fill_on_every_page(
    desktop: Page, site: Site, artifacts: Path
) -> None:
    await sees_the_job_on_every_page(desktop, site, artifacts, "desktop")


async def test_a_phone_sees_the_back_fill_on_every_page(
    phone: Page, site: Site, artifacts: Path
) -> None:
    await sees_the_job_on_every_page(phone, site, artifacts, "phone")


async def test_a_backup_made_elsewhere_shows_too(desktop: Page, site: Site) -> None:
    await desktop.goto("/rooms")
    await expect(desktop.get_by_role("heading", level=1)).to_be_visible()
    backups = site.running.backups
    assert backups is not None
    job = backups.start("create")  # as the schedule or another person's click begins one
    job.progress(1 << 20, 4 << 20)
    try:
        banner = desktop.get_by_role("status").filter(has_text="Making a backup · 25 %")
        await expect(banner).to_be_in_viewport(timeout=10_000)  # seen by the idle poll
    finally:
        backups.abandon(job, "test over")  # ends it (as failed) and frees the backups
    await expect(banner).to_be_hidden()


async def test_a_restore_shows_its_phase(desktop: Page, site: Site) -> None:
    await desktop.goto("/")
    await expect(desktop.get_by_role("heading", level=1)).to_be_visible()
    backups = site.running.backups
    assert backups is not None
    job = backups.start("restore")  # as an upload through the API begins one
    job.progress(3 << 20, 4 << 20, "receiving")
    try:
        banner = desktop.get_by_role("status").filter(
            has_text="Restoring a backup · receiving · 75 %"
        )
        await expect(banner).to_be_in_viewport(timeout=10_000)
    finally:
        backups.abandon(job, "test over")
    await expect(banner).to_be_hidden()
