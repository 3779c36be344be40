"""Commands: resolve addresses, validate against the spec, route to the owning integration."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from homeweave.core import (
    Commands,
    Device,
    EventBus,
    Home,
    HubContext,
    Integration,
    PropertyWrite,
    Registry,
    Room,
    SetResult,
    States,
)
from homeweave.errors import (
    AccessDenied,
    DeviceUnavailable,
    IntegrationError,
    InvalidValue,
    UnknownAddress,
)
from homeweave.model import DeviceSpec, Value, catalog_spec, load_spec
from tests.options import NoOptions


def _urn(kind: str, name: str) -> str:
    return f"urn:miot-spec-v2:{kind}:{name}:00000001:test:1"


# A device with an action that takes inputs and returns outputs (no catalog spec has one).
RADIO: DeviceSpec = load_spec(
    {
        "type": _urn("device", "radio"),
        "services": [
            {
                "iid": 2,
                "type": _urn("service", "tuner"),
                "properties": [
                    {
                        "iid": 1,
                        "type": _urn("property", "channel"),
                        "format": "uint8",
                        "access": ["read", "write"],
                        "value-range": [1, 99, 1],
                    },
                    {
                        "iid": 2,
                        "type": _urn("property", "band"),
                        "format": "uint8",
                        "access": ["read", "write"],
                        "value-list": [
                            {"value": 0, "description": "FM"},
                            {"value": 1, "description": "AM"},
                        ],
                    },
                    {
                        "iid": 3,
                        "type": _urn("property", "station"),
                        "format": "string",
                        "access": ["read"],
                    },
                    {
                        "iid": 4,
                        "type": _urn("property", "signal"),
                        "format": "float",
                        "access": ["read"],
                        "value-range": [0, 1, 0.01],
                    },
                ],
                "actions": [
                    {"iid": 1, "type": _urn("action", "tune"), "in": [2, 1], "out": [3, 4]},
                    {"iid": 2, "type": _urn("action", "scan"), "in": [], "out": [1]},
                ],
            }
        ],
    },
    source="radio",
)


class FakeIntegration(Integration):
    """Records what it is asked to send; ``hang`` makes it never answer, ``fail`` raise."""

    name = "fake"

    def __init__(self, hub: HubContext) -> None:
        super().__init__(hub, NoOptions())
        self.writes: list[tuple[str, list[PropertyWrite]]] = []
        self.actions: list[tuple[str, int, int, list[Value]]] = []
        self.outputs: list[Value] = []
        self.hang = False
        self.fail: Exception | None = None
        self.cancelled = 0
        self.rechecked: list[str] = []

    def recheck(self, device: Device) -> None:
        self.rechecked.append(device.id)

    async def _answer(self) -> None:
        if self.fail is not None:
            raise self.fail
        if self.hang:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise

    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        self.writes.append((device.id, list(writes)))
        await self._answer()

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        self.actions.append((device.id, siid, aiid, list(args)))
        await self._answer()
        return list(self.outputs)


@pytest.fixture
def registry() -> Registry:
    registry = Registry(EventBus())
    registry.add_home(Home("home", "Home"))
    registry.add_room(Room("living", "home", "Living room"))
    for device_id, model, integration in [
        ("lamp", "light", "fake"),
        ("thermo", "thermostat", "fake"),
        ("vac", "vacuum", "fake"),
        ("curtain", "curtain", "fake"),
        ("ghost", "light", "hue"),
    ]:
        spec = catalog_spec(model)
        registry.add_device(
            Device(device_id, device_id, "living", "home", integration, spec, model)
        )
    registry.add_device(Device("radio", "Radio", "living", "home", "fake", RADIO))
    return registry


@pytest.fixture
def fake(registry: Registry) -> FakeIntegration:
    bus = EventBus()
    return FakeIntegration(HubContext(bus, registry, States(bus)))


@pytest.fixture
def commands(registry: Registry, fake: FakeIntegration) -> Commands:
    return Commands(registry, States(EventBus()), {"fake": fake}, timeout=0.05)


# --- resolve ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "lamp/light/brightness",
        "lamp/brightness",
        "lamp/2/2",
        "lamp/light/2",
        "/lamp/light/brightness/",
    ],
)
def test_resolve(commands: Commands, address: str) -> None:
    ref = commands.resolve(address)
    assert ref.device.id == "lamp"
    assert (ref.service.iid, ref.prop.iid) == (2, 2)
    assert ref.address == "lamp/light/brightness"


def test_resolve_two_parts_finds_first_by_type_name(commands: Commands) -> None:
    ref = commands.resolve("thermo/temperature")
    assert ref.address == "thermo/environment/temperature"
    assert commands.resolve("thermo/on").address == "thermo/thermostat/on"
    assert commands.resolve("vac/status").service.key == "vacuum"
    assert commands.resolve("vac/battery/2").prop.key == "charging-state"


@pytest.mark.parametrize("address", ["lamp", "", "/", "lamp/light/on/extra", "lamp//on", "//"])
def test_resolve_bad_shape(commands: Commands, address: str) -> None:
    with pytest.raises(UnknownAddress) as info:
        commands.resolve(address)
    assert info.value.what == "address"
    assert info.value.choices == ["<device>/<service>/<property>, e.g. lamp/light/on"]


def test_resolve_unknown_parts_list_choices(commands: Commands) -> None:
    with pytest.raises(UnknownAddress) as info:
        commands.resolve("lmap/light/on")
    assert (info.value.what, info.value.name) == ("device", "lmap")
    assert "lamp" in info.value.choices
    assert info.value.choices == sorted(info.value.choices)

    with pytest.raises(UnknownAddress) as info:
        commands.resolve("lamp/heater/on")
    assert info.value.what == "service"
    assert info.value.choices == ["device-information", "light"]

    with pytest.raises(UnknownAddress) as info:
        commands.resolve("lamp/light/colour")
    assert info.value.what == "property"
    assert "color" in info.value.choices
    assert "unknown property 'colour'" in str(info.value)

    with pytest.raises(UnknownAddress) as info:
        commands.resolve("lamp/colour")
    assert info.value.what == "property"
    assert "light/color" in info.value.choices


# --- set ----------------------------------------------------------------------------------------


async def test_set_routes_the_coerced_value(commands: Commands, fake: FakeIntegration) -> None:
    result = await commands.set("lamp/brightness", " 50 ")
    assert result == SetResult("lamp/light/brightness", "lamp", 2, 2, 50)
    assert fake.writes == [("lamp", [PropertyWrite(2, 2, 50)])]
    assert type(fake.writes[0][1][0].value) is int

    await commands.set("thermo/thermostat/target-temperature", "21.5")
    await commands.set("thermo/thermostat/mode", "eco")
    await commands.set("lamp/light/on", "on")
    await commands.set("curtain/curtain/motor-control", "Open")  # write-only is writable
    assert [w for _, [w] in fake.writes[1:]] == [
        PropertyWrite(2, 3, 21.5),
        PropertyWrite(2, 2, 2),
        PropertyWrite(2, 1, True),
        PropertyWrite(2, 1, 1),
    ]


async def test_set_out_of_range(commands: Commands, fake: FakeIntegration) -> None:
    with pytest.raises(InvalidValue) as info:
        await commands.set("lamp/brightness", 150)
    assert info.value.address == "lamp/light/brightness"
    assert "1..100" in str(info.value)
    with pytest.raises(InvalidValue, match=r"5\.\.35 step 0\.5 celsius"):
        await commands.set("thermo/target-temperature", 21.3)
    with pytest.raises(InvalidValue, match=r"one of 0 \(Auto\)"):
        await commands.set("thermo/mode", "cool")
    assert fake.writes == []


async def test_set_read_only(commands: Commands, fake: FakeIntegration) -> None:
    with pytest.raises(AccessDenied) as info:
        await commands.set("thermo/thermostat/status", 1)
    assert info.value.address == "thermo/thermostat/status"
    assert (
        str(info.value) == "thermo/thermostat/status: cannot write; property access is notify, read"
    )
    # Access is checked before the value: a read-only property says so even for a bad value.
    with pytest.raises(AccessDenied):
        await commands.set("vac/battery/battery-level", "lots")
    assert fake.writes == []


@pytest.mark.parametrize(
    ("address", "what"),
    [
        ("nobody/light/on", "device"),
        ("lamp/fan/on", "service"),
        ("lamp/light/speed", "property"),
        ("lamp/speed", "property"),
        ("lamp", "address"),
    ],
)
async def test_set_unknown_address(
    commands: Commands, fake: FakeIntegration, address: str, what: str
) -> None:
    with pytest.raises(UnknownAddress) as info:
        await commands.set(address, 1)
    assert info.value.what == what
    assert fake.writes == []


async def test_set_without_running_integration(commands: Commands) -> None:
    with pytest.raises(DeviceUnavailable) as info:
        await commands.set("ghost/light/on", True)
    assert info.value.device_id == "ghost"
    assert "integration 'hue' is not running" in str(info.value)


async def test_set_integration_errors_pass_through(
    commands: Commands, fake: FakeIntegration
) -> None:
    fake.fail = IntegrationError("lamp", "device said no (-4001)")
    with pytest.raises(IntegrationError, match=r"-4001"):
        await commands.set("lamp/on", True)


async def test_set_hanging_integration_times_out(commands: Commands, fake: FakeIntegration) -> None:
    fake.hang = True
    with pytest.raises(DeviceUnavailable) as info:
        await commands.set("lamp/on", True)
    assert info.value.device_id == "lamp"
    assert "no answer within 0.05 s" in str(info.value)
    assert fake.cancelled == 1  # the stuck call was cancelled, not left running


# --- do -----------------------------------------------------------------------------------------


async def test_do_without_arguments(commands: Commands, fake: FakeIntegration) -> None:
    result = await commands.do("lamp", "toggle")
    assert (result.address, result.siid, result.aiid, result.outputs) == (
        "lamp/light/toggle",
        2,
        1,
        {},
    )
    await commands.do("vac", "battery/start-charge")
    await commands.do("vac", "pause-sweeping")
    assert fake.actions == [
        ("lamp", 2, 1, []),
        ("vac", 3, 1, []),
        ("vac", 2, 3, []),
    ]


async def test_do_checks_argument_count(commands: Commands, fake: FakeIntegration) -> None:
    with pytest.raises(InvalidValue) as info:
        await commands.do("lamp", "toggle", [True])
    assert info.value.allowed == "0 argument(s)"
    with pytest.raises(InvalidValue) as info:
        await commands.do("radio", "tune", ["FM"])
    assert info.value.address == "radio/tuner/tune"
    assert info.value.allowed == "2 argument(s): band, channel"
    assert fake.actions == []


async def test_do_coerces_arguments_and_names_outputs(
    commands: Commands, fake: FakeIntegration
) -> None:
    fake.outputs = ["Radio 4", 0.75]
    result = await commands.do("radio", "tuner/tune", ["am", "7"])
    assert fake.actions == [("radio", 2, 1, [1, 7])]
    assert result.outputs == {"station": "Radio 4", "signal": 0.75}
    with pytest.raises(InvalidValue) as info:
        await commands.do("radio", "tune", ["FM", 150])
    assert info.value.address == "radio/tuner/tune[1]"
    assert "1..99" in str(info.value)
    with pytest.raises(InvalidValue) as info:
        await commands.do("radio", "tune", ["LW", 7])
    assert info.value.address == "radio/tuner/tune[0]"
    assert len(fake.actions) == 1


async def test_do_unknown_action_or_device(commands: Commands, fake: FakeIntegration) -> None:
    with pytest.raises(UnknownAddress) as info:
        await commands.do("lamp", "dance")
    assert info.value.choices == ["light/toggle"]
    with pytest.raises(UnknownAddress) as info:
        await commands.do("nobody", "toggle")
    assert info.value.what == "device"
    with pytest.raises(DeviceUnavailable):
        await commands.do("ghost", "toggle")
    assert fake.actions == []


async def test_do_hanging_integration_times_out(commands: Commands, fake: FakeIntegration) -> None:
    fake.hang = True
    with pytest.raises(DeviceUnavailable, match=r"no answer within 0\.05 s"):
        await commands.do("vac", "start-sweep")
    assert fake.cancelled == 1


# --- known outages fail fast ---------------------------------------------------------------------


async def test_a_device_marked_unavailable_is_refused_without_asking_its_integration(
    commands: Commands, fake: FakeIntegration, registry: Registry
) -> None:
    registry.set_available("lamp", False, "lost the MQTT broker: connection refused")
    registry.set_available("radio", False, "not responding")
    fake.hang = True  # were it asked, the test would wait for the timeout and see that reason
    with pytest.raises(DeviceUnavailable) as info:
        await commands.set("lamp/light/on", True)
    assert str(info.value) == (
        "device 'lamp' is unavailable: lost the MQTT broker: connection refused"
    )
    with pytest.raises(DeviceUnavailable, match="'radio' is unavailable: not responding"):
        await commands.do("radio", "scan")
    with pytest.raises(DeviceUnavailable, match="'lamp' is unavailable: lost the MQTT"):
        await commands.write("lamp", [PropertyWrite(2, 1, True)])
    assert (fake.writes, fake.actions) == ([], [])
    assert fake.rechecked == ["lamp", "radio", "lamp"]  # each refusal lets it look again


async def test_bad_values_are_still_named_before_availability(
    commands: Commands, registry: Registry
) -> None:
    registry.set_available("lamp", False, "not responding")
    with pytest.raises(InvalidValue):
        await commands.set("lamp/light/brightness", 500)


async def test_a_device_back_or_never_marked_is_tried(
    commands: Commands, fake: FakeIntegration, registry: Registry
) -> None:
    await commands.set("thermo/thermostat/on", True)  # never marked: tried
    registry.set_available("lamp", False, "not responding")
    registry.set_available("lamp", True)
    await commands.set("lamp/light/on", True)
    assert [device for device, _ in fake.writes] == ["thermo", "lamp"]
    assert fake.rechecked == []
