"""External check: python-miio 0.5.12 (a real client written by others) against our simulators.

python-miio is synchronous and always talks to port 54321, so every simulator gets its own
loopback address and each python-miio call runs in a thread while the simulator serves from
the test's event loop.
"""

from __future__ import annotations

import asyncio
import gc
import random
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator
from datetime import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from homeweave.model import catalog_model, catalog_names, catalog_spec, is_published
from homeweave.sim.miio.fleet import Fleet
from homeweave.sim.miio.server import MiioSimulator

with warnings.catch_warnings():
    # python-miio 0.5.12 imports click.MultiCommand, deprecated in click 8.2: third-party noise.
    warnings.filterwarnings("ignore", "'MultiCommand' is deprecated", DeprecationWarning)
    from miio.device import Device
    from miio.exceptions import DeviceError
    from miio.integrations.light.yeelight.yeelight import Yeelight
    from miio.integrations.vacuum.roborock.vacuum import RoborockVacuum
    from miio.miot_device import MiotDevice

TIMEOUT = 2

# python-miio opens a socket per request and never closes it; CPython frees each one as the
# call returns, with a ResourceWarning. Third-party noise, ignored only for that message here.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")


@pytest.fixture
async def fleet() -> AsyncIterator[Fleet]:
    first = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
    async with Fleet(first_host=first, seed=11) as started:
        yield started
    gc.collect()  # any socket python-miio left behind warns now, under this module's filter


def device(sim: MiioSimulator) -> Device:
    return Device(sim.host, sim.token.hex, timeout=TIMEOUT)


def miot_device(sim: MiioSimulator) -> MiotDevice:
    return MiotDevice(sim.host, sim.token.hex, timeout=TIMEOUT, model="homeweave.test", mapping={})


def sim_value(sim: MiioSimulator, siid: int, piid: int) -> Any:
    """The value the simulator holds (read without the wire: its brain's own answer)."""
    reply = sim.brain.handle("get_properties", [{"siid": siid, "piid": piid}])
    return reply["result"][0].get("value")


def sample_value(prop: Any, current: Any) -> Any:
    """A valid value different from ``current`` for a writable property."""
    if prop.format == "bool":
        return not current
    if prop.format == "string":
        return f"{current}-new"
    if prop.value_list:
        others = [c.value for c in prop.value_list if c.value != current]
        return others[0] if others else current  # a list of one choice (mb5's country code)
    rng = prop.value_range
    value = rng.max if current != rng.max else rng.min
    return float(value) if prop.format == "float" else int(value)


@pytest.mark.parametrize("kind", catalog_names())
async def test_every_miot_device_type(fleet: Fleet, kind: str) -> None:
    """python-miio reads and writes every property and calls every action of each catalog
    device, at the siid/piid of its spec, and sees the real model in ``info()``."""
    sim = await fleet.add(kind)
    spec = catalog_spec(kind)

    info = await asyncio.to_thread(lambda: device(sim).info())
    assert info.model == catalog_model(kind)
    if is_published(kind):
        assert info.model == kind  # a real model name, e.g. xiaomi.airp.mb5
    assert info.token == sim.token.hex
    assert {i.model for i in fleet.infos} == {info.model}

    # every readable property through python-miio's own chunked reader, named by its key
    mapping = {
        f"{s.key}/{p.key}": {"siid": s.iid, "piid": p.iid}
        for s, p in spec.all_properties()
        if p.readable
    }
    client = MiotDevice(sim.host, sim.token.hex, timeout=TIMEOUT, model=kind, mapping=mapping)
    result = await asyncio.to_thread(client.get_properties_for_mapping)
    assert [r["did"] for r in result] == list(mapping)
    assert all(r["code"] == 0 for r in result)
    assert [r["value"] for r in result] == [sim_value(sim, **m) for m in mapping.values()]

    # every writable property takes a new value (write-only ones too: they are not read back)
    for service, prop in spec.all_properties():
        if not prop.writable:
            continue
        value = sample_value(prop, sim_value(sim, service.iid, prop.iid))
        answer = await asyncio.to_thread(
            miot_device(sim).set_property_by, service.iid, prop.iid, value
        )
        assert answer[0]["code"] == 0, (service.key, prop.key)
        if prop.readable:
            assert sim_value(sim, service.iid, prop.iid) == value, (service.key, prop.key)
        else:
            read = await asyncio.to_thread(miot_device(sim).get_property_by, service.iid, prop.iid)
            assert read[0]["code"] == -4001  # write-only

    # every action, with its in-arguments
    for service in spec.services:
        for action in service.actions:
            args = [sample_value(service.property(piid), None) for piid in action.ins]
            answer = await asyncio.to_thread(
                miot_device(sim).call_action_by, service.iid, action.iid, args
            )
            assert answer["code"] == 0, (service.key, action.key)

    with pytest.raises(DeviceError) as caught:
        await asyncio.to_thread(lambda: device(sim).raw_command("no_such_method", []))
    assert caught.value.args[0]["code"] == -32601


async def test_errors_per_item(fleet: Fleet) -> None:
    sim = await fleet.add("light")
    result = await asyncio.to_thread(
        lambda: miot_device(sim).raw_command(
            "set_properties",
            [
                {"did": "a", "siid": 2, "piid": 2, "value": 500},
                {"did": "b", "siid": 1, "piid": 1, "value": "acme"},
                {"did": "c", "siid": 9, "piid": 9, "value": 1},
            ],
        )
    )
    assert [r["code"] for r in result] == [-4005, -4002, -4003]


async def test_yeelight_lamp(fleet: Fleet) -> None:
    sim = await fleet.add("yeelink.light.color1")
    lamp = device(sim)
    assert (await asyncio.to_thread(lamp.info)).model == "yeelink.light.color1"
    before = await asyncio.to_thread(lamp.raw_command, "get_prop", ["power", "bright", "ct"])
    assert before == ["off", "80", "4000"]
    assert await asyncio.to_thread(lamp.raw_command, "set_power", ["on", "smooth", 500]) == ["ok"]
    assert await asyncio.to_thread(lamp.raw_command, "set_bright", [35, "smooth", 500]) == ["ok"]
    after = await asyncio.to_thread(lamp.raw_command, "get_prop", ["power", "bright"])
    assert after == ["on", "35"]
    with pytest.raises(DeviceError) as caught:
        await asyncio.to_thread(lamp.raw_command, "no_such_method", [])
    assert caught.value.args[0]["code"] == -32601


async def test_roborock_vacuum(fleet: Fleet) -> None:
    sim = await fleet.add("roborock.vacuum.s5")
    vacuum = device(sim)
    assert (await asyncio.to_thread(vacuum.info)).model == "roborock.vacuum.s5"
    status = await asyncio.to_thread(vacuum.raw_command, "get_status", [])
    assert status[0]["state"] == 100
    assert status[0]["battery"] == 100
    assert await asyncio.to_thread(vacuum.raw_command, "app_start", []) == ["ok"]
    status = await asyncio.to_thread(vacuum.raw_command, "get_status", [])
    assert status[0]["state"] == 5
    # Real Roborocks answer an unknown method with this result string rather than an error.
    assert await asyncio.to_thread(vacuum.raw_command, "no_such_method", []) == "unknown_method"


async def test_too_many_properties_in_one_request_are_refused(fleet: Fleet) -> None:
    # A real device refuses a long get_properties with an error; it does not fall silent.
    sim = await fleet.add("light")
    params = [{"siid": 2, "piid": 2}] * 2000
    with pytest.raises(DeviceError) as caught:
        await asyncio.to_thread(lambda: miot_device(sim).raw_command("get_properties", params))
    assert caught.value.args[0]["code"] == -5001
    fifteen = await asyncio.to_thread(
        lambda: miot_device(sim).raw_command("get_properties", params[:15])
    )
    assert [r["code"] for r in fifteen] == [0] * 15


async def test_yeelight_status_through_python_miio(fleet: Fleet) -> None:
    sim = await fleet.add("yeelink.light.color1", options={"initial": {"on": True}})
    lamp = Yeelight(sim.host, sim.token.hex, model="yeelink.light.color1")
    lamp._protocol._timeout = TIMEOUT  # no public knob for it
    status = await asyncio.to_thread(lamp.status)
    assert status.is_on is True
    assert status.brightness == 80
    assert status.color_temp == 4000
    assert status.save_state_on_change is True
    assert status.delay_off == 0
    assert status.color_flowing is False
    assert status.music_mode is False
    assert "Update default on change: True" in status.cli_format


def miiocli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run python-miio's own command line from this interpreter's environment."""
    tool = Path(sys.executable).with_name("miiocli")
    return subprocess.run(
        [str(tool), *args], capture_output=True, text=True, timeout=60, check=False
    )


async def test_miiocli_yeelight_status(fleet: Fleet) -> None:
    sim = await fleet.add("yeelink.light.color1", options={"initial": {"brightness": 42}})
    done = await asyncio.to_thread(
        miiocli, "yeelight", "--ip", sim.host, "--token", sim.token.hex, "status"
    )
    # miiocli 0.5.12 breaks under click >= 8.2: the dev extras pin click below it.
    why = f"with click {version('click')} (the dev extras want <8.2): {done.stderr[-2000:]}"
    assert done.returncode == 0, why
    assert "Brightness: 42" in done.stdout
    assert "Update default on change: True" in done.stdout
    assert sim.requests["get_prop"] == 1


async def test_roborock_extras_through_python_miio(fleet: Fleet) -> None:
    sim = await fleet.add("roborock.vacuum.s5")
    vacuum = RoborockVacuum(sim.host, sim.token.hex, model="roborock.vacuum.s5")
    vacuum._protocol._timeout = TIMEOUT  # no public knob for it

    assert await asyncio.to_thread(vacuum.clean_history) is not None
    assert await asyncio.to_thread(vacuum.last_clean_details) is None  # never cleaned yet
    await asyncio.to_thread(vacuum.start)
    sim.brain.advance(60)
    await asyncio.to_thread(vacuum.home)
    sim.brain.advance(30)

    consumables = await asyncio.to_thread(vacuum.consumable_status)
    assert consumables.main_brush.total_seconds() >= 60
    assert consumables.filter_left < consumables.filter_total
    dnd = await asyncio.to_thread(vacuum.dnd_status)
    assert (dnd.enabled, dnd.start, dnd.end) == (False, time(22, 0), time(8, 0))
    await asyncio.to_thread(vacuum.set_dnd, 23, 30, 7, 15)
    dnd = await asyncio.to_thread(vacuum.dnd_status)
    assert (dnd.enabled, dnd.start, dnd.end) == (True, time(23, 30), time(7, 15))
    history = await asyncio.to_thread(vacuum.clean_history)
    assert history.count == 1
    assert history.total_duration.total_seconds() >= 60
    assert len(history.ids) == 1
    last = await asyncio.to_thread(vacuum.last_clean_details)
    assert last is not None
    assert last.duration.total_seconds() >= 60
    assert last.area > 0
    assert last.complete is False  # sent home before the whole area was done
    timers = await asyncio.to_thread(vacuum.timer)
    assert [(t.cron, t.enabled) for t in timers] == [("0 9 * * 1,3,5", False)]
    sound = await asyncio.to_thread(vacuum.sound_info)
    assert sound.current == 1
    carpet = await asyncio.to_thread(vacuum.carpet_mode)
    assert carpet.enabled is True
    assert (carpet.current_low, carpet.current_high) == (400, 500)
