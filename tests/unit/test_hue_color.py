"""Colour conversions between our model and Hue's (kelvin/mirek, 0xRRGGBB/CIE xy)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model.color import (
    XY,
    Gamut,
    clip_to_gamut,
    kelvin_to_mired,
    mired_to_kelvin,
    rgb_to_xy,
    xy_to_rgb,
)

GAMUT_C: Gamut = (XY(0.6915, 0.3083), XY(0.17, 0.7), XY(0.1532, 0.0475))
# Saturated colours with one channel at full: what a colour read back from a lamp looks like.
FULL = st.tuples(st.integers(0, 255), st.integers(0, 255), st.sampled_from([0, 1, 2])).map(
    lambda t: [(255, t[0], t[1]), (t[0], 255, t[1]), (t[0], t[1], 255)][t[2]]
)


def pack(rgb: tuple[int, int, int]) -> int:
    return (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]


def channels(value: int) -> tuple[int, int, int]:
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


@pytest.mark.parametrize(
    ("rgb", "xy"),
    [
        (0xFFFFFF, (0.3127, 0.329)),  # D65 white
        (0xFF0000, (0.64, 0.33)),  # sRGB primaries
        (0x00FF00, (0.3, 0.6)),
        (0x0000FF, (0.15, 0.06)),
    ],
)
def test_srgb_primaries_and_white(rgb: int, xy: tuple[float, float]) -> None:
    assert rgb_to_xy(rgb) == pytest.approx(xy, abs=2e-3)


@given(FULL)
def test_a_colour_survives_the_round_trip_through_xy(rgb: tuple[int, int, int]) -> None:
    back = channels(xy_to_rgb(rgb_to_xy(pack(rgb))))
    assert max(abs(a - b) for a, b in zip(back, rgb, strict=True)) <= 3


@given(st.integers(0, 0xFFFFFF))
def test_colours_land_inside_the_lamps_gamut(rgb: int) -> None:
    point = rgb_to_xy(rgb, GAMUT_C)
    assert clip_to_gamut(point, GAMUT_C) == pytest.approx(point, abs=1e-4)
    assert 0 <= xy_to_rgb(point, GAMUT_C) <= 0xFFFFFF


@given(st.floats(0, 1), st.floats(0, 1))
def test_clipping_is_idempotent(x: float, y: float) -> None:
    once = clip_to_gamut(XY(x, y), GAMUT_C)
    assert clip_to_gamut(once, GAMUT_C) == pytest.approx(once, abs=1e-9)


def test_black_has_no_colour_and_reads_as_white() -> None:
    assert rgb_to_xy(0) == (0.3127, 0.329)
    assert xy_to_rgb(XY(0.3, 0.0)) == 0xFFFFFF


@given(st.integers(153, 500))
def test_mirek_and_kelvin_invert_each_other(mirek: int) -> None:
    assert kelvin_to_mired(mired_to_kelvin(mirek)) == mirek
