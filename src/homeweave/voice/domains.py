"""Which Home Assistant domain (the intents' vocabulary) a device of ours is, by the standard
service names of its spec — never by vendor."""

from __future__ import annotations

from dataclasses import dataclass

from homeweave.model import DeviceSpec

# Standard service name -> (domain, device class), most telling first: a thermostat also has an
# environment service, a vacuum a battery.
_SERVICES: tuple[tuple[str, str, str], ...] = (
    ("light", "light", ""),
    ("lock", "lock", ""),
    ("thermostat", "climate", ""),
    ("air-conditioner", "climate", ""),
    ("humidifier", "humidifier", ""),
    ("vacuum", "vacuum", ""),
    ("speaker", "media_player", "speaker"),
    ("play-control", "media_player", ""),
    ("curtain", "cover", "curtain"),
    ("air-purifier", "fan", ""),
    ("fan", "fan", ""),
    ("switch", "switch", "outlet"),
    ("wireless-charger", "switch", ""),
    ("magnet-sensor", "binary_sensor", "door"),
    ("motion-sensor", "binary_sensor", "motion"),
    ("submersion-sensor", "binary_sensor", "moisture"),
    ("temperature-humidity-sensor", "sensor", "temperature"),
    ("environment", "sensor", "temperature"),
    ("illumination-sensor", "sensor", "illuminance"),
)

# Words in a device's name that tell a door from a window, a blind from a curtain.
_CLASS_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "binary_sensor": (("window", "window"), ("garage", "garage_door")),
    "cover": (("blind", "blind"), ("shade", "shade"), ("shutter", "shutter"), ("awning", "awning")),
}


@dataclass(frozen=True, slots=True)
class Domain:
    """A device's domain and device class, as the intents name them."""

    domain: str
    device_class: str = ""


def domain_of(spec: DeviceSpec, name: str = "") -> Domain | None:
    """Return the domain of a device, or None when voice has nothing to say to it."""
    names = {service.name for service in spec.services}
    for service, domain, device_class in _SERVICES:
        if service in names:
            lowered = name.lower()
            for word, named_class in _CLASS_WORDS.get(domain, ()):
                if word in lowered:
                    return Domain(domain, named_class)
            return Domain(domain, device_class)
    return None
