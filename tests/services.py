"""Real services the integration tests talk to, as pytest fixtures that start them if needed.

- ``mosquitto``: the machine's Mosquitto on 127.0.0.1:1883 (started with the system config when
  the port is closed); tests use their own base topics there and clean up what they retain.
- ``private_mosquitto``: a Mosquitto of the test's own on a free port, to kill and restart
  without disturbing anyone else.

Import the fixtures into a test module: ``from tests.services import mosquitto  # noqa: F401``.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiomqtt
import pytest

MOSQUITTO_HOST = "127.0.0.1"
MOSQUITTO_PORT = 1883
SYSTEM_CONFIG = Path("/etc/mosquitto/mosquitto.conf")
START_TIMEOUT = 5.0


def port_open(host: str, port: int) -> bool:
    """Whether something accepts TCP connections there."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for_port(host: str, port: int, up: bool = True) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while port_open(host, port) != up:
        if time.monotonic() > deadline:
            state = "accepting" if up else "closed"
            raise RuntimeError(f"{host}:{port} not {state} after {START_TIMEOUT} s")
        time.sleep(0.02)


def _mosquitto_binary() -> str:
    binary = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if binary is None:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    return binary


@pytest.fixture
def mosquitto() -> str:
    """The system Mosquitto's URL, started with its own config if it is not running."""
    if not port_open(MOSQUITTO_HOST, MOSQUITTO_PORT):
        binary = _mosquitto_binary()
        config = ["-c", str(SYSTEM_CONFIG)] if SYSTEM_CONFIG.exists() else ["-p", "1883"]
        subprocess.run([binary, "-d", *config], check=True, timeout=10)
        _wait_for_port(MOSQUITTO_HOST, MOSQUITTO_PORT)
    return f"mqtt://{MOSQUITTO_HOST}:{MOSQUITTO_PORT}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((MOSQUITTO_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateServer:
    """A server process of our own on a free loopback port, its output in ``log``: started,
    and killed hard as a crash would."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The command line that runs it."""
        raise NotImplementedError

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        _wait_for_port(MOSQUITTO_HOST, self.port)

    def kill(self) -> None:
        """Stop it hard, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=5)
            self.process = None
        _wait_for_port(MOSQUITTO_HOST, self.port, up=False)


class PrivateMosquitto(PrivateServer):
    """A Mosquitto process of our own on a free loopback port (no persistence)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder / "mosquitto.log")
        self.binary = _mosquitto_binary()
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} {MOSQUITTO_HOST}\nallow_anonymous true\npersistence false\n"
        )

    @property
    def url(self) -> str:
        return f"mqtt://{MOSQUITTO_HOST}:{self.port}"

    def command(self) -> list[str]:
        return [self.binary, "-c", str(self.config)]


@pytest.fixture
def private_mosquitto(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    """A started private Mosquitto, killed at the end."""
    broker = PrivateMosquitto(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.kill()


class PrivateNats(PrivateServer):
    """A ``nats-server -js`` of our own on a free loopback port, its JetStream store in
    ``folder`` (kept across kill and start, as a real server's disk is)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder / "nats.log")
        self.binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.store = folder / "jetstream"

    @property
    def url(self) -> str:
        return f"nats://{MOSQUITTO_HOST}:{self.port}"

    def command(self) -> list[str]:
        where = ["-a", MOSQUITTO_HOST, "-p", str(self.port), "-sd", str(self.store)]
        return [self.binary, "-js", *where]


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[PrivateNats]:
    """A started private NATS server with JetStream, killed at the end."""
    server = PrivateNats(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


async def clear_retained(url: str, base_topic: str) -> list[str]:
    """Delete every retained message under ``base_topic``; returns the topics cleared.

    Retained messages arrive right after the subscription, before a marker we publish after
    it, so no waiting on a clock is needed.
    """
    host, _, port = url.removeprefix("mqtt://").partition(":")
    marker = f"{base_topic}/zz-marker-{uuid.uuid4().hex}"
    cleared: list[str] = []
    async with aiomqtt.Client(host, int(port or 1883)) as client:
        await client.subscribe(f"{base_topic}/#", qos=1)
        await client.publish(marker, b"x", qos=1)
        async with asyncio.timeout(5):
            async for message in client.messages:
                topic = message.topic.value
                if topic == marker:
                    break
                if message.retain and message.payload:
                    cleared.append(topic)
        for topic in cleared:
            await client.publish(topic, b"", qos=1, retain=True)
    return cleared


@pytest.fixture
async def base_topic(mosquitto: str) -> AsyncIterator[str]:
    """A base topic of this test's own on the shared Mosquitto, emptied afterwards."""
    topic = f"zigbee2mqtt-test-{uuid.uuid4().hex[:12]}"
    try:
        yield topic
    finally:
        await clear_retained(mosquitto, topic)
