"""What our names and units mean to Home Assistant: data only, read by the components.

Keys are MIoT type names (``battery-level``), value-list descriptions lower-cased
(``returning to dock``) and canonical unit names (``celsius``; ``model.units`` normalizes
every other spelling and gives the symbol HA shows).
"""

from __future__ import annotations

# Canonical unit (model/units.py) -> the sensor device_class the unit alone implies; HA's
# unit_of_measurement is the unit's symbol there. ``kelvin`` is none: in our specs it is a
# colour temperature, not a thermometer.
UNIT_CLASSES: dict[str, str] = {
    "celsius": "temperature",
    "fahrenheit": "temperature",
    "watt": "power",
    "kilowatt": "power",
    "kWh": "energy",
    "Wh": "energy",
    "volt": "voltage",
    "millivolt": "voltage",
    "ampere": "current",
    "milliampere": "current",
    "lux": "illuminance",
    "seconds": "duration",
    "minutes": "duration",
    "hours": "duration",
    "days": "duration",
    "hPa": "pressure",
    "kPa": "pressure",
    "pascal": "pressure",
}

# Property name -> (sensor device_class, its unit when the property names none). A percentage
# says nothing by itself; the name does.
SENSOR_CLASSES: dict[str, tuple[str, str | None]] = {
    "relative-humidity": ("humidity", "%"),
    "battery-level": ("battery", "%"),
    "temperature": ("temperature", "°C"),
    "illumination": ("illuminance", "lx"),
    "atmospheric-pressure": ("pressure", "hPa"),
    "electric-power": ("power", "W"),
    "power-consumption": ("energy", "kWh"),
    "voltage": ("voltage", "V"),
    "electric-current": ("current", "A"),
    "pm2.5-density": ("pm25", "µg/m³"),
    "pm10-density": ("pm10", "µg/m³"),
    "co2-density": ("carbon_dioxide", "ppm"),
    "tvoc-density": ("volatile_organic_compounds", "µg/m³"),
}

# Units Home Assistant accepts for each sensor device_class we use: a class whose unit is not
# among these is dropped rather than making HA refuse the entity.
CLASS_UNITS: dict[str, frozenset[str]] = {
    "temperature": frozenset({"°C", "°F", "K"}),
    "humidity": frozenset({"%"}),
    "battery": frozenset({"%"}),
    "power": frozenset({"W", "kW"}),
    "energy": frozenset({"Wh", "kWh", "MWh"}),
    "voltage": frozenset({"V", "mV"}),
    "current": frozenset({"A", "mA"}),
    "illuminance": frozenset({"lx"}),
    "duration": frozenset({"d", "h", "min", "s", "ms"}),
    "pressure": frozenset({"Pa", "hPa", "kPa", "bar", "mbar", "inHg", "psi", "mmHg", "cbar"}),
    "pm25": frozenset({"µg/m³"}),
    "pm10": frozenset({"µg/m³"}),
    "carbon_dioxide": frozenset({"ppm"}),
    "volatile_organic_compounds": frozenset({"µg/m³", "mg/m³"}),
}

# Device classes whose value only ever grows (meters): state_class total_increasing.
TOTALS = frozenset({"energy"})

# Bool property name -> (binary_sensor device_class, whether our True means HA's OFF).
# A contact sensor's contact-state is True when the magnet touches: the door is closed.
BINARY_CLASSES: dict[str, tuple[str, bool]] = {
    "motion-state": ("motion", False),
    "contact-state": ("door", True),
    "device-present": ("occupancy", False),
    "submersion-state": ("moisture", False),
    "vibration-state": ("vibration", False),
    "smoke-status": ("smoke", False),
    "battery-low": ("battery", False),
    "charging-state": ("battery_charging", False),
}

# Services about keeping the device going, and the entity_category their entities get.
CATEGORIES: dict[str, str] = {
    "battery": "diagnostic",
    "zigbee": "diagnostic",
    "diagnostics": "diagnostic",
    "settings": "config",
}

# Services shown in the HA device block rather than as entities.
INFO_SERVICES = frozenset({"device-information"})
INFO_FIELDS: dict[str, str] = {
    "manufacturer": "manufacturer",
    "model": "model",
    "firmware-revision": "sw_version",
    "serial-number": "serial_number",
}

# Thermostat mode descriptions -> HA hvac modes; other descriptions become presets.
HVAC_MODES: dict[str, str] = {
    "auto": "auto",
    "heat": "heat",
    "heating": "heat",
    "cool": "cool",
    "cooling": "cool",
    "dry": "dry",
    "fan": "fan_only",
    "fan only": "fan_only",
    "ventilation": "fan_only",
    "heat cool": "heat_cool",
    "off": "off",
}
# Thermostat status descriptions -> HA hvac action.
HVAC_ACTIONS: dict[str, str] = {
    "idle": "idle",
    "heating": "heating",
    "heat": "heating",
    "cooling": "cooling",
    "cool": "cooling",
    "drying": "drying",
    "fan": "fan",
    "off": "off",
}
PRESET_NONE = "none"

# Vacuum status descriptions -> HA vacuum states.
VACUUM_STATES: dict[str, str] = {
    "idle": "idle",
    "sleep": "idle",
    "sweeping": "cleaning",
    "cleaning": "cleaning",
    "mopping": "cleaning",
    "sweeping and mopping": "cleaning",
    "paused": "paused",
    "error": "error",
    "returning to dock": "returning",
    "returning": "returning",
    "go charging": "returning",
    "charging": "docked",
    "charged": "docked",
    "docked": "docked",
}
# Vacuum action names -> (HA command payload, HA supported_features entry).
VACUUM_COMMANDS: dict[str, tuple[str, str]] = {
    "start-sweep": ("start", "start"),
    "start-clean": ("start", "start"),
    "stop-sweeping": ("stop", "stop"),
    "stop-clean": ("stop", "stop"),
    "pause-sweeping": ("pause", "pause"),
    "pause": ("pause", "pause"),
    "start-charge": ("return_to_base", "return_home"),
    "return-to-dock": ("return_to_base", "return_home"),
    "find-device": ("locate", "locate"),
}

# Curtain motor-control descriptions -> HA cover command payloads.
COVER_COMMANDS: dict[str, str] = {
    "open": "OPEN",
    "close": "CLOSE",
    "pause": "STOP",
    "stop": "STOP",
}
# Curtain status descriptions -> HA cover states (the rest: by position).
COVER_STATES: dict[str, str] = {"opening": "opening", "closing": "closing"}
