"""Classification propagation, scenario by scenario (docs/ARCHITECTURE.md §4): each test draws its graph and lists who
holds the classification afterwards, and from which source.

Edges point the way data flows: `raw -> etl -> clean` means the run `etl` read `raw` and wrote `clean`.
`holders` maps each holder to the sources it carries the classification from (a direct holder lists
itself)."""

from __future__ import annotations

from .graph import Graph


def pipeline(admin) -> Graph:
    """raw -> etl -> clean -> train -> features"""
    g = Graph(admin, dataset="raw clean features", run="etl train")
    g.link("raw -> etl -> clean -> train -> features")
    return g


EVERYONE_FROM_RAW = {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}, "train": {"raw"}, "features": {"raw"}}


def test_a_tag_reaches_everything_downstream_with_its_source_and_path(admin):
    g = pipeline(admin)
    g.classify("raw", "PII")
    assert g.holders("PII") == EVERYONE_FROM_RAW
    [copy] = g.classifications("clean")
    assert copy == {
        "name": "PII", "attributes": {}, "propagate": True, "propagated": True,
        "sourceId": "raw", "path": ["raw", "etl", "clean"],
    }
    [direct] = g.classifications("raw")
    assert (direct["propagated"], direct["sourceId"], direct["path"]) == (False, "raw", ["raw"])


def test_propagate_false_then_true_then_false(admin):
    g = pipeline(admin)
    g.classify("raw", "CONFIDENTIAL", propagate=False)
    assert g.holders("CONFIDENTIAL") == {"raw": {"raw"}}
    g.classify("raw", "CONFIDENTIAL", propagate=True)
    assert g.holders("CONFIDENTIAL") == EVERYONE_FROM_RAW
    g.classify("raw", "CONFIDENTIAL", propagate=False)
    assert g.holders("CONFIDENTIAL") == {"raw": {"raw"}}


def test_propagate_defaults_to_the_definition_and_an_omitted_flag_keeps_its_value(admin):
    admin.data('mutation { defineClassification(name: "LOCAL_ONLY", propagate: false) { name } }')
    g = pipeline(admin)
    g.classify("raw", "LOCAL_ONLY")
    assert g.holders("LOCAL_ONLY") == {"raw": {"raw"}}
    g.classify("raw", "LOCAL_ONLY", propagate=True)
    g.classify("raw", "LOCAL_ONLY")  # re-classified without a flag: still propagating
    assert g.holders("LOCAL_ONLY") == {n: {"raw"} for n in ["raw", "etl", "clean", "train", "features"]}


def test_two_sources_of_one_classification_stay_two_assignments(admin):
    #   crm ─┐
    #        ├─> join -> customers
    #   web ─┘
    g = Graph(admin, dataset="crm web customers", run="join")
    g.link("crm -> join -> customers", "web -> join")
    g.classify("crm", "PII")
    g.classify("web", "PII")
    assert g.holders("PII") == {
        "crm": {"crm"}, "web": {"web"}, "join": {"crm", "web"}, "customers": {"crm", "web"},
    }
    g.declassify("crm", "PII")
    assert g.holders("PII") == {"web": {"web"}, "join": {"web"}, "customers": {"web"}}


def parallel_paths(admin) -> Graph:
    #        ┌─> fast ─┐
    #   raw ─┤         ├─> clean -> report -> summary
    #        └─> slow ─┘
    g = Graph(admin, dataset="raw clean summary", run="fast slow report")
    g.link("raw -> fast -> clean", "raw -> slow -> clean", "clean -> report -> summary")
    return g


def test_a_block_on_one_of_two_parallel_paths_keeps_the_tag_through_the_other(admin):
    g = parallel_paths(admin)
    g.classify("raw", "PII")
    g.block("raw", "fast", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "slow": {"raw"}, "clean": {"raw"}, "report": {"raw"}, "summary": {"raw"}}
    assert g.assignment_path("clean", "PII", "raw") == ["raw", "slow", "clean"]
    g.block("raw", "slow", "PII")
    assert g.holders("PII") == {"raw": {"raw"}}


def test_a_block_stops_only_the_classification_it_names(admin):
    g = parallel_paths(admin)
    g.classify("raw", "PII")
    g.classify("raw", "CONFIDENTIAL")
    g.block("raw", "fast", "PII")
    g.block("raw", "slow", "PII")
    assert g.holders("PII") == {"raw": {"raw"}}
    assert set(g.holders("CONFIDENTIAL")) == {"raw", "fast", "slow", "clean", "report", "summary"}


def test_unblocking_restores_the_tag_downstream(admin):
    g = pipeline(admin)
    g.classify("raw", "PII")
    edge = g.block("clean", "train", "PII")
    assert edge["type"] == "INPUT_TO"
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}
    g.unblock("clean", "train", "PII")
    assert g.holders("PII") == EVERYONE_FROM_RAW


def test_a_block_added_before_the_tag_stops_it_too(admin):
    g = pipeline(admin)
    g.block("etl", "clean", "PII")
    g.classify("raw", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}}


def test_removing_one_of_two_paths_keeps_the_tag_and_removing_both_drops_it(admin):
    g = parallel_paths(admin)
    g.classify("raw", "PII")
    assert g.unlink("raw", "fast") is True
    assert g.holders("PII") == {"raw": {"raw"}, "slow": {"raw"}, "clean": {"raw"}, "report": {"raw"}, "summary": {"raw"}}
    assert g.assignment_path("summary", "PII", "raw") == ["raw", "slow", "clean", "report", "summary"]
    g.unlink("raw", "slow")
    assert g.holders("PII") == {"raw": {"raw"}}


def test_the_path_is_a_shortest_one_and_follows_a_new_shortcut(admin):
    #   raw -> a -> mid -> b -> out      and later      raw -> shortcut -> out
    g = Graph(admin, dataset="raw mid out", run="a b shortcut")
    g.link("raw -> a -> mid -> b -> out")
    g.classify("raw", "PII")
    assert g.assignment_path("out", "PII", "raw") == ["raw", "a", "mid", "b", "out"]
    g.link("raw -> shortcut -> out")
    assert g.assignment_path("out", "PII", "raw") == ["raw", "shortcut", "out"]
    g.unlink("shortcut", "out")
    assert g.assignment_path("out", "PII", "raw") == ["raw", "a", "mid", "b", "out"]


def test_a_tag_added_before_the_lineage_edge_exists_follows_the_new_edge(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.classify("raw", "PII")
    assert g.holders("PII") == {"raw": {"raw"}}
    g.link("raw -> etl -> clean")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}


def test_a_tag_added_after_the_lineage_edge_exists_reaches_downstream(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    g.classify("raw", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}


def test_an_attribute_update_is_seen_on_every_copy_at_once(admin):
    g = pipeline(admin)
    g.classify("raw", "EXPIRES_ON", attributes={"date": "2026-01-01"})
    assert [a["attributes"] for a in g.classifications("features")] == [{"date": "2026-01-01"}]
    g.classify("raw", "EXPIRES_ON", attributes={"date": "2027-06-30"})
    assert [(a["attributes"], a["propagated"]) for a in g.classifications("features")] == [
        ({"date": "2027-06-30"}, True)
    ]
    assert g.holders("EXPIRES_ON") == {n: {"raw"} for n in EVERYONE_FROM_RAW}


def test_deleting_the_source_keeps_its_tags_downstream(admin):
    g = pipeline(admin)
    g.classify("raw", "PII")
    g.delete("raw")
    live = ["etl", "clean", "train", "features"]
    assert g.holders("PII", among=live) == {n: {"raw"} for n in live}


def test_deleting_the_source_with_remove_on_source_delete_removes_its_tags_everywhere(admin):
    g = pipeline(admin)
    g.classify("raw", "PII", remove_on_source_delete=True)
    g.classify("raw", "CONFIDENTIAL")
    g.delete("raw")
    live = ["etl", "clean", "train", "features"]
    assert g.holders("PII", among=live) == {}
    assert g.holders("CONFIDENTIAL", among=live) == {n: {"raw"} for n in live}


def test_deleting_a_middle_entity_keeps_propagation_through_it(admin):
    # The data was still derived through it: history keeps the path (docs/ARCHITECTURE.md §4).
    g = pipeline(admin)
    g.classify("raw", "PII")
    g.delete("clean")
    live = ["raw", "etl", "train", "features"]
    assert g.holders("PII", among=live) == {n: {"raw"} for n in live}
    assert g.assignment_path("features", "PII", "raw") == ["raw", "etl", "clean", "train", "features"]


def test_a_cycle_carries_the_tag_around_once_and_lets_go_when_cut(admin):
    #   events -> sessionize -> sessions -> backfill -> events      (and sessions -> report -> kpis)
    g = Graph(admin, dataset="events sessions kpis", run="sessionize backfill report")
    g.link("events -> sessionize -> sessions -> backfill -> events", "sessions -> report -> kpis")
    g.classify("sessions", "PII")
    assert g.holders("PII") == {
        "sessions": {"sessions"}, "backfill": {"sessions"}, "events": {"sessions"},
        "sessionize": {"sessions"}, "report": {"sessions"}, "kpis": {"sessions"},
    }
    assert g.assignment_path("sessionize", "PII", "sessions") == ["sessions", "backfill", "events", "sessionize"]
    g.unlink("backfill", "events")
    assert g.holders("PII") == {"sessions": {"sessions"}, "backfill": {"sessions"}, "report": {"sessions"}, "kpis": {"sessions"}}


def test_two_sources_on_one_cycle_each_reach_the_whole_cycle(admin):
    #   a -> j1 -> b -> j2 -> a
    g = Graph(admin, dataset="a b", run="j1 j2")
    g.link("a -> j1 -> b -> j2 -> a")
    g.classify("a", "PII")
    g.classify("b", "PII")
    assert g.holders("PII") == {"a": {"a", "b"}, "j1": {"a", "b"}, "b": {"a", "b"}, "j2": {"a", "b"}}
    g.declassify("a", "PII")
    assert g.holders("PII") == {"a": {"b"}, "j1": {"b"}, "b": {"b"}, "j2": {"b"}}


def test_containers_pass_tags_to_their_members_and_a_moved_member_follows_its_new_container(admin):
    #   customers => customers_v1 => email            orders => orders_v1
    g = Graph(admin, dataset="customers orders", dataset_version="customers_v1 orders_v1", feature="email")
    g.contain("customers", "customers_v1")
    g.contain("customers_v1", "email")
    g.contain("orders", "orders_v1")
    g.classify("customers", "PII")
    assert g.holders("PII") == {"customers": {"customers"}, "customers_v1": {"customers"}, "email": {"customers"}}
    assert g.assignment_path("email", "PII", "customers") == ["customers", "customers_v1", "email"]
    g.contain("orders_v1", "email")
    assert g.holders("PII") == {"customers": {"customers"}, "customers_v1": {"customers"}}
    g.classify("orders", "CONFIDENTIAL")
    assert g.holders("CONFIDENTIAL") == {"orders": {"orders"}, "orders_v1": {"orders"}, "email": {"orders"}}


def test_a_member_created_inside_a_tagged_container_is_tagged_at_once(admin):
    g = Graph(admin, dataset="customers")
    g.classify("customers", "PII")
    [version] = admin.data(
        "mutation { upsertEntities(input: [{type: DATASET_VERSION, qualifiedName: \"test://customers/v2\", "
        "container: {type: DATASET, qualifiedName: \"test://customers\"}}]) { id classifications { name sourceId } } }"
    )["upsertEntities"]
    assert version["classifications"] == [{"name": "PII", "sourceId": g.ids["customers"]}]


def test_a_new_output_of_a_tagged_input_is_tagged_and_a_dropped_one_is_not(admin):
    g = Graph(admin, dataset="raw old_out new_out", run="job")
    g.classify("raw", "PII")
    g.record("job", inputs=["raw"], outputs=["old_out"])
    assert g.holders("PII") == {"raw": {"raw"}, "job": {"raw"}, "old_out": {"raw"}}
    g.record("job", inputs=["raw"], outputs=["new_out"])
    assert g.holders("PII") == {"raw": {"raw"}, "job": {"raw"}, "new_out": {"raw"}}
    g.record("job", inputs=[], outputs=["new_out"])
    assert g.holders("PII") == {"raw": {"raw"}}


def test_record_process_returns_the_process_with_its_new_tag(admin):
    g = Graph(admin, dataset="raw")
    g.classify("raw", "PII")
    run = admin.data(
        "mutation($in: ProcessInput!) { recordProcess(input: $in) { classifications { name sourceId path } } }",
        {"in": {"type": "RUN", "qualifiedName": "test://job", "inputs": [{"id": g.ids["raw"]}],
                "outputs": [{"type": "DATASET", "qualifiedName": "test://out"}]}},
    )["recordProcess"]
    assert run["classifications"] == [{"name": "PII", "sourceId": g.ids["raw"], "path": [g.ids["raw"], run_id(admin)]}]


def run_id(admin) -> str:
    return admin.data('query { entityByName(type: RUN, qualifiedName: "test://job") { id } }')["entityByName"]["id"]


def test_column_lineage_blocks_work_on_derives_edges(admin):
    #   email -> email_hash -> email_domain   (feature level; hashing anonymises)
    g = Graph(admin, feature="email email_hash email_domain")
    g.link("email -> email_hash -> email_domain")
    g.classify("email", "PII")
    g.block("email", "email_hash", "PII")
    assert g.holders("PII") == {"email": {"email"}}


def test_model_versions_and_deployments_inherit_from_training_data(admin):
    #   raw -> train -> model_v1 -> prod      (model => model_v1)
    g = Graph(admin, dataset="raw", run="train", model="model", model_version="model_v1", deployment="prod")
    g.contain("model", "model_v1")
    g.link("raw -> train -> model_v1 -> prod")
    g.classify("raw", "SENSITIVE")
    g.classify("model", "CONFIDENTIAL")
    assert g.holders("SENSITIVE") == {"raw": {"raw"}, "train": {"raw"}, "model_v1": {"raw"}, "prod": {"raw"}}
    assert g.holders("CONFIDENTIAL") == {"model": {"model"}, "model_v1": {"model"}, "prod": {"model"}}


def test_a_chain_longer_than_one_search_is_tagged_to_its_end(admin):
    # classify writes copies with one bounded search (50 hops) and continues from its frontier.
    names = [f"f{i}" for i in range(56)]
    g = Graph(admin, feature=" ".join(names))
    g.link(" -> ".join(names))
    g.classify("f0", "PII")
    assert g.holders("PII") == {name: {"f0"} for name in names}
    [copy] = g.classifications("f55")
    assert copy["path"] == names


def test_blocks_show_on_the_edge_and_in_lineage_answers(admin):
    g = Graph(admin, feature="email email_hash email_domain")
    g.link("email -> email_hash -> email_domain")
    g.classify("email", "PII")
    assert g.block("email", "email_hash", "PII")["blockedClassifications"] == ["PII"]
    answer = admin.data(
        "query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 2) { edges { source target blockedClassifications } } }",
        {"id": g.ids["email"]},
    )["lineage"]
    names = {v: k for k, v in g.ids.items()}
    edges = {(names[e["source"]], names[e["target"]]): e["blockedClassifications"] for e in answer["edges"]}
    assert edges == {("email", "email_hash"): ["PII"], ("email_hash", "email_domain"): []}
    assert g.unblock("email", "email_hash", "PII")["blockedClassifications"] == []
