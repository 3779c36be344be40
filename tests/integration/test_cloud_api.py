"""The cloud API on a real NATS server (our own ``nats-server -js``) with a real edge hub linked
to it: a PUT through the cloud changes the edge device's state and its value comes back through
the ``hw_states`` bucket; a guest's token reaches only what was shared with it, checked in the
cloud and again at the edge; a home whose hub is gone answers 503, one that does not answer 504."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import nats
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from homeweave.api.server import ApiServer
from homeweave.cloud.api import Fleet, connected, create_cloud_app
from homeweave.core.accounts import Accounts
from homeweave.core.principal import SYSTEM, Role
from homeweave.transport.fleet_wire import AccessEntry, access_key, token_digest
from tests.integration.test_cloud_link import HOME, hub_linked_to
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]

LAMP_PATH = f"/api/homes/{HOME}/devices/living-room-lamp/light/brightness"
WAIT = 10.0
T = TypeVar("T")


@asynccontextmanager
async def cloud_api(
    server: PrivateNats, command_timeout: float = 3.0
) -> AsyncIterator[tuple[Fleet, httpx.AsyncClient]]:
    async with (
        connected(server.url, command_timeout=command_timeout) as fleet,
        ApiServer(create_cloud_app(fleet), "127.0.0.1", 0) as api,
        httpx.AsyncClient(base_url=api.url, timeout=WAIT) as http,
    ):
        yield fleet, http


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def until(probe: Callable[[], Awaitable[T | None]]) -> T:
    """``probe()`` until it gives something (the edge publishes access every 0.2 s here)."""
    async with asyncio.timeout(WAIT):
        while True:
            found = await probe()
            if found is not None:
                return found
            await asyncio.sleep(0.05)


async def test_a_put_through_the_cloud_changes_the_edge_device(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with (
        hub_linked_to(private_nats, tmp_path, access_every=0.2) as running,
        cloud_api(private_nats) as (_, http),
    ):
        assert running.new_token is not None
        owner = auth(running.new_token)

        async def homes() -> list[dict[str, Any]] | None:
            answer = await http.get("/api/homes", headers=owner)
            return answer.json() if answer.status_code == 200 else None

        listed = await until(homes)
        assert [h["id"] for h in listed] == [HOME]
        assert listed[0]["role"] == "owner"

        answer = await http.put(LAMP_PATH, json={"value": 33}, headers=owner)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"address": "living-room-lamp/light/brightness", "value": 33}
        assert running.hub.states.value("living-room-lamp", 2, 2) == 33

        async def read_back() -> Any:
            got = (await http.get(LAMP_PATH, headers=owner)).json()
            return got if got["value"] == 33 else None

        assert (await read_back() or await until(read_back))["at"] is not None
        devices = (await http.get(f"/api/homes/{HOME}/devices", headers=owner)).json()
        lamp = next(d for d in devices if d["id"] == "living-room-lamp")
        assert lamp["properties"]["light/brightness"] == 33
        assert lamp["control"] is True

        refused = await http.put(LAMP_PATH, json={"value": 150}, headers=owner)
        assert refused.status_code == 422  # the edge's validation, its words
        assert "150" in refused.json()["error"]
        assert running.hub.states.value("living-room-lamp", 2, 2) == 33
        bad_body = await http.put(LAMP_PATH, json={"valu": 1}, headers=owner)
        assert bad_body.status_code == 422
        assert "valu" in bad_body.json()["error"]
        not_json = await http.put(LAMP_PATH, content=b"{oops", headers=owner)
        assert not_json.status_code == 422
        nobody = await http.get("/api/homes", headers=auth("not-a-token"))
        assert nobody.status_code == 401
        assert (await http.get("/api/homes")).status_code == 401
        started = await http.post(
            f"/api/homes/{HOME}/devices/robot-vacuum/actions/start-sweep", headers=owner
        )
        assert started.status_code == 200, started.text
        assert running.hub.states.value("robot-vacuum", 2, 1) == 2  # Sweeping
        stop = f"/api/homes/{HOME}/devices/robot-vacuum/actions/vacuum/stop-sweeping"
        assert (await http.post(stop, json={"args": []}, headers=owner)).status_code == 200
        elsewhere = await http.get("/api/homes/someone-else/devices", headers=owner)
        assert elsewhere.status_code == 404

    # the hub is gone (its link with it): the home is offline, said so, and nothing hangs
    async with cloud_api(private_nats) as (_, http):
        offline = await http.put(LAMP_PATH, json={"value": 10}, headers=owner)
        assert offline.status_code == 503
        assert offline.json()["kind"] == "HomeOffline"
        assert "offline" in offline.json()["error"]
        last = await http.get(LAMP_PATH, headers=owner)  # reads still answer, from the bucket
        assert (last.status_code, last.json()["value"]) == (200, 33)


async def test_a_guest_token_reaches_only_what_was_shared(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with (
        hub_linked_to(private_nats, tmp_path, access_every=0.2) as running,
        cloud_api(private_nats) as (_, http),
    ):
        hub = running.hub
        assert hub.storage is not None
        accounts = Accounts(hub.storage)
        await accounts.add_user(SYSTEM, "gina", "a long password", role=Role.GUEST)
        local_home = next(iter(hub.registry.homes))
        await accounts.share(
            SYSTEM, "gina", device="living-room-lamp", home_of=local_home, control=True
        )
        guest_token = (await accounts.create_token(SYSTEM, "phone", user_id="gina")).token
        guest = auth(guest_token)

        async def homes() -> list[dict[str, Any]] | None:
            answer = await http.get("/api/homes", headers=guest)
            return answer.json() if answer.status_code == 200 else None

        assert await until(homes) == [{"id": HOME, "role": "guest", "devices": 1}]
        devices = (await http.get(f"/api/homes/{HOME}/devices", headers=guest)).json()
        assert [d["id"] for d in devices] == ["living-room-lamp"]
        vacuum = await http.get(
            f"/api/homes/{HOME}/devices/robot-vacuum/vacuum/status", headers=guest
        )
        assert vacuum.status_code == 404
        assert "robot-vacuum" not in vacuum.json()["error"].split("(devices:")[1]

        answer = await http.put(LAMP_PATH, json={"value": 61}, headers=guest)
        assert answer.status_code == 200, answer.text
        assert hub.states.value("living-room-lamp", 2, 2) == 61

        # the guest's WebSocket carries the shared lamp's changes, not the others'
        ws_url = str(http.base_url).rstrip("/").replace("http", "ws", 1) + f"/api/homes/{HOME}/ws"
        async with connect(f"{ws_url}?token={guest_token}", open_timeout=WAIT) as ws:
            await hub.commands.set(
                "kitchen-lamp/light/on", not hub.states.value("kitchen-lamp", 2, 1)
            )
            await hub.commands.set("living-room-lamp/light/brightness", 44)
            frames: list[dict[str, Any]] = []
            async with asyncio.timeout(WAIT):  # the PUT's own change (61) may still come first
                while not frames or frames[-1].get("value") != 44:
                    frames.append(json.loads(await ws.recv()))
            assert {f["device"] for f in frames} == {"living-room-lamp"}, frames
            assert {k: frames[-1][k] for k in ("type", "address", "value")} == {
                "type": "state",
                "address": "living-room-lamp/light/brightness",
                "value": 44,
            }
        with pytest.raises(InvalidStatus):  # a token no home knows: refused before accepting
            async with connect(f"{ws_url}?token=made-up", open_timeout=WAIT):
                pass

        # a share that ends is honoured by the cloud from the entry's "until", without the home
        await accounts.share(
            SYSTEM,
            "gina",
            device="robot-vacuum",
            home_of=local_home,
            control=False,
            until=time.time() + 3600,
        )

        async def vacuum_until() -> float | None:
            listed = (await http.get(f"/api/homes/{HOME}/devices", headers=guest)).json()
            found = [d for d in listed if d["id"] == "robot-vacuum"]
            return 1.0 if found and found[0]["control"] is False else None

        await until(vacuum_until)
        look_only = f"/api/homes/{HOME}/devices/robot-vacuum/actions/start-sweep"
        assert (await http.post(look_only, headers=guest)).status_code == 403

        # the edge checks the caller's token itself: straight to the home, past the cloud
        nc = await nats.connect(private_nats.url, connect_timeout=2)
        try:

            async def ask(request: dict[str, Any]) -> dict[str, Any]:
                reply = await nc.request(f"hw.{HOME}.cmd", json.dumps(request).encode(), 5)
                answer: dict[str, Any] = json.loads(reply.data)
                return answer

            sneaky = {"op": "set", "address": "kitchen-lamp/light/on", "value": True}
            refused = await ask({**sneaky, "token": guest_token})
            assert refused["ok"] is False
            assert refused["kind"] in ("UnknownAddress", "Forbidden")
            assert (await ask({**sneaky, "token": "made-up"}))["kind"] == "Unauthorized"
            # a revoked token stops at once: the home refuses it before its entry is gone
            record = next(t for t in await hub.storage.tokens("gina") if t.name == "phone")
            await accounts.revoke_token(SYSTEM, record.id)
            revoked = await http.put(LAMP_PATH, json={"value": 62}, headers=guest)
            assert revoked.status_code in (401, 404)
            assert hub.states.value("living-room-lamp", 2, 2) == 44
        finally:
            await nc.close()


async def test_a_home_that_does_not_answer_is_a_504(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    token = "slow-home-token"
    async with cloud_api(private_nats, command_timeout=0.5) as (fleet, http):
        entry = AccessEntry(
            user="admin",
            name="admin",
            role="owner",
            expires=None,
            devices={
                "lamp": {
                    "name": "Lamp",
                    "room": "Hall",
                    "control": True,
                    "until": None,
                    "properties": {"light/on": [2, 1, True]},
                }
            },
        )
        await fleet.access.put(access_key("slow", token_digest(token)), json.dumps(entry).encode())
        silent = await fleet.nc.subscribe("hw.slow.cmd")  # takes commands, never answers
        answer = await http.put(
            "/api/homes/slow/devices/lamp/light/on", json={"value": True}, headers=auth(token)
        )
        assert answer.status_code == 504
        assert answer.json()["kind"] == "HomeTimeout"
        assert (await silent.next_msg(timeout=1)).data  # the home was asked
