"""Every integration's and bridge's options are checked when homeweave.yaml is read: a misspelt
key or a wrong type is a ``homeweave.yaml:LINE`` error naming the key, before anything starts."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from homeweave.config import parse_config
from homeweave.errors import ConfigError

# (section, plugin, its options with one required key at least, a key to misspell, a wrong value
# for a key); each YAML below puts the misspelt / wrong key on line 5.
PLUGINS = [
    ("integrations", "hue", "host: 192.168.1.20", "transition_ms", "transition_ms: fast"),
    ("integrations", "dirigera", "host: 192.168.1.21", "token_file", "port: '8443'"),
    ("integrations", "miio", "poll_interval: 10", "discover_wait", "startup_wait: [1]"),
    ("integrations", "zigbee2mqtt", "base_topic: z2m", "default_room", "keepalive: 1.5"),
    ("integrations", "virtual", "seed: 1", "tick", "tick: soon"),
    ("bridges", "ha_mqtt", "base_topic: hw", "discovery_prefix", "reconnect_max: true"),
    ("bridges", "hue_emulation", "port: 8080", "ssdp_port", "advertise_port: eighty"),
    ("bridges", "alexa", "client_id: amzn1.x", "give_up_after", "retry_min: soon"),
]
IDS = [plugin for _, plugin, *_ in PLUGINS]


def config(section: str, plugin: str, first: str, last: str) -> str:
    return textwrap.dedent(
        f"""\
        api:
          port: 0
        {section}:
          {plugin}:
            {last}
            {first}
        """
    )


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, filename="homeweave.yaml")
    return raised.value


@pytest.mark.parametrize(("section", "plugin", "good", "key", "wrong"), PLUGINS, ids=IDS)
def test_good_options_reach_the_plugin_as_its_model(
    section: str, plugin: str, good: str, key: str, wrong: str
) -> None:
    options = getattr(parse_config(config(section, plugin, good, "")), section)[plugin]
    assert type(options).__module__ == f"homeweave.{section}.{plugin}.options"
    name, _, value = good.partition(": ")
    assert getattr(options, name) == yaml.safe_load(value)


@pytest.mark.parametrize(("section", "plugin", "good", "key", "wrong"), PLUGINS, ids=IDS)
def test_a_misspelt_key_is_named_at_its_line(
    section: str, plugin: str, good: str, key: str, wrong: str
) -> None:
    typo = key[:2] + key[3] + key[2] + key[4:]  # two letters swapped
    error = error_of(config(section, plugin, good, f"{typo}: 1"))
    assert (error.file, error.line) == ("homeweave.yaml", 5)
    assert error.reason.startswith(f"unknown key {typo!r} in {section}.{plugin}; allowed: ")
    assert key in error.reason  # the list of allowed keys shows the right spelling


@pytest.mark.parametrize(("section", "plugin", "good", "key", "wrong"), PLUGINS, ids=IDS)
def test_a_wrong_type_is_named_at_its_line(
    section: str, plugin: str, good: str, key: str, wrong: str
) -> None:
    error = error_of(config(section, plugin, good, wrong))
    name = wrong.partition(":")[0]
    assert str(error).startswith(f"homeweave.yaml:5: {section}.{plugin}.{name} must be ")


def test_an_unknown_integration_is_named_at_its_line() -> None:
    error = error_of("integrations:\n  virtual: {}\n  hu:\n    host: h\n")
    assert str(error) == (
        "homeweave.yaml:3: integrations.hu: unknown integration 'hu'; "
        "known: dirigera, hue, miio, virtual, zigbee2mqtt"
    )
    assert error_of("bridges:\n  ha-mqtt: {}\n").line == 2


HOME = """\
homes:
  - id: home
    name: Home
    location: {latitude: 52.0, longitude: 4.0}
    time_zone: UTC
    rooms: [{id: kitchen, name: Kitchen}]
integrations:
  miio: {}
  hue: {host: h}
  dirigera: {host: h}
devices:
  - id: lamp
    name: Lamp
    room: kitchen
    model: light
"""


@pytest.mark.parametrize(
    ("integration", "options", "message"),
    [
        ("miio", "{host: 10.0.0.2, tokn: x}", "devices[0].options is missing required key 'token'"),
        ("miio", "{host: 10.0.0.2, token: abc}", "devices[0].options.token is invalid: "),
        ("hue", "{hue_idd: x}", "unknown key 'hue_idd' in devices[0].options"),
        ("hue", "{transition_ms: -1}", "devices[0].options.transition_ms must be at least 0"),
        ("dirigera", "{dirigera_id: 5}", "devices[0].options.dirigera_id must be text"),
    ],
)
def test_a_device_options_mistake_is_named_at_its_line(
    integration: str, options: str, message: str
) -> None:
    text = HOME + f"    integration: {integration}\n    options: {options}\n"
    error = error_of(text)
    assert error.line == 17
    assert error.reason.startswith(message)
