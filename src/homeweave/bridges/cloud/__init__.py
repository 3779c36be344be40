"""The edge → cloud link: this hub's state changes and events go to NATS JetStream
(``hw.<home>.state``, ``hw.<home>.event``, each with a message id for de-duplication) and
commands come in on ``hw.<home>.cmd`` (request/reply) through the hub's own ``Commands``.
While NATS is out of reach the hub goes on as before and queues what it must publish in a
bounded outbox on disk (oldest dropped first, counted), replayed in order once the link is back.
Configured as a bridge: ``bridges: {cloud: {nats: nats://host:4222, home_id: ...}}``.
"""
