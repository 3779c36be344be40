"""Amazon Alexa Smart Home skill (API v3): every homeweave device controllable by voice.

Off by default; enable it in homeweave.yaml:

```yaml
bridges:
  alexa:
    event_gateway: https://api.eu.amazonalexa.com/v3/events   # the skill's region
    client_id: amzn1.application-oa2-client.…                  # Alexa Skill Messaging client
    client_secret: !secret alexa_client_secret
    retry_min: 1          # s; a refused or failed event is retried with jittered backoff ...
    retry_max: 60         # ... up to this
    give_up_after: 900    # s; an event still undelivered then is dropped with a log line
    account_linking:      # OAuth 2.0 at /auth/authorize and /auth/token (core.linking)
      client_id: homeweave-skill
      client_secret: !secret alexa_link_secret
      redirect_uris: [https://pitangui.amazon.com/api/skill/link/..., ...]
```

Directives arrive at ``POST /api/alexa/smart_home`` (from the skill's Lambda or an HTTPS
forwarder) and are answered with the event Alexa expects: Discovery lists every device whose
standard services Alexa can use (``capabilities`` has the table) and every scene; controllers
(power, brightness, colour, white tone, thermostat, blinds and fan speed as ranges, modes,
speaker, playback) write through the hub's commands; ReportState and every response carry the
endpoint's state with EndpointHealth. The directive's bearer token must be a homeweave token
(made by account linking, or with ``homeweave tokens create``); the directive acts as its user.
After AcceptGrant (the code exchanged with Login with Amazon using ``client_id`` and
``client_secret``; tokens kept in ``DATA_DIR/alexa-grant.json``), state changes are sent to
``event_gateway`` as ChangeReports, new or changed devices as AddOrUpdateReport and removed
ones as DeleteReport.
"""
