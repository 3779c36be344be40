"""Fleet services (``homeweave cloud ...``): stateless replicas on NATS JetStream and PostgreSQL.

- ``api``: the REST + WebSocket API for every home a caller may reach (``homeweave cloud
  api``), with ``fleet`` (its NATS connection, commands to homes), ``reach`` (what a token
  reaches) and ``ws`` (state changes over a WebSocket).
- ``last_states``: the ``hw_states`` KV bucket of last values, kept by the API replicas.
"""
