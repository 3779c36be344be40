"""The demo hub with its dashboard, and Debian's Chromium driven by Playwright.

Chromium comes from the distribution (``apt-get install -y chromium``), never from
``playwright install``. The tests skip, saying why, only when it is missing and cannot be
installed; set HOMEWEAVE_CHROMIUM to use another binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright

from homeweave.app import Running, demo_config, running_hub
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.sim.demo.parts import start_demo_parts

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
TIMEOUT_MS = 5000
E2E = Path(__file__).resolve().parent


def find_chromium() -> str | None:
    for candidate in (os.environ.get("HOMEWEAVE_CHROMIUM"), CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def install_chromium() -> str:
    """Try Debian's package; return what went wrong, or "" if it is there now."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*prefix, "apt-get", "install", "-y", "-q", "chromium"]
    problem = ""
    for steps in ([install], [[*prefix, "apt-get", "update", "-q"], install]):
        problem = ""
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, env=env, timeout=900)
            except (OSError, subprocess.TimeoutExpired) as exc:
                problem = f"{' '.join(step)}: {exc}"
                break
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]
                problem = f"{' '.join(step)}: {tail[0]}"
                break
        if not problem and find_chromium():
            return ""
    return problem or "apt-get installed chromium, but no chromium binary was found"


_chromium_problem: str | None = None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run these tests in one event loop, so they share one browser; install Chromium first
    (outside any test's timeout) if it is missing."""
    global _chromium_problem
    ours = [item for item in items if E2E in Path(str(item.path)).parents]
    for item in ours:
        if pytest_asyncio.is_async_test(item):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)
    if ours and _chromium_problem is None and find_chromium() is None:
        _chromium_problem = install_chromium()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(
            f"no Chromium at {CHROMIUM} and it could not be installed "
            f"({_chromium_problem or 'not tried'}); run `apt-get install -y chromium`"
        )
    return found


@dataclass
class Site:
    """A running demo hub with the dashboard, its admin token and an API client."""

    running: Running
    token: str
    client: httpx.AsyncClient
    virtual: VirtualIntegration

    @property
    def url(self) -> str:
        return self.running.url

    async def value(self, address: str) -> object:
        response = await self.client.get(f"/api/devices/{address}")
        response.raise_for_status()
        return response.json()["value"]


@asynccontextmanager
async def demo_site(data_dir: Path, parts: Sequence[str] = ()) -> AsyncIterator[Site]:
    """The demo home with its virtual clock stopped (tests step it), dashboard mounted; with
    ``parts`` (``module:function`` demo parts) their simulators started and added."""
    async with AsyncExitStack() as stack:
        started = await start_demo_parts(stack, list(parts)) if parts else []
        assert sorted(p.integration for p in started) == sorted(
            target.split(".")[2] for target in parts
        ), "a demo part did not start"
        config = demo_config(started, port=0, tick=0)
        running = await stack.enter_async_context(running_hub(config, data_dir, port=0))
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        virtual = running.hub.integrations["virtual"]
        assert isinstance(virtual, VirtualIntegration)
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5)
        )
        yield Site(running, running.new_token, client, virtual)


@pytest_asyncio.fixture(loop_scope="session")
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """The demo home with its virtual clock stopped (tests step it), dashboard mounted."""
    async with demo_site(tmp_path) as started:
        yield started


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    """One headless Chromium for a module's tests (each test gets fresh contexts); it closes
    before the rest of the suite runs."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


async def new_context(
    browser: Browser,
    url: str,
    token: str,
    viewport: ViewportSize = DESKTOP,
    *,
    signed_in: bool = True,
    mobile: bool = False,
    timezone_id: str | None = None,
    locale: str = "en-US",
) -> BrowserContext:
    """A browser context on the dashboard at ``url`` (signed in with ``token`` or not) in the
    browser language ``locale``; the caller closes it."""
    context = await browser.new_context(
        base_url=url,
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        color_scheme="light",
        reduced_motion="reduce",
        locale=locale,
        timezone_id=timezone_id,
    )
    context.set_default_timeout(TIMEOUT_MS)
    if signed_in:
        await context.add_init_script(
            "localStorage.getItem('homeweave.token') === null && "
            f"localStorage.setItem('homeweave.token', {token!r})"
        )
    return context


class ContextFactory(Protocol):
    async def __call__(
        self,
        viewport: ViewportSize = ...,
        *,
        signed_in: bool = ...,
        mobile: bool = ...,
        timezone_id: str | None = ...,
        locale: str = ...,
    ) -> BrowserContext: ...


@pytest_asyncio.fixture(loop_scope="session")
async def contexts(browser: Browser, site: Site) -> AsyncIterator[ContextFactory]:
    """Make browser contexts on the dashboard (signed in or out, phone or desktop, in the
    machine's time zone or another, in English or another browser language)."""
    made: list[BrowserContext] = []

    async def make(
        viewport: ViewportSize = DESKTOP,
        *,
        signed_in: bool = True,
        mobile: bool = False,
        timezone_id: str | None = None,
        locale: str = "en-US",
    ) -> BrowserContext:
        context = await new_context(
            browser,
            site.url,
            site.token,
            viewport,
            signed_in=signed_in,
            mobile=mobile,
            timezone_id=timezone_id,
            locale=locale,
        )
        made.append(context)
        return context

    yield make
    for context in made:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def desktop(contexts: ContextFactory) -> Page:
    """A desktop-sized page, signed in (not yet navigated)."""
    return await (await contexts(DESKTOP)).new_page()


@pytest_asyncio.fixture(loop_scope="session")
async def phone(contexts: ContextFactory) -> Page:
    """A phone-sized page, signed in (not yet navigated)."""
    return await (await contexts(PHONE, mobile=True)).new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
