"""The Backups page, reached from More on a phone and from the sidebar on a desktop: a person
makes a backup and sees its progress bar, downloads it (the very file the hub keeps), uploads a
changed copy and is told it was refused, then uploads the good one, with a progress bar, and is
told to restart the hub to put it in place."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, ViewportSize, expect

from homeweave.storage.backup import pending_dir
from tests.e2e.conftest import ContextFactory, Site

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
# What the hub says of a backup with one byte changed: where the byte falls (a stored file, or
# the archive's own compressed data) depends on what the database holds by then.
DAMAGED = re.compile(r"fails its checksum|damaged or cut short")


async def hold(page: Page, url: str, method: str) -> asyncio.Event:
    """Hold ``method`` requests to ``url`` until the returned event is set (so the page shows
    its progress bar for as long as the test looks at it)."""
    release = asyncio.Event()

    async def held(route: Route) -> None:
        if route.request.method != method:
            await route.continue_()
            return
        await release.wait()
        await route.continue_()

    await page.route(url, held)
    return release


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= await page.evaluate("window.innerWidth"), page.url


async def test_a_phone_makes_and_downloads_a_backup(
    site: Site, contexts: ContextFactory, artifacts: Path, tmp_path: Path
) -> None:
    page = await (await contexts(PHONE, mobile=True)).new_page()
    await page.goto("/")
    await page.get_by_role("navigation", name="Sections").get_by_role("link", name="More").click()
    await page.get_by_role("link", name="Backups").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Backups")
    await expect(page.get_by_text("No backups yet.")).to_be_visible()

    release = await hold(page, "**/api/backups", "POST")
    await page.get_by_role("button", name="Back up now").click()
    bar = page.get_by_role("progressbar", name="Backing up")
    await expect(bar).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "backups-progress-phone.png"))
    release.set()
    made = page.get_by_role("status").filter(has_text="Backed up:")
    await expect(made).to_be_in_viewport()
    await expect(bar).to_be_hidden()
    files = list((site.running.data_dir / "backups").glob("*.hwbackup"))
    assert len(files) == 1
    row = page.locator(f'[data-backup="{files[0].name}"]')
    await expect(row).to_contain_text(files[0].name)
    await no_sideways_scroll(page)
    await row.evaluate("row => row.scrollIntoView({block: 'center'})")
    await expect(row).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "backups-phone.png"))

    async with page.expect_download() as downloading:
        await row.get_by_role("button", name=f"Download {files[0].name}").click()
    download = await downloading.value
    saved = tmp_path / "downloaded.hwbackup"
    await download.save_as(saved)
    assert download.suggested_filename == files[0].name
    assert (
        hashlib.sha256(saved.read_bytes()).digest()
        == hashlib.sha256(files[0].read_bytes()).digest()
    )


async def test_a_desktop_uploads_a_bad_then_a_good_backup(
    site: Site, contexts: ContextFactory, artifacts: Path, tmp_path: Path
) -> None:
    made = await site.client.post("/api/backups")
    assert made.status_code == 201, made.text
    good = site.running.data_dir / "backups" / made.json()["name"]
    changed = tmp_path / "changed.hwbackup"
    body = bytearray(good.read_bytes())
    body[len(body) // 2] ^= 0x20
    changed.write_bytes(bytes(body))

    page = await (await contexts(DESKTOP)).new_page()
    await page.goto("/")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Backups").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Backups")
    await expect(page.locator(f'[data-backup="{good.name}"]')).to_be_visible()

    await page.get_by_label("Backup file").set_input_files(changed)
    await page.get_by_role("button", name="Upload and restore").click()
    refused = page.get_by_role("alert")
    await expect(refused).to_contain_text(DAMAGED)
    await expect(refused).to_be_in_viewport()
    assert not pending_dir(site.running.data_dir).exists()
    await page.screenshot(path=str(artifacts / "backups-refused-desktop.png"))

    release = await hold(page, "**/api/backups/restore", "POST")
    await page.get_by_label("Backup file").set_input_files(good)
    await page.get_by_role("button", name="Upload and restore").click()
    bar = page.get_by_role("progressbar")
    await expect(bar).to_be_in_viewport()
    await page.screenshot(path=str(artifacts / "backups-upload-desktop.png"))
    release.set()
    checked = page.get_by_role("status").filter(has_text="Restart the hub")
    await expect(checked).to_be_in_viewport()
    await expect(bar).to_have_count(0)
    await expect(page.get_by_role("alert")).to_have_count(0)
    assert pending_dir(site.running.data_dir).is_dir()
    await no_sideways_scroll(page)
    await page.screenshot(path=str(artifacts / "backups-desktop.png"))


@pytest.mark.parametrize(
    ("locale", "headline"), [("de-DE", "Sicherung abgelehnt: "), ("zh-CN", "备份被拒绝: ")]
)
async def test_a_refused_backup_is_said_in_the_readers_words_first(
    site: Site,
    contexts: ContextFactory,
    artifacts: Path,
    tmp_path: Path,
    locale: str,
    headline: str,
) -> None:
    """The hub's error keeps its own words (the file it is about); German and Chinese readers
    see what went wrong in theirs before it."""
    made = await site.client.post("/api/backups")
    assert made.status_code == 201, made.text
    body = bytearray((site.running.data_dir / "backups" / made.json()["name"]).read_bytes())
    body[len(body) // 2] ^= 0x20
    changed = tmp_path / "changed.hwbackup"
    changed.write_bytes(bytes(body))

    page = await (await contexts(PHONE, mobile=True, locale=locale)).new_page()
    await page.goto("/backups")
    await page.locator('input[type="file"]').set_input_files(changed)
    await page.locator("form button[type=submit]").click()
    refused = page.get_by_role("alert")
    await expect(refused).to_contain_text(headline)
    await expect(refused).to_contain_text(DAMAGED)
    await expect(refused).to_be_in_viewport()
    assert not pending_dir(site.running.data_dir).exists()
    await page.screenshot(path=str(artifacts / f"backups-refused-{locale}.png"))
