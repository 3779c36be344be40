"""The fleet simulator's homes answer any request as an edge hub does: a reply with ``ok``, and
on refusal a kind the cloud API maps to a status; only an accepted set changes a value."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from homeweave.sim.fleet.homes import build_homes

KINDS = {"Unauthorized", "BadRequest", "UnknownAddress", "AccessDenied", "InvalidValue"}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
ADDRESSES = st.sampled_from(
    [
        "lamp-3/light/brightness",
        "lamp-3/light/on",
        "sensor-1/temperature-sensor/temperature",
        "plug-5/switch/on",
        "nope/light/on",
        "lamp-3/light/nope",
        "",
    ]
)


@given(
    request=st.one_of(
        JSON,
        st.fixed_dictionaries(
            {"op": st.sampled_from(["set", "do", "x"]), "address": ADDRESSES, "value": JSON},
            optional={"token": st.sampled_from(["owner", "guest", "stranger"])},
        ),
    )
)
def test_every_request_gets_an_edge_reply(request: Any) -> None:
    home = build_homes(1, 5)[0]
    if isinstance(request, dict) and request.get("token") in ("owner", "guest"):
        request = {**request, "token": getattr(home, f"{request['token']}_token")}
    before = copy.deepcopy({d.id: d.values for d in home.devices.values()})
    reply, change = home.command(request)
    assert isinstance(reply["ok"], bool)
    after = {d.id: d.values for d in home.devices.values()}
    if reply["ok"]:
        assert reply["address"] == request["address"]
        device, _, tail = request["address"].partition("/")
        assert after[device][tail] == request["value"]
    else:
        assert reply["kind"] in KINDS
        assert reply["error"]
        assert change is None
        assert after == before


def test_a_guest_reaches_only_the_shared_lamp() -> None:
    home = build_homes(1, 10)[0]
    guest = home.guest_token
    ok, _ = home.command(
        {"op": "set", "address": f"{home.shared}/light/on", "value": True, "token": guest}
    )
    assert ok["ok"] is True
    other = next(d for d in home.devices if d != home.shared)
    refused, _ = home.command(
        {"op": "set", "address": f"{other}/light/on", "value": True, "token": guest}
    )
    assert refused["kind"] == "UnknownAddress"
    assert list(home.access(guest=True)["devices"]) == [home.shared]
