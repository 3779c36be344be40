"""Our values in Home Assistant's units and back: brightness 0..255, mireds, RGB, positions.

Pure arithmetic; every ``*_from_ha`` clamps into our range, so HA can never ask for a value
our validation would refuse merely for rounding.
"""

from __future__ import annotations

from homeweave.model import ValueRange
from homeweave.model.color import MIRED_KELVIN, kelvin_to_mired, mired_to_kelvin, rgb_unpack

HA_BRIGHTNESS_MAX = 255


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def brightness_to_ha(value: float, rng: ValueRange) -> int:
    """Our brightness (``rng.max`` is full) as HA's 1..255 (0 stays 0: off)."""
    if rng.max <= 0 or value <= 0:
        return 0
    return int(_clamp(round(value * HA_BRIGHTNESS_MAX / rng.max), 1, HA_BRIGHTNESS_MAX))


def brightness_from_ha(brightness: float, rng: ValueRange) -> int:
    """HA's 0..255 brightness as ours, clamped into ``rng``."""
    ours = round(_clamp(brightness, 0, HA_BRIGHTNESS_MAX) * rng.max / HA_BRIGHTNESS_MAX)
    return int(_clamp(ours, rng.min, rng.max))


def kelvin_from_ha(mired: float, rng: ValueRange) -> int:
    """HA's mireds as our kelvin, clamped into our range."""
    kelvin = mired_to_kelvin(mired) if mired > 0 else rng.max
    return int(_clamp(kelvin, rng.min, rng.max))


def mired_range(rng: ValueRange) -> tuple[int, int]:
    """HA's ``(min_mireds, max_mireds)`` for a kelvin range (the coldest end is min)."""
    low, high = kelvin_to_mired(rng.max), kelvin_to_mired(rng.min)
    if low <= 0 or high <= 0:
        return low, high
    # Rounding should not widen the range past what we accept (1e6/low <= max, ...), unless
    # the range is too narrow to hold a whole mired at all.
    inner_low = low + 1 if MIRED_KELVIN / low > rng.max else low
    inner_high = high - 1 if MIRED_KELVIN / high < rng.min else high
    return (inner_low, inner_high) if inner_low <= inner_high else (low, high)


def rgb_to_ha(packed: int) -> dict[str, int]:
    """``0xRRGGBB`` as HA's ``{"r": .., "g": .., "b": ..}``."""
    return dict(zip("rgb", rgb_unpack(packed), strict=True))


def percent_to_ha(value: float, rng: ValueRange) -> int:
    """A position in ``rng`` as HA's 0..100 (100 = fully open)."""
    span = rng.max - rng.min
    if span <= 0:
        return 0
    return round(_clamp((value - rng.min) * 100 / span, 0, 100))


def percent_from_ha(percent: float, rng: ValueRange) -> int | float:
    """HA's 0..100 position as a value in ``rng`` (integral when the step is)."""
    value = rng.min + _clamp(percent, 0, 100) * (rng.max - rng.min) / 100
    if rng.step == 0 or not float(rng.step).is_integer():
        return value
    return int(_clamp(round(value), rng.min, rng.max))
