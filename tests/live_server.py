"""A real HTTP server for clients that cannot speak ASGI (the openlineage-python HTTP transport uses
`requests`): uvicorn serving `create_app(settings)` on a free 127.0.0.1 port, in a background thread.

Import the fixture into a test module (`from .live_server import live_server_url`). It shares the
session's Neo4j, so the per-test empty graph and admin apply to it as well.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from provgraph.api.app import create_app
from provgraph.config import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server_url(settings: Settings) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # preparing the schema takes long on a loaded machine
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
