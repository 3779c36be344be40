"""Fleet services (``homeweave cloud ...``): stateless replicas on NATS JetStream and PostgreSQL.

- ``api``: the REST API for every home a caller may reach (``homeweave cloud api``).
- ``last_states``: the ``hw_states`` KV bucket of last values, kept by the API replicas.
"""
