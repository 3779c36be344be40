"""homeweave.yaml: parsing, checks with the line to fix, dumping, and robustness on any input."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.config import (
    DeviceConfig,
    HomeConfig,
    HubConfig,
    LocationConfig,
    RoomConfig,
    dump_config,
    load_config,
    parse_config,
)
from homeweave.errors import ConfigError
from homeweave.integrations.miio.options import Settings as MiioOptions
from homeweave.integrations.virtual.options import VirtualOptions

GOOD = """\
homes:
  - id: home
    name: Our home
    location: {latitude: 52.37, longitude: 4.89, elevation: 2}
    time_zone: Europe/Amsterdam
    rooms:
      - id: living-room
        name: Living room
      - id: kitchen
        name: Kitchen
  - id: cabin
    name: The cabin
    location: {latitude: -33.9, longitude: 18.4}
    time_zone: Africa/Johannesburg
    rooms:
      - id: porch
        name: Porch
devices:
  - id: living-room-lamp
    name: Living room lamp
    room: living-room
    integration: virtual
    model: light
    options: {brightness: 40, tags: [a, b], nested: {x: null}}
  - id: kitchen-sensor
    name: Kitchen sensor
    room: kitchen
    integration: virtual
    spec: specs/sensor.json
integrations:
  virtual: {}
  miio:
    poll_interval: 20
history:
  retention_days: 7
  flush_interval: 0.5
api:
  host: 0.0.0.0
  port: 0
"""

# Lines of the two homes, rooms and integrations above, to build the error cases on.
HEAD = """\
homes:
  - id: home
    name: Our home
    location: {latitude: 52.37, longitude: 4.89}
    time_zone: Europe/Amsterdam
    rooms:
      - {id: living-room, name: Living room}
      - {id: kitchen, name: Kitchen}
integrations:
  virtual: {}
"""

LAMP = """\
  - id: lamp
    name: Lamp
    room: kitchen
    integration: virtual
    model: light
"""

MARK = "# <-"


def test_good_config_parses() -> None:
    config = parse_config(GOOD)

    home, cabin = config.homes
    assert home == HomeConfig(
        id="home",
        name="Our home",
        location=LocationConfig(latitude=52.37, longitude=4.89, elevation=2),
        time_zone="Europe/Amsterdam",
        rooms=(
            RoomConfig(id="living-room", name="Living room"),
            RoomConfig(id="kitchen", name="Kitchen"),
        ),
    )
    assert cabin.location.elevation is None
    assert str(cabin.zone) == "Africa/Johannesburg"
    lamp, sensor = config.devices
    assert lamp.model == "light"
    assert lamp.options == {"brightness": 40, "tags": ["a", "b"], "nested": {"x": None}}
    assert sensor.spec == "specs/sensor.json"
    assert sensor.options == {}
    assert config.integrations == {
        "virtual": VirtualOptions(),
        "miio": MiioOptions(poll_interval=20, unavailable_after=60),
    }
    assert (config.history.raw_retention_days, config.history.flush_interval) == (7, 0.5)
    assert (config.api.host, config.api.port) == ("0.0.0.0", 0)
    assert config.source is None


@pytest.mark.parametrize("text", ["", "# nothing here\n", "~\n", "{}\n"])
def test_an_empty_file_is_an_empty_config(text: str) -> None:
    config = parse_config(text)

    assert config == HubConfig()
    assert (config.history.raw_retention_days, config.history.flush_interval) == (10, 1.0)
    assert config.history.max_size_mb is None
    assert (config.api.host, config.api.port) == ("127.0.0.1", 8321)


def test_sections_written_without_a_value_are_empty() -> None:
    config = parse_config("homes:\ndevices:\nintegrations:\n  virtual:\nhistory:\napi:\n")

    assert config == HubConfig(integrations={"virtual": VirtualOptions()})


def test_yaml_merge_keys_and_anchors_work() -> None:
    text = HEAD + textwrap.dedent("""\
        devices:
          - &lamp {id: lamp-1, name: Lamp, room: kitchen, integration: virtual, model: light}
          - {<<: *lamp, id: lamp-2}
        """)

    config = parse_config(text)

    assert [device.id for device in config.devices] == ["lamp-1", "lamp-2"]
    assert config.devices[1].room == "kitchen"


def test_load_config_keeps_the_source_and_resolves_spec_paths(tmp_path: Path) -> None:
    path = tmp_path / "homeweave.yaml"
    path.write_text(GOOD, encoding="utf-8")
    fixture = Path(__file__).parents[1] / "fixtures" / "miot" / "cnhdm.airrtc.wkq01.json"
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "sensor.json").write_text(fixture.read_text())

    config = load_config(path)

    assert config.source == path
    lamp, sensor = config.devices
    assert config.spec_path(lamp) is None
    assert config.spec_path(sensor) == tmp_path / "specs" / "sensor.json"
    assert sensor.spec_path(Path("/elsewhere")) == Path("/elsewhere/specs/sensor.json")


def test_an_absolute_spec_path_is_kept() -> None:
    device = DeviceConfig(
        id="d", name="D", room="r", integration="virtual", spec="/opt/specs/light.json"
    )

    assert device.spec_path(Path("/etc/homeweave")) == Path("/opt/specs/light.json")


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"

    with pytest.raises(ConfigError, match="cannot read") as caught:
        load_config(path)

    assert caught.value.file == str(path)


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "homeweave.yaml"
    path.write_bytes(b"api:\n  host: caf\xe9\n")

    with pytest.raises(ConfigError, match="UTF-8") as caught:
        load_config(path)

    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "homeweave.yaml"
    path.write_text("api:\n  port: -1\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(caught.value) == f"{path}:2: api.port must be at least 0, got -1"


# Each case marks the line the error must point at with `# <-`.
ERROR_CASES: dict[str, tuple[str, list[str]]] = {
    "yaml syntax": (
        "api:\n  host: 127.0.0.1\n   port: 8321  # <-\n",
        ["invalid YAML", "mapping values are not allowed"],
    ),
    "yaml tab": ("api:\n\thost: x  # <-\n", ["invalid YAML", "'\\t'"]),
    "top level a list": ("- homes  # <-\n", ["top level must be a mapping", "got a list"]),
    "top level a string": ("just text  # <-\n", ["top level must be a mapping", "'just text'"]),
    "unknown top-level key": (
        "api: {}\ncolour: red  # <-\n",
        ["unknown key 'colour' at the top level", "allowed: homes, devices, integrations"],
    ),
    "source is not a key": ("source: /etc  # <-\n", ["unknown key 'source'"]),
    "unknown device key": (
        HEAD
        + "devices:\n"
        + LAMP
        + LAMP.replace("lamp", "lamp-2")
        + LAMP.replace("lamp", "lamp-3").replace(
            "model: light", f"model: light\n    colour: red {MARK}"
        ),
        ["unknown key 'colour' in devices[2]", "allowed: id, name, room, integration, model, spec"],
    ),
    "unknown location key": (
        HEAD.replace("longitude: 4.89}", f"longitude: 4.89, alt: 3}} {MARK}"),
        ["unknown key 'alt' in homes[0].location", "allowed: latitude, longitude, elevation"],
    ),
    "port as text": ("api:\n  port: '8321'  # <-\n", ["api.port must be a whole number", "'8321'"]),
    "port as bool": ("api:\n  port: yes  # <-\n", ["api.port must be a whole number", "got true"]),
    "port out of range": (
        "api:\n  port: 65536  # <-\n",
        ["api.port must be at most 65535", "65536"],
    ),
    "retention zero": (
        "history:\n  retention_days: 0  # <-\n",
        ["history.retention_days must be at least 1", "got 0"],
    ),
    "raw days zero": (
        "history:\n  raw_days: 0  # <-\n",
        ["history.raw_days must be at least 1", "got 0"],
    ),
    "raw days as text": (
        "history:\n  raw_days: ten  # <-\n",
        ["history.raw_days must be a whole number", "'ten'"],
    ),
    "raw days under both names": (
        "history:\n  raw_days: 5\n  retention_days: 7  # <-\n",
        ["give 'raw_days' or its older name 'retention_days', not both"],
    ),
    "size cap too small": (
        "history:\n  max_size_mb: 0.5  # <-\n",
        ["history.max_size_mb must be at least 1", "0.5"],
    ),
    "size cap infinite": (
        "history:\n  max_size_mb: .inf  # <-\n",
        ["history.max_size_mb must be"],
    ),
    "flush interval zero": (
        "history:\n  flush_interval: 0  # <-\n",
        ["history.flush_interval must be greater than 0"],
    ),
    "flush interval infinite": (
        "history:\n  flush_interval: .inf  # <-\n",
        ["history.flush_interval must be a finite number", "inf"],
    ),
    "section of the wrong type": ("history: [1, 2]  # <-\n", ["history must be a mapping"]),
    "homes not a list": ("homes: home  # <-\n", ["homes must be a list", "'home'"]),
    "latitude out of range": (
        HEAD.replace("latitude: 52.37", "latitude: 95").replace(
            "longitude: 4.89}", f"longitude: 4.89}} {MARK}"
        ),
        ["homes[0].location.latitude must be at most 90", "got 95"],
    ),
    "bad time zone": (
        HEAD.replace("Europe/Amsterdam", f"Mars/Olympus {MARK}"),
        ["homes[0].time_zone must be an IANA time zone", "'Mars/Olympus'"],
    ),
    "bad id": (
        HEAD.replace("{id: kitchen,", "{id: Kitchen Nook,").replace(
            "name: Kitchen}", f"name: Kitchen}} {MARK}"
        ),
        ["homes[0].rooms[1].id must be an id of lowercase letters", "'Kitchen Nook'"],
    ),
    "empty name": (
        HEAD.replace("name: Our home", f"name: '' {MARK}"),
        ["homes[0].name must not be empty"],
    ),
    "missing key": (
        HEAD
        + "devices:\n"
        + LAMP.replace("  - id: lamp", f"  - id: lamp {MARK}").replace("    room: kitchen\n", ""),
        ["devices[0] is missing required key 'room'"],
    ),
    "option keys must be text": (
        HEAD.replace("virtual: {}", f"virtual: {{1: one}} {MARK}"),
        ["key 1 in integrations.virtual must be text"],
    ),
    "integration options not a mapping": (
        HEAD.replace("virtual: {}", f"virtual: 5 {MARK}"),
        ["integrations.virtual must be a mapping", "got 5"],
    ),
    "duplicate home id": (
        HEAD.replace(
            "integrations:",
            f"  - {{id: home, name: Again, {MARK}\n"
            "     location: {latitude: 1, longitude: 2}, time_zone: UTC}\nintegrations:",
        ),
        ["homes[1].id: duplicate home id 'home'", "first defined at homes[0].id, line 2"],
    ),
    "duplicate room id across homes": (
        HEAD.replace(
            "integrations:",
            "  - id: other\n    name: Other\n    location: {latitude: 1, longitude: 2}\n"
            f"    time_zone: UTC\n    rooms: [{{id: kitchen, name: K}}] {MARK}\nintegrations:",
        ),
        ["homes[1].rooms[0].id: duplicate room id 'kitchen'", "line 8"],
    ),
    "duplicate device id": (
        HEAD + "devices:\n" + LAMP + LAMP.replace("  - id: lamp", f"  - id: lamp {MARK}"),
        ["devices[1].id: duplicate device id 'lamp'", "first defined at devices[0].id"],
    ),
    "unknown room": (
        HEAD + "devices:\n" + LAMP.replace("room: kitchen", f"room: attic {MARK}"),
        ["devices[0].room: unknown room 'attic'", "defined rooms: kitchen, living-room"],
    ),
    "a device without homes": (
        "integrations: {virtual: {}}\ndevices:\n"
        + LAMP.replace("room: kitchen", f"room: kitchen {MARK}"),
        ["unknown room 'kitchen'", "no rooms are defined"],
    ),
    "unknown integration": (
        HEAD + "devices:\n" + LAMP.replace("integration: virtual", f"integration: hue {MARK}"),
        ["devices[0].integration: integration 'hue' is not configured", "configured: virtual"],
    ),
    "model and spec": (
        HEAD
        + "devices:\n"
        + LAMP.replace("model: light", f"model: light\n    spec: l.json {MARK}"),
        ["devices[0].spec: give either 'model' or 'spec', not both"],
    ),
    "model not in the catalog": (
        HEAD + "devices:\n" + LAMP.replace("model: light", f"model: lamp {MARK}"),
        ["devices[0].model: unknown model 'lamp'", "the catalog has: ", "contact-sensor, curtain"],
    ),
    "neither model nor spec": (
        HEAD
        + "devices:\n"
        + LAMP.replace("  - id: lamp", f"  - id: lamp {MARK}").replace("    model: light\n", ""),
        ["devices[0]: device 'lamp' needs a 'model'", "or a 'spec'"],
    ),
    "duplicate yaml key": (
        "api:\n  port: 1\n  host: h\n  port: 2  # <-\n",
        ["duplicate key 'port' in api", "first on line 2"],
    ),
    "duplicate yaml key at the top level": (
        "api: {}\nhomes: []\napi: {}  # <-\n",
        ["duplicate key 'api'", "first on line 1"],
    ),
    "recursive alias": ("api: &a  # <-\n  x: *a\n", ["alias refers to a node that contains it"]),
    "unsupported tag": ("api: !!set {a}  # <-\n", ["unsupported YAML tag '!!set'"]),
    "unknown tag": ("api: !vault token  # <-\n", ["invalid YAML", "'!vault'"]),
    "mapping as a key": ("? [a, b]  # <-\n: 1\n", ["mapping key must be a plain value"]),
    "two documents": ("api: {}\n---  # <-\nhomes: []\n", ["expected a single document"]),
}


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors_name_the_line_and_the_offender(text: str, expected: list[str]) -> None:
    marked = [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(MARK)]
    assert len(marked) == 1, "a case marks exactly one line"

    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="homeweave.yaml")

    error = caught.value
    assert (error.file, error.line) == ("homeweave.yaml", marked[0]), str(error)
    for fragment in expected:
        assert fragment in error.reason
    assert str(error).startswith(f"homeweave.yaml:{marked[0]}: ")


def test_several_problems_are_all_reported_each_with_its_line() -> None:
    text = "api:\n  port: -1\n  host: ''\nhistory:\n  retention_days: 0\n"

    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="homeweave.yaml")

    assert caught.value.line == 2  # the first, by line
    assert caught.value.reason == "api.port must be at least 0, got -1"
    assert str(caught.value).splitlines() == [
        "homeweave.yaml:2: api.port must be at least 0, got -1",
        "homeweave.yaml:3: api.host must not be empty, got ''",
        "homeweave.yaml:5: history.retention_days must be at least 1, got 0",
    ]
    assert [(p.file, p.line) for p in caught.value.problems] == [
        ("homeweave.yaml", 2),
        ("homeweave.yaml", 3),
        ("homeweave.yaml", 5),
    ]


def test_every_wrong_reference_is_reported() -> None:
    text = HEAD + textwrap.dedent("""\
        devices:
          - {id: a, name: A, room: attic, integration: virtual, model: light}
          - {id: a, name: B, room: cellar, integration: hue, model: light}
        """)
    first = HEAD.count("\n") + 2

    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="homeweave.yaml")

    lines = str(caught.value).splitlines()
    assert [problem.line for problem in caught.value.problems] == [first] + [first + 1] * 3
    assert "devices[0].room: unknown room 'attic'" in lines[0]
    assert any("duplicate device id 'a'" in line for line in lines[1:])
    assert any("unknown room 'cellar'" in line for line in lines[1:])
    assert any("integration 'hue' is not configured" in line for line in lines[1:])


def test_round_trip_dump_then_parse() -> None:
    config = parse_config(GOOD)

    dumped = dump_config(config)

    assert parse_config(dumped) == config
    assert "&id" not in dumped
    assert dump_config(HubConfig()) == "{}\n"


def test_dump_round_trips_options_of_every_yaml_type() -> None:
    text = HEAD + textwrap.dedent("""\
        devices:
          - id: lamp
            name: Lamp
            room: kitchen
            integration: virtual
            model: light
            options:
              when: 2024-05-01 12:00:00+02:00
              day: 2024-05-01
              blob: !!binary aGVsbG8=
              shared: &s {a: [1, 2.5, true, null, "yes"]}
              again: *s
        """)
    config = parse_config(text)

    assert parse_config(dump_config(config)) == config


# --- robustness: whatever the input, a ConfigError or a config -------------------------------

KEYS = st.sampled_from(
    [
        *("homes", "devices", "integrations", "history", "api", "id", "name", "location"),
        *("latitude", "longitude", "elevation", "time_zone", "rooms", "room", "integration"),
        *("model", "spec", "options", "retention_days", "flush_interval", "host", "port"),
        *("raw_days", "max_size_mb"),
        *("virtual", "<<"),
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["home", "kitchen", "virtual", "light", "UTC", "Europe/Amsterdam", ""])
)
YAMLABLE = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=8) | st.integers(), inner, max_size=5)
    ),
    max_leaves=30,
)


def _parses_or_config_error(text: str) -> None:
    try:
        outcome: HubConfig | ConfigError = parse_config(text)
    except ConfigError as error:
        outcome = error
    if isinstance(outcome, ConfigError):
        assert outcome.reason
        assert outcome.line is None or outcome.line >= 1
    else:
        assert isinstance(outcome, HubConfig)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_config_or_a_config_error(text: str) -> None:
    _parses_or_config_error(text)


@settings(max_examples=300, deadline=None)
@given(YAMLABLE)
def test_any_yaml_data_gives_a_config_or_a_config_error(data: Any) -> None:
    _parses_or_config_error(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["homes", "devices", "integrations", "history", "api"]),
    st.lists(st.dictionaries(KEYS, YAMLABLE, max_size=8), max_size=3) | YAMLABLE,
)
def test_a_good_config_with_one_section_replaced_gives_a_config_or_an_error(
    section: str, value: Any
) -> None:
    data = {**yaml.safe_load(GOOD), section: value}

    _parses_or_config_error(yaml.safe_dump(data, allow_unicode=True))


SLUGS = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?\Z")
NAMES = st.text(min_size=1, max_size=20)


@st.composite
def hub_configs(draw: st.DrawFn) -> HubConfig:
    """Draw a valid config: one home, its rooms, and devices in them."""
    ids = draw(st.lists(SLUGS, min_size=2, max_size=6, unique=True))
    home_id, room_ids, device_ids = ids[0], ids[1:3], ids[3:]
    home = HomeConfig(
        id=home_id,
        name=draw(NAMES),
        location=LocationConfig(
            latitude=draw(st.floats(-90, 90)),
            longitude=draw(st.floats(-180, 180)),
            elevation=draw(st.none() | st.floats(-500, 9000)),
        ),
        time_zone=draw(st.sampled_from(["UTC", "Europe/Amsterdam", "America/New_York"])),
        rooms=tuple(RoomConfig(id=room, name=draw(NAMES)) for room in room_ids),
    )
    options = st.dictionaries(st.text(max_size=8), SCALARS.filter(lambda v: v == v), max_size=3)
    devices = tuple(
        DeviceConfig(
            id=device,
            name=draw(NAMES),
            room=draw(st.sampled_from(room_ids)),
            integration="virtual",
            model=draw(st.sampled_from(["light", "motion-sensor"])),
            options=draw(options),
        )
        for device in device_ids
    )
    virtual = st.fixed_dictionaries(
        {}, optional={"tick": st.floats(0, 10), "seed": st.integers(-(2**63), 2**63 - 1)}
    )
    virtual_options = VirtualOptions.model_validate(draw(virtual))
    return HubConfig(homes=(home,), devices=devices, integrations={"virtual": virtual_options})


@settings(max_examples=100, deadline=None)
@given(hub_configs())
def test_any_valid_config_round_trips_through_yaml(config: HubConfig) -> None:
    assert parse_config(dump_config(config)) == config


SPEC_DEVICE = """homes:
  - id: home
    name: Home
    location: {latitude: 52.0, longitude: 4.0}
    time_zone: UTC
    rooms: [{id: hall, name: Hall}]
integrations: {virtual: {}}
devices:
  - id: heater
    name: Heater
    room: hall
    integration: virtual
    spec: specs/heater.json
"""


def test_a_missing_spec_file_is_named_at_its_line(tmp_path: Path) -> None:
    config_file = tmp_path / "homeweave.yaml"
    config_file.write_text(SPEC_DEVICE)
    with pytest.raises(ConfigError) as raised:
        load_config(config_file)
    assert raised.value.line == 13
    assert "devices[0].spec" in str(raised.value)
    assert "heater.json" in str(raised.value)


def test_a_broken_spec_file_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "heater.json").write_text('{"type": "urn:miot-spec-v2:device:x:1", ')
    config_file = tmp_path / "homeweave.yaml"
    config_file.write_text(SPEC_DEVICE)
    with pytest.raises(ConfigError) as raised:
        load_config(config_file)
    assert raised.value.line == 13
    assert "not JSON" in str(raised.value)


def test_a_real_spec_file_loads_relative_to_the_config(tmp_path: Path) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "miot" / "cnhdm.airrtc.wkq01.json"
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "heater.json").write_text(fixture.read_text())
    config_file = tmp_path / "homeweave.yaml"
    config_file.write_text(SPEC_DEVICE)
    config = load_config(config_file)
    assert config.spec_path(config.devices[0]) == tmp_path / "specs" / "heater.json"
