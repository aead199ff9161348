"""The embedded development Neo4j: a Maven-built launcher for Neo4j community (see server.py)."""

from provgraph.embedded.server import (
    EmbeddedNeo4jError,
    EmbeddedNeo4jUnavailable,
    ServerInfo,
    build,
    start,
    status,
    stop,
)

__all__ = [
    "EmbeddedNeo4jError",
    "EmbeddedNeo4jUnavailable",
    "ServerInfo",
    "build",
    "start",
    "status",
    "stop",
]
