"""The Alexa skill handler over the real API (``POST /api/alexa/smart_home``) with the demo's
virtual home: every answer is checked against Amazon's published message schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, demo_config, running_hub
from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.alexa_stub import Json, check, directive

PATH = "/api/alexa/smart_home"


@pytest.fixture
async def alexa(tmp_path: Path) -> AsyncIterator[tuple[Running, httpx.AsyncClient]]:
    config = demo_config(port=0, tick=0, bridges={"alexa": {}})
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
            yield running, client


async def send(client: httpx.AsyncClient, message: Any) -> Json:
    reply = await client.post(PATH, json=message)
    assert reply.status_code == 200, reply.text
    body: Json = reply.json()
    return check(body)


def caps(endpoint: Json) -> dict[str, Json]:
    return {
        c["interface"] + (f":{c['instance']}" if "instance" in c else ""): c
        for c in endpoint["capabilities"]
    }


def props(event: Json) -> dict[str, Any]:
    return {
        f"{p['namespace']}.{p['name']}" + (f":{p['instance']}" if "instance" in p else ""): p[
            "value"
        ]
        for p in event["context"]["properties"]
    }


async def test_discovery_lists_devices_by_their_standard_services_and_the_scenes(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    event = await send(client, directive("Alexa.Discovery", "Discover", running.new_token))
    assert event["event"]["header"]["name"] == "Discover.Response"
    endpoints = {e["endpointId"]: e for e in event["event"]["payload"]["endpoints"]}
    lamp = endpoints["living-room-lamp"]
    assert lamp["displayCategories"] == ["LIGHT"]
    assert lamp["friendlyName"] == "Living room lamp"
    assert {
        "Alexa",
        "Alexa.PowerController",
        "Alexa.BrightnessController",
        "Alexa.ColorController",
        "Alexa.ColorTemperatureController",
        "Alexa.EndpointHealth",
    } <= set(caps(lamp))
    blind = caps(endpoints["bedroom-blind"])["Alexa.RangeController:Blind.Lift"]
    assert blind["configuration"]["supportedRange"] == {
        "minimumValue": 0,
        "maximumValue": 100,
        "precision": 1,
    }
    thermostat = caps(endpoints["study-thermostat"])
    assert thermostat["Alexa.ThermostatController"]["configuration"]["supportedModes"] == [
        "AUTO",
        "HEAT",
        "ECO",
        "OFF",
    ]
    assert "Alexa.TemperatureSensor" in thermostat
    assert set(caps(endpoints["living-room-speaker"])) >= {
        "Alexa.Speaker",
        "Alexa.PlaybackController",
    }
    assert endpoints["hallway-door"]["displayCategories"] == ["CONTACT_SENSOR"]
    assert endpoints["kitchen-motion"]["displayCategories"] == ["MOTION_SENSOR"]
    assert endpoints["kitchen-coffee-plug"]["displayCategories"] == ["SMARTPLUG"]
    assert endpoints["front-door-lock"]["displayCategories"] == ["SMARTLOCK"]
    assert endpoints["scene#movie"]["displayCategories"] == ["SCENE_TRIGGER"]


@pytest.mark.parametrize("token", ["not-a-token", "", None])
async def test_an_unknown_token_is_an_invalid_credential(
    alexa: tuple[Running, httpx.AsyncClient], token: str | None
) -> None:
    _, client = alexa
    for message in (
        directive("Alexa.Discovery", "Discover", token),
        directive("Alexa.PowerController", "TurnOn", token, "living-room-lamp"),
    ):
        event = await send(client, message)
        assert event["event"]["payload"]["type"] == "INVALID_AUTHORIZATION_CREDENTIAL"


async def test_what_is_not_a_directive_is_an_invalid_directive(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    reply = await client.post(PATH, content=b"{not json")
    assert check(reply.json())["event"]["payload"]["type"] == "INVALID_DIRECTIVE"
    bad: list[object] = [{"directive": {}}, [1, 2], {"event": {}}]
    for message in bad:
        event = await send(client, message)
        assert event["event"]["payload"]["type"] == "INVALID_DIRECTIVE"
    wrong = directive("Alexa.PowerController", "TurnOn", running.new_token, "living-room-lamp")
    wrong["directive"]["header"]["payloadVersion"] = "2"
    assert (await send(client, wrong))["event"]["payload"]["type"] == "INVALID_DIRECTIVE"
    other = directive("Alexa.LockController", "Lock", running.new_token, "living-room-lamp")
    assert (await send(client, other))["event"]["payload"]["type"] == "INVALID_DIRECTIVE"
    gone = directive("Alexa.PowerController", "TurnOn", running.new_token, "no-such-lamp")
    assert (await send(client, gone))["event"]["payload"]["type"] == "NO_SUCH_ENDPOINT"


async def test_controllers_write_through_the_hub_and_answer_the_new_state(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    token, hub = running.new_token, running.hub
    lamp = "living-room-lamp"

    def value(device: str, service: str, prop: str) -> object:
        ref = hub.commands.resolve(f"{device}/{service}/{prop}")
        return hub.states.value(device, ref.service.iid, ref.prop.iid)

    event = await send(client, directive("Alexa.PowerController", "TurnOff", token, lamp))
    assert event["event"]["header"]["correlationToken"]
    assert props(event)["Alexa.PowerController.powerState"] == "OFF"
    assert value(lamp, "light", "on") is False
    event = await send(
        client,
        directive("Alexa.BrightnessController", "SetBrightness", token, lamp, {"brightness": 35}),
    )
    assert props(event)["Alexa.BrightnessController.brightness"] == 35
    assert value(lamp, "light", "brightness") == 35
    event = await send(
        client,
        directive(
            "Alexa.ColorTemperatureController",
            "SetColorTemperature",
            token,
            lamp,
            {"colorTemperatureInKelvin": 9000},  # beyond the lamp: clamped, as Alexa's lamps do
        ),
    )
    assert props(event)["Alexa.ColorTemperatureController.colorTemperatureInKelvin"] == 6500
    color = {"hue": 120.0, "saturation": 1.0, "brightness": 1.0}
    event = await send(
        client, directive("Alexa.ColorController", "SetColor", token, lamp, {"color": color})
    )
    assert value(lamp, "light", "color") == 0x00FF00
    assert props(event)["Alexa.ColorController.color"]["hue"] == 120.0

    blind = "bedroom-blind"
    event = await send(
        client,
        directive(
            "Alexa.RangeController", "SetRangeValue", token, blind, {"rangeValue": 40}, "Blind.Lift"
        ),
    )
    assert value(blind, "curtain", "target-position") == 40

    event = await send(
        client,
        directive(
            "Alexa.ThermostatController",
            "SetTargetTemperature",
            token,
            "study-thermostat",
            {"targetSetpoint": {"value": 70.7, "scale": "FAHRENHEIT"}},
        ),
    )
    assert props(event)["Alexa.ThermostatController.targetSetpoint"] == {
        "value": 21.5,
        "scale": "CELSIUS",
    }
    event = await send(
        client,
        directive(
            "Alexa.ThermostatController",
            "SetThermostatMode",
            token,
            "study-thermostat",
            {"thermostatMode": {"value": "ECO"}},
        ),
    )
    assert props(event)["Alexa.ThermostatController.thermostatMode"] == "ECO"

    speaker = "living-room-speaker"
    event = await send(
        client, directive("Alexa.Speaker", "SetVolume", token, speaker, {"volume": 15})
    )
    assert value(speaker, "speaker", "volume") == 15
    event = await send(
        client, directive("Alexa.Speaker", "SetMute", token, speaker, {"mute": True})
    )
    assert props(event)["Alexa.Speaker.muted"] is True
    await send(client, directive("Alexa.PlaybackController", "Play", token, speaker))
    assert value(speaker, "play-control", "playing-state") == 1

    lock = "front-door-lock"
    event = await send(client, directive("Alexa.LockController", "Unlock", token, lock))
    assert props(event)["Alexa.LockController.lockState"] == "UNLOCKED"
    event = await send(client, directive("Alexa.LockController", "Lock", token, lock))
    assert props(event)["Alexa.LockController.lockState"] == "LOCKED"

    event = await send(client, directive("Alexa", "ReportState", token, "hallway-door"))
    assert event["event"]["header"]["name"] == "StateReport"
    assert props(event)["Alexa.ContactSensor.detectionState"] in ("DETECTED", "NOT_DETECTED")
    assert props(event)["Alexa.EndpointHealth.connectivity"] == {"value": "OK"}


async def test_values_out_of_range_get_alexas_range_errors(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    token = running.new_token
    event = await send(
        client,
        directive(
            "Alexa.BrightnessController",
            "SetBrightness",
            token,
            "living-room-lamp",
            {"brightness": 150},
        ),
    )
    assert event["event"]["payload"]["type"] == "VALUE_OUT_OF_RANGE"
    assert event["event"]["payload"]["validRange"] == {"minimumValue": 0, "maximumValue": 100}
    event = await send(
        client,
        directive(
            "Alexa.RangeController",
            "SetRangeValue",
            token,
            "bedroom-blind",
            {"rangeValue": 101},
            "Blind.Lift",
        ),
    )
    assert event["event"]["payload"]["type"] == "VALUE_OUT_OF_RANGE"
    event = await send(
        client,
        directive(
            "Alexa.ThermostatController",
            "SetTargetTemperature",
            token,
            "study-thermostat",
            {"targetSetpoint": {"value": 50, "scale": "CELSIUS"}},
        ),
    )
    payload = event["event"]["payload"]
    assert payload["type"] == "TEMPERATURE_VALUE_OUT_OF_RANGE"
    assert payload["validRange"]["maximumValue"] == {"value": 35.0, "scale": "CELSIUS"}
    event = await send(
        client,
        directive(
            "Alexa.ThermostatController",
            "SetThermostatMode",
            token,
            "study-thermostat",
            {"thermostatMode": {"value": "COOL"}},
        ),
    )
    assert event["event"]["header"]["namespace"] == "Alexa.ThermostatController"
    assert event["event"]["payload"]["type"] == "UNSUPPORTED_THERMOSTAT_MODE"


async def test_an_unavailable_device_is_unreachable(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    virtual = running.hub.integrations["virtual"]
    assert isinstance(virtual, VirtualIntegration)
    virtual.set_online("kitchen-lamp", False)
    event = await send(
        client, directive("Alexa.PowerController", "TurnOn", running.new_token, "kitchen-lamp")
    )
    assert event["event"]["payload"]["type"] == "ENDPOINT_UNREACHABLE"
    event = await send(client, directive("Alexa", "ReportState", running.new_token, "kitchen-lamp"))
    assert props(event)["Alexa.EndpointHealth.connectivity"] == {"value": "UNREACHABLE"}


async def test_a_scene_is_activated(alexa: tuple[Running, httpx.AsyncClient]) -> None:
    running, client = alexa
    event = await send(
        client, directive("Alexa.SceneController", "Activate", running.new_token, "scene#movie")
    )
    assert event["event"]["header"]["name"] == "ActivationStarted"
    assert event["event"]["payload"]["cause"] == {"type": "VOICE_INTERACTION"}


async def test_accept_grant_without_a_client_fails_as_alexa_defines(
    alexa: tuple[Running, httpx.AsyncClient],
) -> None:
    running, client = alexa
    grant = {
        "grant": {"type": "OAuth2.AuthorizationCode", "code": "good-code"},
        "grantee": {"type": "BearerToken", "token": running.new_token},
    }
    event = await send(client, directive("Alexa.Authorization", "AcceptGrant", None, None, grant))
    assert event["event"]["header"]["namespace"] == "Alexa.Authorization"
    assert event["event"]["payload"]["type"] == "ACCEPT_GRANT_FAILED"
    assert "client_id" in event["event"]["payload"]["message"]


async def test_the_route_says_when_the_bridge_is_off(tmp_path: Path) -> None:
    async with (
        running_hub(demo_config(port=0, tick=0), tmp_path, port=0) as running,
        httpx.AsyncClient(base_url=running.url) as client,
    ):
        reply = await client.post(PATH, json={})
    assert reply.status_code == 404
    assert "bridges" in reply.json()["error"]
