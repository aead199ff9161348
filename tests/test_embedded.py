"""The embedded development Neo4j, exercised for real: Maven build, JVM, Bolt, signals, files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

import provgraph
from provgraph.embedded import (
    EmbeddedNeo4jError,
    EmbeddedNeo4jUnavailable,
    ServerInfo,
    build,
    start,
    status,
    stop,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query(info: ServerInfo, cypher: str, **params: object) -> list[neo4j.Record]:
    # Authentication is disabled on the loopback-only dev server, so no credentials.
    with neo4j.GraphDatabase.driver(info.uri, auth=None) as driver:
        return driver.execute_query(cypher, params).records


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "provgraph-data"
    yield path
    stop(path, timeout=30)  # never leave a JVM behind, even when an assertion failed


def test_lifecycle_survives_the_starting_process_and_keeps_data(data_dir: Path) -> None:
    port = free_port()
    # Start from a separate process that then exits, as `provgraph neo4j start` does: the detached
    # server must outlive it and be found (and stopped) from here through the state file alone.
    src = str(Path(provgraph.__file__).resolve().parents[1])
    pythonpath = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from provgraph.embedded import start; "
            "start(Path(sys.argv[1]), int(sys.argv[2]))",
            str(data_dir),
            str(port),
        ],
        env=env,
        check=True,
        timeout=300,
    )

    info = status(data_dir)
    assert info is not None
    assert info.port == port
    assert info.uri == f"bolt://127.0.0.1:{port}"
    assert info.data_dir == data_dir.resolve()
    assert "PROVGRAPH-NEO4J READY" in info.log_file.read_text()
    state = json.loads((data_dir / "neo4j-server.json").read_text())
    assert state["pid"] == info.pid and state["port"] == port and state["uri"] == info.uri
    assert query(info, "RETURN 1 AS one")[0]["one"] == 1

    again = start(data_dir, progress=lambda _: None)
    assert again == info  # idempotent: the running server, not a second JVM

    query(info, "CREATE (:Probe {name: $name})", name="kept-across-restart")
    assert stop(data_dir) is True
    assert status(data_dir) is None
    assert not (data_dir / "neo4j-server.json").exists()
    assert stop(data_dir) is False  # nothing left to stop

    restarted = start(data_dir, port, progress=lambda _: None)
    assert restarted.pid != info.pid
    records = query(restarted, "MATCH (p:Probe) RETURN p.name AS name")
    assert [r["name"] for r in records] == ["kept-across-restart"]  # SIGTERM lost nothing
    assert stop(data_dir) is True
    assert status(data_dir) is None


def test_taken_port_makes_start_pick_another(data_dir: Path) -> None:
    messages: list[str] = []
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]

        info = start(data_dir, taken, progress=messages.append)

        assert info.port != taken
        assert any(str(taken) in m and str(info.port) in m for m in messages), messages
        assert status(data_dir) == info
        assert query(info, "RETURN 2 AS two")[0]["two"] == 2
    assert stop(data_dir) is True


def test_start_that_is_not_ready_in_time_fails_and_leaves_no_server(data_dir: Path) -> None:
    with pytest.raises(EmbeddedNeo4jError, match="not ready after"):
        start(data_dir, free_port(), progress=lambda _: None, ready_timeout=0.5)
    assert status(data_dir) is None
    assert not (data_dir / "neo4j-server.json").exists()


def test_stale_state_file_is_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "neo4j-server.json").write_text(
        json.dumps(
            {
                "pid": dead.pid,
                "port": free_port(),
                "uri": "bolt://127.0.0.1:1",
                "data_dir": str(tmp_path),
                "log_file": str(tmp_path / "neo4j.log"),
            }
        )
    )
    assert status(tmp_path) is None
    assert not (tmp_path / "neo4j-server.json").exists()
    assert stop(tmp_path) is False


def test_missing_java_and_maven_say_how_to_proceed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    with pytest.raises(EmbeddedNeo4jUnavailable) as caught:
        build(progress=lambda _: None)

    message = str(caught.value)
    assert "\n" not in message  # one paragraph
    assert "NEO4J_URI" in message and "NEO4J_USER" in message and "NEO4J_PASSWORD" in message
    assert "JDK 17" in message and "Maven" in message
    assert "openjdk-17-jdk-headless" in message
    assert "docker compose up" in message and "compose.yaml" in message
