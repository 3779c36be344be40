"""The dashboard in German and Chinese (#18 items 6 and 7), in Chromium at 390x844 and 1440x900:
the browser's language is the default, no English word of the English table is left on the
home, rooms, device sheet, device and More pages, a choice on More sticks after a reload, and
times are the home's (Europe/Amsterdam) while the browser is in New York."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.conftest import ContextFactory, Site
from tests.e2e.test_logbook_ui import cli_set, member_token

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": 1440, "height": 900}
SIZES = [("phone", PHONE, True), ("desktop", WIDE, False)]
LOCALES = Path(__file__).resolve().parents[2] / "web" / "src" / "locales"
HOME_ZONE = ZoneInfo("Europe/Amsterdam")  # the demo home's
BROWSER_ZONE = "America/New_York"

# Every text node a person can see, one string each (not a person's name: "admin" is the
# signed-in token's).
VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    const hidden = !el || el.closest('.sr-only, code, script, style, .signed-in-as strong');
    if (text && !hidden && el.checkVisibility({ visibilityProperty: true })) out.push(text);
  }
  return out;
}"""


def english_only(language: str) -> set[str]:
    """The English texts whose translation differs (the ones that must not show)."""
    english = json.loads((LOCALES / "en.json").read_text(encoding="utf-8"))
    other = json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    words: set[str] = set()
    for key, value in english.items():
        forms = value.values() if isinstance(value, dict) else [value]
        theirs = other[key].values() if isinstance(other[key], dict) else [other[key]]
        for text in forms:
            if "{" not in text and text not in theirs and len(text) > 2:
                words.add(text)
    return words


async def names(site: Site) -> list[str]:
    """The names people gave the home, its rooms and devices (lower case)."""
    homes = (await site.client.get("/api/homes")).json()
    devices = (await site.client.get("/api/devices")).json()
    found = [h["name"] for h in homes] + [r["name"] for h in homes for r in h["rooms"]]
    return [name.lower() for name in found + [d["name"] for d in devices]]


async def untranslated(page: Page, language: str, site: Site) -> list[str]:
    """English texts on the page, but not names ("Fan" is a device's name in the demo home, a
    tile's "Climate" is short for "Bedroom climate")."""
    texts: list[str] = await page.evaluate(VISIBLE_TEXTS)
    english = english_only(language)
    given = await names(site)
    left = {t for t in texts if t in english}
    return sorted(t for t in left if not any(name.endswith(t.lower()) for name in given))


async def visit_all(page: Page, site: Site, language: str, name: str, artifacts: Path) -> None:
    """Home, rooms, a device's sheet, its page and More: no English left on any."""
    await page.goto("/")
    await expect(page.locator("article.tile").first).to_be_visible()
    await expect(page.locator(".tile").first).to_be_in_viewport()
    assert await untranslated(page, language, site) == []
    await page.screenshot(path=artifacts / f"language-{language}-home-{name}.png")

    await page.goto("/rooms")
    await expect(page.locator(".room-tile").first).to_be_visible()
    assert await untranslated(page, language, site) == []

    await page.goto("/")
    await page.locator('article[data-device="living-room-lamp"] .tile-open').click()
    sheet = page.locator('dialog[data-sheet="living-room-lamp"]')
    await expect(sheet).to_be_visible()
    await expect(sheet.locator(".logbook")).to_be_visible()
    assert await untranslated(page, language, site) == []
    await page.screenshot(path=artifacts / f"language-{language}-sheet-{name}.png")
    await page.keyboard.press("Escape")

    await page.goto("/devices/living-room-lamp")
    await expect(page.locator(".history")).to_be_visible()
    await expect(page.locator(".logbook-line").first).to_be_visible()
    assert await untranslated(page, language, site) == []
    await page.screenshot(path=artifacts / f"language-{language}-device-{name}.png", full_page=True)

    await page.goto("/more")
    await expect(page.get_by_role("combobox", name=re.compile("Sprache|语言"))).to_be_visible()
    assert await untranslated(page, language, site) == []
    await page.screenshot(path=artifacts / f"language-{language}-more-{name}.png")


@pytest.mark.parametrize(
    ("locale", "language", "more"), [("de-DE", "de", "Mehr"), ("zh-CN", "zh-cn", "更多")]
)
async def test_the_browsers_language_is_the_dashboards_with_nothing_left_in_english(
    site: Site, contexts: ContextFactory, artifacts: Path, locale: str, language: str, more: str
) -> None:
    token = await member_token(site, f"anna-{language}")
    await cli_set(site, token, "living-room-lamp/light/brightness", "41")
    for name, viewport, mobile in SIZES:
        context = await contexts(viewport, mobile=mobile, locale=locale, timezone_id=BROWSER_ZONE)
        page = await context.new_page()
        await page.goto("/more")
        await expect(page.get_by_role("heading", name=more)).to_be_in_viewport()
        assert await page.evaluate("document.documentElement.lang") == locale
        await visit_all(page, site, language, name, artifacts)


async def test_a_language_chosen_on_more_sticks_after_a_reload(
    contexts: ContextFactory, artifacts: Path
) -> None:
    for name, viewport, mobile in SIZES:
        page = await (await contexts(viewport, mobile=mobile)).new_page()
        await page.goto("/more")
        await expect(page.get_by_role("heading", name="More")).to_be_visible()
        await page.get_by_role("combobox", name="Language").select_option("de")
        await expect(page.get_by_role("heading", name="Mehr")).to_be_in_viewport()
        await page.reload()
        await expect(page.get_by_role("heading", name="Mehr")).to_be_in_viewport()
        await page.goto("/")
        await expect(page.locator(".summary")).to_contain_text("Räume")
        await page.screenshot(path=artifacts / f"language-switched-{name}.png")
        await page.goto("/more")
        await page.get_by_role("combobox", name="Sprache").select_option("zh-cn")
        await expect(page.get_by_role("heading", name="更多")).to_be_in_viewport()
        await page.reload()
        await expect(page.get_by_role("heading", name="更多")).to_be_in_viewport()


async def test_a_logbook_time_is_the_homes_in_the_chosen_locale(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    """The browser is in New York, the home in Amsterdam: the logbook says Amsterdam's time."""
    await cli_set(site, await member_token(site, "bert"), "living-room-lamp/light/brightness", "58")
    for name, viewport, mobile in SIZES:
        context = await contexts(viewport, mobile=mobile, locale="de-DE", timezone_id=BROWSER_ZONE)
        page = await context.new_page()
        await page.goto("/devices/living-room-lamp")
        line = page.locator(".logbook-line").filter(has_text="58").first
        await expect(line).to_be_visible()
        stamp = await line.locator("time").get_attribute("datetime") or ""
        at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        home, browser = at.astimezone(HOME_ZONE), at.astimezone(ZoneInfo(BROWSER_ZONE))
        assert home.strftime("%H:%M") != browser.strftime("%H:%M")
        await expect(line.locator("time")).to_have_text(home.strftime("%H:%M"))
        await line.scroll_into_view_if_needed()
        await expect(line).to_be_in_viewport()
        await page.screenshot(path=artifacts / f"language-de-logbook-time-{name}.png")


async def test_the_sign_in_page_is_in_the_browsers_language(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    await member_token(site, "carla")  # someone exists: the sign-in page, not the first run's
    for name, viewport, mobile in SIZES:
        context = await contexts(viewport, mobile=mobile, signed_in=False, locale="de-DE")
        page = await context.new_page()
        await page.goto("/")
        await expect(page.get_by_label("Benutzername")).to_be_in_viewport()
        await expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
        await page.get_by_role("button", name="Stattdessen das Admin-Token verwenden").click()
        await expect(page.get_by_label("Admin-Token")).to_be_visible()
        assert await untranslated(page, "de", site) == []
        await page.screenshot(path=artifacts / f"language-de-sign-in-{name}.png")
