"""The graph the console's browser tests look at: the demo graph (services/demo.py) with PII on
crm.customers, its propagation blocked where the customers table enters sessionize, so a principal
without clearance meets exactly one restricted entity, upstream of sessions_clean:

    crm.customers (PII, restricted) --X--> sessionize 2026-11-01 --> sessions_clean@2026-11-01 --> ...
    raw clickstream@2026-11-01 ----------^

`SECRETS` is every byte of it that must never reach such a principal's browser."""

from __future__ import annotations

from dataclasses import dataclass

from provgraph.services.demo import load_demo

from .browser import Console

BY_NAME = "query($t: EntityType!, $q: String!) { entityByName(type: $t, qualifiedName: $q) { id name qualifiedName owners } }"
CLASSIFY = "mutation($id: ID!, $n: String!) { classify(entityId: $id, name: $n) { id } }"
BLOCK = "mutation($s: ID!, $t: ID!, $c: String!) { blockPropagation(sourceId: $s, targetId: $t, classification: $c) { type } }"


@dataclass(frozen=True)
class Story:
    customers: dict  # the restricted one: id, name, qualifiedName, owners
    sessionize: dict  # the run reading it (and raw clickstream)
    sessions: dict  # sessions_clean@2026-11-01, what sessionize produced
    sessions_table: dict  # sessions_clean, the dataset it is a version of
    clickstream: dict  # raw clickstream@2026-11-01, a plain input of sessionize
    features: dict  # user_features@2026-11-01, downstream of sessions

    @property
    def secrets(self) -> list[str]:
        c = self.customers
        return [c["id"], c["name"], c["qualifiedName"], *c["owners"]]


def entity(console: Console, entity_type: str, qualified_name: str) -> dict:
    found = console.graphql(BY_NAME, {"t": entity_type, "q": qualified_name})["entityByName"]
    assert found, f"{entity_type} {qualified_name} is not in the demo graph"
    return found


def load_story(console: Console) -> Story:
    console.reset_graph()
    assert console.server.call(load_demo), "the demo graph did not load into the empty store"
    story = Story(
        customers=entity(console, "DATASET", "postgres://crm/public.customers"),
        sessionize=entity(console, "PIPELINE_RUN", "airflow://acme/sessionize/runs/2026-11-01"),
        sessions=entity(console, "DATASET_VERSION", "warehouse://analytics/sessions_clean@2026-11-01"),
        sessions_table=entity(console, "DATASET", "warehouse://analytics/sessions_clean"),
        clickstream=entity(console, "DATASET_VERSION", "s3://acme-lake/raw/clickstream@2026-11-01"),
        features=entity(console, "DATASET_VERSION", "feast://acme/user_features@2026-11-01"),
    )
    console.graphql(CLASSIFY, {"id": story.customers["id"], "n": "PII"})
    console.graphql(BLOCK, {"s": story.customers["id"], "t": story.sessionize["id"], "c": "PII"})
    return story
