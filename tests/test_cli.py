"""The provgraph command: principals, schema, the embedded server's status, and `serve` end to end."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from provgraph.api.schema import schema_sdl
from provgraph.embedded import server as embedded_server

from .support import ADMIN_TOKEN


def _cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provgraph.cli", *args], env=env, capture_output=True, text=True, timeout=timeout)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PROVGRAPH_"))}
    return {**env, **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_principal_create_prints_a_working_token(settings, admin):
    result = _cli("principal", "create", "carol", "--role", "data-scientist", env=_env(NEO4J_URI=settings.neo4j_uri))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert admin.with_token(token).data("{ me { name roles } }")["me"] == {"name": "carol", "roles": ["data-scientist"]}


def test_principal_create_rejects_an_unknown_role(settings, neo4j_driver):
    result = _cli("principal", "create", "carol", "--role", "wizard", env=_env(NEO4J_URI=settings.neo4j_uri))
    assert result.returncode == 1 and "BAD_INPUT" in result.stderr and "wizard" in result.stderr


def test_schema_prints_the_sdl():
    result = _cli("schema", env=_env())
    assert result.returncode == 0 and result.stdout == schema_sdl()


def test_neo4j_status_when_nothing_runs(tmp_path):
    result = _cli("neo4j", "status", env=_env(PROVGRAPH_DATA_DIR=str(tmp_path)))
    assert result.returncode == 3 and "not running" in result.stdout


def test_serve_with_the_embedded_default_runs_the_demo_and_stops_neo4j_on_exit(tmp_path):
    port = _free_port()
    env = _env(PROVGRAPH_DATA_DIR=str(tmp_path), PROVGRAPH_ADMIN_TOKEN=ADMIN_TOKEN,
               PROVGRAPH_NEO4J_PORT=str(_free_port()))
    server = subprocess.Popen([sys.executable, "-m", "provgraph.cli", "serve", "--demo", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        found = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": '{ search(text: "churn") { totalCount edges { node { type qualifiedName } } } }'},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        ).json()
        names = {edge["node"]["qualifiedName"] for edge in found["data"]["search"]["edges"]}
        assert "registry://acme/churn-classifier" in names and "k8s://prod/churn-classifier" in names
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=120)
    assert server.returncode == 0, output[-3000:]
    assert "demo graph loaded" in output
    assert _cli("neo4j", "status", env=env).returncode == 3  # serve stopped the Neo4j it started


def _holds_lock(path: Path) -> bool:
    """Whether another process holds the (fcntl) lock Neo4j takes on `path`."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _is_embedded_neo4j(pid: int) -> bool:
    try:
        return b"dev.provgraph.EmbeddedNeo4j" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.parametrize(("sig", "exit_code"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 0)])
def test_a_signal_to_serve_stops_the_embedded_neo4j_it_started(tmp_path, sig, exit_code):
    port = _free_port()
    env = _env(PROVGRAPH_DATA_DIR=str(tmp_path), PROVGRAPH_ADMIN_TOKEN=ADMIN_TOKEN, PROVGRAPH_NEO4J_PORT=str(_free_port()))
    server = subprocess.Popen([sys.executable, "-m", "provgraph.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "serve did not become ready"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        jvm = json.loads((tmp_path / "neo4j-server.json").read_text())["pid"]
        store_locks = [tmp_path / "neo4j/data/databases/store_lock", tmp_path / "neo4j/data/databases/neo4j/database_lock"]
        assert _is_embedded_neo4j(jvm) and all(_holds_lock(lock) for lock in store_locks)

        server.send_signal(sig)
        output, _ = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        leftover = embedded_server.stop(tmp_path, timeout=30)  # never leave a JVM behind, whatever failed
    assert server.returncode == exit_code, output[-3000:]
    assert not leftover and not _is_embedded_neo4j(jvm)
    assert not any(_holds_lock(lock) for lock in store_locks)
    assert not (tmp_path / "neo4j-server.json").exists()
