"""Integrations and bridges are found by name; anything else is a clear UnknownAddress."""

from __future__ import annotations

import pytest

from homeweave.bridges.base import bridge_class
from homeweave.bridges.ha_mqtt.bridge import BRIDGE
from homeweave.core.integration import Integration, integration_class
from homeweave.core.plugins import plugin_class
from homeweave.errors import UnknownAddress
from homeweave.integrations.virtual.integration import VirtualIntegration


def test_known_names_give_their_classes() -> None:
    assert integration_class("virtual") is VirtualIntegration
    assert bridge_class("ha_mqtt") is BRIDGE


@pytest.mark.parametrize("name", ["nope", "../core", "virtual.integration", ""])
def test_unknown_or_odd_names_are_unknown(name: str) -> None:
    with pytest.raises(UnknownAddress, match="unknown integration"):
        integration_class(name)


def test_an_attribute_of_the_wrong_kind_is_unknown() -> None:
    # homeweave.integrations.virtual has an INTEGRATION, but it is no subclass of str
    with pytest.raises(UnknownAddress, match="unknown thing 'virtual'"):
        plugin_class(
            "homeweave.integrations", "virtual", "integration", "INTEGRATION", str, "thing"
        )
    with pytest.raises(UnknownAddress):
        plugin_class(
            "homeweave.integrations", "virtual", "integration", "BRIDGE", Integration, "thing"
        )
