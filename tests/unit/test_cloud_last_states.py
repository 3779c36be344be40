"""The ``hw_states`` writer reads any state message without failing: a property change or an
availability change of a home and device that can be KV key parts gives one key, anything else
none."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from homeweave.cloud.last_states import entry_of

VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=10)


@given(
    st.dictionaries(
        st.sampled_from(["home", "device", "siid", "piid", "value", "available", "at"]), VALUES
    )
)
def test_any_message_gives_one_key_or_none(body: dict[str, Any]) -> None:
    found = entry_of(body)
    if found is not None:
        key, value = found
        assert key.startswith(f"{body['home']}.{body['device']}.")
        assert set(json.loads(value)) == {"value", "at"}


def test_a_property_change_and_an_availability_change() -> None:
    change = {"home": "casa", "device": "lamp", "siid": 2, "piid": 2, "value": 40, "at": 1.5}
    assert entry_of(change) == ("casa.lamp.2.2", b'{"value": 40, "at": 1.5}')
    gone = {"home": "casa", "device": "lamp", "available": False, "at": 2.0}
    assert entry_of(gone) == ("casa.lamp.available", b'{"value": false, "at": 2.0}')
    assert entry_of({**change, "device": "a.b"}) is None  # would split the key
    assert entry_of({**change, "home": "*"}) is None
    assert entry_of({**change, "siid": True}) is None
