"""A demo hub serving its API from its own thread and loop, for sync tests (hypothesis,
schemathesis) whose examples outlive one event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeweave.app import demo_config, running_hub


class ServerThread:
    """A demo hub serving in its own thread and loop, for sync tests that outlive one example."""

    def __init__(
        self, data_dir: Path, bridges: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        self._data_dir = data_dir
        self._bridges = bridges
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="api-server-thread", daemon=True)
        self.url = ""
        self.token = ""

    def __enter__(self) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(timeout=30):
            raise TimeoutError("the API server thread did not start within 30 s")
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the API server thread did not stop"
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self._error = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        config = demo_config(port=0, tick=0, bridges=self._bridges)
        async with running_hub(config, self._data_dir, port=0) as running:
            assert running.new_token is not None
            self.url, self.token = running.url, running.new_token
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            self._ready.set()
            await self._stop.wait()
