"""Colour conversions, one place: our model's kelvin and ``0xRRGGBB`` against what ecosystems
speak — mireds (a.k.a. mireks), hue/saturation, CIE xy in a lamp's gamut, RGB channels.

sRGB <-> XYZ uses the sRGB (D65) matrices and gamma; a colour read back from xy or
hue/saturation is the one at full brightness (brightness is its own property).
"""

from __future__ import annotations

import colorsys
from typing import NamedTuple

WHITE = (0.3127, 0.3290)
"""The D65 white point, for black (which has no chromaticity)."""


MIRED_KELVIN = 1_000_000
"""mired = MIRED_KELVIN / kelvin, and back."""


class XY(NamedTuple):
    """A CIE 1931 chromaticity."""

    x: float
    y: float


Gamut = tuple[XY, XY, XY]
"""The red, green and blue corners a lamp can reach."""


def kelvin_to_mired(kelvin: float) -> int:
    """A colour temperature in kelvin as mireds (rounded; 0 for no temperature)."""
    return round(MIRED_KELVIN / kelvin) if kelvin > 0 else 0


def mired_to_kelvin(mired: float) -> int:
    """Mireds as kelvin (rounded; 0 for no temperature)."""
    return round(MIRED_KELVIN / mired) if mired > 0 else 0


def kelvin_to_xy(kelvin: float) -> XY:
    """The CIE xy of a colour temperature (Kang et al. 2002 fit of the Planckian locus)."""
    kelvin = min(max(kelvin, 1667.0), 25000.0)
    t, t2, t3 = 1e3 / kelvin, 1e6 / kelvin**2, 1e9 / kelvin**3
    if kelvin <= 4000:
        x = -0.2661239 * t3 - 0.2343589 * t2 + 0.8776956 * t + 0.179910
    else:
        x = -3.0258469 * t3 + 2.1070379 * t2 + 0.2226347 * t + 0.240390
    if kelvin <= 2222:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif kelvin <= 4000:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return XY(round(x, 4), round(y, 4))


def rgb_unpack(rgb: int) -> tuple[int, int, int]:
    """``0xRRGGBB`` as its three 0..255 channels."""
    rgb = int(rgb) & 0xFFFFFF
    return (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF


def rgb_pack(red: int, green: int, blue: int) -> int:
    """Three 0..255 channels as ``0xRRGGBB``; ValueError if one is out of range."""
    channels = (red, green, blue)
    if any(not 0 <= c <= 0xFF for c in channels):
        raise ValueError(f"RGB channels must be 0..255, got {channels}")
    return (red << 16) | (green << 8) | blue


def rgb_from_hs(hue: float, saturation: float) -> int:
    """0xRRGGBB of a hue (degrees) and saturation (0..1) at full value."""
    r, g, b = colorsys.hsv_to_rgb((hue % 360) / 360, min(max(saturation, 0.0), 1.0), 1.0)
    return rgb_pack(round(r * 255), round(g * 255), round(b * 255))


def hs_from_rgb(rgb: int) -> tuple[float, float]:
    """Hue (degrees, 0.1 steps) and saturation (0..1, 0.001 steps) of 0xRRGGBB."""
    r, g, b = (channel / 255 for channel in rgb_unpack(rgb))
    hue, saturation, _ = colorsys.rgb_to_hsv(r, g, b)
    return round(hue * 360, 1) % 360, round(saturation, 3)


def _linear(channel: int) -> float:
    c = channel / 255
    return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92


def _gamma(c: float) -> float:
    return 1.055 * c ** (1 / 2.4) - 0.055 if c > 0.0031308 else 12.92 * c


def rgb_to_xy(rgb: int, gamut: Gamut | None = None) -> XY:
    """The chromaticity of ``0xRRGGBB``, moved into ``gamut`` if the lamp cannot show it."""
    r, g, b = (_linear(channel) for channel in rgb_unpack(rgb))
    x = r * 0.4124 + g * 0.3576 + b * 0.1805
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = r * 0.0193 + g * 0.1192 + b * 0.9505
    total = x + y + z
    point = XY(*WHITE) if total <= 0 else XY(x / total, y / total)
    if gamut is not None:
        point = clip_to_gamut(point, gamut)
    return XY(round(point.x, 4), round(point.y, 4))


def xy_to_rgb(point: XY, gamut: Gamut | None = None) -> int:
    """``0xRRGGBB`` at full brightness for a chromaticity (clipped into ``gamut`` first)."""
    if gamut is not None:
        point = clip_to_gamut(point, gamut)
    x, y = point
    if y <= 0:
        return 0xFFFFFF
    big_x, big_z = x / y, (1 - x - y) / y
    r = big_x * 3.2406 - 1.5372 - big_z * 0.4986
    g = -big_x * 0.9689 + 1.8758 + big_z * 0.0415
    b = big_x * 0.0557 - 0.2040 + big_z * 1.0570
    linear = [max(c, 0.0) for c in (r, g, b)]
    peak = max(linear)
    if peak <= 0:
        return 0xFFFFFF
    red, green, blue = (round(min(max(_gamma(c / peak), 0.0), 1.0) * 255) for c in linear)
    return rgb_pack(red, green, blue)


def clip_to_gamut(point: XY, gamut: Gamut) -> XY:
    """``point`` if the gamut triangle holds it, else the nearest point on its edge."""
    red, green, blue = gamut
    if _inside(point, red, green, blue):
        return point
    candidates = [_closest(point, a, b) for a, b in ((red, green), (green, blue), (blue, red))]
    return min(candidates, key=lambda c: (c.x - point.x) ** 2 + (c.y - point.y) ** 2)


def _cross(o: XY, a: XY, b: XY) -> float:
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)


def _inside(p: XY, a: XY, b: XY, c: XY) -> bool:
    d1, d2, d3 = _cross(a, b, p), _cross(b, c, p), _cross(c, a, p)
    negative = d1 < 0 or d2 < 0 or d3 < 0
    positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (negative and positive)


def _closest(p: XY, a: XY, b: XY) -> XY:
    dx, dy = b.x - a.x, b.y - a.y
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else ((p.x - a.x) * dx + (p.y - a.y) * dy) / length
    t = min(max(t, 0.0), 1.0)
    return XY(a.x + t * dx, a.y + t * dy)
