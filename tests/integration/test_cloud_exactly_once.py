"""A command acknowledged to a client is applied exactly once, on real servers: our own
``nats-server -js`` (killed and started again), the cloud API over HTTP and a demo hub linked
to it. Commands go through ``PUT /api/homes/...`` with an ``Idempotency-Key``; the link is
disrupted (a reply that comes too late, a NATS restart while the device is applying) and the
client retries with the same key, as a phone app would. Applications are counted at the
virtual device itself (its integration's ``set_properties``). The test prints what it killed
and what it counted."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.core.integration import PropertyWrite
from homeweave.core.registry import Device
from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.test_cloud_api import LAMP_PATH, auth, cloud_api, until
from tests.integration.test_cloud_link import hub_linked_to
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]

LAMP = "living-room-lamp"
TIMEOUT = 1.0  # the API's command timeout here: a write held longer gets no reply in time


@dataclass
class CountingLamp:
    """Counts each brightness value written to the lamp at the virtual device; a value in
    ``held`` waits there until its event is set (the device is slow: the reply comes late)."""

    virtual: VirtualIntegration
    applied: Counter[int] = field(default_factory=Counter)
    held: dict[int, asyncio.Event] = field(default_factory=dict)
    reached: dict[int, asyncio.Event] = field(default_factory=dict)

    def install(self) -> None:
        original = self.virtual.set_properties

        async def counted(device: Device, writes: Sequence[PropertyWrite]) -> None:
            for write in writes:
                if device.id == LAMP and (write.siid, write.piid) == (2, 2):
                    value = int(write.value)
                    self.applied[value] += 1
                    self.reached.setdefault(value, asyncio.Event()).set()
                    if value in self.held:
                        await self.held[value].wait()
            await original(device, writes)

        self.virtual.set_properties = counted  # type: ignore[method-assign]

    def hold(self, value: int) -> asyncio.Event:
        self.reached[value] = asyncio.Event()
        return self.held.setdefault(value, asyncio.Event())


@dataclass
class Client:
    """A client that retries a command with the same key until it is acknowledged."""

    http: httpx.AsyncClient
    token: str
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    refused: Counter[int] = field(default_factory=Counter)  # 503/504 answers, by value
    attempts: int = 0

    async def once(self, value: int) -> int:
        self.attempts += 1
        answer = await self.http.put(
            LAMP_PATH,
            json={"value": value},
            headers={**auth(self.token), "Idempotency-Key": f"cmd-{value}"},
        )
        if answer.status_code == 200:
            self.acked[value] = answer.json()
        elif answer.status_code in (503, 504):
            self.refused[value] += 1
        else:
            raise AssertionError(f"unexpected {answer.status_code}: {answer.text}")
        return answer.status_code

    async def until_acked(self, value: int) -> None:
        for _ in range(300):  # a client's retry pace, for at most about a minute
            if await self.once(value) == 200:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"command {value} never acknowledged")


@pytest.mark.slow  # a fault run: CI runs it after make test
async def test_an_acknowledged_command_is_applied_exactly_once(
    private_nats: PrivateNats, tmp_path: Path
) -> None:
    async with (
        hub_linked_to(private_nats, tmp_path, access_every=0.2) as running,
        cloud_api(private_nats, command_timeout=TIMEOUT) as (_, http),
    ):
        assert running.new_token is not None
        virtual = running.hub.integrations["virtual"]
        assert isinstance(virtual, VirtualIntegration)
        lamp = CountingLamp(virtual)
        lamp.install()
        client = Client(http, running.new_token)

        async def reachable() -> bool | None:
            answer = await http.get("/api/homes", headers=auth(client.token))
            return True if answer.status_code == 200 else None

        await until(reachable)
        for value in range(1, 6):  # the plain path
            await client.until_acked(value)

        # a reply lost: the device takes longer than the API waits; the client retries with the
        # same key while the first attempt is still being applied, then once more after it
        release = lamp.hold(6)
        assert await client.once(6) == 504
        retry = asyncio.create_task(client.until_acked(6))
        await asyncio.sleep(0.2)
        release.set()
        await retry
        assert await client.once(6) == 200, "a retry after the acknowledgement is answered too"
        print(f"value 6: first reply lost (504), retried; applied {lamp.applied[6]} time(s)")

        # NATS dies while the device applies 7: neither the reply nor the retries get through
        release = lamp.hold(7)
        first = asyncio.create_task(client.once(7))
        await asyncio.wait_for(lamp.reached[7].wait(), 10)
        private_nats.kill()
        release.set()
        print("killed nats-server while the lamp was applying value 7")
        answered = await first
        during = [await client.once(value) for value in (8, 9)]  # nobody reaches the home
        print(f"while NATS was away: 7 answered {answered}, 8 and 9 answered {during}")
        assert {answered, *during} <= {503, 504}
        private_nats.start()
        print("nats-server started again on the same port and store")
        for value in (7, 8, 9):
            await client.until_acked(value)

        # the HTTP answer lost on the way back: the client sends 3 again
        assert await client.once(3) == 200
        reused = await http.put(
            LAMP_PATH, json={"value": 4}, headers={**auth(client.token), "Idempotency-Key": "cmd-3"}
        )
        assert reused.status_code == 422, "a key reused for another command is refused"
        assert "different command" in reused.json()["error"]
        # a command never acknowledged: the reply is lost and the client gives up
        release = lamp.hold(10)
        assert await client.once(10) == 504
        release.set()
        await asyncio.wait_for(lamp.reached[10].wait(), 10)
        await client.until_acked(11)  # the link goes on after it

    acked = sorted(client.acked)
    unacked = sorted(set(client.refused) - set(client.acked))
    print(
        f"client: {client.attempts} attempts, acknowledged {acked}, never acknowledged "
        f"{unacked}, 503/504 answers {dict(sorted(client.refused.items()))}"
    )
    print(f"applied at the lamp: {dict(sorted(lamp.applied.items()))}")
    twice = {v: n for v, n in lamp.applied.items() if n > 1}
    print(f"applied more than once: {twice or 'none'}")
    assert acked == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert all(lamp.applied[value] == 1 for value in acked), "acknowledged: exactly once"
    assert all(lamp.applied[value] <= 1 for value in unacked), "unacknowledged: at most once"
    assert client.acked[7] == {"address": f"{LAMP}/light/brightness", "value": 7}
    assert running.hub.states.value(LAMP, 2, 2) == 11
