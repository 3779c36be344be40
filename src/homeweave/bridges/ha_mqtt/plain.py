"""Entities that stand for one property, action or event service: sensor, binary_sensor,
switch, number, select, button and event. Which one follows from the property's shape
(format, access, value list) and the tables, never from the device's vendor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
    Address,
    BadCommand,
    Commander,
    Do,
    Entity,
    EntityTopics,
    Op,
    Read,
    Renderer,
    Set,
    number_of,
    on_off,
    text_of,
    value_at,
)
from homeweave.bridges.ha_mqtt.tables import (
    BINARY_CLASSES,
    CLASS_UNITS,
    SENSOR_CLASSES,
    TOTALS,
    UNIT_CLASSES,
)
from homeweave.model import Action, Event, Format, Property, Service, Value, ValueRange
from homeweave.model.spec import INTEGER_BOUNDS
from homeweave.model.units import normalize, unit_symbol

VALUE_TEMPLATE = "{{ value_json.value }}"
STATE_TEMPLATE = "{{ value_json.state }}"
PRESS = "PRESS"
UNBOUNDED = (-1e9, 1e9)  # a float number without a range


def unit_and_class(prop: Property) -> tuple[str | None, str | None]:
    """HA's unit_of_measurement and device_class for a numeric property (either may be None)."""
    canonical = normalize(prop.unit)
    unit = unit_symbol(canonical) or None
    device_class = UNIT_CLASSES.get(canonical or "")
    named = SENSOR_CLASSES.get(prop.name)
    if named is not None:
        device_class = named[0]
        unit = unit or named[1]
    if device_class is not None and unit not in CLASS_UNITS.get(device_class, frozenset()):
        device_class = None
    return unit, device_class


def precision(prop: Property) -> int | None:
    """Decimals worth showing, from the value range's step (None: no opinion)."""
    if prop.format is not Format.FLOAT:
        return 0
    step = prop.value_range.step if prop.value_range else 0
    if not step:
        return None
    decimals = 0
    while not float(step * 10**decimals).is_integer() and decimals < 6:
        decimals += 1
    return decimals


def choice_names(prop: Property) -> dict[int, str]:
    """Value-list entries by value, named by their description (unique, never empty)."""
    names: dict[int, str] = {}
    for choice in prop.value_list:
        name = choice.description.strip() or str(choice.value)
        if name in names.values():
            name = f"{name} ({choice.value})"
        names[choice.value] = name
    return names


def plain_entity(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The entity for a property no richer entity claimed; None for formats HA cannot show."""
    if prop.format in (Format.NONE, Format.UNKNOWN, Format.HEX):
        return None
    if prop.writable:
        if prop.format is Format.BOOL:
            return _switch(service, prop, key, name, topics)
        if prop.value_list:
            return _select(service, prop, key, name, topics)
        if prop.numeric:
            return _number(service, prop, key, name, topics)
        return None  # writable text: HA's text entity is not worth a free-form write
    if not prop.readable and not prop.notifies:
        return None
    if prop.format is Format.BOOL:
        return _binary_sensor(service, prop, key, name, topics)
    return _sensor(service, prop, key, name, topics)


def _address(service: Service, prop: Property) -> str:
    return f"{service.key}/{prop.key}"


def _state_of(prop_address: Address, invert: bool = False) -> Renderer:
    def render(read: Read) -> dict[str, Any] | None:
        value = value_at(read, prop_address)
        if value is None:
            return None
        return {"state": "ON" if bool(value) != invert else "OFF"}

    return render


def _value_of(prop_address: Address, names: Mapping[int, str] | None = None) -> Renderer:
    def render(read: Read) -> dict[str, Any] | None:
        value = value_at(read, prop_address)
        if value is None:
            return None
        if names is not None:
            shown = names.get(int(value)) if not isinstance(value, str) else None
            return None if shown is None else {"value": shown}
        return {"value": value}

    return render


def _entity(
    component: str,
    service: Service,
    prop: Property,
    key: str,
    name: str | None,
    config: dict[str, Any],
    render: Renderer,
    command: Commander | None = None,
) -> Entity:
    address = frozenset({(service.iid, prop.iid)})
    return Entity(component, key, name, config, address, render, command, claims=address)


def _sensor(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    address = (service.iid, prop.iid)
    config: dict[str, Any] = {"state_topic": topics.state, "value_template": VALUE_TEMPLATE}
    if prop.value_list:
        names = choice_names(prop)
        config.update(device_class="enum", options=list(names.values()))
        return _entity("sensor", service, prop, key, name, config, _value_of(address, names))
    if prop.numeric:
        unit, device_class = unit_and_class(prop)
        if unit:
            config["unit_of_measurement"] = unit
        if device_class:
            config["device_class"] = device_class
        config["state_class"] = "total_increasing" if device_class in TOTALS else "measurement"
        decimals = precision(prop)
        if decimals is not None:
            config["suggested_display_precision"] = decimals
    return _entity("sensor", service, prop, key, name, config, _value_of(address))


def _binary_sensor(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    device_class, invert = BINARY_CLASSES.get(prop.name, (None, False))
    config: dict[str, Any] = {
        "state_topic": topics.state,
        "value_template": STATE_TEMPLATE,
        "payload_on": "ON",
        "payload_off": "OFF",
    }
    if device_class:
        config["device_class"] = device_class
    render = _state_of((service.iid, prop.iid), invert=invert)
    return _entity("binary_sensor", service, prop, key, name, config, render)


def _switch(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    config: dict[str, Any] = {
        "command_topic": topics.command(),
        "payload_on": "ON",
        "payload_off": "OFF",
    }
    if prop.readable or prop.notifies:
        config.update(state_topic=topics.state, value_template=STATE_TEMPLATE)
    else:
        config["optimistic"] = True
    address = _address(service, prop)

    def command(field: str, payload: bytes) -> list[Op]:
        return [Set(address, on_off(text_of(payload), address))]

    render = _state_of((service.iid, prop.iid))
    return _entity("switch", service, prop, key, name, config, render, command)


def _select(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    names = choice_names(prop)
    config: dict[str, Any] = {"command_topic": topics.command(), "options": list(names.values())}
    if prop.readable or prop.notifies:
        config.update(state_topic=topics.state, value_template=VALUE_TEMPLATE)
    else:
        config["optimistic"] = True
    values = {shown: value for value, shown in names.items()}
    address = _address(service, prop)

    def command(field: str, payload: bytes) -> list[Op]:
        option = text_of(payload)
        if option not in values:
            raise BadCommand(f"{address}: unknown option {option!r}; options: {list(values)}")
        return [Set(address, values[option])]

    render = _value_of((service.iid, prop.iid), names)
    return _entity("select", service, prop, key, name, config, render, command)


def _number(
    service: Service, prop: Property, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    config: dict[str, Any] = {"command_topic": topics.command()}
    if prop.readable or prop.notifies:
        config.update(state_topic=topics.state, value_template=VALUE_TEMPLATE)
    else:
        config["optimistic"] = True
    integral = prop.format in INTEGER_BOUNDS
    low, high = INTEGER_BOUNDS.get(prop.format, UNBOUNDED)
    rng = prop.value_range or ValueRange(low, high, 0)
    config.update(min=rng.min, max=rng.max, step=rng.step or (1 if integral else 0.001))
    if prop.value_range is None:
        config["mode"] = "box"  # no slider across a whole integer type
    unit, device_class = unit_and_class(prop)
    if unit:
        config["unit_of_measurement"] = unit
    if device_class:
        config["device_class"] = device_class
    address = _address(service, prop)

    def command(field: str, payload: bytes) -> list[Op]:
        number = number_of(text_of(payload), address)
        value: Value = round(number) if integral and number.is_integer() else number
        return [Set(address, value)]

    render = _value_of((service.iid, prop.iid))
    return _entity("number", service, prop, key, name, config, render, command)


def button(
    service: Service, action: Action, key: str, name: str | None, topics: EntityTopics
) -> Entity:
    """A button pressing an action that takes no inputs."""
    config = {"command_topic": topics.command(), "payload_press": PRESS}
    target = f"{service.key}/{action.key}"

    def command(field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if text != PRESS:
            raise BadCommand(f"{target}: expected {PRESS}, got {text!r}")
        return [Do(target)]

    address = (service.iid, action.iid)
    return Entity(
        "button", key, name, config, command=command, claimed_actions=frozenset({address})
    )


def event_entity(service: Service, key: str, name: str | None, topics: EntityTopics) -> Entity:
    """An event entity firing the service's events (button presses, door opened, ...)."""
    events: dict[int, Event] = {event.iid: event for event in service.events}
    config = {
        "state_topic": topics.state,
        "event_types": [event.key for event in service.events],
    }

    def render_event(eiid: int, arguments: Mapping[int, Value]) -> dict[str, Any] | None:
        event = events.get(eiid)
        if event is None:
            return None
        shown: dict[str, Any] = {"event_type": event.key}
        for piid, value in arguments.items():
            prop = service.properties.find(piid)
            shown[prop.key if prop is not None else str(piid)] = value
        return shown

    return Entity("event", key, name, config, event_siid=service.iid, render_event=render_event)
