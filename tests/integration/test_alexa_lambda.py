"""The AWS Lambda forwarder (``contrib/alexa/lambda_function.py``) run as Lambda runs it —
``lambda_handler(event, None)`` with ``HOMEWEAVE_URL`` in the environment — against a real hub
on loopback: directives and their tokens pass through unchanged, and a hub that cannot be
reached is Alexa's ``BRIDGE_UNREACHABLE``. Every answer is checked against Amazon's schema."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from homeweave.app import Running, demo_config, running_hub
from tests.integration.alexa_stub import check, directive
from tests.integration.household import PASSWORDS, make_household, ok
from tests.integration.linking_client import LINKING, link

FORWARDER = Path(__file__).parents[2] / "contrib/alexa/lambda_function.py"


def load_forwarder() -> ModuleType:
    """The file as Lambda loads it: a module on its own, not part of homeweave."""
    spec = importlib.util.spec_from_file_location("lambda_function", FORWARDER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[tuple[Running, httpx.AsyncClient]]:
    config = demo_config(port=0, tick=0, bridges={"alexa": LINKING})
    async with running_hub(config, tmp_path, port=0) as running:
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as admin:
            yield running, admin


async def forward(message: dict[str, Any]) -> dict[str, Any]:
    """Run the Lambda handler in a thread (it blocks, as it does on Lambda)."""
    forwarder = load_forwarder()
    answer: dict[str, Any] = await asyncio.to_thread(forwarder.lambda_handler, message, None)
    return check(answer)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_the_forwarder_passes_directives_and_the_linked_token_to_the_hub(
    hub: tuple[Running, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    running, admin = hub
    await make_household(running, admin)
    token = (await link(running, "gus", PASSWORDS["gus"]))["access_token"]
    monkeypatch.setenv("HOMEWEAVE_URL", running.url + "/")
    found = await forward(directive("Alexa.Discovery", "Discover", token))
    endpoints = {e["endpointId"] for e in found["event"]["payload"]["endpoints"]}
    assert "hallway-lamp" in endpoints
    assert "kitchen-lamp" not in endpoints
    ok(await admin.put("/api/devices/hallway-lamp/light/on", json={"value": False}))
    done = await forward(directive("Alexa.PowerController", "TurnOn", token, "hallway-lamp"))
    assert done["event"]["header"]["name"] == "Response"
    assert done["event"]["endpoint"]["scope"]["token"] == token
    lamp = ok(await admin.get("/api/devices/hallway-lamp/light/on"))
    assert isinstance(lamp, dict)
    assert lamp["value"] is True
    entries = ok(await admin.get("/api/audit", params={"device": "hallway-lamp"}))
    assert isinstance(entries, list)
    assert (entries[-1]["user"], entries[-1]["channel"]) == ("gus", "alexa")
    refused = await forward(directive("Alexa.Discovery", "Discover", "not-a-token"))
    assert refused["event"]["payload"]["type"] == "INVALID_AUTHORIZATION_CREDENTIAL"


@pytest.mark.parametrize(
    "url",
    [f"http://127.0.0.1:{closed_port()}", "http://no-such-host.invalid"],
    ids=["refused", "dns"],
)
async def test_an_unreachable_hub_is_bridge_unreachable(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOMEWEAVE_URL", url)
    monkeypatch.setenv("HOMEWEAVE_TIMEOUT", "2")
    turn_on = directive("Alexa.PowerController", "TurnOn", "a-token", "hallway-lamp")
    answer = await forward(turn_on)
    event = answer["event"]
    assert event["header"]["name"] == "ErrorResponse"
    assert event["payload"]["type"] == "BRIDGE_UNREACHABLE"
    assert event["header"]["correlationToken"] == turn_on["directive"]["header"]["correlationToken"]
    assert event["endpoint"] == {
        "endpointId": "hallway-lamp",
        "scope": {"type": "BearerToken", "token": "a-token"},
    }
    discover = await forward(directive("Alexa.Discovery", "Discover", "a-token"))
    assert discover["event"]["payload"]["type"] == "BRIDGE_UNREACHABLE"


async def test_a_hub_without_the_alexa_bridge_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_hub(demo_config(port=0, tick=0), tmp_path, port=0) as running:
        monkeypatch.setenv("HOMEWEAVE_URL", running.url)
        answer = await forward(directive("Alexa.Discovery", "Discover", "a-token"))
    assert answer["event"]["payload"]["type"] == "INTERNAL_ERROR"
    assert "HTTP 404" in answer["event"]["payload"]["message"]


@pytest.mark.parametrize("url", [None, "", "hub.example.net"])
async def test_without_its_url_the_forwarder_says_so(
    url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if url is None:
        monkeypatch.delenv("HOMEWEAVE_URL", raising=False)
    else:
        monkeypatch.setenv("HOMEWEAVE_URL", url)
    answer = await forward(directive("Alexa.Discovery", "Discover", "a-token"))
    assert answer["event"]["payload"]["type"] == "INTERNAL_ERROR"
    assert "HOMEWEAVE_URL" in answer["event"]["payload"]["message"]
