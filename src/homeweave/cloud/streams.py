"""The fleet's names on NATS, in one place: each home's subjects, the fleet stream that holds
every home's state and events, and the ingest replicas' shared durable consumer.

Subjects are those of the edge link (``bridges/cloud``): ``hw.<home>.state`` (property changes
and availability), ``hw.<home>.event`` (device events), each published with a ``Nats-Msg-Id``;
``hw.<home>.cmd`` (request/reply, core NATS, never stored). The fleet stream ``HW_FLEET``
captures ``hw.*.state`` and ``hw.*.event`` for every home; an edge hub finds it by subject and
publishes into it (a hub with no fleet stream on its server makes its own ``HW_<HOME>``). Start
the cloud services (which create the fleet stream) before the hubs.
"""

from __future__ import annotations

import logging

import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig, StreamInfo

from homeweave.errors import HomeweaveError
from homeweave.transport.fleet_wire import stream_name, subject

_LOGGER = logging.getLogger(__name__)

PREFIX = "hw"
FLEET_STREAM = "HW_FLEET"
"""The one stream holding every home's state and events."""
FLEET_SUBJECTS = (f"{PREFIX}.*.state", f"{PREFIX}.*.event")
INGEST_DURABLE = "ingest"
"""The durable pull consumer every ``homeweave cloud ingest`` replica binds to: one name, so the
replicas share its messages as a group."""
DUPLICATE_WINDOW = 120.0
"""Seconds JetStream remembers message ids (its default); ingest de-duplicates beyond it."""
ACK_WAIT = 30.0
"""Seconds a replica has to commit and ack a batch before JetStream gives it to another."""
MAX_ACK_PENDING = 20_000
"""Messages handed out and not yet acked, over all replicas."""


def state_subject(home: str) -> str:
    """Where a home publishes property changes and availability."""
    return subject(home, "state")


def event_subject(home: str) -> str:
    """Where a home publishes device events."""
    return subject(home, "event")


def cmd_subject(home: str) -> str:
    """Where a home answers commands (request/reply)."""
    return subject(home, "cmd")


home_stream = stream_name
"""The stream a lone hub creates for itself when no fleet stream captures its subjects."""


def parse_subject(name: str) -> tuple[str, str]:
    """``hw.<home>.<kind>`` → (home, kind); ValueError for anything else."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise ValueError(f"not a fleet subject: {name!r}")
    return parts[1], parts[2]


async def ensure_fleet_stream(js: JetStreamContext) -> StreamInfo:
    """The fleet stream, created (file storage, de-duplication window) if missing."""
    try:
        return await js.stream_info(FLEET_STREAM)
    except nats.js.errors.NotFoundError:
        pass
    try:
        return await js.add_stream(
            StreamConfig(
                name=FLEET_STREAM,
                subjects=list(FLEET_SUBJECTS),
                duplicate_window=DUPLICATE_WINDOW,
            )
        )
    except nats.js.errors.BadRequestError as exc:
        if "overlap" in str(exc).lower():
            raise HomeweaveError(
                f"cannot create the fleet stream {FLEET_STREAM}: a home's own stream already "
                f"holds some of {', '.join(FLEET_SUBJECTS)} (a hub started before the fleet); "
                "delete those HW_<HOME> streams (`nats stream rm`) and restart the hubs"
            ) from exc
        raise


def ingest_consumer(ack_wait: float = ACK_WAIT) -> ConsumerConfig:
    """The shared durable pull consumer's configuration."""
    return ConsumerConfig(
        durable_name=INGEST_DURABLE,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait,
        max_ack_pending=MAX_ACK_PENDING,
        max_deliver=-1,
    )


async def ensure_ingest_consumer(js: JetStreamContext, ack_wait: float = ACK_WAIT) -> None:
    """The fleet stream and the ingest consumer on it, created where missing."""
    await ensure_fleet_stream(js)
    try:
        await js.consumer_info(FLEET_STREAM, INGEST_DURABLE)
    except nats.js.errors.NotFoundError:
        await js.add_consumer(FLEET_STREAM, ingest_consumer(ack_wait))
