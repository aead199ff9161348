"""compose.yaml and the Dockerfile: the production-shaped way to run provgraph with a real Neo4j."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def env(service: dict[str, Any]) -> dict[str, str]:
    raw = service["environment"]
    if isinstance(raw, list):  # the `- KEY=value` spelling
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def published(service: dict[str, Any]) -> set[int]:
    """Container ports published by a service, from `[host_ip:]host:container` strings."""
    return {int(str(port).rsplit(":", 1)[-1]) for port in service["ports"]}


def healthcheck_command(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"neo4j", "api"}


def test_neo4j_service(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert published(neo4j) == {7474, 7687}
    auth = env(neo4j)["NEO4J_AUTH"]
    assert auth.startswith("neo4j/") and "${NEO4J_PASSWORD" in auth

    mounts = {m.split(":")[1]: m.split(":")[0] for m in neo4j["volumes"]}
    assert "/data" in mounts
    assert mounts["/data"] in compose["volumes"]  # a named volume, not a host path

    check = healthcheck_command(neo4j)
    assert "7474" in check or "cypher-shell" in check
    assert neo4j["healthcheck"]["retries"] >= 3


def test_api_service(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    build = api["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    assert (ROOT / context / "Dockerfile").is_file()
    assert published(api) == {8000}
    assert "8000:8000" in [str(p) for p in api["ports"]]

    variables = env(api)
    assert variables["NEO4J_URI"] == "bolt://neo4j:7687"  # the compose service, not localhost
    assert variables["NEO4J_USER"] == "neo4j"
    # Both services read the same password variable, so they cannot disagree.
    neo4j_auth = env(compose["services"]["neo4j"])["NEO4J_AUTH"]
    password = re.search(r"\$\{NEO4J_PASSWORD[^}]*\}", neo4j_auth)
    assert password is not None and variables["NEO4J_PASSWORD"] == password.group(0)
    assert "${PROVGRAPH_ADMIN_TOKEN" in variables["PROVGRAPH_ADMIN_TOKEN"]

    assert api["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    check = healthcheck_command(api)
    assert "python" in check and "http://localhost:8000/healthz" in check


def test_dockerfile_installs_and_serves() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    for path in ("pyproject.toml", "README.md", "src", "cypher", "graphql", "policies"):
        assert re.search(rf"^COPY .*\b{re.escape(path)}\b", dockerfile, re.M), path
    assert "pip install --no-cache-dir ." in dockerfile
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.M)
    assert cmd is not None
    assert json.loads(cmd.group(1)) == ["provgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
