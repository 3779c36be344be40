"""Home Assistant MQTT discovery: every homeweave device shows up in an existing Home Assistant.

Off by default; enable it in homeweave.yaml:

```yaml
bridges:
  ha_mqtt:
    broker: mqtt://127.0.0.1:1883       # the broker HA's MQTT integration uses; mqtts:// for TLS
    username: null                      # or user:pass@ in the URL
    password: null
    discovery_prefix: homeassistant     # HA's discovery prefix (its MQTT integration setting)
    status_topic: homeassistant/status  # HA's birth message topic: "online" -> republish all
    base_topic: homeweave               # our state, command and availability topics
    reconnect_min: 0.5                  # seconds; reconnect backoff with jitter, doubling ...
    reconnect_max: 30                   # ... up to this
    keepalive: 30                       # seconds
```

Each device becomes an HA device (name, model, manufacturer, room as suggested area) with
entities from its spec: a ``light`` service is one JSON-schema light (on, brightness 0..255,
colour temperature in mireds, RGB), a curtain a cover, a thermostat a climate entity, a robot
vacuum a vacuum; other properties become sensors (with unit and device class), binary sensors,
switches, numbers or selects by their shape, actions without inputs buttons, and events event
entities. Configs are published retained under
``<discovery_prefix>/<component>/<base_topic>_<device>/<entity>/config`` at start, after every
reconnect, when HA announces itself (``online`` on ``status_topic``) and when devices come or go
(a removed device's configs are deleted). State JSON goes retained to
``<base_topic>/<device>/<entity>/state``; commands come on ``<base_topic>/<device>/<entity>/set``
(and ``.../set/<field>``) and go through the hub's command validation, so a bad one is logged with
its topic and ignored. Entities are available while both ``<base_topic>/bridge/state`` (our last
will says ``offline``) and ``<base_topic>/<device>/availability`` say ``online``.
"""
