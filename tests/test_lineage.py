"""`lineage` and `lineagePath` on hand-drawn graphs (docs/ARCHITECTURE.md §4, Lineage and impact).

Edges point the way data flows: `raw -> etl -> clean` means the run `etl` read `raw` and wrote `clean`.
Answers list each node with its shortest distance in lineage hops from the root (the root is 0)."""

from __future__ import annotations

import json

from provgraph.store.queries import QueryCatalog

from .documents import LINEAGE, PATH
from .graph import Graph


def chain(admin) -> Graph:
    """raw -> etl -> clean -> train -> model"""
    g = Graph(admin, dataset="raw clean", run="etl train", model="model")
    g.link("raw -> etl -> clean -> train -> model")
    return g


# -- directions and depth ------------------------------------------------------------------------


def test_downstream_follows_the_data_flow_to_the_given_depth(admin):
    g = chain(admin)
    answer = g.lineage("raw", "DOWNSTREAM", 3)
    assert answer.root == "raw"
    assert answer.distances == {"raw": 0, "etl": 1, "clean": 2, "train": 3}
    assert answer.kinds == {"raw -> etl": "INPUT_TO", "etl -> clean": "PRODUCED", "clean -> train": "INPUT_TO"}
    assert answer.truncated is False


def test_upstream_goes_against_the_data_flow(admin):
    g = chain(admin)
    assert g.lineage("model", "UPSTREAM", 2).distances == {"model": 0, "train": 1, "clean": 2}
    assert g.lineage("model", "DOWNSTREAM", 5).distances == {"model": 0}


def test_both_is_the_union_of_upstream_and_downstream(admin):
    g = chain(admin)
    answer = g.lineage("clean", "BOTH", 2)
    assert answer.distances == {"raw": 2, "etl": 1, "clean": 0, "train": 1, "model": 2}
    assert answer.edges == {"raw -> etl", "etl -> clean", "clean -> train", "train -> model"}


def test_both_is_the_default_direction_and_three_the_default_depth(admin):
    g = Graph(admin, dataset="a c e", run="b d f")
    g.link("a -> b -> c -> d -> e -> f")
    assert g.lineage("a").distances == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert g.lineage("d").distances == {"a": 3, "b": 2, "c": 1, "d": 0, "e": 1, "f": 2}


def test_both_does_not_wander_to_siblings(admin):
    #   raw -> etl  -> clean
    #   raw -> etl2 -> side      side shares an ancestor with clean but is neither up- nor downstream of it
    g = Graph(admin, dataset="raw clean side", run="etl etl2")
    g.link("raw -> etl -> clean", "raw -> etl2 -> side")
    assert g.lineage("clean", "BOTH", 10).distances == {"clean": 0, "etl": 1, "raw": 2}


def test_depth_zero_is_the_root_alone(admin):
    g = chain(admin)
    answer = g.lineage("clean", "BOTH", 0)
    assert (answer.distances, answer.edges, answer.truncated) == ({"clean": 0}, set(), False)


def test_an_entity_without_lineage_is_its_own_answer(admin):
    g = Graph(admin, dataset="alone")
    answer = g.lineage("alone", "BOTH", 5)
    assert (answer.distances, answer.edges, answer.truncated) == ({"alone": 0}, set(), False)


# -- shapes --------------------------------------------------------------------------------------


def test_a_diamond_reaches_each_node_once_at_its_shortest_distance(admin):
    #          ┌─> slow -> mid -> slow2 ─┐
    #   raw ───┤                         ├─> out -> report
    #          └────────> fast ──────────┘
    g = Graph(admin, dataset="raw mid out", run="slow slow2 fast report")
    g.link("raw -> slow -> mid -> slow2 -> out", "raw -> fast -> out -> report")
    answer = g.lineage("raw", "DOWNSTREAM", 10)
    assert answer.distances == {"raw": 0, "slow": 1, "fast": 1, "mid": 2, "slow2": 3, "out": 2, "report": 3}
    assert answer.edges == {
        "raw -> slow", "slow -> mid", "mid -> slow2", "slow2 -> out", "raw -> fast", "fast -> out", "out -> report",
    }
    assert g.lineage("report", "UPSTREAM", 10).distances == {
        "report": 0, "out": 1, "fast": 2, "slow2": 2, "raw": 3, "mid": 3, "slow": 4,
    }


def test_a_cycle_ends_the_traversal_and_keeps_its_closing_edge(admin):
    #   d1 -> r1 -> d2 -> r2 ─┐
    #   ^─────────────────────┘
    g = Graph(admin, dataset="d1 d2", run="r1 r2")
    g.link("d1 -> r1 -> d2 -> r2 -> d1")
    answer = g.lineage("d1", "DOWNSTREAM", 50)
    assert answer.distances == {"d1": 0, "r1": 1, "d2": 2, "r2": 3}
    assert answer.edges == {"d1 -> r1", "r1 -> d2", "d2 -> r2", "r2 -> d1"}
    both = g.lineage("d2", "BOTH", 50)
    assert both.distances == {"d2": 0, "r2": 1, "r1": 1, "d1": 2}


def test_fan_out_and_fan_in(admin):
    #   raw -> r1 -> a ─┐
    #   raw -> r2 -> b ─┼─> merge -> all
    #   raw -> r3 -> c ─┘
    g = Graph(admin, dataset="raw a b c all", run="r1 r2 r3 merge")
    g.link("raw -> r1 -> a -> merge", "raw -> r2 -> b -> merge", "raw -> r3 -> c -> merge", "merge -> all")
    assert g.lineage("raw", "DOWNSTREAM", 2).distances == {"raw": 0, "r1": 1, "r2": 1, "r3": 1, "a": 2, "b": 2, "c": 2}
    upstream = g.lineage("all", "UPSTREAM", 3)
    assert upstream.distances == {"all": 0, "merge": 1, "a": 2, "b": 2, "c": 2, "r1": 3, "r2": 3, "r3": 3}
    assert len(upstream.edges) == 7


def test_a_model_version_reaches_its_deployments(admin):
    g = Graph(admin, dataset="features", run="train", model_version="churn_v3", deployment="prod canary")
    g.link("features -> train -> churn_v3 -> prod", "churn_v3 -> canary")
    answer = g.lineage("features", "DOWNSTREAM", 3)
    assert answer.distances == {"features": 0, "train": 1, "churn_v3": 2, "prod": 3, "canary": 3}
    assert answer.kinds["churn_v3 -> prod"] == "DEPLOYED_AS"


# -- types and maxNodes --------------------------------------------------------------------------


def test_types_filters_what_is_returned_not_what_is_traversed(admin):
    g = chain(admin)
    answer = g.lineage("raw", "DOWNSTREAM", 4, types=["DATASET", "MODEL"])
    # The runs are not returned, yet clean and model are still found through them; the root always is.
    assert answer.distances == {"raw": 0, "clean": 2, "model": 4}
    assert answer.edges == set()  # no edge joins two returned nodes directly
    assert g.lineage("etl", "DOWNSTREAM", 3, types=["MODEL"]).distances == {"etl": 0, "model": 3}


def test_max_nodes_keeps_the_nearest_and_says_it_truncated(admin):
    g = chain(admin)
    answer = g.lineage("raw", "DOWNSTREAM", 10, maxNodes=3)
    assert answer.distances == {"raw": 0, "etl": 1, "clean": 2}
    assert answer.truncated is True
    assert answer.edges == {"raw -> etl", "etl -> clean"}
    exact = g.lineage("raw", "DOWNSTREAM", 10, maxNodes=5)
    assert (len(exact.distances), exact.truncated) == (5, False)
    assert g.lineage("raw", "DOWNSTREAM", 10, maxNodes=1).distances == {"raw": 0}


def test_max_nodes_counts_what_the_type_filter_keeps(admin):
    g = chain(admin)
    answer = g.lineage("raw", "DOWNSTREAM", 10, types=["DATASET", "MODEL"], maxNodes=2)
    assert (answer.distances, answer.truncated) == ({"raw": 0, "clean": 2}, True)
    answer = g.lineage("raw", "DOWNSTREAM", 10, types=["DATASET", "MODEL"], maxNodes=3)
    assert (answer.distances, answer.truncated) == ({"raw": 0, "clean": 2, "model": 4}, False)


def test_truncation_in_one_direction_of_both_keeps_the_nearest_overall(admin):
    #   u3 -> u2 -> u1 -> root -> d1
    g = Graph(admin, dataset="u3 u1 d1", run="u2 root")
    g.link("u3 -> u2 -> u1 -> root -> d1")
    answer = g.lineage("root", "BOTH", 10, maxNodes=3)
    assert answer.distances == {"root": 0, "u1": 1, "d1": 1}
    assert answer.truncated is True


# -- what the caller may see ---------------------------------------------------------------------


def test_a_hidden_node_shows_only_its_type_and_distance_under_an_opaque_id(admin, as_role):
    #   raw -> etl -> clean -> train -> model      clean is PII (and so, propagated, is what follows)
    g = Graph(admin, dataset="raw clean", run="etl train", model="model")
    g.link("raw -> etl -> clean")
    g.classify("clean", "PII")
    g.link("clean -> train -> model")
    viewer = as_role("viewer")
    answer = g.lineage("raw", "DOWNSTREAM", 5, client=viewer)
    assert answer.distances == {"raw": 0, "etl": 1, "restricted-1": 2, "restricted-2": 3, "restricted-3": 4}
    assert answer.types == {"raw": "DATASET", "etl": "RUN", "restricted-1": "DATASET", "restricted-2": "RUN",
                            "restricted-3": "MODEL"}
    assert answer.restricted == {"restricted-1", "restricted-2", "restricted-3"}
    assert answer.edges == {"raw -> etl", "etl -> restricted-1", "restricted-1 -> restricted-2",
                            "restricted-2 -> restricted-3"}
    text = json.dumps(answer.raw)
    for name in ("clean", "train", "model"):
        assert g.ids[name] not in text
    # The admin sees everything.
    assert g.lineage("raw", "DOWNSTREAM", 5).restricted == set()


def test_a_hidden_root_is_not_found_like_a_missing_one(admin, as_role):
    g = chain(admin)
    g.classify("clean", "PII")
    viewer = as_role("viewer")
    hidden = viewer.error(LINEAGE, {"id": g.ids["clean"]})
    missing = viewer.error(LINEAGE, {"id": "00000000-0000-4000-8000-000000000000"})
    assert hidden["extensions"]["code"] == missing["extensions"]["code"] == "NOT_FOUND"
    assert hidden["message"] == missing["message"].replace("00000000-0000-4000-8000-000000000000", g.ids["clean"])


def test_node_entities_load_in_one_query_per_answer(admin, monkeypatch):
    from provgraph.store import entities as entity_store

    g = Graph(admin, dataset=" ".join(f"d{i}" for i in range(12)), run=" ".join(f"r{i}" for i in range(12)))
    g.link(" -> ".join(f"d{i} -> r{i}" for i in range(12)))
    batches = []
    real_get_many = entity_store.get_many

    async def counted(tx, ids):
        batches.append(list(ids))
        return await real_get_many(tx, ids)

    monkeypatch.setattr(entity_store, "get_many", counted)
    query = """query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 30) {
        nodes { id entity { id qualifiedName owners } } } }"""
    nodes = admin.data(query, {"id": g.ids["d0"]})["lineage"]["nodes"]
    assert len(nodes) == 24
    assert all(n["entity"]["id"] == n["id"] for n in nodes)
    assert {n["entity"]["qualifiedName"] for n in nodes} == {f"test://{name}" for name in g.ids}
    assert len(batches) == 1 and sorted(batches[0]) == sorted(g.ids.values())


def test_a_restricted_node_has_no_entity(admin, as_role):
    g = chain(admin)
    g.classify("model", "PII")
    query = """query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 9) {
        nodes { id restricted entity { id } } } }"""
    nodes = as_role("viewer").data(query, {"id": g.ids["train"]})["lineage"]["nodes"]
    assert nodes == [
        {"id": g.ids["train"], "restricted": False, "entity": {"id": g.ids["train"]}},
        {"id": "restricted-1", "restricted": True, "entity": None},
    ]


# -- one bounded traversal -----------------------------------------------------------------------


def test_the_traversal_is_a_limited_breadth_first_search(neo4j_driver):
    """The LIMIT inside the traversal keeps the nearest nodes only because Neo4j plans each expansion as
    a pruning breadth-first search that streams nodes nearest first (cypher/traversal.cypher)."""
    text = QueryCatalog.load().get("lineage_traversal")
    with neo4j_driver.session() as session:
        plan = session.run(
            "EXPLAIN " + text, id="x", directions=["DOWNSTREAM"], depth=3, visit=10, asOf=None
        ).consume().plan
    operators = []

    def walk(step):
        operators.append(step["operatorType"])
        for child in step.get("children", []):
            walk(child)

    walk(plan)
    searches = [op for op in operators if op.startswith("VarLengthExpand")]
    assert len(searches) == 10, operators  # 5 length bounds x 2 directions
    assert all(op.startswith("VarLengthExpand(Pruning,BFS") for op in searches), operators
    assert any(op.startswith("Limit") for op in operators)


# -- lineagePath ---------------------------------------------------------------------------------


def test_path_is_a_shortest_downstream_path(admin):
    #          ┌─> slow -> mid -> slow2 ─┐
    #   raw ───┤                         ├─> out -> report -> final
    #          └────────> fast ──────────┘
    g = Graph(admin, dataset="raw mid out final", run="slow slow2 fast report")
    g.link("raw -> slow -> mid -> slow2 -> out", "raw -> fast -> out -> report -> final")
    assert g.path("raw", "final") == ["raw", "fast", "out", "report", "final"]
    assert g.path("mid", "final") == ["mid", "slow2", "out", "report", "final"]
    assert g.path("raw", "fast") == ["raw", "fast"]


def test_path_is_null_when_there_is_none_downstream(admin):
    g = Graph(admin, dataset="raw clean other", run="etl")
    g.link("raw -> etl -> clean")
    assert g.path("clean", "raw") is None  # upstream only
    assert g.path("raw", "other") is None  # not connected at all


def test_path_respects_max_depth(admin):
    g = chain(admin)
    assert g.path("raw", "model", 4) == ["raw", "etl", "clean", "train", "model"]
    assert g.path("raw", "model", 3) is None
    assert g.path("raw", "raw", 0) == ["raw"]


def test_path_through_a_hidden_entity_shows_its_opaque_id(admin, as_role):
    #   a -> hidden_run -> b      hidden_run is PII; the edge to b blocks PII, so b stays visible
    g = Graph(admin, dataset="a b", run="hidden_run")
    g.link("a -> hidden_run -> b")
    g.classify("hidden_run", "PII")
    g.block("hidden_run", "b", "PII")
    assert g.path("a", "b", client=as_role("viewer")) == ["a", "restricted-1", "b"]
    assert g.path("a", "b") == ["a", "hidden_run", "b"]


def test_path_to_or_from_a_hidden_entity_is_not_found_like_a_missing_one(admin, as_role):
    g = chain(admin)
    g.classify("model", "PII")
    viewer = as_role("viewer")
    hidden = g.ids["model"]
    for field, variables in (("toId", {"f": g.ids["raw"], "t": hidden}), ("fromId", {"f": hidden, "t": g.ids["raw"]})):
        error = viewer.error(PATH, variables)
        assert error["extensions"] == {"code": "NOT_FOUND", "field": field}
        assert error["message"] == f"{field}: no entity with id {hidden!r}"


# -- bad input -----------------------------------------------------------------------------------

MISSING = "00000000-0000-4000-8000-000000000000"


def test_a_malformed_id_is_bad_input_and_an_unknown_one_not_found(admin):
    for variables, code in (({"id": "not-an-id"}, "BAD_INPUT"), ({"id": MISSING}, "NOT_FOUND")):
        error = admin.error(LINEAGE, variables)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, "id")
        assert error["message"].startswith("id: ")


def test_a_deleted_root_is_not_found(admin):
    g = chain(admin)
    g.delete("clean")
    assert admin.error(LINEAGE, {"id": g.ids["clean"]})["extensions"]["code"] == "NOT_FOUND"


def test_depth_must_be_between_0_and_50(admin):
    g = chain(admin)
    for depth, code, bound in ((-1, "BAD_INPUT", "between 0 and 50"), (51, "LIMIT_EXCEEDED", "at most 50")):
        error = admin.error(LINEAGE, {"id": g.ids["raw"], "depth": depth})
        assert error["extensions"] == {"code": code, "field": "depth"}
        assert error["message"].startswith("depth:") and bound in error["message"]
    assert g.lineage("raw", "DOWNSTREAM", 50).distances == {"raw": 0, "etl": 1, "clean": 2, "train": 3, "model": 4}


def test_max_nodes_must_be_between_1_and_10000(admin):
    g = chain(admin)
    for max_nodes, code, bound in ((0, "BAD_INPUT", "between 1 and 10000"), (10_001, "LIMIT_EXCEEDED", "at most 10000")):
        error = admin.error(LINEAGE, {"id": g.ids["raw"], "maxNodes": max_nodes})
        assert error["extensions"] == {"code": code, "field": "maxNodes"}
        assert error["message"].startswith("maxNodes:") and bound in error["message"]
    assert len(g.lineage("raw", maxNodes=10_000).distances) == 4


def test_explicit_nulls_mean_the_defaults(admin):
    g = Graph(admin, dataset="a c e", run="b d f")
    g.link("a -> b -> c -> d -> e -> f")
    variables = {"id": g.ids["a"], "direction": None, "depth": None, "maxNodes": None, "types": None, "asOf": None}
    nodes = admin.data(LINEAGE, variables)["lineage"]["nodes"]
    assert len(nodes) == 4  # BOTH, depth 3


def test_path_bad_input(admin):
    g = chain(admin)
    error = admin.error(PATH, {"f": "nope", "t": g.ids["raw"]})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_INPUT", "fromId")
    error = admin.error(PATH, {"f": g.ids["raw"], "t": MISSING})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "toId")
    for depth, code in ((-1, "BAD_INPUT"), (51, "LIMIT_EXCEEDED")):
        error = admin.error(PATH, {"f": g.ids["raw"], "t": g.ids["model"], "d": depth})
        assert error["extensions"] == {"code": code, "field": "maxDepth"}
