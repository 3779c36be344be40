"""The hue integration's options, its app-key file and its reconnect back-off."""

from __future__ import annotations

import random
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from homeweave.integrations.hue.integration import reconnect_backoff
from homeweave.integrations.hue.options import HueOptions, device_transition
from homeweave.integrations.hue.pairing import KeyStore
from tests.options import checked, options_error


def test_defaults_and_types(tmp_path: Path) -> None:
    options = checked(
        "integrations", "hue", {"host": "127.0.0.1:8443", "key_file": str(tmp_path / "k.json")}
    )
    assert options.host == "127.0.0.1:8443"
    assert options.app_key is None
    assert options.transition_ms == 400
    assert options.discover
    assert options.groups
    assert options.key_file == tmp_path / "k.json"
    assert device_transition(options, {}) == 400
    assert device_transition(options, {"transition_ms": 0}) == 0
    assert device_transition(HueOptions(host="h", transition_ms=None), {}) is None


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({}, "'host'"),
        ({"host": ""}, r"\.host"),
        ({"host": "h", "hots": 1}, "unknown key 'hots'"),
        ({"host": "h", "discover": "yes"}, r"\.discover"),
        ({"host": "h", "transition_ms": -1}, "transition_ms"),
        ({"host": "h", "transition_ms": True}, "transition_ms"),
        ({"host": "h", "rooms": ["kitchen"]}, r"\.rooms"),
        ({"host": "h", "connect_timeout": "10"}, r"\.connect_timeout"),
    ],
)
def test_bad_options_name_the_problem(options: dict[str, Any], complaint: str) -> None:
    error = options_error("integrations", "hue", options)
    assert error.file == "homeweave.yaml"
    assert error.line is not None
    assert re.search(complaint, error.reason)


async def test_the_key_file_keeps_keys_per_bridge_privately(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "sub" / "hue-keys.json")
    assert await store.load("001788fffe000001") is None
    await store.save("001788fffe000001", "10.0.0.2", "key-one")
    await store.save("001788FFFE000002", "10.0.0.3", "key-two")
    assert await store.load("001788FFFE000001") == "key-one"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    await store.forget("001788FFFE000001")
    assert await store.load("001788FFFE000001") is None
    assert await store.load("001788FFFE000002") == "key-two"
    store.path.write_text("not json")
    assert await store.load("001788FFFE000002") is None


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    options = HueOptions.model_validate({"host": "h", "retry_max": 60})
    delays = reconnect_backoff(options).delays(random.Random(1))
    for failures in range(30):
        delay = next(delays)
        ceiling = min(60.0, 0.5 * 2**failures)
        assert ceiling / 2 <= delay <= ceiling


def test_app_keys_live_in_the_hub_data_dir_unless_a_key_file_is_given(tmp_path: Path) -> None:
    from homeweave.core import EventBus, HubContext, Registry, States
    from homeweave.integrations.hue.integration import HueIntegration

    bus = EventBus()
    context = HubContext(bus, Registry(bus), States(bus), tmp_path)
    assert HueIntegration(context, HueOptions(host="h")).keys.path == tmp_path / "hue-keys.json"
    own = tmp_path / "elsewhere.json"
    assert HueIntegration(context, HueOptions(host="h", key_file=own)).keys.path == own
