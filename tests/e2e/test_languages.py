"""The dashboard in German and Chinese (#18 items 6 and 7), in Chromium at 390x844 and 1440x900:
the browser's language is the default, no English word of the English table is left on the
home, rooms, device sheet, device, More, automations, automation, trace, scenes, audit, backups,
first-run and invite pages, the phone's tab labels fit in full, a choice on More sticks after a
reload, and times are the home's (Europe/Amsterdam) while the browser is in New York."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.conftest import ContextFactory, Site
from tests.e2e.test_automations_ui import VACUUM_DONE, api
from tests.e2e.test_logbook_ui import cli_set, member_token

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": 1440, "height": 900}
NARROW: ViewportSize = {"width": 360, "height": 740}
SIZES = [("phone", PHONE, True), ("desktop", WIDE, False)]
LANGUAGES = [("de-DE", "de"), ("zh-CN", "zh-cn")]
BY_HAND = {"de": "von Hand gestartet", "zh-cn": "手动运行"}
"""How the hub begins a trace's sentence of a run by hand, in the dashboard's language."""
DEAD_LINK = (
    "This invite link does not work any more: it was revoked or has ended. Ask whoever sent it"
    " for a new one."
)
LOCALES = Path(__file__).resolve().parents[2] / "web" / "src" / "locales"
HOME_ZONE = ZoneInfo("Europe/Amsterdam")  # the demo home's
BROWSER_ZONE = "America/New_York"

# Every text node a person can see, one string each (not a person's name: "admin" is the
# signed-in token's, and the audit log's people).
VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    const names = '.signed-in-as strong, .audit-who';
    const hidden = !el || el.closest(`.sr-only, code, script, style, ${names}`);
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
    """The names people gave the home, its rooms, devices, scenes and automations (lower case:
    a scene called "Good morning" is a name, not the greeting)."""
    homes = (await site.client.get("/api/homes")).json()
    found = [h["name"] for h in homes] + [r["name"] for h in homes for r in h["rooms"]]
    for path in ["/api/devices", "/api/scenes", "/api/automations"]:
        found += [item["name"] for item in (await site.client.get(path)).json()]
    return [name.lower() for name in found]


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


def table(language: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        (LOCALES / f"{language}.json").read_text(encoding="utf-8")
    )
    return loaded


def words(language: str, key: str) -> str:
    text = table(language)[key]
    assert isinstance(text, str)
    return text


async def check(page: Page, site: Site, language: str, heading: str, shot: Path) -> None:
    """The page shows `heading` (any level) in the viewport and no English of the table."""
    found = page.get_by_role("heading", name=heading, exact=True).first
    await found.scroll_into_view_if_needed()
    await expect(found).to_be_in_viewport()
    assert await untranslated(page, language, site) == []
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=shot)


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
async def test_automations_scenes_audit_and_backups_have_no_english_left(
    site: Site, contexts: ContextFactory, artifacts: Path, locale: str, language: str
) -> None:
    ran = await api(site, "POST", f"/api/automations/{VACUUM_DONE}/run")
    trace = f"/automations/{VACUUM_DONE}/traces/{ran['id']}"
    await api(site, "POST", "/api/backups")
    await cli_set(
        site, await member_token(site, f"ida-{language}"), "kitchen-lamp/light/on", "true"
    )
    pages = [
        ("automations", "/automations", "Automations"),
        ("automation", f"/automations/{VACUUM_DONE}", "How it works"),
        ("trace", trace, "Step by step"),
        ("editor", f"/automations/{VACUUM_DONE}/edit", "YAML"),
        ("scenes", "/scenes", "Scenes"),
        ("audit", "/audit", "Audit log"),
        ("backups", "/backups", "Backups on the hub"),
    ]
    for size, viewport, mobile in SIZES:
        context = await contexts(viewport, mobile=mobile, locale=locale)
        page = await context.new_page()
        for name, path, key in pages:
            await page.goto(path)
            heading = words(language, key) if key != "YAML" else key
            await check(page, site, language, heading, artifacts / f"{language}-{name}-{size}.png")
            if name == "trace":  # the hub's own sentence too, worded in the language asked for
                await expect(page.locator(".why-sentence")).to_contain_text(BY_HAND[language])
        await page.goto("/rooms/hallway")
        await page.get_by_role("button", name=words(language, "Invite a guest")).click()
        form = page.locator("form.login-card")
        await expect(form.get_by_label(words(language, "Guest’s name"))).to_be_visible()
        hallway = words(language, "Invite a guest to {room}").format(room="Hallway")
        await check(page, site, language, hallway, artifacts / f"{language}-invite-form-{size}.png")


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
async def test_the_first_run_and_invite_pages_have_no_english_left(
    site: Site, contexts: ContextFactory, artifacts: Path, locale: str, language: str
) -> None:
    """A fresh hub has no one yet: the first-run page; a link that does not work says so."""
    for size, viewport, mobile in SIZES:
        context = await contexts(viewport, mobile=mobile, signed_in=False, locale=locale)
        page = await context.new_page()
        await page.goto("/")
        heading = words(language, "Welcome to homeweave")
        await check(page, site, language, heading, artifacts / f"{language}-first-run-{size}.png")
        await expect(page.get_by_label(words(language, "Setup code"))).to_be_visible()
        await page.goto("/invite/not-a-real-secret")
        await expect(page.get_by_role("alert")).to_contain_text(words(language, DEAD_LINK))
        shot = artifacts / f"{language}-invite-{size}.png"
        await check(page, site, language, words(language, "You are invited"), shot)


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
async def test_every_tab_label_fits_a_phone_in_full(
    contexts: ContextFactory, artifacts: Path, locale: str, language: str
) -> None:
    """No tab label is cut ("Automationen" at 360 px too): each is as wide as its text."""
    for size, viewport in [("phone", PHONE), ("narrow", NARROW)]:
        page = await (await contexts(viewport, mobile=True, locale=locale)).new_page()
        await page.goto("/")
        labels = page.locator(".tabbar .tab span")
        await expect(labels.filter(has_text=words(language, "Automations"))).to_be_visible()
        assert await labels.count() == 5
        for index in range(5):
            label = labels.nth(index)
            await expect(label).to_be_in_viewport()
            fits = await label.evaluate("(el) => el.scrollWidth <= el.clientWidth")
            assert fits, await label.text_content()
        await page.screenshot(path=artifacts / f"{language}-tabs-{size}.png")
