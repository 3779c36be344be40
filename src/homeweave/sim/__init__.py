"""The outside world: simulators of devices and hubs, and the furnished demo home.

Nothing here imports ``homeweave.core``: a simulator is what the hub talks *to*.
"""
