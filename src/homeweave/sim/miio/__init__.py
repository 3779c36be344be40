"""Simulated Xiaomi Wi-Fi devices speaking the real miIO/MIoT protocol over UDP on loopback.

Nothing here imports ``homeweave.core``. The packet codec is the integration's own
``homeweave.protocols.miio.protocol`` (pure wire code, checked against published test vectors
and, through these simulators, against python-miio).
"""
