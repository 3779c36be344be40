"""Automation bodies sent as YAML (the dashboard's editor): read like JSON ones, and a 422 lists
each problem with its path and its line in the YAML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.api.app import create_app
from homeweave.api.auth import Tokens, hash_token
from homeweave.api.server import ApiServer
from homeweave.api.yaml_bodies import problems
from homeweave.app import build_hub, demo_config
from homeweave.automation.engine import AutomationEngine

YAML = {"Content-Type": "application/yaml"}
TOKEN = "test-token"
ILLUMINATION = "hallway-motion/motion-sensor/illumination"
GOOD = """\
id: door-note
name: Say when the door opens
triggers:
  - type: property
    address: hallway-door/magnet-sensor/contact-state
    to: false
actions:
  - type: notify
    message: 'The door: open'
"""


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with AsyncExitStack() as stack:
        config = demo_config(port=0, tick=0)
        hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        engine = await stack.enter_async_context(
            AutomationEngine(hub, config.automations, config.scenes)
        )
        assert hub.storage is not None
        await hub.storage.add_token("test", hash_token(TOKEN))
        app = create_app(hub, Tokens(hub.storage), engine)
        server = await stack.enter_async_context(ApiServer(app, "127.0.0.1", 0))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        yield await stack.enter_async_context(
            httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5)
        )


async def post_yaml(api: httpx.AsyncClient, text: str) -> httpx.Response:
    return await api.post("/api/automations", content=text.encode(), headers=YAML)


async def test_a_yaml_body_creates_and_updates_like_json(api: httpx.AsyncClient) -> None:
    created = await post_yaml(api, GOOD)
    assert created.status_code == 201, created.text
    assert created.json()["definition"]["actions"] == [
        {"type": "notify", "message": "The door: open"}
    ]
    changed = GOOD.replace("name: Say when", "name: Tell when") + "mode: queued\n"
    updated = await api.put("/api/automations/door-note", content=changed, headers=YAML)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["mode"]) == (
        "Tell when the door opens",
        "queued",
    )
    again = await api.get("/api/automations/door-note")
    assert again.json()["definition"]["mode"] == "queued"
    dry = await api.post(
        "/api/automations/hallway-night-light/dry-run",
        content=f"state:\n  {ILLUMINATION}: 1000\n",
        headers={"Content-Type": "text/yaml; charset=utf-8"},
    )
    assert dry.json()["result"] == "would-not-run"


async def test_each_problem_comes_with_its_path_and_line(api: httpx.AsyncClient) -> None:
    text = GOOD.replace("    to: false\n", "    to: false\n    colour: red\n")
    text += "mode: sometimes\n"
    response = await post_yaml(api, text)
    assert response.status_code == 422
    body = response.json()
    assert body["kind"] == "AutomationError"
    found = {(p["path"], p["line"]) for p in body["problems"]}
    assert found == {("mode", 11), ("triggers[0].colour", 7)}
    colour = next(p for p in body["problems"] if p["path"] == "triggers[0].colour")
    assert colour["message"] == (
        "unknown key 'colour' in a property trigger; allowed: type, address, to, from, for"
    )

    unknown = await post_yaml(api, GOOD.replace("hallway-door/", "front-door/"))
    assert unknown.status_code == 422
    [problem] = unknown.json()["problems"]
    assert problem["path"] == "triggers[0].address"
    assert problem["line"] == 5
    assert problem["message"].startswith("unknown device 'front-door'")

    missing = await post_yaml(
        api, GOOD.replace("    address: hallway-door/magnet-sensor/contact-state\n", "")
    )
    [problem] = missing.json()["problems"]
    assert problem == {
        "path": "triggers[0]",
        "line": 4,
        "message": "triggers[0] is missing required key 'address'",
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: x\nname: [open\n", 3, "invalid YAML: did not find expected ',' or ']'"),
        ("id: &a x\nname: *a\n", 2, "YAML aliases (*name) are not accepted here"),
        ("- just a list\n", 1, "the YAML must be a mapping (key: value lines)"),
    ],
)
async def test_unreadable_yaml_says_where(
    api: httpx.AsyncClient, text: str, line: int, message: str
) -> None:
    response = await post_yaml(api, text)
    assert response.status_code == 422
    assert response.json() == {
        "error": f"line {line}: {message}",
        "kind": "AutomationError",
        "problems": [{"path": "", "line": line, "message": message}],
    }


async def test_yaml_that_is_not_utf8_or_too_big_is_refused(api: httpx.AsyncClient) -> None:
    latin = await api.post("/api/automations", content=b"name: caf\xe9\n", headers=YAML)
    assert latin.status_code == 422
    assert latin.json()["problems"][0]["message"] == "the YAML is not UTF-8"
    huge = await post_yaml(api, "description: " + "x" * 300_000 + "\n")
    assert huge.status_code == 422
    assert "over 256 kB" in huge.json()["error"]


async def test_json_bodies_and_the_openapi_document_are_as_before(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/api/automations", json={"id": "x", "name": "X"})
    assert response.status_code == 422
    assert "problems" not in response.json()
    listed = await api.get("/api/automations", headers=YAML)  # no body: the header is ignored
    assert listed.status_code == 200
    doc: dict[str, Any] = (await api.get("/api/openapi.json")).json()
    content = doc["paths"]["/api/automations"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "application/yaml"}


def test_problems_split_a_message_only_between_problems() -> None:
    message = (
        "automations[a].actions[0].address: x/light/on: invalid value 5; allowed: true, false; "
        "conditions[1] is missing required key 'value'; and 2 more problems"
    )
    text = "actions:\n  - type: set\n    address: x/light/on\nconditions:\n  - a: 1\n  - b: 2\n"
    assert problems(message, text) == [
        {
            "path": "actions[0].address",
            "line": 3,
            "message": "x/light/on: invalid value 5; allowed: true, false",
        },
        {
            "path": "conditions[1]",
            "line": 6,
            "message": "conditions[1] is missing required key 'value'",
        },
        {"path": "", "line": None, "message": "and 2 more problems"},
    ]
