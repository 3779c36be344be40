"""The Alexa skill endpoint of the cloud API for all homes, on a real NATS server (our own
``nats-server -js``) with two demo hubs linked to it as homes ``casa`` and ``chalet`` and one
token both know: Discovery lists both homes' devices with ids unique across them, a directive
reaches only its own home's device, a bad token and an offline home get Alexa's errors. Every
answer is checked against Amazon's published message schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from homeweave.app import Running, demo_config, running_hub
from homeweave.core.accounts import hash_token
from tests.integration.alexa_stub import Json, check, directive
from tests.integration.test_cloud_api import auth, cloud_api, until
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]

PATH = "/api/alexa/smart_home"
LAMP = "living-room-lamp"


@asynccontextmanager
async def home(server: PrivateNats, data_dir: Path, home_id: str) -> AsyncIterator[Running]:
    cloud = {"nats": server.url, "home_id": home_id, "access_every": 0.2}
    config = demo_config(port=0, tick=0, bridges={"cloud": cloud})
    data_dir.mkdir()  # noqa: ASYNC240  (before the hub starts; nothing else runs yet)
    async with running_hub(config, data_dir, port=0) as running:
        yield running


async def send(http: httpx.AsyncClient, message: Any) -> Json:
    answer = await http.post(PATH, json=message)
    assert answer.status_code == 200, answer.text
    body: Json = answer.json()
    return check(body)


def error_type(event: Json) -> str:
    assert event["event"]["header"]["name"] == "ErrorResponse", event
    kind: str = event["event"]["payload"]["type"]
    return kind


async def test_the_cloud_serves_alexa_for_every_home_of_the_token(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        casa = await stack.enter_async_context(home(private_nats, tmp_path / "casa", "casa"))
        chalet_stack = await stack.enter_async_context(AsyncExitStack())
        chalet = await chalet_stack.enter_async_context(
            home(private_nats, tmp_path / "chalet", "chalet")
        )
        _, http = await stack.enter_async_context(cloud_api(private_nats, command_timeout=2.0))
        token = casa.new_token
        assert token is not None
        assert chalet.hub.storage is not None  # the same person, linked in both homes
        await chalet.hub.storage.add_token("linked", hash_token(token))

        async def both_homes() -> bool | None:
            answer = await http.get("/api/homes", headers=auth(token))
            ok = answer.status_code == 200 and len(answer.json()) == 2
            return True if ok else None

        await until(both_homes)

        found = await send(http, directive("Alexa.Discovery", "Discover", token))
        ids = [e["endpointId"] for e in found["event"]["payload"]["endpoints"]]
        print(f"discovery through the cloud: {len(ids)} endpoints, e.g. {ids[:2]}")
        assert len(ids) == len(set(ids)), "endpoint ids unique across the homes"
        per_home = {h: {i.partition(":")[2] for i in ids if i.startswith(f"{h}:")} for h in
                    ("casa", "chalet")}  # fmt: skip
        assert LAMP in per_home["casa"]
        assert per_home["casa"] == per_home["chalet"], "the same demo home twice"
        assert len(ids) == 2 * len(per_home["casa"])

        chalet_lamp = f"chalet:{LAMP}"
        before = casa.hub.states.value(LAMP, 2, 2)
        set_to = await send(
            http,
            directive(
                "Alexa.BrightnessController", "SetBrightness", token, chalet_lamp,
                {"brightness": 37},
            ),
        )  # fmt: skip
        assert set_to["event"]["header"]["name"] == "Response", set_to
        assert set_to["event"]["endpoint"]["endpointId"] == chalet_lamp
        brightness = [
            p["value"]
            for p in set_to["context"]["properties"]
            if p["namespace"] == "Alexa.BrightnessController"
        ]
        assert brightness == [37]
        assert chalet.hub.states.value(LAMP, 2, 2) == 37, "the chalet's lamp"
        assert casa.hub.states.value(LAMP, 2, 2) == before, "not the casa's"

        state = await send(http, directive("Alexa", "ReportState", token, f"casa:{LAMP}"))
        assert state["event"]["header"]["name"] == "StateReport"
        assert state["event"]["endpoint"]["endpointId"] == f"casa:{LAMP}"

        assert error_type(await send(http, directive("Alexa.Discovery", "Discover", "nope"))) == (
            "INVALID_AUTHORIZATION_CREDENTIAL"
        )
        turn_on = directive("Alexa.PowerController", "TurnOn", "nope", chalet_lamp)
        assert error_type(await send(http, turn_on)) == "INVALID_AUTHORIZATION_CREDENTIAL"
        elsewhere = directive("Alexa.PowerController", "TurnOn", token, f"villa:{LAMP}")
        assert error_type(await send(http, elsewhere)) == "NO_SUCH_ENDPOINT"
        assert error_type(await send(http, {"oops": 1})) == "INVALID_DIRECTIVE"

        await chalet_stack.aclose()
        print("stopped the chalet's hub (its link with it)")
        turn_on = directive("Alexa.PowerController", "TurnOn", token, chalet_lamp)
        offline = await send(http, turn_on)
        assert error_type(offline) == "ENDPOINT_UNREACHABLE"
        assert offline["event"]["endpoint"]["endpointId"] == chalet_lamp
        again = await send(http, directive("Alexa.Discovery", "Discover", token))
        listed = sorted(e["endpointId"] for e in again["event"]["payload"]["endpoints"])
        print(f"discovery with the chalet offline: {len(listed)} endpoints (its last answer kept)")
        assert listed == sorted(ids), "an offline home's devices stay listed"
