"""People in the dashboard, in Chromium: the first owner is made on the first-run page with the
setup code from the hub's log, signs in with name and password, and shares the hallway with a
guest through an invite link; the guest opens the link and sees only the hallway's devices, then
is signed out when the invite ends. Screenshots in test-artifacts/dashboard/."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, Site

OWNER = {"user": "olivia", "password": "olivia-owns-the-house", "name": "Olivia"}
HALLWAY = ["hallway-door", "hallway-motion", "hallway-lamp"]
ELSEWHERE = ["kitchen-lamp", "living-room-lamp", "robot-vacuum"]
INVITE_SECONDS = 15.0


async def create_owner(page: Page, code: str) -> None:
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Welcome to homeweave")).to_be_visible()
    await page.get_by_label("Setup code").fill(code)
    await page.get_by_label("Your name").fill(OWNER["name"])
    await page.get_by_label("User name").fill(OWNER["user"])
    await page.get_by_label("Password").fill(OWNER["password"])
    await page.get_by_role("button", name="Create the owner").click()
    await expect(page.get_by_role("heading", level=1, name="Demo home")).to_be_visible()


@pytest.mark.slow  # waits for a real invite to end (~18 s): CI runs it after make test
async def test_an_owner_invites_a_guest_who_sees_one_room_until_the_invite_ends(
    site: Site, contexts: ContextFactory, artifacts: Path
) -> None:
    code = site.running.setup_code
    assert code is not None
    owner = await (await contexts(DESKTOP, signed_in=False)).new_page()
    await create_owner(owner, code)
    await owner.goto("/more")
    await expect(owner.get_by_text("Signed in as Olivia (owner)")).to_be_in_viewport()
    await owner.get_by_role("button", name="Sign out").click()
    await expect(owner.get_by_role("heading", name="homeweave")).to_be_visible()

    # Signing in again with name and password: a wrong one first.
    await owner.get_by_label("User name").fill(OWNER["user"])
    await owner.get_by_label("Password").fill("not-her-password")
    await owner.get_by_role("button", name="Sign in").click()
    await expect(owner.get_by_role("alert")).to_contain_text("wrong user name or password")
    await owner.get_by_label("Password").fill(OWNER["password"])
    await owner.get_by_role("button", name="Sign in").click()
    await expect(owner.get_by_text("Signed in as Olivia (owner)")).to_be_in_viewport()
    await owner.goto("/")  # a reload: the session cookie keeps her signed in
    await expect(owner.get_by_role("heading", level=1, name="Demo home")).to_be_visible()
    await owner.screenshot(path=str(artifacts / "owner-signed-in-desktop.png"))

    # The owner invites a guest to the hallway from its page, for a few seconds.
    await owner.goto("/rooms/hallway")
    await owner.get_by_role("button", name="Invite a guest").click()
    await owner.get_by_label("Guest’s name").fill("Gus")
    until = time.time() + INVITE_SECONDS
    local = await owner.evaluate(
        "(at) => { const d = new Date(at - new Date(at).getTimezoneOffset() * 60000);"
        " return d.toISOString().slice(0, 19); }",
        until * 1000,
    )
    await owner.get_by_label("Until").fill(local)
    await owner.get_by_role("button", name="Create the invite link").click()
    field = owner.get_by_label("Invite link")
    await expect(field).to_be_in_viewport()
    await owner.screenshot(path=str(artifacts / "invite-created-desktop.png"))
    url = await field.input_value()
    assert url.startswith(f"{site.url}/invite/")
    link = url.removeprefix(site.url)
    until = float(int(until))  # the form sends whole seconds

    guest = await (await contexts(PHONE, signed_in=False, mobile=True)).new_page()
    await guest.goto(link)
    await expect(guest.get_by_role("heading", level=1, name="Demo home")).to_be_visible()
    assert guest.url.endswith("/"), "the secret leaves the address bar"
    hallway = guest.locator('section[data-room="hallway"]')
    await expect(hallway.locator('article[data-device="hallway-lamp"]')).to_be_in_viewport()
    for device in HALLWAY:
        await expect(guest.locator(f'article[data-device="{device}"]')).to_have_count(1)
    for device in ELSEWHERE:
        await expect(guest.locator(f'[data-device="{device}"]')).to_have_count(0)
    await expect(guest.locator("section[data-room]")).to_have_count(1)
    await expect(guest.get_by_role("link", name="Automations")).to_have_count(0)
    await expect(guest.get_by_role("button", name="Say")).to_have_count(0)  # voice: members
    await guest.screenshot(path=str(artifacts / "invite-guest-hallway-phone.png"))
    await guest.get_by_role("link", name="More").click()
    await expect(guest.get_by_text("Signed in as Gus (guest)")).to_be_in_viewport()
    shared = re.compile(r"Shared with you: hallway, until (today|tomorrow) \d\d:\d\d")
    await expect(guest.get_by_text(shared)).to_be_in_viewport()
    await guest.get_by_role("link", name="Home", exact=True).click()
    await expect(hallway.locator('article[data-device="hallway-lamp"]')).to_be_in_viewport()

    # At the invite's end the hub closes the guest's socket: the page signs out and says why.
    left = until - time.time()
    assert left > 0, "the guest's page took the whole invite to load"
    alert = guest.get_by_role("alert")
    await expect(alert).to_contain_text(
        "You are signed out: your access has ended", timeout=(left + 5) * 1000
    )
    await expect(guest.locator("[data-device]")).to_have_count(0)
    await guest.screenshot(path=str(artifacts / "invite-guest-ended-phone.png"))

    # The link no longer opens anything.
    await guest.goto(link)
    await expect(guest.get_by_role("alert")).to_contain_text("does not work any more")
