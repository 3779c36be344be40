"""End to end through the skill handler: Discovery, then a Xiaomi lamp (miIO simulator) switched
on and an IKEA blind (DIRIGERA simulator) moved, both seen on the simulators; after AcceptGrant,
changes in the hub reach a stand-in event gateway on loopback as schema-valid events."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, running_hub
from homeweave.config import HubConfig
from homeweave.sim.dirigera import DirigeraSimulator, payloads
from homeweave.sim.miio.fleet import Fleet
from homeweave.sim.miio.server import MiioSimulator
from tests.integration.alexa_stub import Gateway, Json, check, directive

pytestmark = pytest.mark.timeout(90)
PATH = "/api/alexa/smart_home"
ROOM = payloads.room("Study")
BLIND = payloads.blinds("Study blind", ROOM, level=20)  # DIRIGERA counts down: 80 % open
LAMP = "desk-lamp"


@dataclass
class Home:
    running: Running
    client: httpx.AsyncClient
    lamp: MiioSimulator
    dirigera: DirigeraSimulator
    gateway: Gateway

    @property
    def token(self) -> str:
        assert self.running.new_token is not None
        return self.running.new_token

    async def send(self, message: Any) -> Json:
        reply = await self.client.post(PATH, json=message)
        assert reply.status_code == 200, reply.text
        body: Json = reply.json()
        return check(body)

    def lamp_value(self, name: str) -> object:
        ref = self.running.hub.commands.resolve(f"{LAMP}/light/{name}")
        query = [{"siid": ref.service.iid, "piid": ref.prop.iid}]
        return self.lamp.brain.handle("get_properties", query)["result"][0]["value"]


def config(fleet: Fleet, sim: DirigeraSimulator, gateway: Gateway) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": "study", "name": "Study"}],
                }
            ],
            "devices": [
                {
                    "id": LAMP,
                    "name": "Desk lamp",
                    "room": "study",
                    "integration": "miio",
                    "model": "light",
                    "options": fleet.infos[0].device_options(),
                }
            ],
            "integrations": {
                "miio": {"timeout": 0.1, "min_timeout": 0.03, "max_timeout": 0.2, "deadline": 2.0},
                "dirigera": {
                    "host": "127.0.0.1",
                    "port": sim.port,
                    "token": sim.token,
                    "default_room": "study",
                    "reconnect_min": 0.05,
                    "reconnect_max": 0.2,
                },
            },
            "bridges": {
                "alexa": {
                    "event_gateway": gateway.url,
                    "token_url": gateway.token_url,
                    "client_id": Gateway.CLIENT[0],
                    "client_secret": Gateway.CLIENT[1],
                    "retry_min": 0.05,
                    "retry_max": 0.2,
                }
            },
            "api": {"port": 0},
        },
        strict=False,
    )


@pytest.fixture
async def home(tmp_path: Path) -> AsyncIterator[Home]:
    async with AsyncExitStack() as stack:
        first = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
        fleet = await stack.enter_async_context(Fleet(first_host=first))
        lamp = await fleet.add("light", options={"initial": {"on": False}})
        sim = await stack.enter_async_context(DirigeraSimulator([BLIND]))
        gateway = await stack.enter_async_context(Gateway())
        running = await stack.enter_async_context(
            running_hub(config(fleet, sim, gateway), tmp_path, port=0)
        )
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=running.url, timeout=10)
        )
        yield Home(running, client, lamp, sim, gateway)


async def test_discovery_then_voice_control_reaches_the_simulators(home: Home) -> None:
    event = await home.send(directive("Alexa.Discovery", "Discover", home.token))
    endpoints = {e["endpointId"]: e for e in event["event"]["payload"]["endpoints"]}
    assert endpoints[LAMP]["displayCategories"] == ["LIGHT"]
    assert endpoints["study-blind"]["displayCategories"] == ["INTERIOR_BLIND"]
    assert endpoints["study-blind"]["manufacturerName"] == "IKEA of Sweden"

    assert home.lamp_value("on") is False
    event = await home.send(directive("Alexa.PowerController", "TurnOn", home.token, LAMP))
    assert event["event"]["header"]["name"] == "Response"
    assert home.lamp_value("on") is True

    event = await home.send(
        directive(
            "Alexa.RangeController",
            "SetRangeValue",
            home.token,
            "study-blind",
            {"rangeValue": 70},
            "Blind.Lift",
        )
    )
    assert event["event"]["header"]["name"] == "Response"
    assert home.dirigera.state.attributes(BLIND["id"])["blindsTargetLevel"] == 30  # 70 % open


async def test_changes_reach_the_event_gateway_after_accept_grant(home: Home) -> None:
    grant = {
        "grant": {"type": "OAuth2.AuthorizationCode", "code": "good-code"},
        "grantee": {"type": "BearerToken", "token": home.token},
    }
    event = await home.send(directive("Alexa.Authorization", "AcceptGrant", None, None, grant))
    assert event["event"]["header"]["name"] == "AcceptGrant.Response"
    assert home.gateway.issued == ["access-1"]

    # The blind moves on the DIRIGERA hub (someone used its remote): a ChangeReport.
    home.dirigera.state.set_attributes(BLIND["id"], blindsCurrentLevel=60)
    report = check(await home.gateway.next_event("ChangeReport", "study-blind"))
    change = report["event"]["payload"]["change"]
    assert change["cause"]["type"] == "PHYSICAL_INTERACTION"
    assert [(p["name"], p["value"]) for p in change["properties"]] == [("rangeValue", 40)]
    assert report["event"]["endpoint"]["scope"]["token"] == "access-1"
    assert {p["name"] for p in report["context"]["properties"]} == {"connectivity"}

    # A new device on the hub: an AddOrUpdateReport.
    home.dirigera.state.add_device(payloads.outlet("Study lamp plug", ROOM))
    added = check(await home.gateway.next_event("AddOrUpdateReport"))
    assert [e["endpointId"] for e in added["event"]["payload"]["endpoints"]] == ["study-lamp-plug"]
    assert added["event"]["payload"]["scope"]["token"] == "access-1"

    # A device the hub forgets: a DeleteReport. Amazon's 2021 schema has no definition of it,
    # so its documented shape is checked here instead.
    home.running.hub.registry.remove_device("study-lamp-plug")
    deleted = await home.gateway.next_event("DeleteReport")
    body = deleted["event"]
    assert body["header"]["namespace"] == "Alexa.Discovery"
    assert body["header"]["payloadVersion"] == "3"
    assert body["payload"] == {
        "endpoints": [{"endpointId": "study-lamp-plug"}],
        "scope": {"type": "BearerToken", "token": "access-1"},
    }

    # The lamp goes away (marked as the miio integration marks a silent device): connectivity.
    home.running.hub.registry.set_available(LAMP, False, "no answer for 30 s")
    gone = check(await home.gateway.next_event("ChangeReport", LAMP))
    assert gone["event"]["payload"]["change"]["properties"][-1]["value"] == {"value": "UNREACHABLE"}
