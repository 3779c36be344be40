"""Home Assistant's side of ``python -m bench vs-ha``, run by Home Assistant's own Python:
``python driver.py CONFIG_DIR state-write|automation SECONDS`` prints one JSON object.

state-write: ``hass.states.async_set`` on 1,000 entities in turn, new values every time, with
one ``async_track_state_change_event`` listener on all of them (homeweave: ``States.update``
with one bus subscriber); updates/s counted once every listener call has run.

automation: 1,000 automations (four per sensor on 250 sensors, a state trigger and a
numeric_state condition band each, the fourth's band matching) calling ``light.turn_on`` on the
sensor's light (``bench_lights``, in memory); the sensors change at 1,000 changes/s, one after
another. Latency = just before ``async_set`` of the sensor to the light's ``async_turn_on``.
Missed = changes whose light call had not come when the same sensor changed again.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

SENSORS = 250
PER_SENSOR = 4
BAND = 1000
RATE = 1000.0
ENTITIES = 1000


async def make_hass(config_dir: str, lights: int) -> Any:
    from homeassistant import bootstrap, config_entries, core, loader
    from homeassistant.setup import async_setup_component

    sys.path.insert(0, config_dir)  # custom_components/bench_lights
    hass = core.HomeAssistant(config_dir)
    loader.async_setup(hass)
    hass.config.skip_pip = True
    hass.config_entries = config_entries.ConfigEntries(hass, {})
    await bootstrap.async_load_base_functionality(hass)  # registries, translations, templates
    assert await async_setup_component(hass, "homeassistant", {})
    if lights:
        config = {"light": [{"platform": "bench_lights", "count": lights}]}
        assert await async_setup_component(hass, "light", config)
    await hass.async_start()
    await hass.async_block_till_done()
    return hass


async def state_write(config_dir: str, seconds: float) -> dict[str, Any]:
    from homeassistant.core import callback
    from homeassistant.helpers.event import async_track_state_change_event

    hass = await make_hass(config_dir, 0)
    ids = [f"sensor.bench_{i:04d}" for i in range(ENTITIES)]
    calls = 0

    def listener(event: Any) -> None:
        nonlocal calls
        calls += 1

    async_track_state_change_event(hass, ids, callback(listener))
    set_state = hass.states.async_set
    updates = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        for i, entity_id in enumerate(ids):
            set_state(entity_id, str(updates + i))
        updates += len(ids)
        await hass.async_block_till_done()
    elapsed = time.perf_counter() - began
    await hass.async_stop()
    if calls != updates:
        raise RuntimeError(f"{updates} updates but {calls} listener calls")
    return {"updates": updates, "seconds": elapsed, "per_second": updates / elapsed}


async def automation(config_dir: str, seconds: float) -> dict[str, Any]:
    from homeassistant.setup import async_setup_component

    hass = await make_hass(config_dir, SENSORS)
    module = sys.modules["custom_components.bench_lights.light"]
    arrived: dict[str, float] = {}
    original = module.BenchLight.async_turn_on

    async def turn_on(self: Any, **kwargs: Any) -> None:
        arrived[self.entity_id] = time.perf_counter()
        await original(self, **kwargs)

    module.BenchLight.async_turn_on = turn_on
    sensors = [f"sensor.bench_s_{i:04d}" for i in range(SENSORS)]
    for sensor in sensors:
        hass.states.async_set(sensor, "0")
    automations = [
        {
            "id": f"bench-{i:04d}-{band}",
            "alias": f"bench {i} band {band}",
            "mode": "parallel",
            "trigger": [{"platform": "state", "entity_id": sensor}],
            "condition": [
                {
                    "condition": "numeric_state",
                    "entity_id": sensor,
                    "above": band * BAND - 1,
                    "below": (band + 1) * BAND,
                }
            ],
            "action": [
                {
                    "service": "light.turn_on",
                    "target": {"entity_id": f"light.bench_{i:04d}"},
                    "data": {"brightness": 200},
                }
            ],
        }
        for i, sensor in enumerate(sensors)
        for band in range(PER_SENSOR)
    ]
    loaded = time.perf_counter()
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    load_seconds = time.perf_counter() - loaded

    # Paced as homeweave's bench/automation.py paces its driver: change n is due at n / RATE.
    latencies: list[float] = []
    missed = 0
    pending: dict[str, float] = {}  # light -> when its sensor changed
    total = int(RATE * seconds)
    began = time.perf_counter()
    for n in range(total):
        delay = began + n / RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        index = n % SENSORS
        light = f"light.bench_{index:04d}"
        missed += collect(arrived, pending, light, latencies)
        value = (PER_SENSOR - 1) * BAND + 1 + n % (BAND - 1)  # the fourth band matches
        pending[light] = time.perf_counter()
        hass.states.async_set(sensors[index], str(value))
    count = total
    elapsed = time.perf_counter() - began
    await asyncio.sleep(0.05)
    for light in list(pending):
        missed += collect(arrived, pending, light, latencies)
    await hass.async_stop()
    return {
        "changes": count,
        "seconds": elapsed,
        "per_second": count / elapsed,
        "dispatches": len(latencies),
        "missed": missed,
        "latencies_ms": [x * 1000 for x in latencies],
        "load_seconds": load_seconds,
    }


def collect(
    arrived: dict[str, float], pending: dict[str, float], light: str, latencies: list[float]
) -> int:
    """Take the light's last change off ``pending``: its latency, or 1 if it was missed."""
    sent = pending.pop(light, None)
    if sent is None:
        return 0
    at = arrived.pop(light, None)
    if at is None or at < sent:
        return 1
    latencies.append(at - sent)
    return 0


def main() -> None:
    config_dir, what, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    work = {"state-write": state_write, "automation": automation}[what]
    print(json.dumps(asyncio.run(work(config_dir, seconds))))


if __name__ == "__main__":
    main()
