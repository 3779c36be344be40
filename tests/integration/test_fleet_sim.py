"""The fleet simulator on a real NATS server: its homes speak the edge link's protocol — state
in each home's stream with unique message ids, commands through the cloud API change a
simulated device (its change published too) once per Idempotency-Key, a guest token reaches
only the shared lamp."""

from __future__ import annotations

from pathlib import Path

from homeweave.sim.fleet.homes import build_homes, events_per_second
from homeweave.sim.fleet.runner import FleetSim
from homeweave.transport.fleet_wire import stream_name
from tests.integration.test_cloud_api import auth, cloud_api, until
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]


async def test_the_fleet_publishes_and_answers_like_edge_hubs(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with (
        FleetSim(private_nats.url, homes=3, devices_per_home=10) as sim,
        cloud_api(private_nats) as (fleet, http),
    ):
        await sim.run(rate=200, seconds=0.5)
        await sim.drain()
        assert sim.published > 0
        stored = 0
        ids: set[str] = set()
        for home in sim.homes:
            info = await fleet.js.stream_info(stream_name(home.id))
            stored += info.state.messages
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                raw = await fleet.js.get_msg(stream_name(home.id), seq)
                ids.add((raw.headers or {})["Nats-Msg-Id"])
        assert stored == sim.published == len(ids), "every message stored once, ids unique"

        home = sim.homes[1]
        owner, guest = auth(home.owner_token), auth(home.guest_token)
        path = f"/api/homes/{home.id}/devices/lamp-3/light/brightness"
        answer = await http.put(path, json={"value": 7}, headers=owner)
        assert answer.status_code == 200, answer.text
        assert home.devices["lamp-3"].values["light/brightness"] == 7

        async def read_back() -> int | None:
            value = (await http.get(path, headers=owner)).json()["value"]
            return value if value == 7 else None

        assert await until(read_back) == 7  # the change came back through the state stream
        assert (await http.put(path, json={"value": 0}, headers=owner)).status_code == 422
        answered = home.answered
        keyed = {**owner, "Idempotency-Key": "sim-once"}
        for _ in range(2):  # a retry with the same key: answered again, applied once
            again = await http.put(path, json={"value": 8}, headers=keyed)
            assert again.json() == {"address": "lamp-3/light/brightness", "value": 8}
        assert home.answered == answered + 1
        sensor = f"/api/homes/{home.id}/devices/sensor-1/temperature-sensor/temperature"
        assert (await http.put(sensor, json={"value": 20}, headers=owner)).status_code == 409

        homes = (await http.get("/api/homes", headers=guest)).json()
        assert homes == [{"id": home.id, "role": "guest", "devices": 1}]
        assert (await http.put(path, json={"value": 9}, headers=guest)).status_code == 200
        shared = [
            d["id"] for d in (await http.get(f"/api/homes/{home.id}/devices", headers=guest)).json()
        ]
        assert shared == [home.shared]
        other = f"/api/homes/{home.id}/devices/lamp-4/light/on"
        assert (await http.put(other, json={"value": True}, headers=guest)).status_code == 404
        assert (
            await http.get(f"/api/homes/{sim.homes[0].id}/devices", headers=guest)
        ).status_code == 404


def test_the_usual_mix_changes_about_once_a_minute_per_five_devices() -> None:
    homes = build_homes(2, 5)
    assert [d.kind for d in homes[0].devices.values()] == [
        "sensor",
        "sensor",
        "lamp",
        "lamp",
        "plug",
    ]
    assert 0.05 < events_per_second(5) < 0.2
    assert homes[0].owner_token != homes[1].owner_token
