"""The virtual integration, driven through a real Hub with the clock stepped by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from homeweave.app import build_hub
from homeweave.config import HubConfig
from homeweave.core import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
    PropertyChanged,
)
from homeweave.core.hub import Hub
from homeweave.errors import DeviceUnavailable, InvalidValue
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.model import Value, catalog_names, catalog_spec, coerce

# id -> (catalog model, options). Every catalog model appears at least once (checked below).
DEVICES: dict[str, tuple[str, dict[str, Any]]] = {
    "lamp": ("light", {}),
    "plug": ("outlet", {"load": 1000}),
    "thermo": ("thermostat", {}),
    "vac": ("vacuum", {"area": 12, "sweep_rate": 0.5, "return_time": 5}),
    "motion": ("motion-sensor", {"motion_rate": 0, "clear_after": 30}),
    "busy-motion": ("motion-sensor", {"motion_rate": 0.5, "clear_after": 5}),
    "climate": ("temperature-humidity-sensor", {}),
    "door": ("contact-sensor", {}),
    "blind": ("curtain", {"speed": 10}),
    "speaker": ("speaker", {}),
    "charger": ("wireless-charging-table", {}),
    "fan": ("fan", {}),
    "humidifier": ("humidifier", {"humidity": 30}),
    "lock": ("lock", {"visit_rate": 0, "door_open_for": 5, "relock_after": 10}),
    "wall": ("wall-switch", {}),
    "purifier": ("xiaomi.airp.mb5", {"pollution": 60}),
    "purifier2": ("zhimi.airp.rmb1", {}),
    "aircon": ("xiaomi.aircondition.ma2", {"ambient": 29}),
    "bath": ("yeelink.bhf_light.v5", {}),
    "co2": ("miaomiaoce.airm.co2", {}),
    "gateway": ("lumi.gateway.mitw01", {}),
    "plug04": ("xiaomi.plug.04", {"load": 500}),
    "radiator": ("cnhdm.airrtc.wkq01", {}),
}


def hub_config() -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Test home",
                    "location": {"latitude": 52.37, "longitude": 4.89},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [
                        {"id": "living", "name": "Living room"},
                        {"id": "hall", "name": "Hall"},
                    ],
                }
            ],
            "integrations": {"virtual": {"tick": 0}},
            "devices": [
                {
                    "id": device_id,
                    "name": device_id.title(),
                    "room": "hall" if model.endswith("sensor") else "living",
                    "integration": "virtual",
                    "model": model,
                    "options": options,
                }
                for device_id, (model, options) in DEVICES.items()
            ],
        }
    )


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    async with build_hub(hub_config(), data_dir=None) as hub:
        yield hub


@pytest.fixture
def virtual(hub: Hub) -> VirtualIntegration:
    integration = hub.integrations["virtual"]
    assert isinstance(integration, VirtualIntegration)
    assert integration.tick == 0
    return integration


def value(hub: Hub, address: str) -> Value:
    """The hub's current value at ``device/service/property``."""
    ref = hub.commands.resolve(address)
    found = hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)
    assert found is not None, f"no state for {address}"
    return found


def number(hub: Hub, address: str) -> float:
    found = value(hub, address)
    assert isinstance(found, int | float)
    return float(found)


def run(virtual: VirtualIntegration, seconds: int, dt: float = 1.0) -> None:
    for _ in range(seconds):
        virtual.step(dt)


# --- set-up -------------------------------------------------------------------------------------


def test_every_catalog_model_is_simulated() -> None:
    assert {model for model, _ in DEVICES.values()} == set(catalog_names())


def test_setup_publishes_every_property(hub: Hub, virtual: VirtualIntegration) -> None:
    assert virtual._clock is None  # tick 0: no background clock
    assert set(virtual.sims) == set(DEVICES)
    for device_id, (model, _) in DEVICES.items():
        spec = catalog_spec(model)
        known = set(hub.states.of_device(device_id))
        assert known == {(s.iid, p.iid) for s, p in spec.all_properties()}, device_id
    assert value(hub, "lamp/light/brightness") == 80
    assert value(hub, "vac/vacuum/status") == 6  # Charging, on its dock
    assert value(hub, "lamp/device-information/manufacturer") == "homeweave"


async def test_stepping_keeps_every_value_inside_its_spec(
    hub: Hub, virtual: VirtualIntegration
) -> None:
    await hub.commands.set("plug/switch/on", True)
    await hub.commands.do("vac", "start-sweep")
    await hub.commands.set("blind/target-position", 70)
    for dt in [0.1] * 20 + [1.0] * 100 + [60.0] * 20:
        virtual.step(dt)
        for (device_id, siid, piid), state in hub.states:
            prop = hub.registry.device(device_id).spec.property(siid, piid)
            try:
                assert coerce(prop, state.value) == state.value
            except InvalidValue as exc:  # pragma: no cover - a failure message
                raise AssertionError(f"{device_id} ({siid}, {piid}): {exc}") from None


# --- light, speaker -----------------------------------------------------------------------------


async def test_light_toggle_and_set(hub: Hub) -> None:
    assert value(hub, "lamp/light/on") is False
    await hub.commands.do("lamp", "toggle")
    assert value(hub, "lamp/light/on") is True
    await hub.commands.do("lamp", "light/toggle")
    assert value(hub, "lamp/light/on") is False
    result = await hub.commands.set("lamp/brightness", "35")
    assert result.value == 35
    assert value(hub, "lamp/light/brightness") == 35
    await hub.commands.set("lamp/light/mode", "Night")
    assert value(hub, "lamp/light/mode") == 1


async def test_commands_publish_property_changed(hub: Hub) -> None:
    seen: list[PropertyChanged] = []
    hub.bus.subscribe(PROPERTY_CHANGED, seen.append)
    await hub.commands.set("lamp/light/color-temperature", 3000)
    assert [(e.device_id, e.siid, e.piid, e.value, e.old) for e in seen] == [
        ("lamp", 2, 3, 3000, 4000)
    ]
    await hub.commands.set("lamp/light/color-temperature", 3000)
    assert len(seen) == 1  # the same value again is not a change


async def test_speaker_play_pause(hub: Hub) -> None:
    assert value(hub, "speaker/play-control/playing-state") == 0
    await hub.commands.do("speaker", "play")
    assert value(hub, "speaker/playing-state") == 1
    await hub.commands.do("speaker", "pause")
    assert value(hub, "speaker/playing-state") == 2
    await hub.commands.do("speaker", "play-control/next")
    assert value(hub, "speaker/playing-state") == 1
    await hub.commands.set("speaker/speaker/volume", 55)
    await hub.commands.set("speaker/mute", True)
    assert (value(hub, "speaker/volume"), value(hub, "speaker/mute")) == (55, True)


# --- vacuum -------------------------------------------------------------------------------------


async def test_vacuum_cleans_returns_and_charges(hub: Hub, virtual: VirtualIntegration) -> None:
    finished: list[DeviceEvent] = []
    hub.bus.subscribe(DEVICE_EVENT, lambda e: finished.append(e) if e.device_id == "vac" else None)
    await hub.commands.do("vac", "start-sweep")
    assert value(hub, "vac/vacuum/status") == 2  # Sweeping
    assert value(hub, "vac/battery/charging-state") == 2  # Not charging

    battery = [number(hub, "vac/battery-level")]
    statuses = [value(hub, "vac/status")]
    for _ in range(300):
        virtual.step(1.0)
        battery.append(number(hub, "vac/battery-level"))
        if value(hub, "vac/status") != statuses[-1]:
            statuses.append(value(hub, "vac/status"))
        if statuses[-1] == 1:
            break
    assert statuses == [2, 5, 6, 1]  # Sweeping, Returning, Charging, Idle
    sweep_end = battery.index(min(battery))
    assert battery[0] == 100
    assert battery[sweep_end] < 100
    assert battery[: sweep_end + 1] == sorted(battery[: sweep_end + 1], reverse=True)
    assert battery[-1] == 100
    assert value(hub, "vac/charging-state") == 3  # Charged

    assert len(finished) == 1
    event = finished[0]
    assert (event.device_id, event.siid, event.eiid) == ("vac", 2, 1)
    assert event.arguments == {4: 12, 5: 0}  # cleaning-area m2, cleaning-time minutes
    assert value(hub, "vac/cleaning-area") == 12


async def test_vacuum_pause_resume_and_stop(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.do("vac", "start-sweep")
    run(virtual, 10)
    await hub.commands.do("vac", "pause-sweeping")
    assert value(hub, "vac/status") == 3
    area = number(hub, "vac/cleaning-area")
    run(virtual, 10)
    assert number(hub, "vac/cleaning-area") == area  # paused: no progress
    await hub.commands.do("vac", "start-sweep")
    run(virtual, 4)
    assert number(hub, "vac/cleaning-area") > area  # resumed, not restarted
    await hub.commands.do("vac", "stop-sweeping")
    assert value(hub, "vac/status") == 1
    await hub.commands.do("vac", "start-charge")
    assert value(hub, "vac/status") == 5


async def test_vacuum_low_battery_cannot_start(hub: Hub, virtual: VirtualIntegration) -> None:
    run(virtual, 2)
    assert value(hub, "vac/status") == 1  # full: Idle
    virtual.inject("vac", "battery-level", 15)
    await hub.commands.do("vac", "start-sweep")
    assert value(hub, "vac/status") == 1  # too low to start
    await hub.commands.do("vac", "start-charge")
    run(virtual, 7)
    assert value(hub, "vac/status") == 6
    assert 15 < number(hub, "vac/battery-level") < 20  # charging from 15, not from before


# --- thermostat ---------------------------------------------------------------------------------


async def test_thermostat_heats_toward_target(hub: Hub, virtual: VirtualIntegration) -> None:
    assert number(hub, "thermo/environment/temperature") == 19.0
    virtual.step(1.0)
    assert value(hub, "thermo/thermostat/status") == 1  # Heating
    temperatures = [number(hub, "thermo/environment/temperature")]
    for _ in range(200):
        virtual.step(1.0)  # the demo's tick: each step is smaller than the displayed 0.1 degC
        temperatures.append(number(hub, "thermo/environment/temperature"))
    peak = max(temperatures)
    assert 20.8 <= peak <= 21.0
    rise = temperatures[: temperatures.index(peak) + 1]
    assert rise == sorted(rise)
    assert temperatures[100] > 20.5  # 0.02 degC/s for 100 s


async def test_thermostat_idles_and_cools_when_warm_enough(
    hub: Hub, virtual: VirtualIntegration
) -> None:
    await hub.commands.set("thermo/target-temperature", 15)
    virtual.step(1.0)
    assert value(hub, "thermo/thermostat/status") == 0  # Idle
    run(virtual, 10, dt=60.0)
    assert 17.0 <= number(hub, "thermo/environment/temperature") < 19.0  # toward ambient 17


async def test_thermostat_mode_off_and_on(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("thermo/mode", "Off")
    assert value(hub, "thermo/thermostat/on") is False
    virtual.step(1.0)
    assert value(hub, "thermo/thermostat/status") == 0
    await hub.commands.set("thermo/thermostat/on", True)
    assert value(hub, "thermo/mode") == 1  # switching on leaves Off mode: Heat
    virtual.step(1.0)
    assert value(hub, "thermo/thermostat/status") == 1


# --- sensors ------------------------------------------------------------------------------------


async def test_motion_clears_after_clear_after(hub: Hub, virtual: VirtualIntegration) -> None:
    run(virtual, 5)
    assert value(hub, "motion/motion-state") is False  # motion_rate 0: nothing moves
    virtual.inject("motion", "motion-state", True)
    assert value(hub, "motion/motion-state") is True
    run(virtual, 29)
    assert value(hub, "motion/motion-state") is True
    assert value(hub, "motion/no-motion-duration") == 0
    run(virtual, 1)
    assert value(hub, "motion/motion-state") is False
    run(virtual, 10)
    assert value(hub, "motion/no-motion-duration") == 40  # counted from the motion


async def test_motion_detected_by_the_simulation(hub: Hub, virtual: VirtualIntegration) -> None:
    events: list[DeviceEvent] = []
    hub.bus.subscribe(DEVICE_EVENT, events.append)
    virtual.step(2.0)  # motion_rate 0.5/s for 2 s: certain
    assert value(hub, "busy-motion/motion-state") is True
    assert [(e.device_id, e.siid, e.eiid) for e in events] == [("busy-motion", 2, 1)]


async def test_inject_changes_a_sensor(hub: Hub, virtual: VirtualIntegration) -> None:
    seen: list[PropertyChanged] = []
    hub.bus.subscribe(PROPERTY_CHANGED, seen.append)
    virtual.inject("climate", "temperature", 30.0)
    assert [(e.device_id, e.siid, e.piid, e.value) for e in seen] == [("climate", 2, 1, 30.0)]
    assert number(hub, "climate/temperature") == 30.0
    virtual.inject("door", "contact-state", False)
    assert seen[-1].device_id == "door"
    assert value(hub, "door/magnet-sensor/contact-state") is False
    run(virtual, 3)
    virtual.inject("climate", "battery-level", 12)
    run(virtual, 3)
    assert number(hub, "climate/battery-level") == 12  # the simulation carries on from there


# --- outlet, curtain ----------------------------------------------------------------------------


async def test_outlet_power_follows_load(hub: Hub, virtual: VirtualIntegration) -> None:
    virtual.step(1.0)
    assert number(hub, "plug/electric-power") == 0.0
    assert 228 <= number(hub, "plug/voltage") <= 232
    await hub.commands.set("plug/switch/on", True)
    virtual.step(1.0)
    watts = number(hub, "plug/electric-power")
    assert 980 <= watts <= 1020  # the `load` option, +-2 %
    amps = number(hub, "plug/electric-current")
    assert amps == pytest.approx(watts / number(hub, "plug/voltage"), abs=0.011)

    before = number(hub, "plug/power-consumption")
    run(virtual, 60)  # 1000 W for 60 s is 0.0167 kWh: shown with 0.01 steps
    after = number(hub, "plug/power-consumption")
    assert after - before == pytest.approx(0.0167, abs=0.006)
    run(virtual, 60, dt=60.0)  # one more hour
    assert number(hub, "plug/power-consumption") == pytest.approx(1.0 + after, abs=0.03)

    await hub.commands.do("plug", "toggle")
    assert value(hub, "plug/switch/on") is False
    virtual.step(1.0)
    assert number(hub, "plug/electric-power") == 0.0
    assert number(hub, "plug/electric-current") == 0.0
    meter = number(hub, "plug/power-consumption")
    run(virtual, 10, dt=60.0)
    assert number(hub, "plug/power-consumption") == meter


async def test_curtain_moves_toward_target(hub: Hub, virtual: VirtualIntegration) -> None:
    assert number(hub, "blind/current-position") == 0
    await hub.commands.set("blind/curtain/target-position", 50)
    virtual.step(1.0)
    assert number(hub, "blind/current-position") == 10
    assert value(hub, "blind/curtain/status") == 1  # Opening
    run(virtual, 4)
    assert number(hub, "blind/current-position") == 50
    assert value(hub, "blind/status") == 0  # Stopped

    await hub.commands.set("blind/motor-control", "Open")
    assert value(hub, "blind/target-position") == 100
    run(virtual, 3, dt=0.5)
    assert number(hub, "blind/current-position") == 65
    run(virtual, 10)
    assert number(hub, "blind/current-position") == 100

    await hub.commands.set("blind/motor-control", "Close")
    assert value(hub, "blind/target-position") == 0
    virtual.step(2.0)
    assert (number(hub, "blind/current-position"), value(hub, "blind/status")) == (80, 2)
    await hub.commands.set("blind/motor-control", "Pause")
    assert value(hub, "blind/target-position") == 80
    virtual.step(1.0)
    assert (number(hub, "blind/current-position"), value(hub, "blind/status")) == (80, 0)


async def test_charger_idle_without_phone(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("charger/wireless-charger/on", False)
    virtual.step(1.0)
    assert value(hub, "charger/charging-state") == 0
    assert number(hub, "charger/output-power") == 0.0


# --- availability -------------------------------------------------------------------------------


async def test_offline_and_back(hub: Hub, virtual: VirtualIntegration) -> None:
    changes: list[AvailabilityChanged] = []
    hub.bus.subscribe(AVAILABILITY_CHANGED, changes.append)
    await hub.commands.set("plug/switch/on", True)

    virtual.set_online("plug", False)
    device = hub.registry.device("plug")
    assert (device.available, device.unavailable_reason) == (False, "not responding")
    assert [(c.device_id, c.available, c.reason) for c in changes] == [
        ("plug", False, "not responding")
    ]
    with pytest.raises(DeviceUnavailable) as info:
        await hub.commands.set("plug/switch/on", False)
    assert info.value.device_id == "plug"
    with pytest.raises(DeviceUnavailable):
        await hub.commands.do("plug", "toggle")
    assert value(hub, "plug/switch/on") is True
    power = value(hub, "plug/electric-power")
    run(virtual, 5)
    assert value(hub, "plug/electric-power") == power  # an offline device reports nothing

    virtual.set_online("plug", True)
    assert hub.registry.device("plug").available is True
    assert [c.available for c in changes] == [False, True]
    await hub.commands.set("plug/switch/on", False)
    assert value(hub, "plug/switch/on") is False
    virtual.step(1.0)
    assert number(hub, "plug/electric-power") == 0.0


async def test_hub_stop_tears_down(hub: Hub) -> None:
    await hub.stop()
    assert hub.integrations == {}
    with pytest.raises(DeviceUnavailable, match="integration 'virtual' is not running"):
        await hub.commands.set("lamp/light/on", True)


# --- appliances of published specs ----------------------------------------------------------------


async def test_purifier_clears_the_air_while_it_runs(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("purifier/air-purifier/on", False)
    run(virtual, 600, dt=1.0)
    dirty = number(hub, "purifier/pm2.5-density")
    assert dirty > 40  # off: outside air leaks in toward 60
    await hub.commands.set("purifier/air-purifier/on", True)
    await hub.commands.set("purifier/air-purifier/mode", "Manual")
    await hub.commands.set("purifier/air-purifier/fan-level", "Level3")
    run(virtual, 600, dt=1.0)
    clean = number(hub, "purifier/pm2.5-density")
    assert clean < dirty / 3
    assert value(hub, "purifier/environment/air-quality") in (0, 1)  # Excellent or Good
    assert number(hub, "purifier/custom-service/motor-rpm-feedback") > 1000
    life = number(hub, "purifier/filter-life-level")
    await hub.commands.do("purifier", "filter/reset-filter-life")
    assert number(hub, "purifier/filter-life-level") == 100 >= life
    await hub.commands.do("purifier", "toggle")
    assert value(hub, "purifier/air-purifier/on") is False


async def test_aircon_cools_toward_its_target(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("aircon/air-conditioner/on", True)
    await hub.commands.set("aircon/air-conditioner/mode", "Cool")
    await hub.commands.set("aircon/target-temperature", 22)
    start = number(hub, "aircon/environment/temperature")
    run(virtual, 120, dt=5.0)
    assert number(hub, "aircon/environment/temperature") == 22
    await hub.commands.set("aircon/air-conditioner/on", False)
    run(virtual, 100, dt=60.0)
    assert number(hub, "aircon/environment/temperature") > 22
    assert start > 22


async def test_bath_heater_heats_and_stops(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("bath/heating", True)
    run(virtual, 60, dt=10.0)
    assert number(hub, "bath/ptc-bath-heater/temperature") == 30  # the target
    await hub.commands.do("bath", "stop-working")
    assert value(hub, "bath/heating") is False
    assert value(hub, "bath/ptc-bath-heater/mode") == 5  # Idle


async def test_humidifier_reaches_its_target_and_drinks_water(
    hub: Hub, virtual: VirtualIntegration
) -> None:
    await hub.commands.set("humidifier/humidifier/on", True)
    await hub.commands.set("humidifier/target-humidity", 60)
    water = number(hub, "humidifier/water-level")
    run(virtual, 240, dt=10.0)
    assert number(hub, "humidifier/relative-humidity") == 60
    assert number(hub, "humidifier/water-level") < water
    virtual.inject("humidifier", "water-level", 0)
    virtual.step(1.0)
    assert value(hub, "humidifier/fault") == 1  # out of water
    await hub.commands.do("humidifier", "toggle")
    assert value(hub, "humidifier/humidifier/on") is False


async def test_lock_reports_events_and_relocks(hub: Hub, virtual: VirtualIntegration) -> None:
    events: list[DeviceEvent] = []
    hub.bus.subscribe(DEVICE_EVENT, lambda e: events.append(e) if e.device_id == "lock" else None)
    assert value(hub, "lock/lock-state") == 1  # Locked
    await hub.commands.do("lock", "unlock")
    assert value(hub, "lock/lock-state") == 2
    lock_svc = hub.registry.device("lock").spec.service("lock")
    event = lock_svc.events.get("lock-event")
    assert [(e.siid, e.eiid, e.arguments[1]) for e in events] == [(lock_svc.iid, event.iid, 2)]
    run(virtual, 10)
    assert value(hub, "lock/lock-state") == 1  # relocked by itself
    assert len(events) == 2


async def test_wall_switch_gangs_toggle_apart(hub: Hub) -> None:
    await hub.commands.do("wall", "switch-2/toggle")
    assert value(hub, "wall/switch-2/on") is True
    assert value(hub, "wall/switch-3/on") is False
    await hub.commands.do("wall", "switch-3/toggle")
    await hub.commands.do("wall", "switch-2/toggle")
    assert (value(hub, "wall/switch-2/on"), value(hub, "wall/switch-3/on")) == (False, True)


async def test_plug_04_meters_its_load(hub: Hub, virtual: VirtualIntegration) -> None:
    await hub.commands.set("plug04/switch/on", True)
    virtual.step(1.0)
    assert 490 <= number(hub, "plug04/electric-power") <= 510
    run(virtual, 60, dt=60.0)
    assert number(hub, "plug04/power-consumption") == pytest.approx(0.5, abs=0.03)


async def test_co2_monitor_wanders_on_its_steps(hub: Hub, virtual: VirtualIntegration) -> None:
    run(virtual, 30, dt=60.0)
    co2 = number(hub, "co2/co2-density")
    assert 400 <= co2 <= 5000
    assert co2 % 100 == 0  # the spec's step is 100 ppm
