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


# The CSS Color Module Level 4 named colours (148 names, greys in both spellings).
CSS_COLORS: dict[str, int] = {
    "aliceblue": 0xF0F8FF, "antiquewhite": 0xFAEBD7, "aqua": 0x00FFFF, "aquamarine": 0x7FFFD4,
    "azure": 0xF0FFFF, "beige": 0xF5F5DC, "bisque": 0xFFE4C4, "black": 0x000000,
    "blanchedalmond": 0xFFEBCD, "blue": 0x0000FF, "blueviolet": 0x8A2BE2, "brown": 0xA52A2A,
    "burlywood": 0xDEB887, "cadetblue": 0x5F9EA0, "chartreuse": 0x7FFF00,
    "chocolate": 0xD2691E, "coral": 0xFF7F50, "cornflowerblue": 0x6495ED,
    "cornsilk": 0xFFF8DC, "crimson": 0xDC143C, "cyan": 0x00FFFF, "darkblue": 0x00008B,
    "darkcyan": 0x008B8B, "darkgoldenrod": 0xB8860B, "darkgray": 0xA9A9A9,
    "darkgreen": 0x006400, "darkgrey": 0xA9A9A9, "darkkhaki": 0xBDB76B,
    "darkmagenta": 0x8B008B, "darkolivegreen": 0x556B2F, "darkorange": 0xFF8C00,
    "darkorchid": 0x9932CC, "darkred": 0x8B0000, "darksalmon": 0xE9967A,
    "darkseagreen": 0x8FBC8F, "darkslateblue": 0x483D8B, "darkslategray": 0x2F4F4F,
    "darkslategrey": 0x2F4F4F, "darkturquoise": 0x00CED1, "darkviolet": 0x9400D3,
    "deeppink": 0xFF1493, "deepskyblue": 0x00BFFF, "dimgray": 0x696969, "dimgrey": 0x696969,
    "dodgerblue": 0x1E90FF, "firebrick": 0xB22222, "floralwhite": 0xFFFAF0,
    "forestgreen": 0x228B22, "fuchsia": 0xFF00FF, "gainsboro": 0xDCDCDC,
    "ghostwhite": 0xF8F8FF, "gold": 0xFFD700, "goldenrod": 0xDAA520, "gray": 0x808080,
    "green": 0x008000, "greenyellow": 0xADFF2F, "grey": 0x808080, "honeydew": 0xF0FFF0,
    "hotpink": 0xFF69B4, "indianred": 0xCD5C5C, "indigo": 0x4B0082, "ivory": 0xFFFFF0,
    "khaki": 0xF0E68C, "lavender": 0xE6E6FA, "lavenderblush": 0xFFF0F5,
    "lawngreen": 0x7CFC00, "lemonchiffon": 0xFFFACD, "lightblue": 0xADD8E6,
    "lightcoral": 0xF08080, "lightcyan": 0xE0FFFF, "lightgoldenrodyellow": 0xFAFAD2,
    "lightgray": 0xD3D3D3, "lightgreen": 0x90EE90, "lightgrey": 0xD3D3D3,
    "lightpink": 0xFFB6C1, "lightsalmon": 0xFFA07A, "lightseagreen": 0x20B2AA,
    "lightskyblue": 0x87CEFA, "lightslategray": 0x778899, "lightslategrey": 0x778899,
    "lightsteelblue": 0xB0C4DE, "lightyellow": 0xFFFFE0, "lime": 0x00FF00,
    "limegreen": 0x32CD32, "linen": 0xFAF0E6, "magenta": 0xFF00FF, "maroon": 0x800000,
    "mediumaquamarine": 0x66CDAA, "mediumblue": 0x0000CD, "mediumorchid": 0xBA55D3,
    "mediumpurple": 0x9370DB, "mediumseagreen": 0x3CB371, "mediumslateblue": 0x7B68EE,
    "mediumspringgreen": 0x00FA9A, "mediumturquoise": 0x48D1CC,
    "mediumvioletred": 0xC71585, "midnightblue": 0x191970, "mintcream": 0xF5FFFA,
    "mistyrose": 0xFFE4E1, "moccasin": 0xFFE4B5, "navajowhite": 0xFFDEAD, "navy": 0x000080,
    "oldlace": 0xFDF5E6, "olive": 0x808000, "olivedrab": 0x6B8E23, "orange": 0xFFA500,
    "orangered": 0xFF4500, "orchid": 0xDA70D6, "palegoldenrod": 0xEEE8AA,
    "palegreen": 0x98FB98, "paleturquoise": 0xAFEEEE, "palevioletred": 0xDB7093,
    "papayawhip": 0xFFEFD5, "peachpuff": 0xFFDAB9, "peru": 0xCD853F, "pink": 0xFFC0CB,
    "plum": 0xDDA0DD, "powderblue": 0xB0E0E6, "purple": 0x800080,
    "rebeccapurple": 0x663399, "red": 0xFF0000, "rosybrown": 0xBC8F8F,
    "royalblue": 0x4169E1, "saddlebrown": 0x8B4513, "salmon": 0xFA8072,
    "sandybrown": 0xF4A460, "seagreen": 0x2E8B57, "seashell": 0xFFF5EE, "sienna": 0xA0522D,
    "silver": 0xC0C0C0, "skyblue": 0x87CEEB, "slateblue": 0x6A5ACD, "slategray": 0x708090,
    "slategrey": 0x708090, "snow": 0xFFFAFA, "springgreen": 0x00FF7F,
    "steelblue": 0x4682B4, "tan": 0xD2B48C, "teal": 0x008080, "thistle": 0xD8BFD8,
    "tomato": 0xFF6347, "turquoise": 0x40E0D0, "violet": 0xEE82EE, "wheat": 0xF5DEB3,
    "white": 0xFFFFFF, "whitesmoke": 0xF5F5F5, "yellow": 0xFFFF00,
    "yellowgreen": 0x9ACD32,
}  # fmt: skip


def parse_color(text: str) -> int:
    """``#rrggbb``, ``#rgb`` or a CSS colour name (``red``, ``RebeccaPurple``) as ``0xRRGGBB``.

    Raises ValueError when ``text`` is neither.
    """
    spelled = text.strip().lower()
    if spelled in CSS_COLORS:
        return CSS_COLORS[spelled]
    digits = spelled[1:] if spelled.startswith("#") else ""
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 6 and all(c in "0123456789abcdef" for c in digits):
        return int(digits, 16)
    raise ValueError(f"{text!r} is not a colour (#rrggbb or a CSS name such as 'red')")
