"""Hue emulation: the hub's devices as lights of a Philips Hue bridge, for an Amazon Echo on the
LAN (local voice control, no cloud account, no skill) and for Hue v1 apps.

Off by default; enable it in homeweave.yaml:

```yaml
bridges:
  hue_emulation:
    advertise_ip: 192.168.1.20   # this host's LAN address (default: the default route's)
    port: 80                     # Echo devices only use 80: see the README on privileges
    advertise_port: null         # the port to announce, if 80 is redirected to another
    ssdp_port: 1900              # SSDP (multicast group 239.255.255.250 joined on it)
    expose:
      categories: [light, plug, cover, fan, thermostat]
      rooms: [living-room]       # and/or devices: [...]; neither: every room
```

An SSDP responder answers M-SEARCH like a Hue bridge (``ssdp``), ``/description.xml``
describes it (``description``), and the v1 REST API (``server``) serves lights built from the
devices' standard services (``lights`` has the table; covers, fans and thermostats are dimmable
lights). Light numbers and the bridge's identity are kept in ``DATA_DIR/hue-emulation.json``, so
an Echo finds the same devices after a restart. What Echo devices need (model ids, the
``uniqueid`` format, port 80, the shape of a ``PUT`` answer) is written down in ``v1``.
Anyone on the LAN who can reach the port can switch the exposed devices, as with a real bridge
whose link button was pressed: expose only what a visitor's phone may switch.
"""
