"""Fleet services (``homeweave cloud ...``): stateless replicas on NATS JetStream and PostgreSQL.

- ``streams``: the names every part of the fleet agrees on (subjects, the fleet stream, the
  ingest consumer) and their idempotent setup.
- ``ingest``: the durable pull consumer group writing history and events to PostgreSQL.
- ``status``: homes online, consumer lag, ingest rate.
- ``fleet_schema``: the fleet's PostgreSQL tables (schema ``fleet``), partitioned by home.
"""
