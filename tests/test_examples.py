"""The README's example operations run against the demo graph and answer what they promise."""

from __future__ import annotations

import pytest

from provgraph.resources import resource_dir
from provgraph.services.demo import load_demo

from .graph import live_edges

EXAMPLES = resource_dir("graphql") / "examples"


@pytest.fixture
def demo(http, services, admin):
    assert http.portal.call(load_demo, services) is True
    return admin


def run(client, name: str) -> dict:
    return client.data((EXAMPLES / name).read_text())


def test_every_example_is_covered_here():
    assert {p.name for p in EXAMPLES.glob("*.graphql")} == set(EXPECTED)


def test_search(demo):
    result = run(demo, "search.graphql")["search"]
    names = {edge["node"]["qualifiedName"] for edge in result["edges"]}
    assert {"registry://acme/churn-classifier", "k8s://prod/churn-classifier", "mlflow://acme/churn-model"} <= names
    assert result["totalCount"] == len(names)


def test_entity_by_name(demo):
    deployment = run(demo, "entity_by_name.graphql")["entityByName"]
    assert deployment["name"] == "churn-classifier-prod"
    assert deployment["owners"] == ["ml-ops"] and deployment["properties"]["environment"] == "production"


def test_record_training_run(demo, neo4j_driver):
    first = run(demo, "record_training_run.graphql")["recordProcess"]
    assert run(demo, "record_training_run.graphql")["recordProcess"] == first
    edges = live_edges(neo4j_driver)
    assert ("feast://acme/user_features@2026-11-01", "INPUT_TO", "mlflow://acme/churn-model/runs/3") in edges
    assert ("mlflow://acme/churn-model/runs/3", "PRODUCED", "registry://acme/churn-classifier/v3") in edges


def test_the_demo_loads_only_into_an_empty_store(demo, http, services):
    assert http.portal.call(load_demo, services) is False


EXPECTED = {
    "search.graphql": test_search,
    "entity_by_name.graphql": test_entity_by_name,
    "record_training_run.graphql": test_record_training_run,
}
