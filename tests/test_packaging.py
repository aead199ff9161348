"""A plain, non-editable install carries cypher/, graphql/, policies/ and the embedded launcher, and serves."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SERVE_CHECK = textwrap.dedent(
    """
    import sys
    import provgraph
    assert provgraph.__file__.startswith(sys.argv[1]), provgraph.__file__
    from starlette.testclient import TestClient
    from provgraph.api.app import create_app
    from provgraph.config import Settings
    settings = Settings(NEO4J_URI=sys.argv[2], PROVGRAPH_ADMIN_TOKEN=sys.argv[3])
    with TestClient(create_app(settings)) as http:
        response = http.post("/graphql", json={"query": "{ me { name } }"},
                             headers={"Authorization": "Bearer " + sys.argv[3]})
        assert response.json() == {"data": {"me": {"name": "admin"}}}, response.text
    print("served from", provgraph.__file__)
    """
)


def test_a_built_wheel_installs_and_serves_without_the_source_tree(tmp_path, settings, neo4j_driver):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
    )
    [wheel] = wheels.glob("provgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "provgraph/_resources/cypher/entities.cypher",
        "provgraph/_resources/cypher/schema.cypher",
        "provgraph/_resources/graphql/schema.graphql",
        "provgraph/_resources/policies/model.conf",
        "provgraph/_resources/policies/policy.csv",
        "provgraph/embedded/pom.xml",
        "provgraph/embedded/src/main/java/dev/provgraph/EmbeddedNeo4j.java",
    ):
        assert expected in names, expected
    assert not any("/target/" in name for name in names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", SERVE_CHECK, str(site), settings.neo4j_uri, settings.admin_token],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "served from " + str(site) in result.stdout
