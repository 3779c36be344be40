"""The furnished demo home: ``home.yaml`` (a homeweave.yaml), the scenes and automations over the
partner ecosystems' devices (``partners.yaml``), and the simulators each ecosystem adds."""
