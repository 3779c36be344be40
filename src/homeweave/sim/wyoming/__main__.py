"""``python -m homeweave.sim.wyoming tts|stt --port PORT [--host H] [--transcript TEXT]``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial

from wyoming.server import AsyncTcpServer

from homeweave.sim.wyoming.servers import EspeakTts, ScriptedStt


async def _serve(kind: str, host: str, port: int, transcript: str) -> None:
    server = AsyncTcpServer(host, port)
    if kind == "tts":
        await server.run(EspeakTts)
    else:
        await server.run(partial(ScriptedStt, transcript))


def main(argv: list[str] | None = None) -> None:
    """Run one server until stopped."""
    parser = argparse.ArgumentParser(prog="python -m homeweave.sim.wyoming")
    parser.add_argument("kind", choices=["tts", "stt"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transcript", default="", help="what the stt stand-in hears")
    args = parser.parse_args(argv)
    print(f"wyoming {args.kind} on tcp://{args.host}:{args.port}", file=sys.stderr, flush=True)
    asyncio.run(_serve(args.kind, args.host, args.port, args.transcript))


if __name__ == "__main__":
    main()
