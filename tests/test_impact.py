"""`impact`: "I am about to change this table: what breaks, and whom do I tell?" (docs/ARCHITECTURE.md §4).

Everything downstream of the root within `depth` hops, with distances, counts by type, the owners of
what the caller may see, and the deployments reached."""

from __future__ import annotations

from .documents import IMPACT
from .graph import Graph


def warehouse(admin) -> Graph:
    #   orders -> etl -> clean ─┬─> train -> churn_v1 -> prod
    #                           │                    └──> canary
    #                           └─> report -> dashboard
    g = Graph(admin, dataset="orders clean dashboard", run="etl train report", model_version="churn_v1",
              deployment="prod canary")
    g.link("orders -> etl -> clean -> train -> churn_v1 -> prod", "churn_v1 -> canary",
           "clean -> report -> dashboard")
    g.own("orders", "dora")
    g.own("clean", "carl", "dora")
    g.own("churn_v1", "mia")
    g.own("prod", "ops")
    g.own("dashboard", "bea")
    return g


def test_impact_lists_everything_downstream_with_counts_owners_and_deployments(admin):
    g = warehouse(admin)
    impact = g.impact("orders")
    assert impact["distances"] == {
        "etl": 1, "clean": 2, "train": 3, "report": 3, "churn_v1": 4, "dashboard": 4, "prod": 5, "canary": 5,
    }
    assert impact["total"] == 8
    assert impact["byType"] == {"DATASET": 2, "RUN": 3, "MODEL_VERSION": 1, "DEPLOYMENT": 2}
    assert impact["owners"] == ["bea", "carl", "dora", "mia", "ops"]  # dora as an owner of clean
    assert sorted(impact["deployments"]) == ["canary", "prod"]
    assert impact["truncated"] is False


def test_impact_lists_entities_nearest_first(admin):
    g = warehouse(admin)
    distances = [n["distance"] for n in g.impact("orders")["raw"]["entities"]]
    assert distances == sorted(distances)


def test_impact_stops_at_depth(admin):
    g = warehouse(admin)
    impact = g.impact("orders", depth=3)
    assert impact["distances"] == {"etl": 1, "clean": 2, "train": 3, "report": 3}
    assert (impact["total"], impact["deployments"], impact["owners"]) == (4, [], ["carl", "dora"])
    assert g.impact("orders", depth=0)["total"] == 0


def test_impact_of_a_leaf_is_empty(admin):
    g = warehouse(admin)
    impact = g.impact("prod")
    assert (impact["total"], impact["byType"], impact["distances"], impact["owners"], impact["deployments"]) == (
        0, {}, {}, [], [])


def test_impact_ignores_removed_edges_and_deleted_entities(admin):
    g = warehouse(admin)
    g.unlink("clean", "report")  # the dashboard no longer depends on orders
    g.delete("canary")
    impact = g.impact("orders")
    assert set(impact["distances"]) == {"etl", "clean", "train", "churn_v1", "prod"}
    assert impact["deployments"] == ["prod"]
    assert "bea" not in impact["owners"]


def test_a_deleted_entity_on_the_way_cuts_what_lies_beyond_it(admin):
    g = warehouse(admin)
    g.delete("train")
    assert set(g.impact("orders")["distances"]) == {"etl", "clean", "report", "dashboard"}


def test_hidden_entities_count_but_their_owners_are_not_told(admin, as_role):
    g = warehouse(admin)
    g.classify("churn_v1", "PII")  # propagates to prod and canary
    impact = g.impact("orders", client=as_role("viewer"))
    assert impact["total"] == 8
    assert impact["byType"] == {"DATASET": 2, "RUN": 3, "MODEL_VERSION": 1, "DEPLOYMENT": 2}
    assert impact["restricted"] == {"restricted-1", "restricted-2", "restricted-3"}
    assert impact["distances"]["restricted-1"] == 4  # churn_v1, the nearest hidden one
    assert impact["owners"] == ["bea", "carl", "dora"]  # not mia (churn_v1) nor ops (prod)
    assert sorted(impact["deployments"]) == ["restricted-2", "restricted-3"]
    for name in ("churn_v1", "prod", "canary"):
        assert g.ids[name] not in str(impact["raw"])


def test_impact_entities_resolve_their_entity(admin):
    g = warehouse(admin)
    query = """query($id: ID!) { impact(id: $id, depth: 1) { entities { id entity { qualifiedName owners } }
                                                             deployments { id } } }"""
    found = admin.data(query, {"id": g.ids["clean"]})["impact"]
    assert {e["entity"]["qualifiedName"] for e in found["entities"]} == {"test://train", "test://report"}


def test_impact_bad_input(admin):
    g = warehouse(admin)
    for depth, code, bound in ((-1, "BAD_INPUT", "between 0 and 50"), (51, "LIMIT_EXCEEDED", "at most 50")):
        error = admin.error(IMPACT, {"id": g.ids["orders"], "depth": depth})
        assert error["extensions"]["code"] == code and bound in error["message"] and error["message"].startswith("depth:")
    assert admin.error(IMPACT, {"id": "not-an-id"})["extensions"]["code"] == "BAD_INPUT"
    assert admin.error(IMPACT, {"id": "00000000-0000-4000-8000-000000000000"})["extensions"]["code"] == "NOT_FOUND"
