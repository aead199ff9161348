"""The app factory `python -m bench load` serves in each replica process:
`uvicorn bench.load_server:app --factory`, configured by the environment like `provgraph serve`."""

from __future__ import annotations

from provgraph.api.app import create_app
from provgraph.config import Settings


def app():  # noqa: ANN201 (a Starlette app)
    return create_app(Settings())
