"""The Hue emulation's wire pieces: the M-SEARCH parser (any bytes, never an exception), the
answers a Hue bridge gives per search target, v1 conversions, and the bridge's options."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.bridges.hue_emulation import v1
from homeweave.bridges.hue_emulation.options import HueEmulationOptions
from homeweave.bridges.hue_emulation.ssdp import Identity, parse_search
from homeweave.config import parse_config
from homeweave.errors import ConfigError

IDENTITY = Identity(
    "http://192.168.1.20:80/description.xml", "AABBCCFFFEDDEEFF", "aa:bb:cc:dd:ee:ff"
)


def search(target: str, *, man: str = '"ssdp:discover"', eol: str = "\r\n") -> bytes:
    lines = ["M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900", f"MAN: {man}", "MX: 2",
             f"ST: {target}"]  # fmt: skip
    return (eol.join(lines) + eol + eol).encode()


@given(st.binary(max_size=600))
def test_any_datagram_is_parsed_or_ignored_never_raised(data: bytes) -> None:
    found = parse_search(data)
    assert found is None or isinstance(found, dict)


@given(
    target=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=60
    ),
    eol=st.sampled_from(["\r\n", "\n"]),
)
def test_a_well_formed_search_gives_its_target(target: str, eol: str) -> None:
    headers = parse_search(search(target, eol=eol))
    assert headers is not None
    assert headers["ST"] == target


def test_other_messages_are_not_searches() -> None:
    assert parse_search(search("ssdp:all", man="nothing")) is None
    assert parse_search(b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n") is None
    assert parse_search(b"\xff\xfe") is None


def test_the_answers_are_a_hue_bridges() -> None:
    everything = IDENTITY.answers("ssdp:all")
    assert len(everything) == 3
    root = IDENTITY.answers("upnp:rootdevice")
    assert len(root) == 1
    text = root[0].decode()
    assert text.startswith("HTTP/1.1 200 OK\r\n")
    assert text.endswith("\r\n\r\n")
    assert "\r\nLOCATION: http://192.168.1.20:80/description.xml\r\n" in text
    assert "\r\nhue-bridgeid: AABBCCFFFEDDEEFF\r\n" in text
    assert "\r\nUSN: uuid:2f402f80-da50-11e1-9b23-aabbccddeeff::upnp:rootdevice\r\n" in text
    assert len(IDENTITY.answers("urn:schemas-upnp-org:device:basic:1")) == 1
    assert IDENTITY.answers("urn:dial-multiscreen-org:service:dial:1") == []


@given(st.floats(min_value=0, max_value=1))
def test_bri_round_trips_within_one_step(fraction: float) -> None:
    bri = v1.to_bri(fraction)
    assert 0 <= bri <= v1.BRI_MAX
    assert abs(v1.from_bri(bri) - fraction) <= 1 / v1.BRI_MAX


def test_unique_ids_look_like_a_real_lamps_and_stay_the_same() -> None:
    found = v1.unique_id("kitchen-lamp")
    assert found == v1.unique_id("kitchen-lamp") != v1.unique_id("hallway-lamp")
    head, _, endpoint = found.partition("-")
    assert endpoint == "0b"
    assert len(head.split(":")) == 8
    assert head.startswith("00:17:88:01:")


def test_expose_takes_only_known_categories_at_its_line() -> None:
    text = textwrap.dedent(
        """\
        api:
          port: 0
        bridges:
          hue_emulation:
            expose:
              categories: [light, toaster]
        """
    )
    with pytest.raises(ConfigError) as raised:
        parse_config(text, filename="homeweave.yaml")
    assert raised.value.line == 6
    assert "bridges.hue_emulation.expose.categories" in str(raised.value)
    good = parse_config(
        text.replace("toaster", "cover") + "    advertise_ip: 192.168.1.20\n",
        filename="homeweave.yaml",
    )
    options = good.bridges["hue_emulation"]
    assert isinstance(options, HueEmulationOptions)
    assert options.expose.categories == ["light", "cover"]
    assert str(options.advertise_ip) == "192.168.1.20"
    assert options.port == 80
