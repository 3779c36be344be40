"""Our values in Home Assistant's units and back: brightness 0..255, mireds, RGB, positions.

Pure arithmetic; every ``*_from_ha`` clamps into our range, so HA can never ask for a value
our validation would refuse merely for rounding.
"""

from __future__ import annotations

from homeweave.model import ValueRange

HA_BRIGHTNESS_MAX = 255
MIRED_KELVIN = 1_000_000  # mired = 1e6 / kelvin


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


def kelvin_to_mired(kelvin: float) -> int:
    """A colour temperature in kelvin as mireds (rounded)."""
    return round(MIRED_KELVIN / kelvin) if kelvin > 0 else 0


def mired_to_kelvin(mired: float, rng: ValueRange) -> int:
    """Mireds as kelvin, clamped into our range."""
    kelvin = MIRED_KELVIN / mired if mired > 0 else rng.max
    return int(_clamp(round(kelvin), rng.min, rng.max))


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


def rgb_unpack(packed: int) -> dict[str, int]:
    """``0xRRGGBB`` as HA's ``{"r": .., "g": .., "b": ..}``."""
    packed = int(packed) & 0xFFFFFF
    return {"r": (packed >> 16) & 0xFF, "g": (packed >> 8) & 0xFF, "b": packed & 0xFF}


def rgb_pack(red: int, green: int, blue: int) -> int:
    """Three 0..255 channels as ``0xRRGGBB``; ValueError if one is out of range."""
    channels = (red, green, blue)
    if any(not 0 <= c <= 0xFF for c in channels):
        raise ValueError(f"RGB channels must be 0..255, got {channels}")
    return (red << 16) | (green << 8) | blue


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
