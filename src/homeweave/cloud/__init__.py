"""Fleet services (``homeweave cloud ...``): stateless replicas on NATS JetStream and PostgreSQL.

- ``streams``: the names every part of the fleet agrees on (subjects, the fleet stream, the
  ingest consumer) and their idempotent setup.
- ``ingest``: the durable pull consumer group writing history and events to PostgreSQL.
- ``status``: homes online, consumer lag, ingest rate.
- ``fleet_schema``: the fleet's PostgreSQL tables (schema ``fleet``), partitioned by home.
- ``api``: the REST + WebSocket API for every home a caller may reach (``homeweave cloud
  api``), with ``fleet`` (its NATS connection, commands to homes), ``reach`` (what a token
  reaches), ``ws`` (state changes over a WebSocket) and ``alexa`` (the Alexa skill endpoint for
  all of a token's homes).
- ``last_states``: the ``hw_states`` KV bucket of last values, kept by the API replicas.
"""
