"""A fleet of lightweight edge hubs in one process (``homeweave sim fleet``): many homes that
speak the edge link's NATS protocol (``bridges/cloud``) without running a hub each."""
