"""Xiaomi miIO/MIoT over UDP: packet codec, client, MIoT calls, discovery."""
