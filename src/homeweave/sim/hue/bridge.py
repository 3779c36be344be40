"""What a Hue bridge knows and does, without HTTP: resources, app keys and the link button,
CLIP v2 reads and writes with their events, and the physical world changing (motion, buttons).
"""

from __future__ import annotations

import copy
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from homeweave.model.color import MIRED_KELVIN, kelvin_to_xy
from homeweave.sim.hue.events import EventStream, timestamp
from homeweave.sim.hue.resources import (
    HomeBuilder,
    Resource,
    light_level_feature,
    lux_to_light_level,
    temperature_feature,
)

Changes = dict[str, Any]
LINK_WINDOW = 30.0
"""Seconds a pressed link button lets apps register, as on a real bridge."""

# What a PUT to a light may carry; the others are rejected like a real bridge rejects them.
LIGHT_WRITABLE = {
    "on",
    "dimming",
    "color_temperature",
    "color",
    "dynamics",
    "alert",
    "identify",
    "signaling",
    "effects",
    "metadata",
}
GROUP_WRITABLE = {"on", "dimming", "color_temperature", "color", "dynamics", "alert", "signaling"}
CREATABLE = {"geofence_client"}


class ClipError(Exception):
    """A request the bridge refuses: HTTP ``status`` and the CLIP error description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class BridgeState:
    """One bridge's resources and users. Every change is published on ``events``."""

    def __init__(
        self,
        resources: Iterable[Resource],
        *,
        name: str = "Hue Bridge",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.resources: dict[str, Resource] = {r["id"]: copy.deepcopy(r) for r in resources}
        self.name = name
        self.events = EventStream()
        self.app_keys: dict[str, str] = {}
        self._clock = clock
        self._link_until: float | None = 0.0
        bridge = next((r for r in self.resources.values() if r["type"] == "bridge"), None)
        if bridge is None:
            raise ValueError("a bridge needs a resource of type 'bridge'")
        self.bridge_id: str = str(bridge["bridge_id"]).upper()
        for group in self._of_type("grouped_light"):
            _merge(group, group_summary(self.group_lights(group)))

    # --- v1: config and app keys ---------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """``GET /api/config``: who this bridge is (no key needed)."""
        mac = self.bridge_id.lower()
        mac = mac[:6] + mac[-6:] if len(mac) == 16 else mac
        return {
            "name": self.name,
            "datastoreversion": "166",
            "swversion": "1967054020",
            "apiversion": "1.67.0",
            "mac": ":".join(mac[i : i + 2] for i in range(0, len(mac), 2)),
            "bridgeid": self.bridge_id,
            "factorynew": False,
            "replacesbridgeid": None,
            "modelid": "BSB002",
            "starterkitid": "",
        }

    def press_link_button(self, seconds: float | None = LINK_WINDOW) -> None:
        """Press the link button: apps may register for ``seconds`` (None: until released)."""
        self._link_until = None if seconds is None else self._clock() + seconds

    def release_link_button(self) -> None:
        """Release the link button: no app may register until it is pressed again."""
        self._link_until = 0.0

    @property
    def link_button_pressed(self) -> bool:
        """Whether apps may register now."""
        return self._link_until is None or self._clock() < self._link_until

    def create_user(self, body: object) -> list[dict[str, Any]]:
        """``POST /api``: a new app key if the link button is pressed, else error 101."""
        if not isinstance(body, dict) or not isinstance(body.get("devicetype"), str):
            return [_v1_error(5, "", "invalid/missing parameters in body")]
        if not self.link_button_pressed:
            return [_v1_error(101, "", "link button not pressed")]
        success: dict[str, str] = {"username": self.new_app_key(body["devicetype"])}
        if body.get("generateclientkey"):
            success["clientkey"] = secrets.token_hex(16).upper()
        return [{"success": success}]

    def new_app_key(self, devicetype: str = "homeweave#sim") -> str:
        """Register an app directly (what pressing the button and POST /api achieve)."""
        key = secrets.token_urlsafe(30)[:40]
        self.app_keys[key] = devicetype
        return key

    def authorized(self, key: str | None) -> bool:
        """Return whether ``key`` is a registered app key."""
        return key is not None and key in self.app_keys

    # --- v2: resources ---------------------------------------------------------------------------
    def get(self, rtype: str | None = None, rid: str | None = None) -> list[Resource]:
        """``GET /clip/v2/resource[/rtype[/id]]``."""
        if rid is not None:
            resource = self.resources.get(rid)
            if resource is None or resource["type"] != rtype:
                raise ClipError(404, "Not Found")
            return [copy.deepcopy(resource)]
        found = [r for r in self.resources.values() if rtype is None or r["type"] == rtype]
        return copy.deepcopy(found)

    def put(self, rtype: str, rid: str, body: object) -> list[dict[str, str]]:
        """``PUT /clip/v2/resource/<rtype>/<id>``: apply, publish the changes, answer the id."""
        resource = self._resource(rtype, rid)
        if not isinstance(body, dict) or not body:
            raise ClipError(400, "body must be a JSON object with at least one property")
        if rtype == "light":
            _check_keys(body, LIGHT_WRITABLE, rtype)
            self._publish_lights({rid: apply_light(resource, body)})
        elif rtype == "grouped_light":
            _check_keys(body, GROUP_WRITABLE, rtype)
            changed = {}
            for light in self.group_lights(resource):
                supported = {k: v for k, v in body.items() if k in light or k in {"dynamics"}}
                changed[light["id"]] = apply_light(light, supported)
            self._publish_lights(changed)
        else:
            _check_keys(
                body, set(resource) - {"id", "type", "owner", "id_v1"} | {"identify"}, rtype
            )
            changes = _merge(resource, {k: v for k, v in body.items() if k != "identify"})
            self.events.publish("update", [_event_item(resource, changes)] if changes else [])
        return [{"rid": rid, "rtype": rtype}]

    def post(self, rtype: str, body: object) -> list[dict[str, str]]:
        """``POST /clip/v2/resource/<rtype>``: only what aiohue creates (geofence clients)."""
        if rtype not in CREATABLE:
            raise ClipError(405, f"cannot create resources of type {rtype}")
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise ClipError(400, "a geofence_client needs a name")
        rid = _new_id()
        resource: Resource = {"id": rid, "type": rtype, "name": body["name"]}
        self.resources[rid] = resource
        self.events.publish("add", [copy.deepcopy(resource)])
        return [{"rid": rid, "rtype": rtype}]

    def delete(self, rtype: str, rid: str) -> list[dict[str, str]]:
        """``DELETE /clip/v2/resource/<rtype>/<id>`` (geofence clients only)."""
        self._resource(rtype, rid)
        if rtype not in CREATABLE:
            raise ClipError(405, f"cannot delete resources of type {rtype}")
        del self.resources[rid]
        self.events.publish("delete", [{"id": rid, "type": rtype}])
        return [{"rid": rid, "rtype": rtype}]

    def group_lights(self, group: Resource) -> list[Resource]:
        """The lights a grouped_light commands (through its room, zone or the whole home)."""
        owner = self.resources.get(group.get("owner", {}).get("rid", ""))
        return [] if owner is None else list(self._lights_under(owner).values())

    # --- the physical world ------------------------------------------------------------------
    def find(self, name: str, rtype: str) -> Resource:
        """The ``rtype`` service of the device (or light) called ``name``, or by id."""
        if name in self.resources and self.resources[name]["type"] == rtype:
            return self.resources[name]
        for device in self._of_type("device"):
            if device["metadata"]["name"] == name:
                for service in device["services"]:
                    if service["rtype"] == rtype and service["rid"] in self.resources:
                        return self.resources[service["rid"]]
        for resource in self._of_type(rtype):
            if resource.get("metadata", {}).get("name") == name:
                return resource
        raise KeyError(f"no {rtype} called {name!r}")

    def pair_light(self, name: str, room: str, kind: str = "color") -> str:
        """Someone pairs a new lamp in the Hue app and puts it in ``room`` (by name): the
        bridge announces the room change and the new device and services. Returns the light id."""
        target = next(r for r in self._of_type("room") if r["metadata"]["name"] == room)
        builder = HomeBuilder(self.bridge_id)
        scratch = builder.room(room)
        start = len(builder.resources)
        light_id = builder.light(name, scratch, kind)
        added = builder.resources[start:]
        device = next(r for r in added if r["type"] == "device")
        for resource in added:
            self.resources[resource["id"]] = resource
        target["children"].append({"rid": device["id"], "rtype": "device"})
        self.events.publish("update", [_event_item(target, {"children": target["children"]})])
        self.events.publish("add", copy.deepcopy(added))
        return light_id

    def switch_light(self, name: str, **changes: Any) -> None:
        """Someone used a wall switch or another app: a light changes without our API."""
        light = self.find(name, "light")
        self._publish_lights({light["id"]: apply_light(light, changes)})

    def set_motion(self, name: str, detected: bool) -> None:
        """Report motion (or its end) from sensor ``name``, pushed as an event."""
        now = timestamp()
        report = {"motion": detected, "motion_report": {"changed": now, "motion": detected}}
        self._sensor(name, "motion", {"motion": {**report, "motion_valid": True}})

    def set_light_level(self, name: str, lux: float) -> None:
        """Report an illuminance in lux from sensor ``name`` (as Hue's light level)."""
        level = lux_to_light_level(lux)
        self._sensor(name, "light_level", {"light": light_level_feature(level, timestamp())})

    def set_temperature(self, name: str, celsius: float) -> None:
        """Report a temperature in °C from sensor ``name``."""
        self._sensor(
            name, "temperature", {"temperature": temperature_feature(celsius, timestamp())}
        )

    def set_battery(self, name: str, level: int) -> None:
        """Report a battery level in % from device ``name`` (low at 25, critical at 10)."""
        state = "normal" if level > 25 else "low" if level > 10 else "critical"
        power = {"power_state": {"battery_level": level, "battery_state": state}}
        self._sensor(name, "device_power", power)

    def set_reachable(self, name: str, reachable: bool) -> None:
        """A lamp loses power or comes back (its zigbee_connectivity status)."""
        status = "connected" if reachable else "connectivity_issue"
        self._sensor(name, "zigbee_connectivity", {"status": status})

    def press_button(self, name: str, control_id: int, event: str = "short_release") -> None:
        """A button of a switch reports ``initial_press``/``short_release``/``long_press``..."""
        for button in self._services_of(name, "button"):
            if button["metadata"]["control_id"] == control_id:
                report = {"event": event, "updated": timestamp()}
                feature = {**button.get("button", {}), "button_report": report, "last_event": event}
                button["button"] = feature
                item = _event_item(
                    button, {"button": {"button_report": report, "last_event": event}}
                )
                self.events.publish("update", [item])
                return
        raise KeyError(f"{name!r} has no button {control_id}")

    # --- internals ---------------------------------------------------------------------------
    def _resource(self, rtype: str, rid: str) -> Resource:
        resource = self.resources.get(rid)
        if resource is None or resource["type"] != rtype:
            raise ClipError(404, f"resource {rtype}/{rid} not found")
        return resource

    def _of_type(self, rtype: str) -> list[Resource]:
        return [r for r in self.resources.values() if r["type"] == rtype]

    def _services_of(self, name: str, rtype: str) -> list[Resource]:
        for device in self._of_type("device"):
            if device["metadata"]["name"] == name or device["id"] == name:
                rids = [s["rid"] for s in device["services"] if s["rtype"] == rtype]
                return [self.resources[rid] for rid in rids if rid in self.resources]
        raise KeyError(f"no device called {name!r}")

    def _sensor(self, name: str, rtype: str, changes: Changes) -> None:
        resource = self.find(name, rtype)
        changed = _merge(resource, changes)
        self.events.publish("update", [_event_item(resource, changed)] if changed else [])

    def _lights_under(self, node: Resource) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        for child in node.get("children", []):
            target = self.resources.get(child["rid"])
            if target is None:
                continue
            if target["type"] == "light":
                found[target["id"]] = target
            elif target["type"] == "device":
                for service in target["services"]:
                    light = self.resources.get(service["rid"])
                    if light is not None and light["type"] == "light":
                        found[light["id"]] = light
            elif target["type"] in ("room", "zone"):
                found.update(self._lights_under(target))
        return found

    def _groups_of(self, light_ids: set[str]) -> list[Resource]:
        return [
            group
            for group in self._of_type("grouped_light")
            if light_ids & {light["id"] for light in self.group_lights(group)}
        ]

    def _publish_lights(self, changed: dict[str, Changes]) -> None:
        items = [_event_item(self.resources[rid], c) for rid, c in changed.items() if c]
        for group in self._groups_of({rid for rid, c in changed.items() if c}):
            summary = group_summary(self.group_lights(group))
            group_changes = _merge(group, summary)
            if group_changes:
                items.append(_event_item(group, group_changes))
        self.events.publish("update", items)


def apply_light(light: Resource, body: dict[str, Any]) -> Changes:
    """Apply a PUT body to a light the way a bridge does; returns the features that changed."""
    features = ("on", "dimming", "color_temperature", "color")
    new = copy.deepcopy({k: light[k] for k in features if k in light})
    if "on" in body:
        new["on"] = {"on": _typed(body["on"], "on", bool)}
    if "dimming" in body and "dimming" in light:
        level = float(_typed(body["dimming"], "brightness", (int, float)))
        if not 0 <= level <= 100:
            raise ClipError(400, f"invalid value, {level}, for parameter, brightness")
        low = light["dimming"].get("min_dim_level") or 0.0
        new["dimming"]["brightness"] = round(max(level, low), 2)
    if "color_temperature" in body and "color_temperature" in light:
        mirek = _typed(body["color_temperature"], "mirek", int)
        schema = light["color_temperature"]["mirek_schema"]
        if not schema["mirek_minimum"] <= mirek <= schema["mirek_maximum"]:
            raise ClipError(400, f"invalid value, {mirek}, for parameter, mirek")
        new["color_temperature"].update(mirek=mirek, mirek_valid=True)
        if "color" in new:
            new["color"]["xy"] = kelvin_to_xy(MIRED_KELVIN / mirek)._asdict()
    if "color" in body and "color" in light:
        xy = _typed(body["color"], "xy", dict)
        x, y = xy.get("x"), xy.get("y")
        if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in (x, y)):
            raise ClipError(400, f"invalid value, {xy}, for parameter, xy")
        new["color"]["xy"] = {"x": round(float(x), 4), "y": round(float(y), 4)}
        if "color_temperature" in new:
            new["color_temperature"].update(mirek=None, mirek_valid=False)
    if "metadata" in body:
        new["metadata"] = {**light.get("metadata", {}), **_typed_dict(body["metadata"])}
    return _merge(light, new)


def group_summary(lights: list[Resource]) -> Changes:
    """A grouped light's state: on if any member is, brightness the mean of those that are on."""
    on = [light for light in lights if light.get("on", {}).get("on")]
    levels = [light["dimming"]["brightness"] for light in on if "dimming" in light]
    brightness = round(sum(levels) / len(levels), 2) if levels else 0.0
    return {"on": {"on": bool(on)}, "dimming": {"brightness": brightness}}


def _merge(target: dict[str, Any], changes: Changes) -> Changes:
    """Deep-merge ``changes`` into ``target``; returns only the leaves that really changed."""
    changed: Changes = {}
    for key, value in changes.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            inner = _merge(current, value)
            if inner:
                changed[key] = inner
        elif key not in target or current != value:
            target[key] = copy.deepcopy(value)
            changed[key] = copy.deepcopy(value)
    return changed


def _event_item(resource: Resource, changes: Changes) -> Resource:
    item: Resource = {"id": resource["id"], "type": resource["type"]}
    for key in ("id_v1", "owner"):
        if key in resource:
            item[key] = resource[key]
    item.update(copy.deepcopy(changes))
    return item


def _check_keys(body: dict[str, Any], allowed: set[str], rtype: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ClipError(400, f"device ({rtype}) has no writable attribute {unknown[0]!r}")


def _typed(feature: object, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(feature, dict) or key not in feature:
        raise ClipError(400, f"invalid value, {feature}, expected an object with {key!r}")
    value = feature[key]
    if isinstance(value, bool) and kind is not bool:
        raise ClipError(400, f"invalid value, {value}, for parameter, {key}")
    if not isinstance(value, kind):
        raise ClipError(400, f"invalid value, {value}, for parameter, {key}")
    return value


def _typed_dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ClipError(400, f"invalid value, {value}, expected an object")
    return value


def _v1_error(kind: int, address: str, description: str) -> dict[str, Any]:
    return {"error": {"type": kind, "address": address, "description": description}}


def _new_id() -> str:
    return str(uuid.uuid4())
