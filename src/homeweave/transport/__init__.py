"""Connection plumbing shared by wire code: one jittered backoff, one MQTT session, TLS helpers.
Imports nothing of ours."""
